// The product path end to end: fixtures and benchmark workloads compiled by
// main/compiler, then simulated time-stepped; every recorded reference output must come
// out bit for bit.

import { describe, expect, it } from 'vitest';
import { TimestepEngine } from '../../../main/sim/timestep-engine.js';
import { fixtureNames, loadFixture } from '../../helpers/fixtures.js';
import { compileFixture, loadBenchWorkload } from './workloads.js';

const withSimulation = fixtureNames().filter((n) => loadFixture(n).simulation !== undefined);

describe('compiled fixtures, time-stepped, against the reference', () => {
  for (const name of withSimulation) {
    it(name, () => {
      const f = loadFixture(name);
      const sim = f.simulation!;
      const { config, ordering } = compileFixture(f);
      expect(ordering).toEqual(f.expected.mapping!.speck2fdevkit!.chip_layers_ordering);
      sim.rasters.forEach((raster, r) => {
        const engine = new TimestepEngine(config);
        expect(engine.chain).toEqual(ordering);
        const res = engine.run({ shape: raster.shape as [number, number, number, number], data: raster.data });
        expect(res.outputs.shape).toEqual(sim.outputs.dynapcnn_discretized[r]!.shape);
        expect(Array.from(res.outputs.data)).toEqual(sim.outputs.dynapcnn_discretized[r]!.data);
        expect(res.layerSpikeTotals).toEqual(sim.layer_spike_totals.dynapcnn_discretized[r]);
      });
    });
  }
});

describe('benchmark workloads, time-stepped: exit counts per channel equal the reference', () => {
  for (const name of ['lenet', 'dvs128'] as const) {
    it(name, () => {
      const w = loadBenchWorkload(name);
      expect(w.raster.shape).toEqual([w.meta.time_bins, ...w.meta.input_shape]);
      let events = 0;
      for (let i = 0; i < w.raster.data.length; i++) events += w.raster.data[i]!;
      expect(events).toBe(w.meta.input_events);
      const res = new TimestepEngine(w.config).run(w.raster);
      const [, C, H, W] = res.outputs.shape;
      const perChannel = new Array<number>(C).fill(0);
      res.outputs.data.forEach((v, i) => (perChannel[Math.floor(i / (H * W)) % C]! += v));
      expect(perChannel).toEqual(w.meta.reference_exit_counts_timestep);
    });
  }
});
