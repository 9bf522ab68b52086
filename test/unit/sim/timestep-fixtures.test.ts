// Time-stepped mode against the reference library's own forward passes: every
// `simulation` block of the golden fixtures, with the fixture's recorded integer layers
// placed on its recorded cores (compiler-independent; the compiled path is checked in
// compiled-fixtures.test.ts).

import { describe, expect, it } from 'vitest';
import { TimestepEngine } from '../../../main/sim/timestep-engine.js';
import { fixtureNames, loadFixture } from '../../helpers/fixtures.js';
import { configFromFixture } from './chip-config-builder.js';

const withSimulation = fixtureNames().filter((n) => loadFixture(n).simulation !== undefined);

describe('time-stepped mode reproduces the reference (dynapcnn_discretized)', () => {
  it('covers the six fixtures that have a simulation block', () => {
    expect(withSimulation.sort()).toEqual(['lenet_seed_28', 'mlp_three_linear', 'padding_avgpool', 'reset_to_zero', 'single_conv_3x3', 'two_conv_bias']);
  });

  for (const name of withSimulation) {
    it(`${name}: outputs and layer spike totals, bit for bit`, () => {
      const f = loadFixture(name);
      const sim = f.simulation!;
      const { config, ordering } = configFromFixture(f);
      sim.rasters.forEach((raster, r) => {
        const engine = new TimestepEngine(config);
        expect(engine.chain).toEqual(ordering);
        const res = engine.run({ shape: raster.shape as [number, number, number, number], data: raster.data });
        const expected = sim.outputs.dynapcnn_discretized[r]!;
        expect(res.outputs.shape).toEqual(expected.shape);
        expect(Array.from(res.outputs.data)).toEqual(expected.data);
        expect(res.layerSpikeTotals).toEqual(sim.layer_spike_totals.dynapcnn_discretized[r]);
      });
    });
  }
});
