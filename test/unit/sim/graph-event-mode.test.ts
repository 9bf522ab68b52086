// A graph configuration in event mode: the engine follows both destination slots of a
// core (a fork reaches two cores, a merge core takes both sources' events). Event counts
// must be conserved along the edges: each core's events in = the spikes its sources send
// (nothing dropped with pooling 1), and the monitored output = the exit core's spikes.
// Event mode is not expected to equal the time-stepped counts (event-vs-timestep.test.ts).

import { describe, expect, it } from 'vitest';
import { compileModel } from '../../../main/compiler/compile.js';
import { EventEngine } from '../../../main/sim/event-engine.js';
import { rasterToEvents } from '../../../main/sim/raster-events.js';
import type { SpikeBatch } from '../../../main/common/spike-batch.js';
import { graphFixtureWeights, loadGraphFixture } from '../../helpers/graph-fixtures.js';

describe('graph models in event mode', () => {
  it('residual_block_small: the fork core feeds both cores and the merge core sums both sources', () => {
    const f = loadGraphFixture('residual_block_small');
    const r = compileModel({ source: f.model_text, weights: graphFixtureWeights(f), inputShape: f.input_shape, device: 'speck2fdevkit' }, { modelKind: 'snn' });
    expect(r.error).toBeNull();
    const [c0, c1, c2] = r.placement!.ordering as [number, number, number];
    // Layer 0 -> layers 1 and 2, layer 1 -> layer 2 (destination_map {0: [1, 2], 1: [2], 2: [-1]}).
    expect(r.config!.cnn_layers[c0]!.destinations.map((d) => [d.layer, d.enable])).toEqual([[c1, true], [c2, true]]);
    const engine = new EventEngine(r.config!);
    const out: SpikeBatch[] = [];
    for (const raster of f.simulation!.rasters) {
      engine.process(rasterToEvents({ shape: raster.shape as [number, number, number, number], data: raster.data }, c0, { dt: 1e-3 }), (b) => out.push(b));
    }
    const k = engine.counters();
    const core = (c: number) => k.perCore[c]!;
    expect(core(c0).spikesOut).toBeGreaterThan(0);
    expect(core(c1).spikesOut).toBeGreaterThan(0);
    expect(core(c0).dropped + core(c1).dropped + core(c2).dropped).toBe(0);
    expect(core(c1).eventsIn).toBe(core(c0).spikesOut);
    expect(core(c2).eventsIn).toBe(core(c0).spikesOut + core(c1).spikesOut);
    const monitored = out.reduce((n, b) => n + b.length, 0);
    expect(monitored).toBe(core(c2).spikesOut);
    expect(k.eventsOut).toBe(monitored);
    expect(out.every((b) => Array.from(b.layer.subarray(0, b.length)).every((l) => l === c2))).toBe(true);
  });
});
