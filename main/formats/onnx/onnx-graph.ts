// Walks a decoded ONNX graph from its one input to its output, node by node, and writes
// the `nn.Sequential(...)` text the parser reads plus the tensors that text expects
// ("0.weight", "3.bias", ...). It knows the shapes torch.onnx.export gives each layer
// (opsets 11-17): Conv, Relu, Pad + AveragePool (AvgPool2d), Flatten/Reshape, Gemm and
// MatMul(+Add) (Linear), BatchNormalization, Dropout/Identity, and the node pattern of a
// sinabs SumPool2d. It does not run the graph, infer shapes beyond what the layers need,
// or accept branches: a graph that is not one chain is refused, as is a spiking trace.

import { FormatError } from '../format-error.js';
import type { ImportedModel } from '../model-importer.js';
import type { Tensor } from '../tensor.js';
import { elementCount, formatShape } from '../tensor.js';
import { Attributes, int64, tensorFromProto, type NodeProto, type TensorProto } from './onnx-proto-values.js';
import type onnxProto from 'onnx-proto';

type GraphProto = onnxProto.onnx.IGraphProto;

interface Layer {
  text: string;
  tensors: Array<[string, Tensor]>;
}

function spatial(v: readonly number[]): string {
  return v.length === 2 && v[0] === v[1] ? String(v[0]) : `(${v.join(', ')})`;
}

function transpose2d(t: Tensor): Tensor {
  const [rows, cols] = t.shape as [number, number];
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = t.data[r * cols + c]!;
  return { dtype: t.dtype, shape: [cols, rows], data: out };
}

function nodeLabel(n: NodeProto, index: number): string {
  return `node ${n.name ? `'${n.name}'` : `#${index}`} (${n.opType ?? '?'})`;
}

/** The ops of a sinabs spiking layer traced for one time step (spike function, state update). */
const SPIKING_MARKS = /(^|\.)(spike_threshold|v_mem|min_v_mem|tau_mem|alpha_mem)$/;

class GraphWalk {
  private readonly nodes: NodeProto[];
  private readonly consts = new Map<string, Tensor>();
  private readonly consumers = new Map<string, number[]>();
  private readonly used = new Set<number>();
  private readonly outputs: Set<string>;
  readonly notes: string[] = [];
  readonly layers: Layer[] = [];
  /** Rank of the value being walked: 4 (N, C, H, W) until flattened. */
  private rank = 4;

  constructor(private readonly graph: GraphProto) {
    this.nodes = graph.node ?? [];
    this.outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
    for (const t of graph.initializer ?? []) {
      const name = t.name ?? '';
      this.consts.set(name, tensorFromProto(t, `initializer '${name}'`));
    }
    this.nodes.forEach((n, i) => {
      if (n.opType === 'Constant') {
        const a = new Attributes(nodeLabel(n, i), n.attribute);
        const t = a.tensor('value');
        if (!t) {
          throw new FormatError('onnx', 'UNSUPPORTED_OP', `${nodeLabel(n, i)} holds no tensor 'value' (attributes: ${a.names().join(', ') || 'none'}); only tensor constants are read.`, { node: n.name ?? '', op: 'Constant' });
        }
        this.consts.set(n.output?.[0] ?? '', tensorFromProto(t as TensorProto, `constant '${n.output?.[0] ?? ''}'`));
        this.used.add(i);
      }
    });
    // Identity of a constant (torch.onnx writes one when two layers share a parameter).
    this.nodes.forEach((n, i) => {
      const src = this.consts.get(n.input?.[0] ?? '');
      if (n.opType === 'Identity' && src) {
        this.consts.set(n.output?.[0] ?? '', src);
        this.used.add(i);
      }
    });
    this.nodes.forEach((n, i) => {
      if (this.used.has(i)) return;
      for (const name of n.input ?? []) {
        if (name === '' || this.consts.has(name)) continue;
        const list = this.consumers.get(name) ?? [];
        list.push(i);
        this.consumers.set(name, list);
      }
    });
  }

