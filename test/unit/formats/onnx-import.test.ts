// ONNX import: the real files torch.onnx.export wrote (test/fixtures/real/models, with
// their expected.json worked out independently by onnx 1.12), hand-built graphs for the
// layer shapes the real files do not show, bad files, and a seeded fuzz run.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import onnxProto from 'onnx-proto';
import { FormatError } from '../../../main/formats/format-error.js';
import { importerFor, MODEL_IMPORTERS } from '../../../main/formats/model-importers.js';
import { claimsOnnx, readOnnx } from '../../../main/formats/onnx/onnx-importer.js';
import { Attributes, tensorFromProto } from '../../../main/formats/onnx/onnx-proto-values.js';
import type { Tensor } from '../../../main/formats/tensor.js';
import { packageRoot } from '../../../main/services/package-root.js';
import { loadFixture } from '../../helpers/fixtures.js';
import { compiledView, expectedView } from './imported-golden.js';
import { mutate } from './seeded-mutations.js';

const { onnx } = onnxProto;
const DIR = `${packageRoot()}/test/fixtures/real/models/`;

interface ExpectedInit {
  name: string;
  shape: number[];
  sha256_float32_le: string;
  values?: number[];
  same_bytes_as_source_tensor: string[];
  transpose_equals_source_tensor: string[];
}
interface ExpectedNode {
  name: string;
  op_type: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, number | number[] | string | { tensor: { values?: number[] } }>;
}
interface ExpectedOnnx {
  case: string;
  nodes: ExpectedNode[];
  input_shape: [number, number, number];
  opset_import: Array<{ version: number }>;
  initializers: ExpectedInit[];
  op_types_in_order: string[];
}

function bytesOf(file: string): Uint8Array {
  return new Uint8Array(readFileSync(DIR + file));
}
function expectedOf(file: string): ExpectedOnnx {
  return JSON.parse(readFileSync(`${DIR}${file}.expected.json`, 'utf8')) as ExpectedOnnx;
}
function sha(t: Tensor): string {
  const f = Float32Array.from(t.data);
  return createHash('sha256').update(new Uint8Array(f.buffer)).digest('hex');
}
function transposed(t: Tensor): Tensor {
  const [r, c] = t.shape as [number, number];
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j]!;
  return { dtype: t.dtype, shape: [c, r], data: out };
}
function formatError(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FormatError) return e;
    throw e;
  }
  throw new Error('expected a FormatError, got a result');
}

// ---- hand-built graphs ----
type AttrValue = number | number[] | string | { float: number };
function attr(name: string, v: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  return { name, type: T.FLOAT, f: v.float };
}
function node(op: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}, name = `/${op}_${outputs[0]}`): onnxProto.onnx.INodeProto {
  return { opType: op, name, input: inputs, output: outputs, attribute: Object.entries(attrs).map(([k, v]) => attr(k, v)) };
}
function init(name: string, shape: number[], values?: number[]): onnxProto.onnx.ITensorProto {
  const n = shape.reduce((a, b) => a * b, 1);
  return { name, dims: shape, dataType: 1, floatData: values ?? Array.from({ length: n }, (_, i) => ((i * 37) % 11) / 10 - 0.5) };
}
function int64Const(name: string, values: number[]): onnxProto.onnx.INodeProto {
  return { opType: 'Constant', name: `/Constant_${name}`, input: [], output: [name], attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: { dims: [values.length], dataType: 7, int64Data: values } }] };
}
function floatConst(name: string, value: number): onnxProto.onnx.INodeProto {
  return { opType: 'Constant', name: `/Constant_${name}`, input: [], output: [name], attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: { dims: [], dataType: 1, floatData: [value] } }] };
}
function model(nodes: onnxProto.onnx.INodeProto[], inits: onnxProto.onnx.ITensorProto[], inputDims: number[], output: string, opset = 13): Uint8Array {
  const valueInfo = (name: string, dims: number[]): onnxProto.onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  });
  return onnx.ModelProto.encode({
    irVersion: 7,
    producerName: 'pytorch',
    producerVersion: '1.13.0',
    opsetImport: [{ domain: '', version: opset }],
    graph: { name: 'torch_jit', node: nodes, initializer: inits, input: [valueInfo('input', inputDims)], output: [valueInfo(output, [])] },
  }).finish();
}

const ONNX_FILES = ['lenet_seed_28.opset13.onnx', 'lenet_seed_28.opset17.onnx', 'two_conv_bias.opset13.onnx', 'two_conv_bias.opset17.onnx'];

