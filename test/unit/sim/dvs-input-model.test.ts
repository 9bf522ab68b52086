// A model whose first layer is pooling (fixture pool_first: AvgPool2d(2) before the first
// convolution) gets that pooling in the DVS layer; with dvs_input off the pixel array is
// off, yet input sent by the host must still reach the first core, in both modes, and the
// same way: the DVS layer's sum pooling equals pooling the raster before the core.

import { describe, expect, it } from 'vitest';
import { LAYER_DVS } from '../../../main/common/spike-batch.js';
import { EventEngine } from '../../../main/sim/event-engine.js';
import { rasterToEvents } from '../../../main/sim/raster-events.js';
import { TimestepEngine } from '../../../main/sim/timestep-engine.js';
import { loadFixture } from '../../helpers/fixtures.js';
import { compileFixture } from './workloads.js';

describe('input pooling in the DVS layer', () => {
  const c = compileFixture(loadFixture('pool_first'));
  const T = 6;
  const raster = { shape: [T, 1, 14, 14] as [number, number, number, number], data: Array.from({ length: T * 196 }, (_, i) => ((i * 37) % 7 === 0 ? 3 : (i * 11) % 5 === 0 ? 1 : 0)) };

  it('the compiled configuration pools 2x2 in the DVS layer, pixel array off, routed to the first core', () => {
    expect(c.config.dvs_layer).toMatchObject({ pooling: { x: 2, y: 2 }, pass_sensor_events: false, merge: true, destinations: [{ layer: c.ordering[0], enable: true }, { enable: false }] });
  });

  it('host events reach the first core in event mode and in time-stepped mode', () => {
    const events = rasterToEvents(raster, LAYER_DVS);
    const engine = new EventEngine(c.config);
    let eventOut = 0;
    engine.process(events, (b) => (eventOut += b.length));
    const stepped = new TimestepEngine(c.config, { input: 'dvs' }).run(raster);
    const steppedOut = stepped.layerSpikeTotals[0]!.reduce((a, b) => a + b, 0);
    expect(engine.counters().dropped.dvs_sensor_disabled).toBe(0);
    expect(steppedOut).toBeGreaterThan(0);
    expect(eventOut).toBeGreaterThan(0);
  });

  it('pooling in the DVS layer gives what pooling the raster first gives the core directly', () => {
    const pooled = { shape: [T, 1, 7, 7] as [number, number, number, number], data: new Array<number>(T * 49).fill(0) };
    for (let t = 0; t < T; t++) for (let y = 0; y < 14; y++) for (let x = 0; x < 14; x++) pooled.data[t * 49 + (y >> 1) * 7 + (x >> 1)]! += raster.data[t * 196 + y * 14 + x]!;
    const viaDvs = new TimestepEngine(c.config, { input: 'dvs' }).run(raster);
    const direct = new TimestepEngine(c.config, { input: 'core', entryCore: c.ordering[0]! }).run(pooled);
    expect(Array.from(viaDvs.outputs.data)).toEqual(Array.from(direct.outputs.data));
  });
});