  refuseSpikingTrace(): void {
    const marks = [...this.consts.keys()].filter((k) => SPIKING_MARKS.test(k));
    const greater = this.nodes.some((n) => n.opType === 'Greater');
    if (marks.length === 0 && !greater) return;
    throw new FormatError(
      'onnx',
      'SPIKING_TRACE',
      `This ONNX file is a one-step trace of a spiking network (sinabs spiking layers exported by torch.onnx${marks.length ? `; parameters ${marks.slice(0, 3).join(', ')}` : ''}). ` +
        'A trace of one time step keeps the spike function as arithmetic (Greater, Div, Cast, Mul) and loses the membrane state, reset mode and min_v_mem, so it cannot be read back as layers. ' +
        'Export the ANN before conversion (torch.onnx.export(ann, ...)) and let the workbench convert it, or write the SNN as NIR (sinabs.nir.to_nir + nir.write) and open the .nir file.',
      { parameters: marks.join(', ') },
    );
  }

  private constant(name: string | undefined, what: string, node: NodeProto, index: number): Tensor {
    const t = this.consts.get(name ?? '');
    if (!t) {
      const producer = this.nodes.findIndex((n) => (n.output ?? []).includes(name ?? ''));
      const why = producer >= 0
        ? `it is computed by ${nodeLabel(this.nodes[producer]!, producer)}, not stored in the file`
        : 'no initializer or Constant node of that name is in the file';
      throw new FormatError('onnx', 'MISSING_TENSOR', `${nodeLabel(node, index)} needs its ${what} '${name ?? ''}' as a stored tensor, but ${why}. Export with export_params=True and do_constant_folding=True.`, { node: node.name ?? '', input: name ?? '' });
    }
    return t;
  }

  private only(value: string, from: string): number | null {
    const list = this.consumers.get(value) ?? [];
    if (list.length === 0) return null;
    if (list.length > 1) {
      const names = list.map((i) => nodeLabel(this.nodes[i]!, i)).join(', ');
      throw new FormatError('onnx', 'NOT_SEQUENTIAL', `The output '${value}' of ${from} feeds ${list.length} nodes (${names}): the graph branches. Only sequential networks (one chain of layers) are read from ONNX; write the model text for a graph network instead.`, { value, consumers: list.length });
    }
    return list[0]!;
  }

  private take(i: number): NodeProto {
    this.used.add(i);
    return this.nodes[i]!;
  }

  private push(text: string, params: Array<[string, Tensor]> = []): void {
    const index = this.layers.length;
    this.layers.push({ text, tensors: params.map(([k, t]) => [`${index}.${k}`, t]) });
  }

  /** Walks from the graph input; returns the value that ended the chain. */
  walk(input: string): void {
    let cur = input;
    let from = `the graph input '${input}'`;
    for (;;) {
      const i = this.only(cur, from);
      if (i === null) {
        if (!this.outputs.has(cur)) {
          throw new FormatError('onnx', 'DANGLING_INPUT', `The value '${cur}' (from ${from}) is neither used by a node nor a graph output: the graph is cut. Re-export the model.`, { value: cur });
        }
        break;
      }
      const n = this.take(i);
      if ((n.input ?? [])[0] !== cur) {
        throw new FormatError('onnx', 'NOT_SEQUENTIAL', `${nodeLabel(n, i)} takes '${cur}' as input ${(n.input ?? []).indexOf(cur)}, not as its data input: the graph is not a plain chain of layers.`, { node: n.name ?? '' });
      }
      cur = this.layer(n, i);
      from = nodeLabel(this.nodes[this.producerOf(cur)]!, this.producerOf(cur));
    }
    this.nodes.forEach((n, i) => {
      if (!this.used.has(i)) {
        throw new FormatError('onnx', 'NOT_SEQUENTIAL', `${nodeLabel(n, i)} is not on the chain from the input to the output: the graph has side branches this reader does not follow.`, { node: n.name ?? '' });
      }
    });
  }

  private producerOf(value: string): number {
    return this.nodes.findIndex((n) => (n.output ?? []).includes(value));
  }

