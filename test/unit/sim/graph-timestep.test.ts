// Time-stepped simulation of compiled graph models, bit-exact with the graph fixtures'
// `simulation.outputs.dynapcnn_discretized` and `layer_spike_totals` (sinabs v3.1.3's
// forward of the discretized DynapcnnNetwork; README's independent_check gives the rules).
// Layers are matched to the reference's by their conv attribute, then to our cores by the
// placement. fan_in_three is checked against the fixture's n-ary reference (sinabs' own
// forward fails on three inputs; the chip sums them). Not simulated here: fan_out_three
// (no configuration: a core has two destination slots) and flatten_merge_shape_mismatch
// (rejected at conversion on purpose). The "dvs" totals are not compared (the engine
// reports cores only).

import { describe, expect, it } from 'vitest';
import { compileModel } from '../../../main/compiler/compile.js';
import type { CompileRequest } from '../../../main/compiler/compile-types.js';
import { graphReport } from '../../../main/compiler/graph/graph-report.js';
import { TimestepEngine } from '../../../main/sim/timestep-engine.js';
import { graphFixtureNames, graphFixtureWeights, loadGraphFixture, type GraphFixture } from '../../helpers/graph-fixtures.js';

const NOT_SIMULATED = new Set(['fan_out_three', 'flatten_merge_shape_mismatch']);

function request(f: GraphFixture): CompileRequest {
  const req: CompileRequest = { source: f.model_text, weights: graphFixtureWeights(f), inputShape: f.input_shape, device: 'speck2fdevkit', dvsInput: f.dvs_input === true };
  if (f.conversion) req.conversion = { spikeThreshold: f.conversion.spike_threshold, minVMem: f.conversion.min_v_mem, reset: f.conversion.reset };
  return req;
}

const cases = graphFixtureNames().filter((n) => loadGraphFixture(n).simulation && !NOT_SIMULATED.has(n));

describe('graph models in time-stepped mode equal the reference', () => {
  it('covers the fixtures with simulations', () => {
    expect(cases).toEqual([
      'dummy1_residual', 'dummy2_merge_split', 'dummy3_two_inputs', 'dummy4_complex', 'residual_block_small',
      'split_two_heads_pool_one', 'fan_in_three', 'dvs_input_two_branches', 'ann_residual_avgpool',
    ]);
  });

  for (const name of cases) {
    it(`${name}: exit outputs and per-destination spike totals, bit-exact`, () => {
      const f = loadGraphFixture(name);
      const sim = f.simulation!;
      const nary = name === 'fan_in_three';
      const outputs = nary ? sim.outputs.dynapcnn_discretized_nary_merge! : sim.outputs.dynapcnn_discretized;
      const totals = nary ? sim.layer_spike_totals.dynapcnn_discretized_nary_merge! : sim.layer_spike_totals.dynapcnn_discretized;
      const r = compileModel(request(f), { modelKind: f.kind });
      expect(r.error).toBeNull();
      const g = graphReport(r)!;
      // Their layer number -> our core.
      const coreOf = new Map<number, number>();
      for (const e of f.expected.layers!) {
        const i = g.layers.findIndex((l) => l.modules.conv === e.modules.conv);
        coreOf.set(e.index, r.placement!.ordering[i]!);
      }
      const options = f.dvs_input ? { input: 'dvs' as const } : { entryCores: r.entryLayers.map((l) => r.placement!.ordering[l]!) };
      sim.rasters.forEach((raster, k) => {
        const engine = new TimestepEngine(r.config!, options);
        const res = engine.run({ shape: raster.shape as [number, number, number, number], data: raster.data });
        expect(outputs[k]!.length).toBeGreaterThan(0);
        expect(res.exits.reduce((a, x) => a + x.outputs.data.reduce((p, q) => p + q, 0), 0)).toBeGreaterThan(0);
        for (const want of outputs[k]!) {
          expect(want.destination).toBeLessThan(0);
          const exit = res.exits.find((x) => x.core === coreOf.get(want.layer))!;
          expect(exit.outputs.shape).toEqual(want.spikes.shape);
          expect(Array.from(exit.outputs.data)).toEqual(want.spikes.data);
        }
        for (const [layer, byDest] of Object.entries(totals[k]!)) {
          if (layer === 'dvs') continue;
          const core = coreOf.get(Number(layer))!;
          const pos = res.chain.indexOf(core);
          const slots = r.config!.cnn_layers[core]!.destinations.filter((d) => d.enable).map((d) => d.layer);
          for (const [dest, perStep] of Object.entries(byDest)) {
            const d = Number(dest);
            if (d < 0) {
              const exit = res.exits.find((x) => x.core === core)!;
              const [T, c, h, w] = exit.outputs.shape;
              const n = c * h * w;
              const sums = Array.from({ length: T }, (_, t) => exit.outputs.data.subarray(t * n, (t + 1) * n).reduce((a, b) => a + b, 0));
              expect(sums).toEqual(perStep);
            } else {
              expect(res.destinationTotals[pos]![slots.indexOf(coreOf.get(d)!)]).toEqual(perStep);
            }
          }
        }
      });
    });
  }
});
