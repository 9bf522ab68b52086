// Binds state_dict tensors to the parsed layers by PyTorch's names ("0.weight",
// "3.running_mean", "1.spike_threshold"), checking presence and shapes like
// `load_state_dict(strict=True)`, or draws seeded random weights (PyTorch's default
// init bounds) when no file is given. Reading the file itself is main/formats' job.

import type { Tensor } from '../formats/tensor.js';
import { formatShape } from '../formats/tensor.js';
import type { CompileError, Diagnostic } from './diagnostics.js';
import { f32 } from './float32.js';
import type { LayerIR } from './model-ir.js';

export interface LayerParams {
  weight?: Float32Array;
  bias?: Float32Array;
  runningMean?: Float32Array;
  runningVar?: Float32Array;
  spikeThreshold?: number;
  /** Present when the weights give it; `null` never comes from a file. */
  minVMem?: number;
  /** Initial membrane state (batch element 0), flattened. */
  vMem?: { shape: number[]; data: Float32Array };
}

export interface BoundWeights {
  /** Keyed by LayerIR.index. */
  params: Map<number, LayerParams>;
  diagnostics: Diagnostic[];
  error: CompileError | null;
}

interface Expected {
  name: string;
  shape: readonly number[];
  required: boolean;
  assign: (p: LayerParams, t: Tensor) => void;
  /** Scalar spiking parameters accept shape [] or [1]. */
  scalar?: boolean;
}

function asFloat32(t: Tensor): Float32Array {
  return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data, f32);
}

function expectedTensors(layer: LayerIR): Expected[] {
  const p = layer.path;
  switch (layer.kind) {
    case 'conv2d': {
      const out: Expected[] = [
        {
          name: `${p}.weight`,
          shape: [layer.outChannels, layer.inChannels / layer.groups, layer.kernelSize[0], layer.kernelSize[1]],
          required: true,
          assign: (x, t) => (x.weight = asFloat32(t)),
        },
      ];
      if (layer.bias) out.push({ name: `${p}.bias`, shape: [layer.outChannels], required: true, assign: (x, t) => (x.bias = asFloat32(t)) });
      return out;
    }
    case 'linear': {
      const out: Expected[] = [
        { name: `${p}.weight`, shape: [layer.outFeatures, layer.inFeatures], required: true, assign: (x, t) => (x.weight = asFloat32(t)) },
      ];
      if (layer.bias) out.push({ name: `${p}.bias`, shape: [layer.outFeatures], required: true, assign: (x, t) => (x.bias = asFloat32(t)) });
      return out;
    }
    case 'batchnorm2d': {
      const n = layer.numFeatures;
      const out: Expected[] = [];
      if (layer.affine) {
        out.push({ name: `${p}.weight`, shape: [n], required: true, assign: (x, t) => (x.weight = asFloat32(t)) });
        out.push({ name: `${p}.bias`, shape: [n], required: true, assign: (x, t) => (x.bias = asFloat32(t)) });
      }
      if (layer.trackRunningStats) {
        out.push({ name: `${p}.running_mean`, shape: [n], required: true, assign: (x, t) => (x.runningMean = asFloat32(t)) });
        out.push({ name: `${p}.running_var`, shape: [n], required: true, assign: (x, t) => (x.runningVar = asFloat32(t)) });
        out.push({ name: `${p}.num_batches_tracked`, shape: [], required: false, assign: () => undefined });
      }
      return out;
    }
    case 'iaf':
      return [
        { name: `${p}.spike_threshold`, shape: [], scalar: true, required: false, assign: (x, t) => (x.spikeThreshold = f32(t.data[0]!)) },
        { name: `${p}.min_v_mem`, shape: [], scalar: true, required: false, assign: (x, t) => (x.minVMem = f32(t.data[0]!)) },
        { name: `${p}.v_mem`, shape: [-1], required: false, assign: (x, t) => (x.vMem = { shape: [...t.shape], data: asFloat32(t) }) },
      ];
    default:
      return [];
  }
}

function shapeMatches(expected: Expected, got: readonly number[]): boolean {
  if (expected.shape[0] === -1) return true;
  if (expected.scalar) return got.length === 0 || (got.length === 1 && got[0] === 1);
  return got.length === expected.shape.length && got.every((d, i) => d === expected.shape[i]);
}

function layerLabel(layer: LayerIR): string {
  return `layer ${layer.path} (${layer.written}, line ${layer.span.line})`;
}