  /** Reads the layer starting at node i; returns the name of the value it outputs. */
  private layer(n: NodeProto, i: number): string {
    const label = nodeLabel(n, i);
    const a = new Attributes(label, n.attribute);
    const out = n.output?.[0] ?? '';
    switch (n.opType) {
      case 'Conv':
        return this.conv(n, i, a);
      case 'Relu':
        this.push('nn.ReLU()');
        return out;
      case 'Pad':
        return this.padThenPool(n, i, a);
      case 'AveragePool':
        return this.avgPool(n, i, a, [0, 0]);
      case 'Flatten': {
        const axis = a.int('axis', 1);
        if (axis !== 1) throw this.unsupported(n, i, `Flatten with axis=${axis} (only axis=1, nn.Flatten(), is a layer)`);
        this.rank = 2;
        this.push('nn.Flatten()');
        return out;
      }
      case 'Reshape': {
        const shape = Array.from(this.constant(n.input?.[1], 'target shape', n, i).data);
        const flat = shape.length === 2 && (shape[0] === 1 || shape[0] === 0 || shape[0] === -1 || shape[1] === -1);
        if (!flat) throw this.unsupported(n, i, `Reshape to ${formatShape(shape)} (only a flatten to [batch, features] is a layer)`);
        this.rank = 2;
        this.push('nn.Flatten()');
        return out;
      }
      case 'Gemm':
        return this.gemm(n, i, a);
      case 'MatMul':
        return this.matmul(n, i);
      case 'BatchNormalization':
        return this.batchNorm(n, i, a);
      case 'Dropout':
        this.notes.push(`${label} dropped: dropout does nothing at inference.`);
        return out;
      case 'Identity':
        return out;
      case 'Pow':
        return this.sumPool(n, i);
      default:
        throw this.unsupported(n, i, `op ${n.opType ?? '(none)'}${n.domain ? ` of domain ${n.domain}` : ''}`);
    }
  }

  private unsupported(n: NodeProto, i: number, what: string): FormatError {
    return new FormatError('onnx', 'UNSUPPORTED_OP', `${nodeLabel(n, i)}: ${what} is not a layer the chip runs. ONNX graphs are read when they hold Conv, Relu, AveragePool (with its Pad), Flatten/Reshape, Gemm, MatMul(+Add), BatchNormalization, Dropout and Identity nodes.`, { node: n.name ?? '', op: n.opType ?? '' });
  }

  private conv(n: NodeProto, i: number, a: Attributes): string {
    const w = this.constant(n.input?.[1], 'weight', n, i);
    if (w.shape.length !== 4) throw this.unsupported(n, i, `a ${w.shape.length - 2}-d convolution (weight ${formatShape(w.shape)})`);
    const [outC, inC, kh, kw] = w.shape as [number, number, number, number];
    const group = a.int('group', 1);
    if (group !== 1) throw this.unsupported(n, i, `a grouped convolution (group=${group}); the chip's convolutions are dense`);
    const dil = a.ints('dilations', [1, 1]);
    if (dil.some((d) => d !== 1)) throw this.unsupported(n, i, `a dilated convolution (dilations=${formatShape(dil)})`);
    const autoPad = a.string('auto_pad', 'NOTSET');
    if (autoPad !== 'NOTSET' && autoPad !== 'VALID') throw this.unsupported(n, i, `auto_pad=${autoPad}`);
    const pads = a.ints('pads', [0, 0, 0, 0]);
    if (pads.length !== 4 || pads[0] !== pads[2] || pads[1] !== pads[3]) {
      throw this.unsupported(n, i, `asymmetric padding pads=${formatShape(pads)}`);
    }
    const stride = a.ints('strides', [1, 1]);
    const bName = n.input?.[2];
    const params: Array<[string, Tensor]> = [['weight', w]];
    if (bName) {
      const b = this.constant(bName, 'bias', n, i);
      if (elementCount(b.shape) !== outC) {
        throw new FormatError('onnx', 'SHAPE_MISMATCH', `${nodeLabel(n, i)}: bias ${formatShape(b.shape)} does not match ${outC} output channels.`, { node: n.name ?? '' });
      }
      params.push(['bias', { ...b, shape: [outC] }]);
    }
    this.push(`nn.Conv2d(${inC}, ${outC}, kernel_size=${spatial([kh, kw])}, stride=${spatial(stride)}, padding=${spatial([pads[0]!, pads[1]!])}, bias=${bName ? 'True' : 'False'})`, params);
    return n.output?.[0] ?? '';
  }

