// The converted SNN of a compile result written as a NIR graph, in the layout `nir.write`
// (nir 1.0.x) gives sinabs networks: per chip layer a Conv2d (or Flatten + Affine for a
// Linear layer), an IF with per-neuron r = 1 and v_threshold, and a SumPool2d when the
// core pools; DVS input pooling becomes a SumPool2d before the first layer. Values are the
// float parameters after conversion (BatchNorm folded, AvgPool turned into SumPool with
// the weights rescaled), so the graph computes what the converted SNN computes. What NIR
// cannot hold (min_v_mem, the reset mode, the spike function) is returned as notes.
// Graph networks (sinabs 3.1 mapping: splits, merges, several entries) are NIR graphs: a
// split is several edges out of a node (pooled per destination), a merge several edges
// into one, which NIR sums, as the chip does. It does not quantize (the chip's integers
// are the compiler's business, recomputed on import).

import type { ChipLayer, CompileResult } from '../../compiler/compile-types.js';
import { FormatError } from '../format-error.js';
import type { Tensor } from '../tensor.js';
import { writeNirGraph, type NirField, type NirGraph, type NirNode } from './nir-file.js';

/** The nir package version whose file layout this writes. */
export const NIR_LAYOUT_VERSION = '1.0.4';

function ints(values: readonly number[]): Tensor {
  return { dtype: 'I64', shape: [values.length], data: Float64Array.from(values) };
}
function scalarInt(v: number): Tensor {
  return { dtype: 'I64', shape: [], data: Float64Array.of(v) };
}
function floats(shape: readonly number[], data: Float32Array): Tensor {
  return { dtype: 'F32', shape, data };
}
function filled(shape: readonly number[], v: number): Tensor {
  return floats(shape, new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(v));
}

export interface NirExport {
  graph: NirGraph;
  notes: string[];
}

/** The NIR graph of a compile result that got as far as chip layers. */
export function snnToNirGraph(result: CompileResult): NirExport {
  if (result.layers.length === 0) {
    throw new FormatError('nir', 'BAD_VALUE', `There is no converted network to export${result.error ? ` (compilation failed: ${result.error.message})` : ''}.`);
  }
  const nodes: NirNode[] = [];
  const add: AddNode = (type, fields, preferred) => {
    // Named like sinabs.to_nir names them: the model layer's index in the nn.Sequential,
    // 'spike_output' for the spiking layer the conversion appended.
    const taken = new Set(nodes.map((n) => n.name));
    let name = preferred ?? `node_${nodes.length}`;
    if (taken.has(name) || name === 'input' || /^output(_\d+)?$/.test(name)) name = `node_${nodes.length}`;
    nodes.push({ name, type, fields: new Map(fields) });
    return name;
  };
  const notes: string[] = [];
  const flow = layerFlow(result);
  const first = result.layers[flow.order[0]!]!;
  const inputShape: number[] = [...(result.dvs ? result.dvs.inputShape : first.inputShape)];

  if (result.dvs) {
    const d = result.dvs;
    const cropped = d.crop.top !== 0 || d.crop.left !== 0 || d.crop.bottom !== d.outputShape[1] || d.crop.right !== d.outputShape[2];
    // Merging the polarities of a one-channel input changes nothing.
    if (cropped || d.flipX || d.flipY || d.swapXY || (d.mergePolarities && d.inputShape[0] > 1)) {
      throw new FormatError('nir', 'BAD_VALUE', 'The DVS input layer crops, flips, swaps or merges polarities, which NIR cannot express; export without the DVS options.');
    }
    if (d.pooling[0] !== 1 || d.pooling[1] !== 1) {
      add('SumPool2d', [['kernel_size', ints(d.pooling)], ['stride', ints(d.pooling)], ['padding', ints([0, 0])]], 'dvs_pool');
    }
  }

  const minVMem = new Set<string>();
  const resetZero: number[] = [];
  // Nodes first, layer by layer in topological order; then the edges in the same order,
  // so a chain comes out as input -> ... -> output node after node.
  const built = new Map<number, BuiltLayer>();
  for (const li of flow.order) {
    const l = result.layers[li]!;
    const sources = flow.sources.get(li) ?? [];
    const flatIn = sources.length > 0 && sources.every((s) => result.layers[s]!.conv.fromLinear);
    built.set(li, writeLayer(l, add, flatIn, sourceNames(result, l), flow.destinations.get(li)!));
    if (l.reset !== 'subtract') resetZero.push(l.index);
    minVMem.add(l.float.minVMem === null ? 'none' : String(l.float.minVMem));
  }
  notes.push(
    `NIR IF nodes hold r and v_threshold only. Not written: min_v_mem (${[...minVMem].join(', ')}), ` +
      `the reset mode (${resetZero.length ? `reset to zero in chip layers ${resetZero.join(', ')}` : 'subtract everywhere, the NIR reading'}) ` +
      `and the spike function (${result.conversion.spikeFn}). Readers assume their defaults.`,
  );
  const edges: Array<[string, string]> = [];
  const feed = nodes.length > 0 && nodes[0]!.name === 'dvs_pool' ? 'dvs_pool' : 'input';
  if (feed === 'dvs_pool') edges.push(['input', 'dvs_pool']);
  for (const e of flow.entries) edges.push([feed, built.get(e)!.entry]);
  // One Output node per exit (a network with two heads has two), in the order they come.
  const outputs: NirNode[] = [];
  for (const li of flow.order) {
    const b = built.get(li)!;
    edges.push(...b.inner);
    for (const out of b.outs) {
      if (out.target === null) {
        const name = outputs.length === 0 ? 'output' : `output_${outputs.length}`;
        outputs.push({ name, type: 'Output', fields: new Map([['shape', ints(out.shape)]]) });
        edges.push([out.from, name]);
      } else edges.push([out.from, built.get(out.target)!.entry]);
    }
  }
  if (flow.merges.length > 0) {
    const which = flow.merges.length === 1 ? `Chip layer ${flow.merges[0]} takes` : `Chip layers ${flow.merges.join(', ')} take`;
    notes.push(`${which} the sum of several inputs: NIR sums the edges into a node, as the chip does.`);
  }
  nodes.push({ name: 'input', type: 'Input', fields: new Map([['shape', ints(inputShape)]]) }, ...outputs);
  return { graph: { version: NIR_LAYOUT_VERSION, nodes, edges }, notes };
}