describe('ONNX: real files written by torch.onnx.export (torch 1.13)', () => {
  for (const file of ONNX_FILES) {
    it(`${file}: opset, input shape, one layer per exported module, initializers as recorded`, () => {
      const exp = expectedOf(file);
      const bytes = bytesOf(file);
      expect(claimsOnnx(bytes)).toBe(true);
      const m = readOnnx(bytes);
      expect(m.format).toBe(`ONNX opset ${exp.opset_import[0]!.version}`);
      expect(m.inputShape).toEqual(exp.input_shape);
      // torch.onnx names nodes /<module index>/<Op>: the text has one layer per distinct index.
      expect(m.modelText).toBe(loadFixture(exp.case).model_text);
      for (const i of exp.initializers) {
        const direct = i.same_bytes_as_source_tensor[0];
        const viaTranspose = i.transpose_equals_source_tensor[0];
        const name = direct ?? viaTranspose!;
        const t = m.tensors.get(name);
        expect(t, name).toBeDefined();
        if (direct) {
          expect(t!.shape).toEqual(i.shape);
          expect(sha(t!)).toBe(i.sha256_float32_le);
          if (i.values) expect(Array.from(t!.data)).toEqual(i.values.map(Math.fround));
        } else {
          // A bias-free Linear is MatMul by the transposed weight: transposing ours back gives the stored initializer.
          expect(t!.shape).toEqual([i.shape[1], i.shape[0]]);
          expect(sha(transposed(t!))).toBe(i.sha256_float32_le);
        }
      }
      expect(m.tensors.size).toBe(exp.initializers.length);
    });

    it(`${file}: compiles to the golden case's expected block`, () => {
      const f = loadFixture(expectedOf(file).case);
      const view = compiledView(f, readOnnx(bytesOf(file)));
      expect(view.error).toBeNull();
      expect(view).toEqual(expectedView(f));
    });
  }

  for (const file of [...ONNX_FILES, 'snn_sumpool.opset13.onnx', 'snn_sumpool.opset17.onnx']) {
    it(`${file}: nodes, their inputs, outputs and attributes as recorded (decoded with onnx-proto)`, () => {
      const exp = expectedOf(file);
      const nodes = onnx.ModelProto.decode(bytesOf(file)).graph?.node ?? [];
      expect(nodes.map((n) => n.opType)).toEqual(exp.op_types_in_order);
      nodes.forEach((n, i) => {
        const want = exp.nodes[i]!;
        expect([n.name, n.opType, n.input, n.output]).toEqual([want.name, want.op_type, want.inputs, want.outputs]);
        const a = new Attributes(n.name ?? '', n.attribute);
        expect(a.names().sort()).toEqual(Object.keys(want.attributes).sort());
        for (const [k, v] of Object.entries(want.attributes)) {
          if (Array.isArray(v)) expect(a.ints(k, []), `${n.name}.${k}`).toEqual(v);
          else if (typeof v === 'number') expect(a.int(k, NaN), `${n.name}.${k}`).toBe(v);
          else if (typeof v === 'string') expect(a.string(k, ''), `${n.name}.${k}`).toBe(v);
          else if (v.tensor.values) expect(Array.from(tensorFromProto(a.tensor(k)!, k).data), `${n.name}.${k}`).toEqual(v.tensor.values.map(Math.fround));
        }
      });
    });
  }

  for (const file of ['snn_sumpool.opset13.onnx', 'snn_sumpool.opset17.onnx']) {
    it(`${file}: the one-step SNN trace is refused, saying what it is and what to export instead`, () => {
      const e = formatError(() => readOnnx(bytesOf(file)));
      expect(e.code).toBe('SPIKING_TRACE');
      expect(e.message).toContain('one-step trace of a spiking network');
      expect(e.message).toContain('1.spike_threshold');
      expect(e.message).toMatch(/Export the ANN/);
      expect(e.message).toMatch(/NIR/);
    });
  }

  it('the importer table finds the ONNX row for .onnx bytes and no row for other bytes', async () => {
    expect(MODEL_IMPORTERS.map((i) => i.id)).toContain('onnx');
    expect(importerFor(bytesOf('two_conv_bias.opset13.onnx'))?.id).toBe('onnx');
    expect(claimsOnnx(bytesOf('two_conv_bias.nir'))).toBe(false);
    expect(claimsOnnx(new TextEncoder().encode('nn.Sequential(nn.ReLU())'))).toBe(false);
    // safetensors: 8-byte little-endian header length, then '{'
    expect(claimsOnnx(Uint8Array.from([0x08, 0x01, 0, 0, 0, 0, 0, 0, 0x7b]))).toBe(false);
    const m = await importerFor(bytesOf('two_conv_bias.opset13.onnx'))!.read(bytesOf('two_conv_bias.opset13.onnx'));
    expect(m.tensors.size).toBe(4);
  });
});