export function bindWeights(layers: readonly LayerIR[], tensors: ReadonlyMap<string, Tensor>): BoundWeights {
  const params = new Map<number, LayerParams>();
  const diagnostics: Diagnostic[] = [];
  const missing: string[] = [];
  const mismatched: string[] = [];
  const used = new Set<string>();

  for (const layer of layers) {
    const p: LayerParams = {};
    for (const e of expectedTensors(layer)) {
      const t = tensors.get(e.name);
      if (!t) {
        if (e.required) missing.push(`${e.name} (${formatShape(e.shape)}, for ${layerLabel(layer)})`);
        continue;
      }
      used.add(e.name);
      if (!shapeMatches(e, t.shape)) {
        mismatched.push(`${e.name}: the file has ${formatShape(t.shape)}, ${layerLabel(layer)} needs ${formatShape(e.shape)}`);
        continue;
      }
      e.assign(p, t);
    }
    params.set(layer.index, p);
    if (layer.kind === 'iaf') reportSpikingOverrides(layer, p, diagnostics);
  }
  const unexpected = [...tensors.keys()].filter((k) => !used.has(k));

  const parts: string[] = [];
  if (missing.length) parts.push(`missing tensor(s): ${missing.join('; ')}`);
  if (mismatched.length) parts.push(`size mismatch: ${mismatched.join('; ')}`);
  if (unexpected.length) parts.push(`unexpected tensor(s) in the file: ${unexpected.join(', ')}`);
  if (parts.length === 0) return { params, diagnostics, error: null };
  const code = mismatched.length ? 'SHAPE_MISMATCH' : missing.length ? 'MISSING_TENSOR' : 'UNEXPECTED_TENSOR';
  return {
    params,
    diagnostics,
    error: {
      stage: 'weights',
      class: 'RuntimeError',
      code,
      message: `The weights do not match the model: ${parts.join('. ')}.`,
      hint: 'Tensor names are the state_dict names of the nn.Sequential (e.g. "0.weight"); export the weights of exactly this model.',
    },
  };
}

function reportSpikingOverrides(layer: Extract<LayerIR, { kind: 'iaf' }>, p: LayerParams, out: Diagnostic[]): void {
  if (p.spikeThreshold !== undefined && p.spikeThreshold !== f32(layer.spikeThreshold)) {
    out.push({
      severity: 'info',
      code: 'WEIGHTS_OVERRIDE',
      message: `spike_threshold ${p.spikeThreshold} from the weights file overrides ${layer.spikeThreshold} written in the model text (as load_state_dict does)`,
      span: layer.span,
    });
  }
  if (p.minVMem !== undefined && (layer.minVMem === null || p.minVMem !== f32(layer.minVMem))) {
    out.push({
      severity: 'info',
      code: 'WEIGHTS_OVERRIDE',
      message: `min_v_mem ${p.minVMem} from the weights file overrides ${layer.minVMem ?? 'None'} written in the model text (as load_state_dict does)`,
      span: layer.span,
    });
  }
}

/** mulberry32: small, fast, good enough for reproducible exploratory weights. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(n: number, bound: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 2 - 1) * bound;
  return out;
}

/**
 * Random weights with PyTorch's default bounds (kaiming_uniform(a=sqrt(5)) gives
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases; BatchNorm identity).
 */
export function randomWeights(layers: readonly LayerIR[], seed: number): BoundWeights {
  const rand = seededRandom(seed);
  const params = new Map<number, LayerParams>();
  for (const layer of layers) {
    const p: LayerParams = {};
    if (layer.kind === 'conv2d') {
      const fanIn = (layer.inChannels / layer.groups) * layer.kernelSize[0] * layer.kernelSize[1];
      const bound = 1 / Math.sqrt(fanIn);
      p.weight = uniform(layer.outChannels * fanIn, bound, rand);
      if (layer.bias) p.bias = uniform(layer.outChannels, bound, rand);
    } else if (layer.kind === 'linear') {
      const bound = 1 / Math.sqrt(layer.inFeatures);
      p.weight = uniform(layer.outFeatures * layer.inFeatures, bound, rand);
      if (layer.bias) p.bias = uniform(layer.outFeatures, bound, rand);
    } else if (layer.kind === 'batchnorm2d') {
      const n = layer.numFeatures;
      p.weight = new Float32Array(n).fill(1);
      p.bias = new Float32Array(n);
      p.runningMean = new Float32Array(n);
      p.runningVar = new Float32Array(n).fill(1);
    }
    params.set(layer.index, p);
  }
  return {
    params,
    error: null,
    diagnostics: [{ severity: 'info', code: 'RANDOM_WEIGHTS', message: `no weights file: using random weights (seed ${seed}) to explore conversion and placement` }],
  };
}