/** Where a chip layer sends its spikes (a position in result.layers, or null: the network's output), with the pooling on the way. */
interface LayerOut {
  target: number | null;
  pooling: number;
  poolName?: string | undefined;
}

interface LayerFlow {
  order: number[];
  entries: number[];
  sources: Map<number, number[]>;
  destinations: Map<number, LayerOut[]>;
  merges: number[];
}

/**
 * The chip-layer graph in topological order. Sequential layers send everything to one
 * place, pooled by `pooling`; graph layers (sinabs 3.1 mapping) have their own pooling
 * per destination.
 */
function layerFlow(result: CompileResult): LayerFlow {
  const byIndex = new Map(result.layers.map((l, i) => [l.index, i]));
  const destinations = new Map<number, LayerOut[]>();
  result.layers.forEach((l, i) => {
    const outs: LayerOut[] = l.graph
      ? l.graph.destinations.map((d) => ({ target: d.target, pooling: d.pooling, poolName: d.poolModules[0] }))
      : l.destinations.map((d) => ({ target: d === -1 ? null : (byIndex.get(d) ?? null), pooling: l.pooling }));
    destinations.set(i, outs.length > 0 ? outs : [{ target: null, pooling: l.pooling }]);
  });
  const sources = new Map<number, number[]>();
  for (const [i, outs] of destinations) for (const o of outs) if (o.target !== null) sources.set(o.target, [...(sources.get(o.target) ?? []), i]);
  const entries = result.entryLayers.map((e) => byIndex.get(e)).filter((e): e is number => e !== undefined);
  if (entries.length === 0) throw new FormatError('nir', 'NOT_SEQUENTIAL', 'The network has no entry layer.');
  // Kahn's algorithm, entry layers first in their order.
  const waiting = new Map(result.layers.map((_, i) => [i, (sources.get(i) ?? []).length]));
  const order: number[] = [];
  const ready = entries.filter((e) => waiting.get(e) === 0);
  while (ready.length > 0) {
    const i = ready.shift()!;
    order.push(i);
    for (const o of destinations.get(i)!) {
      if (o.target === null) continue;
      const left = waiting.get(o.target)! - 1;
      waiting.set(o.target, left);
      if (left === 0) ready.push(o.target);
    }
  }
  if (order.length !== result.layers.length) {
    throw new FormatError('nir', 'NOT_SEQUENTIAL', `Only ${order.length} of ${result.layers.length} chip layers can be reached from the entry layers without a cycle.`);
  }
  const merges = [...sources].filter(([, s]) => s.length > 1).map(([i]) => result.layers[i]!.index);
  return { order, entries, sources, destinations, merges };
}

