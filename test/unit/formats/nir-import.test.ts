// NIR import: the real files nir.write produced (nir 1.0.4, sinabs 3.1.3; their
// expected.json worked out with nir.read and h5py), graphs edited from them for the bad
// cases (dangling edges, unknown node types, leaky neurons), and a seeded fuzz run.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../main/formats/format-error.js';
import { importerFor, MODEL_IMPORTERS } from '../../../main/formats/model-importers.js';
import { hasHdf5Signature } from '../../../main/formats/nir/hdf5-memory.js';
import { readNirGraph, writeNirGraph, type NirGraph } from '../../../main/formats/nir/nir-file.js';
import { importNirGraph } from '../../../main/formats/nir/nir-import.js';
import { readNir } from '../../../main/formats/nir/nir-importer.js';
import type { Tensor } from '../../../main/formats/tensor.js';
import { packageRoot } from '../../../main/services/package-root.js';
import { loadFixture } from '../../helpers/fixtures.js';
import { hdf5Layout } from './hdf5-layout.js';
import { compiledView, expectedView } from './imported-golden.js';
import { mutate } from './seeded-mutations.js';

const DIR = `${packageRoot()}/test/fixtures/real/models/`;
const CASES = ['lenet_seed_28', 'two_conv_bias', 'snn_sumpool'] as const;

interface ExpectedArray {
  dtype: string;
  shape: number[];
  values?: number[];
  sha256_float32_le?: string;
}
interface ExpectedNir {
  case: string;
  input_shape: [number, number, number];
  hdf5_layout: unknown[];
  nodes: Record<string, Record<string, unknown> & { type: string }>;
  node_names_in_file_order: string[];
  edges_sorted: Array<[string, string]>;
  chain_from_edges: string[];
}

function bytesOf(c: string): Uint8Array {
  return new Uint8Array(readFileSync(`${DIR}${c}.nir`));
}
function expectedOf(c: string): ExpectedNir {
  return JSON.parse(readFileSync(`${DIR}${c}.nir.expected.json`, 'utf8')) as ExpectedNir;
}
function sha(t: Tensor): string {
  return createHash('sha256').update(new Uint8Array(Float32Array.from(t.data).buffer)).digest('hex');
}
async function formatError(p: Promise<unknown>): Promise<FormatError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('expected a FormatError, got a result');
}
async function edited(c: string, edit: (g: NirGraph) => void): Promise<Uint8Array> {
  const g = await readNirGraph(bytesOf(c));
  edit(g);
  return writeNirGraph(g);
}

