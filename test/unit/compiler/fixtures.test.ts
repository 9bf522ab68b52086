// Every golden fixture (made by running the reference library, sinabs v3.1.3 and the
// v2.0.3 cross-check) compiled by our pipeline: layers, integers, memory, candidates and
// placements must equal the recorded ones; where the reference raised, we raise the
// corresponding error — except snn_plain_iaf and pool_first, which we accept on purpose
// (the issue's decision) and check against the v2.0.3 results instead.

import { describe, expect, it } from 'vitest';
import { compileModel } from '../../../main/compiler/compile.js';
import type { CompileRequest, CompileResult } from '../../../main/compiler/compile-types.js';
import { expectGoldenResult } from '../../helpers/golden-compare.js';
import { compileReport } from '../../../main/compiler/compile-report.js';
import { fixtureNames, fixtureWeights, loadFixture, type Fixture } from '../../helpers/fixtures.js';

const ACCEPTED_ON_PURPOSE = new Set(['snn_plain_iaf', 'pool_first']);

function requestFor(f: Fixture, device = 'speck2fdevkit'): CompileRequest {
  const req: CompileRequest = {
    source: f.model_text,
    weights: fixtureWeights(f),
    inputShape: f.input_shape,
    device,
  };
  if (f.conversion) {
    req.conversion = { spikeThreshold: f.conversion.spike_threshold, minVMem: f.conversion.min_v_mem, reset: f.conversion.reset };
  }
  return req;
}

function compileFixture(f: Fixture, device?: string): CompileResult {
  return compileModel(requestFor(f, device), { modelKind: f.kind });
}

describe('golden fixtures (sinabs v3.1.3)', () => {
  for (const name of fixtureNames()) {
    const f = loadFixture(name);
    const expected = f.expected;
    if (expected.error && !ACCEPTED_ON_PURPOSE.has(name)) {
      it(`${name}: rejected like the reference (${expected.error.class}, ${expected.error.stage})`, () => {
        const r = compileFixture(f);
        expect(r.ok).toBe(false);
        expect(r.error?.class).toBe(expected.error!.class);
        const stage = expected.error!.stage === 'from_model' ? 'conversion' : expected.error!.stage;
        expect(r.error?.stage).toBe(stage);
        if (stage === 'mapping') {
          // The layers were still built: compare them like a successful case.
          const report = compileReport(r);
          expect(report.memory_summary).toEqual(expected.memory_summary);
          expect(report.candidate_cores).toEqual(expected.candidate_cores);
          expect(report.mapping?.speck2fdevkit).toHaveProperty('error');
        }
      });
      continue;
    }
    if (ACCEPTED_ON_PURPOSE.has(name)) continue;
    it(`${name}: layers, integers, memory and placement equal the reference`, () => {
      const r = compileFixture(f);
      expectGoldenResult(r, f);
      expected.layers!.forEach((e, i) => {
        if (e.float_weights) {
          expect(Array.from(r.layers[i]!.float.weights)).toEqual(e.float_weights.data.map(Math.fround));
        }
      });
    });
  }
});

describe('cases we accept although sinabs v3.1.3 rejects them (checked against v2.0.3)', () => {
  for (const name of ACCEPTED_ON_PURPOSE) {
    it(`${name}: compiles like sinabs v2.0.3`, () => {
      const f = loadFixture(name);
      const v2 = f.crosscheck_v2_0_3;
      expect(v2.error).toBeNull();
      const r = compileFixture(f);
      expect(r.error).toBeNull();
      const report = compileReport(r);
      const v2Layers = v2.layers as Array<{ conv: unknown; input_shape: number[]; neuron_shape: number[]; pooling: number[][]; spike_threshold: number; min_v_mem: number; memory: unknown }>;
      expect(report.layers!.map((l) => ({ conv: l.conv, input_shape: l.input_shape, neuron_shape: l.neuron_shape, pooling: l.pooling, spike_threshold: l.spike_threshold, min_v_mem: l.min_v_mem, memory: l.memory }))).toEqual(
        v2Layers.map((l) => ({ conv: l.conv, input_shape: l.input_shape, neuron_shape: l.neuron_shape, pooling: l.pooling, spike_threshold: l.spike_threshold, min_v_mem: l.min_v_mem, memory: l.memory })),
      );
      expect(report.mapping?.speck2fdevkit).toMatchObject({ chip_layers_ordering: v2.mapping!.speck2fdevkit!.chip_layers_ordering });
    });
  }

  it('pool_first: the leading AvgPool2d becomes DVS pooling and rescales the first core by 1/4', () => {
    const r = compileFixture(loadFixture('pool_first'));
    expect(r.dvs?.pooling).toEqual([2, 2]);
    expect(r.layers[0]!.rescaleWeights).toBe(0.25);
    expect(r.config!.dvs_layer.destinations[0]).toEqual({ layer: r.placement!.ordering[0], enable: true });
    expect(r.config!.dvs_layer.pooling).toEqual({ x: 2, y: 2 });
    expect(r.config!.dvs_layer.pass_sensor_events).toBe(false);
  });
});

describe('cross-check placements of sinabs v2.0.3 (DYNAP-CNN devkit, 5-core Speck2dMini)', () => {
  for (const name of fixtureNames()) {
    const f = loadFixture(name);
    const v2 = f.crosscheck_v2_0_3;
    if (v2.error || !v2.mapping) continue;
    for (const device of ['dynapcnndevkit', 'speck2dmini'] as const) {
      const want = v2.mapping[device];
      if (!want) continue;
      it(`${name} on ${device}: ${want.chip_layers_ordering ? `cores [${want.chip_layers_ordering.join(', ')}]` : 'no valid mapping'}`, () => {
        const r = compileFixture(f, device);
        if (r.error && r.error.stage !== 'mapping') {
          // v2.0.3 accepted this model but v3.1.3 (which we follow) rejects it before placement.
          expect(f.expected.error?.stage).toBe('conversion');
          return;
        }
        if (want.chip_layers_ordering) {
          expect(r.placement?.ordering).toEqual(want.chip_layers_ordering);
        } else {
          expect(r.error?.stage).toBe('mapping');
          expect(r.error?.message).toMatch(/^No valid mapping found/);
        }
      });
    }
  }
});