  /** Pad (zeros on H and W only) directly followed by AveragePool: torch's AvgPool2d(padding=p). */
  private padThenPool(n: NodeProto, i: number, a: Attributes): string {
    const mode = a.string('mode', 'constant');
    const pads = n.input?.[1] ? Array.from(this.constant(n.input[1], 'pads', n, i).data) : a.ints('pads', []);
    const value = n.input?.[2] ? this.constant(n.input[2], 'constant value', n, i).data[0] ?? 0 : a.float('value', 0);
    const ok = mode === 'constant' && value === 0 && pads.length === 8 && pads[0] === 0 && pads[1] === 0 && pads[4] === 0 && pads[5] === 0 && pads[2] === pads[6] && pads[3] === pads[7];
    const next = this.only(n.output?.[0] ?? '', nodeLabel(n, i));
    const pool = next === null ? undefined : this.nodes[next];
    if (!ok || !pool || pool.opType !== 'AveragePool') {
      throw this.unsupported(n, i, `a Pad (mode=${mode}, pads=${formatShape(pads)}) that is not the zero padding torch writes before an AveragePool; pad with the padding argument of nn.Conv2d`);
    }
    this.take(next!);
    return this.avgPool(pool, next!, new Attributes(nodeLabel(pool, next!), pool.attribute), [pads[2]!, pads[3]!]);
  }

  private poolGeometry(n: NodeProto, i: number, a: Attributes): { kernel: number[]; stride: number[]; pads: number[]; ceil: boolean } {
    const kernel = a.ints('kernel_shape', []);
    if (kernel.length !== 2) throw this.unsupported(n, i, `a pool with kernel_shape ${formatShape(kernel)} (only 2-d pools)`);
    const autoPad = a.string('auto_pad', 'NOTSET');
    if (autoPad !== 'NOTSET' && autoPad !== 'VALID') throw this.unsupported(n, i, `auto_pad=${autoPad}`);
    const pads = a.ints('pads', [0, 0, 0, 0]);
    if (pads.length !== 4 || pads[0] !== pads[2] || pads[1] !== pads[3]) throw this.unsupported(n, i, `asymmetric pool padding ${formatShape(pads)}`);
    if (a.ints('dilations', [1, 1]).some((d) => d !== 1)) throw this.unsupported(n, i, 'a dilated pool');
    return { kernel, stride: a.ints('strides', [1, 1]), pads: [pads[0]!, pads[1]!], ceil: a.int('ceil_mode', 0) === 1 };
  }

  private avgPool(n: NodeProto, i: number, a: Attributes, padBefore: [number, number]): string {
    const g = this.poolGeometry(n, i, a);
    const own = g.pads.some((p) => p !== 0);
    if (own && padBefore.some((p) => p !== 0)) throw this.unsupported(n, i, 'an AveragePool padded twice (Pad node and pads attribute)');
    const args = [`kernel_size=${spatial(g.kernel)}`, `stride=${spatial(g.stride)}`];
    if (own) args.push(`padding=${spatial(g.pads)}`);
    else if (padBefore.some((p) => p !== 0)) args.push(`padding=${spatial(padBefore)}`);
    if (g.ceil) args.push('ceil_mode=True');
    if (own && a.int('count_include_pad', 0) === 0) args.push('count_include_pad=False');
    this.push(`nn.AvgPool2d(${args.join(', ')})`);
    return n.output?.[0] ?? '';
  }

  private scalarIs(name: string | undefined, want: number): boolean {
    const t = this.consts.get(name ?? '');
    return !!t && t.data.length === 1 && t.data[0] === want;
  }