describe('ONNX: layer shapes built by hand', () => {
  it('Gemm (transB=1) with bias, Reshape to [1, -1], BatchNormalization, Dropout, MatMul + Add', () => {
    const bytes = model(
      [
        node('Conv', ['input', 'c.w'], ['a'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
        node('BatchNormalization', ['a', 'bn.s', 'bn.b', 'bn.m', 'bn.v'], ['b'], { epsilon: { float: 1e-3 } }),
        node('Relu', ['b'], ['c']),
        int64Const('shape', [1, -1]),
        node('Reshape', ['c', 'shape'], ['d']),
        node('Gemm', ['d', 'g.w', 'g.b'], ['e'], { transB: 1, alpha: { float: 1 }, beta: { float: 1 } }),
        node('Dropout', ['e'], ['f']),
        node('Relu', ['f'], ['g']),
        node('MatMul', ['g', 'm.w'], ['h']),
        node('Add', ['h', 'm.b'], ['output']),
      ],
      [init('c.w', [2, 1, 3, 3]), init('bn.s', [2]), init('bn.b', [2]), init('bn.m', [2]), init('bn.v', [2], [1, 2]), init('g.w', [5, 32]), init('g.b', [5]), init('m.w', [5, 3]), init('m.b', [3])],
      [1, 1, 8, 8],
      'output',
    );
    const m = readOnnx(bytes);
    expect(m.modelText).toBe(
      'nn.Sequential(\n' +
        '    nn.Conv2d(1, 2, kernel_size=3, stride=2, padding=1, bias=False),\n' +
        `    nn.BatchNorm2d(2, eps=${Math.fround(1e-3)}),\n` +
        '    nn.ReLU(),\n' +
        '    nn.Flatten(),\n' +
        '    nn.Linear(32, 5, bias=True),\n' +
        '    nn.ReLU(),\n' +
        '    nn.Linear(5, 3, bias=True),\n' +
        ')',
    );
    expect([...m.tensors.keys()]).toEqual(['0.weight', '1.weight', '1.bias', '1.running_mean', '1.running_var', '4.weight', '4.bias', '6.weight', '6.bias']);
    expect(Array.from(m.tensors.get('1.running_var')!.data)).toEqual([1, 2]);
    // m.w is [in=5, out=3]; the Linear weight is its transpose [3, 5]: element [o][i] = m.w[i][o].
    const mw = init('m.w', [5, 3]).floatData!;
    const w = m.tensors.get('6.weight')!;
    expect(w.shape).toEqual([3, 5]);
    expect(w.data[1 * 5 + 4]).toBe(Math.fround(mw[4 * 3 + 1]!));
    expect(m.notes.join(' ')).toMatch(/Dropout.*dropped/);
    expect(m.inputShape).toEqual([1, 8, 8]);
  });

  it('Gemm with transB=0 transposes its [in, out] weight', () => {
    const bytes = model([node('Flatten', ['input'], ['a'], { axis: 1 }), node('Gemm', ['a', 'w'], ['output'])], [init('w', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8])], [1, 4, 1, 1], 'output');
    const m = readOnnx(bytes);
    expect(m.modelText).toContain('nn.Linear(4, 2, bias=False)');
    expect(Array.from(m.tensors.get('1.weight')!.data)).toEqual([1, 3, 5, 7, 2, 4, 6, 8]);
  });

  it('the node pattern torch.onnx writes for sinabs SumPool2d (as in snn_sumpool.opset13.onnx) becomes sl.SumPool2d', () => {
    const bytes = model(
      [
        node('Conv', ['input', 'w'], ['a'], { kernel_shape: [3, 3] }),
        node('Relu', ['a'], ['b']),
        floatConst('one', 1),
        node('Pow', ['b', 'one'], ['p']),
        int64Const('zeros', [0, 0, 0, 0, 0, 0, 0, 0]),
        node('Pad', ['p', 'zeros'], ['q'], { mode: 'constant' }),
        node('AveragePool', ['q'], ['r'], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], ceil_mode: 0 }),
        node('Sign', ['r'], ['s']),
        node('Abs', ['r'], ['t']),
        node('Relu', ['t'], ['u']),
        node('Mul', ['s', 'u'], ['v']),
        floatConst('four', 4),
        node('Mul', ['v', 'four'], ['x']),
        floatConst('one2', 1),
        node('Pow', ['x', 'one2'], ['output']),
      ],
      [init('w', [4, 1, 3, 3])],
      [1, 1, 12, 12],
      'output',
    );
    const m = readOnnx(bytes);
    expect(m.modelText).toBe('nn.Sequential(\n    nn.Conv2d(1, 4, kernel_size=3, stride=1, padding=0, bias=False),\n    nn.ReLU(),\n    sl.SumPool2d(kernel_size=2),\n)');
  });

  it('a Pow pattern multiplied by the wrong area is refused, not guessed', () => {
    const bytes = model(
      [
        floatConst('one', 1),
        node('Pow', ['input', 'one'], ['p']),
        node('AveragePool', ['p'], ['r'], { kernel_shape: [2, 2], strides: [2, 2] }),
        node('Sign', ['r'], ['s']),
        node('Abs', ['r'], ['t']),
        node('Relu', ['t'], ['u']),
        node('Mul', ['s', 'u'], ['v']),
        floatConst('three', 3),
        node('Mul', ['v', 'three'], ['x']),
        node('Pow', ['x', 'one'], ['output']),
      ],
      [],
      [1, 1, 4, 4],
      'output',
    );
    const e = formatError(() => readOnnx(bytes));
    expect(e.code).toBe('UNSUPPORTED_OP');
    expect(e.message).toMatch(/kernel area 4/);
  });
});

