// A NIR graph (nir-file.ts) as the workbench's model text: follows the edges from the
// Input node to the Output node (the file's node order is HDF5's name order, not the
// layer order) and writes one layer per node: Conv2d -> nn.Conv2d, IF -> sl.IAFSqueeze,
// SumPool2d -> sl.SumPool2d, AvgPool2d -> nn.AvgPool2d, Affine/Linear -> nn.Linear,
// Flatten -> nn.Flatten. Leaky neurons are refused: the chip's neurons integrate and
// fire and do not leak. A graph that branches or merges (as `nir.write` stores a sinabs
// graph network, or the workbench's own graph export) becomes the nn.Module class form,
// with one sl.Merge per two inputs summed into a node (NIR sums a node's inputs).

import { FormatError } from '../format-error.js';
import type { ImportedModel } from '../model-importer.js';
import type { Tensor } from '../tensor.js';
import { elementCount, formatShape } from '../tensor.js';
import type { NirField, NirGraph, NirNode } from './nir-file.js';

/** What NIR cannot store; see the note written with every import that has IF nodes. */
const ASSUMED_MIN_V_MEM = -1.0;

const LEAKY = new Set(['LIF', 'CubaLIF', 'LI', 'CubaLI']);
const KNOWN_UNSUPPORTED: Record<string, string> = {
  Integrator: 'an integrator without threshold has no chip counterpart',
  Threshold: 'a threshold without membrane is not a chip neuron',
  Scale: 'fold the scale into the preceding weights',
  Delay: 'the chip has no synaptic delays',
  Conv1d: 'use Conv2d',
  NIRGraph: 'nested graphs are not read; flatten the graph before writing it',
};

function spatial(v: readonly number[]): string {
  return v.length === 2 && v[0] === v[1] ? String(v[0]) : `(${v.join(', ')})`;
}

/** The shortest decimal that reads back as the same float32. */
function floatText(v: number): string {
  for (let digits = 1; digits <= 9; digits++) {
    const s = Number(v.toPrecision(digits));
    if (Math.fround(s) === v) return Number.isInteger(s) ? s.toFixed(1) : String(s);
  }
  return String(v);
}

class NodeReader {
  constructor(private readonly node: NirNode) {}

  private fail(code: 'MISSING_FIELD' | 'BAD_VALUE', text: string): FormatError {
    return new FormatError('nir', code, `NIR node '${this.node.name}' (${this.node.type}): ${text}`, { node: this.node.name, type: this.node.type });
  }

  tensor(name: string): Tensor {
    const f: NirField | undefined = this.node.fields.get(name);
    if (f === undefined) throw this.fail('MISSING_FIELD', `the field '${name}' is missing.`);
    if (typeof f === 'string') throw this.fail('BAD_VALUE', `the field '${name}' is the string "${f}", not numbers.`);
    return f;
  }

  optionalTensor(name: string): Tensor | null {
    return this.node.fields.has(name) ? this.tensor(name) : null;
  }

  ints(name: string, length: number, fallback?: number[]): number[] {
    if (fallback && !this.node.fields.has(name)) return fallback;
    const t = this.tensor(name);
    const v = Array.from(t.data);
    if (v.length === 1 && length === 2) return [v[0]!, v[0]!];
    if (v.length !== length || !v.every(Number.isInteger)) throw this.fail('BAD_VALUE', `'${name}' should be ${length} integers, found ${formatShape(v)}.`);
    return v;
  }

  int(name: string, fallback: number): number {
    if (!this.node.fields.has(name)) return fallback;
    const v = this.tensor(name).data;
    if (v.length !== 1 || !Number.isInteger(v[0])) throw this.fail('BAD_VALUE', `'${name}' should be one integer.`);
    return v[0]!;
  }

  /** The one value every element holds, or an error naming the field. */
  uniform(name: string, what: string): number {
    const t = this.tensor(name);
    const v0 = t.data[0];
    if (v0 === undefined) throw this.fail('BAD_VALUE', `'${name}' is empty.`);
    for (let i = 1; i < t.data.length; i++) {
      if (t.data[i] !== v0) throw this.fail('BAD_VALUE', `'${name}' differs between neurons (${v0} and ${t.data[i]} at ${i}); ${what}`);
    }
    return v0;
  }
}

/** One model layer read from one NIR node; parameters named as the layer's own (weight, bias). */
interface Layer {
  node: string;
  text: string;
  params: Array<[string, Tensor]>;
}

interface NodeGraph {
  /** Every node, Input first, each after all the nodes that feed it. */
  order: NirNode[];
  preds: Map<string, string[]>;
  succs: Map<string, string[]>;
  /** Each node has at most one predecessor and one successor: an nn.Sequential. */
  sequential: boolean;
}

