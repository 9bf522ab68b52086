// NIR export of the converted SNN: the files we write have the HDF5 layout of the real
// nir.write files (groups, datasets, dtypes, shapes, names; no attributes), the same
// arrays, and read back through our importer they compile to the golden results.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../../main/compiler/compile.js';
import { FormatError } from '../../../main/formats/format-error.js';
import { readNirGraph, type NirGraph } from '../../../main/formats/nir/nir-file.js';
import { exportNir, snnToNirGraph } from '../../../main/formats/nir/nir-export.js';
import { readNir } from '../../../main/formats/nir/nir-importer.js';
import type { Tensor } from '../../../main/formats/tensor.js';
import { packageRoot } from '../../../main/services/package-root.js';
import { fixtureWeights, loadFixture } from '../../helpers/fixtures.js';
import { hdf5Layout } from './hdf5-layout.js';
import { compiledView, expectedView, requestFor } from './imported-golden.js';

const DIR = `${packageRoot()}/test/fixtures/real/models/`;

function compiled(name: string) {
  const f = loadFixture(name);
  return { f, r: compileModel(requestFor(f, f.model_text, fixtureWeights(f)), { modelKind: f.kind }) };
}
function field(g: NirGraph, node: string, key: string): Tensor {
  return g.nodes.find((n) => n.name === node)!.fields.get(key) as Tensor;
}
function sortedEdges(g: NirGraph): string[] {
  return g.edges.map((e) => e.join(' -> ')).sort();
}

describe('NIR export of the converted SNN', () => {
  for (const name of ['lenet_seed_28', 'two_conv_bias', 'snn_sumpool']) {
    it(`${name}: the HDF5 layout equals the real nir.write file's, node for node`, async () => {
      const { r } = compiled(name);
      const { bytes } = await exportNir(r);
      const want = JSON.parse(readFileSync(`${DIR}${name}.nir.expected.json`, 'utf8')) as { hdf5_layout: unknown[] };
      const got = await hdf5Layout(bytes);
      expect(got.entries).toEqual(want.hdf5_layout);
      expect(got.attributes).toEqual([]);
    });

    it(`${name}: read back, the graph compiles to the golden expected block`, async () => {
      const { f, r } = compiled(name);
      const m = await readNir((await exportNir(r)).bytes);
      const view = compiledView(f, m, { kind: 'snn' });
      const want = expectedView(f);
      if (name === 'lenet_seed_28') {
        // The export writes the SNN after conversion, where each AvgPool2d(2) is a SumPool2d(2)
        // and the next layer's weights are already multiplied by 1/4; read back, nothing is left
        // to rescale (rescale_weights 1 instead of 0.25). The integers are the same.
        want.layers = want.layers.map((l, i) => (i >= 1 && i <= 3 ? { ...l, rescale_weights: 1 } : l));
      }
      expect(view).toEqual(want);
    });
  }

  it('two_conv_bias, snn_sumpool: every array equals the real file bit for bit, and the edges match', async () => {
    for (const name of ['two_conv_bias', 'snn_sumpool']) {
      const ours = await readNirGraph((await exportNir(compiled(name).r)).bytes);
      const real = await readNirGraph(new Uint8Array(readFileSync(`${DIR}${name}.nir`)));
      expect(sortedEdges(ours)).toEqual(sortedEdges(real));
      expect(ours.nodes.map((n) => [n.name, n.type])).toEqual(real.nodes.map((n) => [n.name, n.type]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
      for (const n of real.nodes) {
        for (const [key, v] of n.fields) {
          const o = field(ours, n.name, key);
          expect(o.shape, `${name} ${n.name}/${key}`).toEqual((v as Tensor).shape);
          expect(Array.from(o.data), `${name} ${n.name}/${key}`).toEqual(Array.from((v as Tensor).data));
        }
      }
    }
  });

  it('lenet_seed_28: AvgPool2d nodes are written as SumPool2d, the following weights times 1/4 (exact in float32)', async () => {
    const ours = await readNirGraph((await exportNir(compiled('lenet_seed_28').r)).bytes);
    const real = await readNirGraph(new Uint8Array(readFileSync(`${DIR}lenet_seed_28.nir`)));
    expect(sortedEdges(ours)).toEqual(sortedEdges(real));
    for (const p of ['2', '5', '8']) {
      expect(real.nodes.find((n) => n.name === p)!.type).toBe('AvgPool2d');
      expect(ours.nodes.find((n) => n.name === p)!.type).toBe('SumPool2d');
    }
    expect(Array.from(field(ours, '0', 'weight').data)).toEqual(Array.from(field(real, '0', 'weight').data));
    for (const w of ['3', '6', '10']) {
      expect(Array.from(field(ours, w, 'weight').data)).toEqual(Array.from(field(real, w, 'weight').data, (v) => v * 0.25));
    }
    expect(Array.from(field(ours, '12', 'weight').data)).toEqual(Array.from(field(real, '12', 'weight').data));
    expect(Array.from(field(ours, '9', 'input_type').data)).toEqual([128, 1, 1]);
  });

  it('pool_first with DVS input: the DVS pooling is a SumPool2d before the first Conv2d, and the integers survive the round trip', async () => {
    const f = loadFixture('pool_first');
    const req = { ...requestFor(f, f.model_text, fixtureWeights(f)), dvsInput: true };
    const r = compileModel(req, { modelKind: 'ann' });
    expect(r.error).toBeNull();
    const { graph } = snnToNirGraph(r);
    expect(graph.edges).toEqual([['input', 'dvs_pool'], ['dvs_pool', '1'], ['1', '2'], ['2', 'output']]);
    expect(graph.nodes.map((n) => n.type)).toEqual(['SumPool2d', 'Conv2d', 'IF', 'Input', 'Output']);
    expect(Array.from((graph.nodes[0]!.fields.get('kernel_size') as Tensor).data)).toEqual([2, 2]);
    const m = await readNir((await exportNir(r)).bytes);
    expect(m.inputShape).toEqual([1, 14, 14]);
    const back = compileModel({ ...req, source: m.modelText, weights: m.tensors }, { modelKind: 'snn' });
    expect(back.error).toBeNull();
    expect(back.dvs?.pooling).toEqual([2, 2]);
    expect(Array.from(back.layers[0]!.quantized.weights)).toEqual(Array.from(r.layers[0]!.quantized.weights));
    expect(back.layers[0]!.quantized.spikeThreshold).toBe(r.layers[0]!.quantized.spikeThreshold);
  });

  it('the notes say what NIR could not hold (min_v_mem, the spike function)', () => {
    const { notes } = snnToNirGraph(compiled('snn_sumpool').r);
    expect(notes.join(' ')).toMatch(/min_v_mem \(-1\)/);
    expect(notes.join(' ')).toMatch(/MultiSpike/);
  });

  it('a model that did not convert has nothing to export', () => {
    const f = loadFixture('two_conv_bias');
    const r = compileModel(requestFor(f, 'nn.Sequential(nn.Sigmoid())', new Map()), { modelKind: 'ann' });
    expect(() => snnToNirGraph(r)).toThrow(FormatError);
  });
});