describe('ONNX: bad input', () => {
  function lenetWith(edit: (g: onnxProto.onnx.GraphProto) => void): Uint8Array {
    const m = onnx.ModelProto.decode(bytesOf('lenet_seed_28.opset13.onnx'));
    edit(m.graph as onnxProto.onnx.GraphProto);
    return onnx.ModelProto.encode(m).finish();
  }

  it('a missing initializer names the node and the tensor', () => {
    const bytes = lenetWith((g) => {
      g.initializer = g.initializer.filter((t) => t.name !== '3.weight');
    });
    const e = formatError(() => readOnnx(bytes));
    expect(e.code).toBe('MISSING_TENSOR');
    expect(e.message).toContain("'/3/Conv'");
    expect(e.message).toContain("'3.weight'");
    expect(e.details).toMatchObject({ node: '/3/Conv', input: '3.weight' });
  });

  it('an op the chip has no layer for names the node and its op', () => {
    const bytes = lenetWith((g) => {
      const n = g.node.find((x) => x.name === '/4/Relu')!;
      n.opType = 'Sigmoid';
    });
    const e = formatError(() => readOnnx(bytes));
    expect(e.code).toBe('UNSUPPORTED_OP');
    expect(e.message).toContain("node '/4/Relu' (Sigmoid)");
    expect(e.details).toMatchObject({ node: '/4/Relu', op: 'Sigmoid' });
  });

  it('a dangling input (a node reading a value nothing produces) is a cut graph', () => {
    const bytes = lenetWith((g) => {
      g.node.find((x) => x.name === '/1/Relu')!.input = ['/0/Conv_output_ghost'];
    });
    const e = formatError(() => readOnnx(bytes));
    expect(e.code).toBe('DANGLING_INPUT');
    expect(e.message).toContain("'/0/Conv_output_0'");
  });

  it('a branching graph is refused as not sequential', () => {
    const bytes = model([node('Relu', ['input'], ['a']), node('Relu', ['input'], ['b'])], [], [1, 1, 4, 4], 'a');
    expect(formatError(() => readOnnx(bytes)).code).toBe('NOT_SEQUENTIAL');
  });

  it('a grouped convolution is refused with the reason', () => {
    const bytes = model([node('Conv', ['input', 'w'], ['output'], { kernel_shape: [3, 3], group: 2 })], [init('w', [2, 1, 3, 3])], [1, 2, 8, 8], 'output');
    expect(formatError(() => readOnnx(bytes)).message).toMatch(/grouped convolution \(group=2\)/);
  });

  it('an initializer shorter than its shape is reported with both sizes', () => {
    const bytes = lenetWith((g) => {
      const t = g.initializer.find((x) => x.name === '0.weight')!;
      t.rawData = (t.rawData as Uint8Array).subarray(0, 100);
    });
    const e = formatError(() => readOnnx(bytes));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.details).toMatchObject({ bytes: 100, expected: 20 * 25 * 4 });
  });

  it('truncated files are a FormatError at every cut of the small file', () => {
    const bytes = bytesOf('two_conv_bias.opset13.onnx');
    for (let cut = 1; cut < bytes.length; cut += 7) {
      expect(() => readOnnx(bytes.subarray(0, cut))).toThrow(FormatError);
    }
  });

  it('fuzz: 400 seeded mutations and truncations give a FormatError or a valid model, nothing else', () => {
    const sources = [bytesOf('two_conv_bias.opset13.onnx'), bytesOf('snn_sumpool.opset17.onnx')];
    let errors = 0;
    let models = 0;
    for (let i = 0; i < 400; i++) {
      const src = sources[i % 2]!;
      const bad = mutate(src, 11, i, 600);
      try {
        const m = readOnnx(bad);
        expect(m.modelText.startsWith('nn.Sequential(')).toBe(true);
        models++;
      } catch (e) {
        if (!(e instanceof FormatError)) throw new Error(`mutation ${i}: ${String(e)}`);
        errors++;
      }
    }
    expect(errors + models).toBe(400);
    expect(errors).toBeGreaterThan(0);
  });
});
