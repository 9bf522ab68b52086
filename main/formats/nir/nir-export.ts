// The converted SNN of a compile result written as a NIR graph, in the layout `nir.write`
// (nir 1.0.x) gives sinabs networks: per chip layer a Conv2d (or Flatten + Affine for a
// Linear layer), an IF with per-neuron r = 1 and v_threshold, and a SumPool2d when the
// core pools; DVS input pooling becomes a SumPool2d before the first layer. Values are the
// float parameters after conversion (BatchNorm folded, AvgPool turned into SumPool with
// the weights rescaled), so the graph computes what the converted SNN computes. What NIR
// cannot hold (min_v_mem, the reset mode, the spike function) is returned as notes.
// It writes sequential networks only and does not quantize (the chip's integers are the
// compiler's business, recomputed on import).

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
    if (taken.has(name) || name === 'input' || name === 'output') name = `node_${nodes.length}`;
    nodes.push({ name, type, fields: new Map(fields) });
    return name;
  };
  const notes: string[] = [];
  const order = chainOrder(result);
  const first = result.layers[order[0]!]!;
  let shape: number[] = [...(result.dvs ? result.dvs.inputShape : first.inputShape)];
  const inputShape = [...shape];

  if (result.dvs) {
    const d = result.dvs;
    const cropped = d.crop.top !== 0 || d.crop.left !== 0 || d.crop.bottom !== d.outputShape[1] || d.crop.right !== d.outputShape[2];
    // Merging the polarities of a one-channel input changes nothing.
    if (cropped || d.flipX || d.flipY || d.swapXY || (d.mergePolarities && d.inputShape[0] > 1)) {
      throw new FormatError('nir', 'BAD_VALUE', 'The DVS input layer crops, flips, swaps or merges polarities, which NIR cannot express; export without the DVS options.');
    }
    if (d.pooling[0] !== 1 || d.pooling[1] !== 1) {
      add('SumPool2d', [['kernel_size', ints(d.pooling)], ['stride', ints(d.pooling)], ['padding', ints([0, 0])]], 'dvs_pool');
      shape = [...d.outputShape];
    }
  }

  let flat = false;
  const minVMem = new Set<string>();
  const resetZero: number[] = [];
  for (const li of order) {
    const l = result.layers[li]!;
    writeLayer(l, add, flat, shape, sourceNames(result, l));
    flat = l.conv.fromLinear;
    shape = flat ? [l.conv.outChannels] : [...l.outputShape];
    if (l.reset !== 'subtract') resetZero.push(l.index);
    minVMem.add(l.float.minVMem === null ? 'none' : String(l.float.minVMem));
  }
  notes.push(
    `NIR IF nodes hold r and v_threshold only. Not written: min_v_mem (${[...minVMem].join(', ')}), ` +
      `the reset mode (${resetZero.length ? `reset to zero in chip layers ${resetZero.join(', ')}` : 'subtract everywhere, the NIR reading'}) ` +
      `and the spike function (${result.conversion.spikeFn}). Readers assume their defaults.`,
  );
  const edges: Array<[string, string]> = [];
  const names = nodes.map((n) => n.name);
  edges.push(['input', names[0]!]);
  for (let i = 0; i + 1 < names.length; i++) edges.push([names[i]!, names[i + 1]!]);
  edges.push([names[names.length - 1]!, 'output']);
  nodes.push({ name: 'input', type: 'Input', fields: new Map([['shape', ints(inputShape)]]) });
  nodes.push({ name: 'output', type: 'Output', fields: new Map([['shape', ints(shape)]]) });
  return { graph: { version: NIR_LAYOUT_VERSION, nodes, edges }, notes };
}

/** Chip layers from the entry layer along single destinations; graphs (several destinations) are refused. */
function chainOrder(result: CompileResult): number[] {
  const byIndex = new Map(result.layers.map((l, i) => [l.index, i]));
  if (result.entryLayers.length !== 1) {
    throw new FormatError('nir', 'NOT_SEQUENTIAL', `The network has ${result.entryLayers.length} entry layers; NIR export writes sequential networks only.`);
  }
  const order: number[] = [];
  let cur = byIndex.get(result.entryLayers[0]!);
  while (cur !== undefined) {
    if (order.includes(cur)) throw new FormatError('nir', 'NOT_SEQUENTIAL', 'The chip layers form a cycle.');
    order.push(cur);
    const l = result.layers[cur]!;
    const dests = l.destinations.filter((d) => d !== -1);
    if (dests.length > 1 || (dests.length === 1 && l.destinations.includes(-1))) {
      throw new FormatError('nir', 'NOT_SEQUENTIAL', `Chip layer ${l.index} sends to ${l.destinations.length} destinations; NIR export writes sequential networks only.`);
    }
    cur = dests.length ? byIndex.get(dests[0]!) : undefined;
  }
  if (order.length !== result.layers.length) {
    throw new FormatError('nir', 'NOT_SEQUENTIAL', `Only ${order.length} of ${result.layers.length} chip layers are on the chain from the entry layer.`);
  }
  return order;
}

type AddNode = (type: string, fields: Array<[string, NirField]>, preferred?: string) => string;

interface SourceNames {
  weights?: string;
  flatten?: string;
  neuron: string;
  pool?: string;
}

/** The model-layer indices a chip layer was made from, by role. */
function sourceNames(result: CompileResult, l: ChipLayer): SourceNames {
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

function writeLayer(l: ChipLayer, add: AddNode, flat: boolean, shape: number[], names: SourceNames): void {
  const c = l.conv;
  const bias = l.float.biases ?? new Float32Array(c.outChannels); // NIR always stores a bias
  if (c.fromLinear) {
    const inF = l.inputShape[0] * l.inputShape[1] * l.inputShape[2];
    if (!flat) add('Flatten', [['end_dim', scalarInt(-1)], ['input_type', ints(shape)], ['start_dim', scalarInt(0)]], names.flatten);
    add('Affine', [['bias', floats([c.outChannels], bias)], ['weight', floats([c.outChannels, inF], l.float.weights)]], names.weights);
    add('IF', [['r', filled([c.outChannels], 1)], ['v_threshold', filled([c.outChannels], l.float.spikeThreshold)]], names.neuron);
  } else {
    add('Conv2d', [
      ['bias', floats([c.outChannels], bias)],
      ['dilation', ints([1, 1])],
      ['groups', scalarInt(1)],
      ['input_shape', ints([l.inputShape[1], l.inputShape[2]])],
      ['padding', ints(c.padding)],
      ['stride', ints(c.stride)],
      ['weight', floats([c.outChannels, c.inChannels, c.kernelSize[0], c.kernelSize[1]], l.float.weights)],
    ], names.weights);
    add('IF', [['r', filled(l.neuronShape, 1)], ['v_threshold', filled(l.neuronShape, l.float.spikeThreshold)]], names.neuron);
  }
  if (l.pooling > 1) add('SumPool2d', [['kernel_size', ints([l.pooling, l.pooling])], ['padding', ints([0, 0])], ['stride', ints([l.pooling, l.pooling])]], names.pool);
}

/** The NIR file of a compile result. */
export async function exportNir(result: CompileResult): Promise<{ bytes: Uint8Array; notes: string[] }> {
  const { graph, notes } = snnToNirGraph(result);
  return { bytes: await writeNirGraph(graph), notes };
}