describe('NIR: real files written by nir.write (nir 1.0.4)', () => {
  for (const c of CASES) {
    it(`${c}.nir: HDF5 layout, node fields and edges as recorded`, async () => {
      const exp = expectedOf(c);
      const bytes = bytesOf(c);
      expect(hasHdf5Signature(bytes)).toBe(true);
      const layout = await hdf5Layout(bytes);
      expect(layout.entries).toEqual(exp.hdf5_layout);
      expect(layout.attributes).toEqual([]);
      const g = await readNirGraph(bytes);
      expect(g.version).toBe('1.0.4');
      expect(g.nodes.map((n) => n.name)).toEqual(exp.node_names_in_file_order);
      expect([...g.edges].sort((a, b) => (a.join('\0') < b.join('\0') ? -1 : 1))).toEqual(exp.edges_sorted);
      for (const n of g.nodes) {
        const want = exp.nodes[n.name]!;
        expect(n.type).toBe(want.type);
        for (const [field, value] of n.fields) {
          if (typeof value === 'string') continue;
          const w = want[field === 'shape' ? (n.type === 'Input' ? 'input_type' : 'output_type') : field];
          const arr = (field === 'shape' || (field === 'input_type' && n.type === 'Flatten') ? Object.values(w as object)[0] ?? w : w) as ExpectedArray | number;
          if (typeof arr === 'number') {
            expect(Array.from(value.data), `${n.name}/${field}`).toEqual([arr]);
            continue;
          }
          expect(value.shape, `${n.name}/${field}`).toEqual(arr.shape);
          if (arr.values) expect(Array.from(value.data), `${n.name}/${field}`).toEqual(arr.values.map((v) => (value.dtype === 'F32' ? Math.fround(v) : v)));
          if (arr.sha256_float32_le) expect(sha(value), `${n.name}/${field}`).toBe(arr.sha256_float32_le);
        }
      }
    });

    it(`${c}.nir: the layers follow the edges (not the file's name order) and compile to the golden expected block`, async () => {
      const f = loadFixture(c);
      const m = await readNir(bytesOf(c));
      expect(m.format).toBe('NIR 1.0.4');
      expect(m.inputShape).toEqual(expectedOf(c).input_shape);
      // The chain has one layer per node between input and output.
      expect(m.modelText.split('\n').length - 2).toBe(expectedOf(c).chain_from_edges.length - 2);
      expect(m.notes.join(' ')).toMatch(/min_v_mem is not stored \(assumed -1\.0/);
      expect(m.notes.join(' ')).toMatch(/reset mode is not stored \(assumed subtract/);
      // The golden cases were converted with min_v_mem=-1.0 and reset subtract, the values assumed
      // for what NIR cannot store, so the compiled result equals the recorded one in every field.
      const view = compiledView(f, m, { kind: 'snn' });
      expect(view.error).toBeNull();
      expect(view).toEqual(expectedView(f));
    });
  }

  it('snn_sumpool.nir: model text with sl.SumPool2d and the IF thresholds', async () => {
    const m = await readNir(bytesOf('snn_sumpool'));
    expect(m.modelText).toBe(
      'nn.Sequential(\n' +
        '    nn.Conv2d(1, 4, kernel_size=3, stride=1, padding=0, bias=False),\n' +
        '    sl.IAFSqueeze(spike_threshold=1.0, min_v_mem=-1.0, batch_size=1),\n' +
        '    sl.SumPool2d(kernel_size=2),\n' +
        '    nn.Conv2d(4, 2, kernel_size=3, stride=1, padding=0, bias=False),\n' +
        '    sl.IAFSqueeze(spike_threshold=1.0, min_v_mem=-1.0, batch_size=1),\n' +
        ')',
    );
    expect([...m.tensors.keys()]).toEqual(['0.weight', '3.weight']);
    expect(m.notes.join(' ')).toMatch(/2 all-zero bias/);
  });

  it('lenet_seed_28.nir: groups sorted 0, 1, 10, 11, 12, 2 ... are put back in edge order', async () => {
    const m = await readNir(bytesOf('lenet_seed_28'));
    const kinds = m.modelText.split('\n').slice(1, -1).map((l) => l.trim().replace(/\(.*$/, ''));
    expect(kinds).toEqual([
      'nn.Conv2d', 'sl.IAFSqueeze', 'nn.AvgPool2d', 'nn.Conv2d', 'sl.IAFSqueeze', 'nn.AvgPool2d', 'nn.Conv2d', 'sl.IAFSqueeze',
      'nn.AvgPool2d', 'nn.Flatten', 'nn.Linear', 'sl.IAFSqueeze', 'nn.Linear', 'sl.IAFSqueeze',
    ]);
  });

  it('two_conv_bias.nir: non-zero biases are kept', async () => {
    const m = await readNir(bytesOf('two_conv_bias'));
    expect(m.modelText).toContain('nn.Conv2d(2, 8, kernel_size=3, stride=1, padding=0, bias=True)');
    expect(Array.from(m.tensors.get('0.bias')!.data)).toEqual(
      [-0.022700000554323196, -0.02199999988079071, -0.08340000361204147, 0.17069999873638153, 0.09099999815225601, 0.10639999806880951, -0.23240000009536743, -0.03669999912381172].map(Math.fround),
    );
  });

  it('an IF with v_reset (newer NIR writers) is read as subtract, and the note says so', async () => {
    const bytes = await edited('two_conv_bias', (g) => {
      g.nodes.find((n) => n.name === '1')!.fields.set('v_reset', { dtype: 'F32', shape: [8, 8, 8], data: new Float32Array(512) });
    });
    const m = await readNir(bytes);
    expect(m.notes.join(' ')).toMatch(/NIR node '1' \(IF\) has v_reset = 0; .* read here as subtract/);
  });

  it('the importer table finds the NIR row for .nir bytes', async () => {
    expect(MODEL_IMPORTERS.map((i) => i.id)).toEqual(expect.arrayContaining(['onnx', 'nir']));
    expect(importerFor(bytesOf('two_conv_bias'))?.id).toBe('nir');
    const m = await importerFor(bytesOf('two_conv_bias'))!.read(bytesOf('two_conv_bias'));
    expect(m.tensors.size).toBe(4);
  });
});

describe('NIR: bad input', () => {
  it('a dangling edge names the missing node', async () => {
    const bytes = await edited('two_conv_bias', (g) => g.edges.push(['3', 'ghost']));
    const e = await formatError(readNir(bytes));
    expect(e.code).toBe('DANGLING_INPUT');
    expect(e.message).toContain("'ghost'");
    expect(e.details).toMatchObject({ from: '3', to: 'ghost', missing: 'ghost' });
  });

  it('a chain that stops before Output is reported', async () => {
    const bytes = await edited('two_conv_bias', (g) => {
      g.edges = g.edges.filter(([a]) => a !== '2');
    });
    const e = await formatError(readNir(bytes));
    expect(e.code).toBe('DANGLING_INPUT');
    expect(e.message).toContain("NIR node '2' (Conv2d) has no outgoing edge");
  });

  it('an unknown node type names the node and its type', async () => {
    const bytes = await edited('two_conv_bias', (g) => {
      g.nodes.find((n) => n.name === '1')!.type = 'Banana';
    });
    const e = await formatError(readNir(bytes));
    expect(e.code).toBe('UNSUPPORTED_OP');
    expect(e.message).toContain("NIR node '1' has the node type 'Banana'");
  });

  for (const type of ['LIF', 'CubaLIF']) {
    it(`${type} is refused with the reason (the chip's neurons do not leak)`, async () => {
      const bytes = await edited('two_conv_bias', (g) => {
        g.nodes.find((n) => n.name === '1')!.type = type;
      });
      const e = await formatError(readNir(bytes));
      expect(e.code).toBe('UNSUPPORTED_NEURON');
      expect(e.message).toContain(`is a ${type} neuron`);
      expect(e.message).toMatch(/integrate and fire without leak/);
    });
  }

  it('a branching graph reads as the nn.Module class form, the two inputs of Output summed by an sl.Merge', async () => {
    const bytes = await edited('two_conv_bias', (g) => g.edges.push(['1', 'output']));
    const m = await readNir(bytes);
    expect(m.modelText).toContain('class Net(nn.Module):');
    expect(m.modelText).toContain('        self.merge_1 = sl.Merge()');
    expect(m.modelText).toMatch(/ {8}merge_1_out = self\.merge_1\(n3_out, n1_out\)\n {8}return merge_1_out\n/);
    expect([...m.tensors.keys()].sort()).toEqual(['n0.bias', 'n0.weight', 'n2.bias', 'n2.weight']);
  });

  it('a cycle is refused, naming the nodes on it', async () => {
    const bytes = await edited('two_conv_bias', (g) => g.edges.push(['3', '0']));
    const e = await formatError(readNir(bytes));
    expect(e.code).toBe('NOT_SEQUENTIAL');
    expect(e.message).toMatch(/cannot be reached from the Input node without a cycle/);
  });

  it('per-neuron thresholds that differ are refused (one threshold per chip layer)', async () => {
    const bytes = await edited('two_conv_bias', (g) => {
      const t = g.nodes.find((n) => n.name === '1')!.fields.get('v_threshold') as Tensor;
      (t.data as Float32Array)[5] = 2;
    });
    expect((await formatError(readNir(bytes))).message).toMatch(/'v_threshold' differs between neurons \(1 and 2 at 5\)/);
  });

  it('an HDF5 file that is not a NIR graph, and bytes that are not HDF5, are FormatErrors', async () => {
    const notNir = await edited('two_conv_bias', (g) => {
      g.nodes = [];
      g.edges = [];
    });
    expect((await formatError(readNir(notNir))).code).toBe('NOT_SEQUENTIAL');
    expect((await formatError(readNir(new TextEncoder().encode('not hdf5 at all')))).code).toBe('BAD_HEADER');
  });

  it('truncated files are a FormatError at every cut', async () => {
    const bytes = bytesOf('two_conv_bias');
    for (let cut = 0; cut < bytes.length; cut += 997) {
      await expect(readNir(bytes.subarray(0, cut))).rejects.toThrow(FormatError);
    }
  });

  it('fuzz: 300 seeded mutations and truncations give a FormatError or a valid model, nothing else', async () => {
    const src = bytesOf('two_conv_bias');
    let errors = 0;
    let models = 0;
    for (let i = 0; i < 300; i++) {
      const bad = mutate(src, 23, i, 4096);
      try {
        const m = await readNir(bad);
        expect(m.modelText).toMatch(/^(nn\.Sequential\(|import torch\.nn as nn\n)/);
        models++;
      } catch (e) {
        if (!(e instanceof FormatError)) throw new Error(`mutation ${i}: ${String(e)}`);
        errors++;
      }
    }
    expect(errors + models).toBe(300);
    expect(errors).toBeGreaterThan(0);
    // The library still works after all that damage.
    expect((await readNir(src)).tensors.size).toBe(4);
  }, 60_000);

  it('importNirGraph checks the graph it is given, not only files', () => {
    expect(() => importNirGraph({ version: '1.0.4', nodes: [{ name: 'input', type: 'Input', fields: new Map() }], edges: [] })).toThrow(/no Output node/);
  });
});