interface BuiltLayer {
  /** The node the layer's input edges go to. */
  entry: string;
  inner: Array<[string, string]>;
  outs: Array<{ from: string; target: number | null; shape: number[] }>;
}

type AddNode = (type: string, fields: Array<[string, NirField]>, preferred?: string) => string;

interface SourceNames {
  weights?: string;
  flatten?: string;
  neuron: string;
  pool?: string;
}

/** Node names for a chip layer: a graph model's attribute names; in a Sequential the model-layer indices, by role. */
function sourceNames(result: CompileResult, l: ChipLayer): SourceNames {
  if (l.graph) return { weights: l.graph.modules.conv, neuron: l.graph.modules.neuron };
  const out: SourceNames = { neuron: 'spike_output' };
  for (const i of l.sourceLayers) {
    const kind = result.model.layers[i]?.kind;
    if (kind === 'conv2d' || kind === 'linear') out.weights ??= String(i);
    else if (kind === 'relu' || kind === 'iaf') out.neuron = String(i);
    else if (kind === 'avgpool2d' || kind === 'sumpool2d') out.pool ??= String(i);
    else if (kind === 'flatten') out.flatten ??= String(i);
  }
  return out;
}

function writeLayer(l: ChipLayer, add: AddNode, flatIn: boolean, names: SourceNames, outs: readonly LayerOut[]): BuiltLayer {
  const c = l.conv;
  const bias = l.float.biases ?? new Float32Array(c.outChannels); // NIR always stores a bias
  const chain: string[] = [];
  if (c.fromLinear) {
    const inF = l.inputShape[0] * l.inputShape[1] * l.inputShape[2];
    if (!flatIn) chain.push(add('Flatten', [['end_dim', scalarInt(-1)], ['input_type', ints(l.inputShape)], ['start_dim', scalarInt(0)]], names.flatten));
    chain.push(add('Affine', [['bias', floats([c.outChannels], bias)], ['weight', floats([c.outChannels, inF], l.float.weights)]], names.weights));
    chain.push(add('IF', [['r', filled([c.outChannels], 1)], ['v_threshold', filled([c.outChannels], l.float.spikeThreshold)]], names.neuron));
  } else {
    chain.push(
      add('Conv2d', [
        ['bias', floats([c.outChannels], bias)],
        ['dilation', ints([1, 1])],
        ['groups', scalarInt(1)],
        ['input_shape', ints([l.inputShape[1], l.inputShape[2]])],
        ['padding', ints(c.padding)],
        ['stride', ints(c.stride)],
        ['weight', floats([c.outChannels, c.inChannels, c.kernelSize[0], c.kernelSize[1]], l.float.weights)],
      ], names.weights),
    );
    chain.push(add('IF', [['r', filled(l.neuronShape, 1)], ['v_threshold', filled(l.neuronShape, l.float.spikeThreshold)]], names.neuron));
  }
  const inner: Array<[string, string]> = [];
  for (let i = 0; i + 1 < chain.length; i++) inner.push([chain[i]!, chain[i + 1]!]);
  const spikes = chain[chain.length - 1]!;
  // Destinations pooled alike share one pooling node (a sequential layer has one).
  const pools = new Map<number, string>();
  const built: BuiltLayer = { entry: chain[0]!, inner, outs: [] };
  for (const o of outs) {
    let from = spikes;
    if (o.pooling > 1) {
      let pool = pools.get(o.pooling);
      if (pool === undefined) {
        pool = add('SumPool2d', [['kernel_size', ints([o.pooling, o.pooling])], ['padding', ints([0, 0])], ['stride', ints([o.pooling, o.pooling])]], o.poolName ?? names.pool);
        pools.set(o.pooling, pool);
        inner.push([spikes, pool]);
      }
      from = pool;
    }
    const [ch, h, w] = l.neuronShape;
    built.outs.push({ from, target: o.target, shape: c.fromLinear ? [c.outChannels] : [ch, Math.floor(h / o.pooling), Math.floor(w / o.pooling)] });
  }
  return built;
}

/** The NIR file of a compile result. */
export async function exportNir(result: CompileResult): Promise<{ bytes: Uint8Array; notes: string[] }> {
  const { graph, notes } = snnToNirGraph(result);
  return { bytes: await writeNirGraph(graph), notes };
}