  /**
   * sinabs SumPool2d is lp_pool2d with norm 1, which torch.onnx writes as
   * Pow(x, 1) -> [Pad] -> AveragePool -> Sign, Abs -> Relu(Abs) -> Mul(Sign, Relu) -> Mul(kh*kw) -> Pow(., 1).
   * Every node of the pattern is checked; anything else is refused rather than guessed.
   */
  private sumPool(n: NodeProto, i: number): string {
    const refuse = (why: string): FormatError => this.unsupported(n, i, `a Pow that does not start the node pattern of sinabs SumPool2d (${why})`);
    if (!this.scalarIs(n.input?.[1], 1)) throw refuse('exponent is not the constant 1');
    let at = this.only(n.output?.[0] ?? '', nodeLabel(n, i));
    let padBefore: [number, number] = [0, 0];
    if (at !== null && this.nodes[at]!.opType === 'Pad') {
      const p = this.nodes[at]!;
      const pa = new Attributes(nodeLabel(p, at), p.attribute);
      const pads = p.input?.[1] ? Array.from(this.constant(p.input[1], 'pads', p, at).data) : pa.ints('pads', []);
      if (pads.length !== 8 || pads.some((v) => v !== 0)) throw refuse(`padded ${formatShape(pads)}`);
      this.take(at);
      padBefore = [0, 0];
      at = this.only(p.output?.[0] ?? '', nodeLabel(p, at));
    }
    if (at === null || this.nodes[at]!.opType !== 'AveragePool') throw refuse('no AveragePool follows');
    const pool = this.take(at);
    const g = this.poolGeometry(pool, at, new Attributes(nodeLabel(pool, at), pool.attribute));
    if (g.pads.some((p) => p !== 0) || padBefore.some((p) => p !== 0) || g.ceil) throw refuse('padded or ceil-mode pool');
    const pooled = pool.output?.[0] ?? '';
    const users = this.consumers.get(pooled) ?? [];
    const sign = users.find((u) => this.nodes[u]!.opType === 'Sign');
    const abs = users.find((u) => this.nodes[u]!.opType === 'Abs');
    if (users.length !== 2 || sign === undefined || abs === undefined) throw refuse('the pool does not feed exactly Sign and Abs');
    this.take(sign);
    this.take(abs);
    const relu = this.only(this.nodes[abs]!.output?.[0] ?? '', 'Abs');
    if (relu === null || this.nodes[relu]!.opType !== 'Relu') throw refuse('Abs is not followed by Relu');
    this.take(relu);
    const mul = this.only(this.nodes[relu]!.output?.[0] ?? '', 'Relu');
    const signOut = this.nodes[sign]!.output?.[0] ?? '';
    const mulNode = mul === null ? undefined : this.nodes[mul];
    if (!mulNode || mulNode.opType !== 'Mul' || !(mulNode.input ?? []).includes(signOut) || (this.consumers.get(signOut) ?? []).length !== 1) {
      throw refuse('Sign and Relu do not meet in one Mul');
    }
    this.take(mul!);
    const scale = this.only(mulNode.output?.[0] ?? '', 'Mul');
    const scaleNode = scale === null ? undefined : this.nodes[scale];
    const area = g.kernel[0]! * g.kernel[1]!;
    if (!scaleNode || scaleNode.opType !== 'Mul' || scaleNode.input?.[0] !== mulNode.output?.[0] || !this.scalarIs(scaleNode.input?.[1], area)) {
      throw refuse(`the result is not multiplied by the kernel area ${area}`);
    }
    this.take(scale!);
    const pow = this.only(scaleNode.output?.[0] ?? '', 'Mul');
    const powNode = pow === null ? undefined : this.nodes[pow];
    if (!powNode || powNode.opType !== 'Pow' || powNode.input?.[0] !== scaleNode.output?.[0] || !this.scalarIs(powNode.input?.[1], 1)) {
      throw refuse('no closing Pow(., 1)');
    }
    this.take(pow!);
    const sameStride = g.stride[0] === g.kernel[0] && g.stride[1] === g.kernel[1];
    this.push(`sl.SumPool2d(kernel_size=${spatial(g.kernel)}${sameStride ? '' : `, stride=${spatial(g.stride)}`})`);
    return powNode.output?.[0] ?? '';
  }

  private linear(n: NodeProto, i: number, weight: Tensor, bias: Tensor | null): void {
    const [outF, inF] = weight.shape as [number, number];
    if (bias && elementCount(bias.shape) !== outF) {
      throw new FormatError('onnx', 'SHAPE_MISMATCH', `${nodeLabel(n, i)}: bias ${formatShape(bias.shape)} does not match ${outF} outputs.`, { node: n.name ?? '' });
    }
    const params: Array<[string, Tensor]> = [['weight', weight]];
    if (bias) params.push(['bias', { ...bias, shape: [outF] }]);
    this.push(`nn.Linear(${inF}, ${outF}, bias=${bias ? 'True' : 'False'})`, params);
  }

  private gemm(n: NodeProto, i: number, a: Attributes): string {
    if (a.int('transA', 0) !== 0) throw this.unsupported(n, i, 'Gemm with transA=1');
    const alpha = a.float('alpha', 1);
    const beta = a.float('beta', 1);
    if (alpha !== 1 || beta !== 1) throw this.unsupported(n, i, `Gemm with alpha=${alpha}, beta=${beta} (a Linear layer has 1, 1)`);
    const b = this.constant(n.input?.[1], 'weight', n, i);
    if (b.shape.length !== 2) throw this.unsupported(n, i, `Gemm with a weight of shape ${formatShape(b.shape)}`);
    const weight = a.int('transB', 0) === 1 ? b : transpose2d(b);
    const bias = n.input?.[2] ? this.constant(n.input[2], 'bias', n, i) : null;
    this.rank = 2;
    this.linear(n, i, weight, bias);
    return n.output?.[0] ?? '';
  }