/** The edges checked (no dangling names, one Input, everything reachable from it, no cycle) and the nodes in topological order. */
function readEdges(graph: NirGraph): NodeGraph {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const succs = new Map<string, string[]>();
  const preds = new Map<string, string[]>();
  for (const [a, b] of graph.edges) {
    for (const end of [a, b]) {
      if (!byName.has(end)) {
        throw new FormatError('nir', 'DANGLING_INPUT', `The NIR edge ${a} -> ${b} names a node '${end}' that the file does not have (nodes: ${[...byName.keys()].join(', ')}). The graph is damaged or was cut; write it again with nir.write.`, { from: a, to: b, missing: end });
      }
    }
    succs.set(a, [...(succs.get(a) ?? []), b]);
    preds.set(b, [...(preds.get(b) ?? []), a]);
  }
  const inputs = graph.nodes.filter((n) => n.type === 'Input');
  if (inputs.length !== 1) {
    throw new FormatError('nir', 'NOT_SEQUENTIAL', `The NIR graph has ${inputs.length} Input nodes; a network for the chip has exactly one.`, { inputs: inputs.length });
  }
  const outputs = graph.nodes.filter((n) => n.type === 'Output');
  if (outputs.length === 0) {
    throw new FormatError('nir', 'NOT_SEQUENTIAL', 'The NIR graph has no Output node: nothing leaves the network.', { outputs: 0 });
  }
  for (const n of graph.nodes) {
    if (n.type !== 'Output' && (succs.get(n.name) ?? []).length === 0) {
      throw new FormatError('nir', 'DANGLING_INPUT', `NIR node '${n.name}' (${n.type}) has no outgoing edge, so it never reaches the Output node.`, { node: n.name, successors: 0 });
    }
  }
  // Kahn's algorithm from the Input node.
  const waiting = new Map(graph.nodes.map((n) => [n.name, (preds.get(n.name) ?? []).length]));
  const order: NirNode[] = [];
  const ready = [inputs[0]!.name];
  while (ready.length > 0) {
    const name = ready.shift()!;
    order.push(byName.get(name)!);
    for (const nxt of succs.get(name) ?? []) {
      const left = waiting.get(nxt)! - 1;
      waiting.set(nxt, left);
      if (left === 0) ready.push(nxt);
    }
  }
  if (order.length !== graph.nodes.length) {
    const off = graph.nodes.filter((n) => !order.includes(n));
    throw new FormatError('nir', 'NOT_SEQUENTIAL', `NIR nodes ${off.map((n) => `'${n.name}' (${n.type})`).join(', ')} cannot be reached from the Input node without a cycle, or are fed by nodes that cannot.`, { nodes: off.length });
  }
  const sequential = outputs.length === 1 && graph.nodes.every((n) => (succs.get(n.name) ?? []).length <= 1 && (preds.get(n.name) ?? []).length <= 1);
  return { order, preds, succs, sequential };
}

function shape3(r: NodeReader, name: string): [number, number, number] | undefined {
  const t = r.optionalTensor(name);
  if (!t) return undefined;
  const v = Array.from(t.data);
  return v.length === 3 && v.every((d) => Number.isInteger(d) && d > 0) ? [v[0]!, v[1]!, v[2]!] : undefined;
}

