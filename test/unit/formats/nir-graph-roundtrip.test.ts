// Graph networks through NIR and back: every sinabs graph fixture that compiles and has a
// reference simulation is exported as a NIR graph (splits as several edges out of a node,
// merges as several edges into one), read back as the nn.Module class form, compiled
// again, and run in time-stepped mode on the fixture's inputs: the exits' spikes equal
// those of the original compile, and each chip layer's integer weights are the same.

import { describe, expect, it } from 'vitest';
import { compileModel } from '../../../main/compiler/compile.js';
import type { CompileRequest, CompileResult } from '../../../main/compiler/compile-types.js';
import { exportNir, snnToNirGraph } from '../../../main/formats/nir/nir-export.js';
import { readNir } from '../../../main/formats/nir/nir-importer.js';
import { TimestepEngine } from '../../../main/sim/timestep-engine.js';
import { graphFixtureNames, graphFixtureWeights, loadGraphFixture, type GraphFixture } from '../../helpers/graph-fixtures.js';

function request(f: GraphFixture): CompileRequest {
  const req: CompileRequest = { source: f.model_text, weights: graphFixtureWeights(f), inputShape: f.input_shape, device: 'speck2fdevkit', dvsInput: f.dvs_input === true };
  if (f.conversion) req.conversion = { spikeThreshold: f.conversion.spike_threshold, minVMem: f.conversion.min_v_mem, reset: f.conversion.reset };
  return req;
}

/** Exit spikes of a time-stepped run, in a fixed order (exit cores differ between the two compiles). */
function exits(r: CompileResult, raster: { shape: number[]; data: number[] }): string[] {
  const engine = new TimestepEngine(r.config!, { entryCores: r.entryLayers.map((l) => r.placement!.ordering[l]!) });
  const res = engine.run({ shape: raster.shape as [number, number, number, number], data: raster.data });
  return res.exits.map((x) => `${x.outputs.shape.join('x')}:${Array.from(x.outputs.data).join(',')}`).sort();
}

/** Each chip layer's integer weights, as a sorted list of fingerprints (layer numbering may differ). */
function weightSets(r: CompileResult): string[] {
  return r.layers.map((l) => `${l.conv.inChannels}->${l.conv.outChannels}:${Array.from(l.quantized.weights).join(',')}`).sort();
}

const cases = graphFixtureNames().filter((n) => {
  const f = loadGraphFixture(n);
  return f.simulation && !f.dvs_input && !f.expected.error && n !== 'fan_in_three' && n !== 'flatten_merge_shape_mismatch';
});

describe('graph networks through NIR and back', () => {
  it('covers the simulated graph fixtures', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });

  for (const name of cases) {
    it(`${name}: same integer weights, same exit spikes in time-stepped mode`, async () => {
      const f = loadGraphFixture(name);
      const req = request(f);
      const r = compileModel(req, { modelKind: f.kind });
      expect(r.error).toBeNull();
      const m = await readNir((await exportNir(r)).bytes);
      expect(m.modelText).toContain('class Net(nn.Module):');
      const back = compileModel({ ...req, source: m.modelText, weights: m.tensors, conversion: { ...req.conversion, minVMem: f.conversion?.min_v_mem ?? -1 } }, { modelKind: 'snn' });
      expect(back.error, back.error?.message).toBeNull();
      expect(back.layers).toHaveLength(r.layers.length);
      expect(weightSets(back)).toEqual(weightSets(r));
      for (const raster of f.simulation!.rasters) expect(exits(back, raster)).toEqual(exits(r, raster));
    });
  }

  it('two heads: a split pooled on one branch only, and one Output node per exit with its shape', () => {
    const f = loadGraphFixture('split_two_heads_pool_one');
    const { graph } = snnToNirGraph(compileModel(request(f), { modelKind: f.kind }));
    const from = (n: string) => graph.edges.filter(([a]) => a === n).map(([, b]) => b).sort();
    // conv_stem -> iaf_stem, which feeds conv_b directly and conv_a through pool_a (2x2).
    expect(from('conv_stem')).toEqual(['iaf_stem']);
    expect(from('iaf_stem')).toEqual(['conv_b', 'pool_a']);
    expect(graph.nodes.find((n) => n.name === 'pool_a')!.type).toBe('SumPool2d');
    expect(from('pool_a')).toEqual(['conv_a']);
    const outs = graph.nodes.filter((n) => n.type === 'Output').map((n) => n.name).sort();
    expect(outs).toEqual(['output', 'output_1']);
  });
});