  /** MatMul by a stored [in, out] matrix is a Linear with the transposed weight; an Add of a stored vector right after is its bias. */
  private matmul(n: NodeProto, i: number): string {
    const b = this.constant(n.input?.[1], 'weight', n, i);
    if (b.shape.length !== 2 || this.rank !== 2) throw this.unsupported(n, i, `MatMul of a rank-${this.rank} value by a ${formatShape(b.shape)} matrix`);
    let out = n.output?.[0] ?? '';
    let bias: Tensor | null = null;
    const next = this.consumers.get(out) ?? [];
    const add = next.length === 1 ? this.nodes[next[0]!] : undefined;
    if (add && add.opType === 'Add') {
      const other = (add.input ?? []).find((x) => x !== out);
      const t = other === undefined ? undefined : this.consts.get(other);
      if (t && elementCount(t.shape) === b.shape[1]) {
        bias = t;
        this.take(next[0]!);
        out = add.output?.[0] ?? '';
      }
    }
    this.linear(n, i, transpose2d(b), bias);
    return out;
  }

  private batchNorm(n: NodeProto, i: number, a: Attributes): string {
    if (this.rank !== 4) throw this.unsupported(n, i, 'BatchNormalization of a flattened value (BatchNorm1d)');
    const names = ['weight', 'bias', 'running_mean', 'running_var'];
    const ts = names.map((what, k) => this.constant(n.input?.[k + 1], what, n, i));
    const c = elementCount(ts[0]!.shape);
    if (ts.some((t) => elementCount(t.shape) !== c)) {
      throw new FormatError('onnx', 'SHAPE_MISMATCH', `${nodeLabel(n, i)}: scale, bias, mean and variance differ in length (${ts.map((t) => formatShape(t.shape)).join(', ')}).`, { node: n.name ?? '' });
    }
    const eps = Math.fround(a.float('epsilon', 1e-5));
    const epsText = eps === Math.fround(1e-5) ? '' : `, eps=${eps}`;
    this.push(`nn.BatchNorm2d(${c}${epsText})`, names.map((k, j) => [k, { ...ts[j]!, shape: [c] }]));
    return n.output?.[0] ?? '';
  }
}

/** The ImportedModel of a decoded ModelProto graph; `opset` is the default domain's version. */
export function importOnnxGraph(graph: GraphProto | null | undefined, opset: number): ImportedModel {
  if (!graph) throw new FormatError('onnx', 'BAD_HEADER', 'The ONNX model holds no graph: the file is truncated or not an ONNX model.');
  const walk = new GraphWalk(graph);
  walk.refuseSpikingTrace();
  const initNames = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const inputs = (graph.input ?? []).filter((v) => !initNames.has(v.name ?? ''));
  if (inputs.length !== 1) {
    throw new FormatError('onnx', 'NOT_SEQUENTIAL', `The graph has ${inputs.length} data inputs (${inputs.map((v) => v.name).join(', ') || 'none'}); a network for the chip has exactly one.`, { inputs: inputs.length });
  }
  const input = inputs[0]!;
  const dims = (input.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimValue === null || d.dimValue === undefined ? -1 : int64(d.dimValue, 'input dimension')));
  let inputShape: [number, number, number] | undefined;
  if (dims.length === 4 && dims.slice(1).every((d) => d > 0)) inputShape = [dims[1]!, dims[2]!, dims[3]!];
  else if (dims.length === 2 && dims[1]! > 0) inputShape = [dims[1]!, 1, 1];
  walk.walk(input.name ?? '');
  if (walk.layers.length === 0) throw new FormatError('onnx', 'NOT_SEQUENTIAL', 'The graph holds no layers.');
  const notes = [...walk.notes];
  if (!inputShape) notes.push(`The graph input '${input.name ?? ''}' has no fixed [N, C, H, W] shape (${formatShape(dims)}): give the input shape.`);
  const tensors = new Map<string, Tensor>();
  for (const l of walk.layers) for (const [k, t] of l.tensors) tensors.set(k, t);
  const modelText = `nn.Sequential(\n${walk.layers.map((l) => `    ${l.text},\n`).join('')})`;
  const model: ImportedModel = { format: `ONNX opset ${opset}`, modelText, tensors, notes };
  if (inputShape) model.inputShape = inputShape;
  return model;
}