export function importNirGraph(graph: NirGraph): ImportedModel {
  const layers: Layer[] = [];
  const notes: string[] = [];
  let inputShape: [number, number, number] | undefined;
  let zeroBiases = 0;
  let neurons = 0;
  const edges = readEdges(graph);
  let current = '';
  const push = (text: string, params: Array<[string, Tensor]> = []): void => {
    layers.push({ node: current, text, params });
  };
  const bias = (r: NodeReader, outC: number): Tensor | null => {
    const b = r.optionalTensor('bias');
    if (!b) return null;
    if (elementCount(b.shape) !== outC) throw new FormatError('nir', 'SHAPE_MISMATCH', `bias ${formatShape(b.shape)} does not match ${outC} outputs.`, {});
    // NIR always stores a bias; zeros stand for a layer without one (bias=False), which quantizes the same.
    if (b.data.every((v) => v === 0)) {
      zeroBiases++;
      return null;
    }
    return { ...b, shape: [outC] };
  };

  for (const node of edges.order) {
    current = node.name;
    const r = new NodeReader(node);
    switch (node.type) {
      case 'Input':
        inputShape = shape3(r, 'shape') ?? shape3(r, 'input_type');
        break;
      case 'Output':
        break;
      case 'Conv2d': {
        const w = r.tensor('weight');
        if (w.shape.length !== 4) throw new FormatError('nir', 'BAD_VALUE', `NIR node '${node.name}' (Conv2d): weight ${formatShape(w.shape)} is not [out, in, kh, kw].`, { node: node.name });
        const [outC, inC, kh, kw] = w.shape as [number, number, number, number];
        const groups = r.int('groups', 1);
        if (groups !== 1) throw new FormatError('nir', 'BAD_VALUE', `NIR node '${node.name}' (Conv2d): groups=${groups}; the chip's convolutions are dense (groups=1).`, { node: node.name });
        const dil = r.ints('dilation', 2, [1, 1]);
        if (dil.some((d) => d !== 1)) throw new FormatError('nir', 'BAD_VALUE', `NIR node '${node.name}' (Conv2d): dilation ${formatShape(dil)}; the chip has no dilated convolutions.`, { node: node.name });
        const stride = r.ints('stride', 2, [1, 1]);
        const padding = r.ints('padding', 2, [0, 0]);
        const b = bias(r, outC);
        const params: Array<[string, Tensor]> = [['weight', w]];
        if (b) params.push(['bias', b]);
        push(`nn.Conv2d(${inC}, ${outC}, kernel_size=${spatial([kh, kw])}, stride=${spatial(stride)}, padding=${spatial(padding)}, bias=${b ? 'True' : 'False'})`, params);
        break;
      }
      case 'Affine':
      case 'Linear': {
        const w = r.tensor('weight');
        if (w.shape.length !== 2) throw new FormatError('nir', 'BAD_VALUE', `NIR node '${node.name}' (${node.type}): weight ${formatShape(w.shape)} is not [out, in].`, { node: node.name });
        const [outF, inF] = w.shape as [number, number];
        const b = node.type === 'Affine' ? bias(r, outF) : null;
        const params: Array<[string, Tensor]> = [['weight', w]];
        if (b) params.push(['bias', b]);
        push(`nn.Linear(${inF}, ${outF}, bias=${b ? 'True' : 'False'})`, params);
        break;
      }
      case 'IF': {
        const rr = r.uniform('r', 'the chip has one input resistance per layer');
        if (rr !== 1) {
          throw new FormatError('nir', 'BAD_VALUE', `NIR node '${node.name}' (IF): r = ${rr}; the chip's neurons add their input unscaled (r = 1). Fold r into the preceding weights and write the graph again.`, { node: node.name, r: rr });
        }
        const th = r.uniform('v_threshold', 'the chip has one threshold per layer');
        if (node.fields.has('v_reset')) {
          notes.push(`NIR node '${node.name}' (IF) has v_reset = ${r.uniform('v_reset', 'the chip resets all neurons of a layer alike')}; the chip resets by subtracting the threshold (or to zero with reset_fn=MembraneReset()), read here as subtract.`);
        }
        neurons++;
        // NIR has no lower bound on the membrane: assume sinabs from_model's default (min_v_mem=-1.0),
        // the setting the workbench converts ANNs with. sinabs IAF's own default (None) would
        // leave the membrane unbounded, and quantize every layer to the -32768 bound.
        push(`sl.IAFSqueeze(spike_threshold=${floatText(th)}, min_v_mem=${ASSUMED_MIN_V_MEM.toFixed(1)}, batch_size=1)`);
        break;
      }
      case 'SumPool2d':
      case 'AvgPool2d': {
        const k = r.ints('kernel_size', 2);
        const s = r.ints('stride', 2, k);
        const p = r.ints('padding', 2, [0, 0]);
        if (p.some((v) => v !== 0)) throw new FormatError('nir', 'BAD_VALUE', `NIR node '${node.name}' (${node.type}): padding ${formatShape(p)}; the chip's pooling is unpadded.`, { node: node.name });
        if (node.type === 'SumPool2d') {
          const same = s[0] === k[0] && s[1] === k[1];
          push(`sl.SumPool2d(kernel_size=${spatial(k)}${same ? '' : `, stride=${spatial(s)}`})`);
        } else {
          push(`nn.AvgPool2d(kernel_size=${spatial(k)}, stride=${spatial(s)})`);
        }
        break;
      }
      case 'Flatten': {
        // NIR shapes have no batch dimension: start_dim 0 here is torch's start_dim 1.
        const start = r.int('start_dim', 0);
        const end = r.int('end_dim', -1);
        if (start !== 0 || end !== -1) throw new FormatError('nir', 'BAD_VALUE', `NIR node '${node.name}' (Flatten): start_dim=${start}, end_dim=${end}; only a full flatten (0, -1) is a layer.`, { node: node.name });
        push('nn.Flatten()');
        break;
      }
      default: {
        if (LEAKY.has(node.type)) {
          throw new FormatError('nir', 'UNSUPPORTED_NEURON', `NIR node '${node.name}' is a ${node.type} neuron: its membrane leaks (tau), but the chip's neurons integrate and fire without leak. Train with integrate-and-fire neurons (sinabs IAF, NIR IF) to run on DYNAP-CNN.`, { node: node.name, type: node.type });
        }
        const why = KNOWN_UNSUPPORTED[node.type];
        throw new FormatError(
          'nir',
          'UNSUPPORTED_OP',
          why
            ? `NIR node '${node.name}' (${node.type}) is not supported: ${why}.`
            : `NIR node '${node.name}' has the node type '${node.type}', which this reader does not know. Known: Input, Output, Conv2d, IF, SumPool2d, AvgPool2d, Affine, Linear, Flatten.`,
          { node: node.name, type: node.type },
        );
      }
    }
  }
  if (layers.length === 0) throw new FormatError('nir', 'NOT_SEQUENTIAL', 'The NIR graph holds no layers between Input and Output.');
  if (neurons) {
    notes.push('NIR IF nodes store only r and v_threshold: min_v_mem is not stored (assumed -1.0, the default of sinabs from_model and of the workbench conversion) and the reset mode is not stored (assumed subtract, the sinabs default). Edit min_v_mem in the model text, or add reset_fn=MembraneReset(), if the network was trained otherwise.');
  }
  if (zeroBiases) notes.push(`${zeroBiases} all-zero bias(es) read as layers without bias (NIR always stores a bias).`);
  const written = edges.sequential ? sequentialText(layers) : classFormText(layers, edges);
  const model: ImportedModel = { format: `NIR ${graph.version}`, modelText: written.text, tensors: written.tensors, notes };
  if (inputShape) model.inputShape = inputShape;
  else notes.push('The Input node states no [C, H, W] shape: give the input shape.');
  return model;
}

interface Written {
  text: string;
  tensors: Map<string, Tensor>;
}

function sequentialText(layers: readonly Layer[]): Written {
  const tensors = new Map<string, Tensor>();
  layers.forEach((l, i) => {
    for (const [k, t] of l.params) tensors.set(`${i}.${k}`, t);
  });
  return { text: `nn.Sequential(\n${layers.map((l) => `    ${l.text},\n`).join('')})`, tensors };
}

/** NIR node names as Python attribute names: identifiers, unique, never a keyword the parser reserves. */
function attributeNames(layers: readonly Layer[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>(['forward', 'model', 'x', 'self']);
  for (const l of layers) {
    let base = l.node.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(base)) base = `n${base}`;
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    out.set(l.node, name);
  }
  return out;
}

/**
 * The nn.Module class form the model parser reads for graphs: one attribute per layer, a
 * straight-line forward in topological order, and an sl.Merge for each extra input of a
 * node (NIR sums the inputs of a node; sl.Merge adds two).
 */
function classFormText(layers: readonly Layer[], g: NodeGraph): Written {
  const attr = attributeNames(layers);
  const byNode = new Map(layers.map((l) => [l.node, l]));
  const tensors = new Map<string, Tensor>();
  const init: string[] = [];
  const body: string[] = [];
  const value = new Map<string, string>();
  let merges = 0;
  const inputOf = (node: string): string => {
    const vars = (g.preds.get(node) ?? []).map((p) => value.get(p)!);
    let acc = vars[0]!;
    for (const v of vars.slice(1)) {
      const m = `merge_${++merges}`;
      init.push(`        self.${m} = sl.Merge()`);
      const out = `${m}_out`;
      body.push(`        ${out} = self.${m}(${acc}, ${v})`);
      acc = out;
    }
    return acc;
  };
  // Several Output nodes (a network with several heads): a tuple, in topological order.
  const results: string[] = [];
  for (const n of g.order) {
    if (n.type === 'Input') {
      value.set(n.name, 'x');
      continue;
    }
    if (n.type === 'Output') {
      results.push(inputOf(n.name));
      continue;
    }
    const l = byNode.get(n.name)!;
    const a = attr.get(n.name)!;
    init.push(`        self.${a} = ${l.text}`);
    for (const [k, t] of l.params) tensors.set(`${a}.${k}`, t);
    const out = `${a}_out`;
    body.push(`        ${out} = self.${a}(${inputOf(n.name)})`);
    value.set(n.name, out);
  }
  const text = [
    'import torch.nn as nn',
    'import sinabs.layers as sl',
    '',
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    ...init,
    '',
    '    def forward(self, x):',
    ...body,
    `        return ${results.join(', ')}`,
    '',
    '',
    'model = Net()',
    '',
  ].join('\n');
  return { text, tensors };
}
