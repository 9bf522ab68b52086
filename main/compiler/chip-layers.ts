// Groups the spiking model into chip layers (conversion.md §3-§6): an optional DVS input
// prefix, then groups `weight [BatchNorm2d] spiking pooling*`, each one core. Folds
// BatchNorm, turns AvgPool into SumPool with the next weights rescaled, merges
// consecutive pools, reshapes Linear into a full-input convolution and infers shapes.
// Structural errors use the reference's error classes. Chip limits (kernel <= 16, stride,
// map sizes...) are not checked here: hardware-limits.ts does that on the result.

import type { ChipLayer, ConvGeometry, DvsInputLayer, GraphLayerInfo, Shape3 } from './compile-types.js';
import type { CompileError, Diagnostic } from './diagnostics.js';
import { f32 } from './float32.js';
import type { SnnLayer, SnnModel } from './ann-to-snn.js';
import type { BatchNorm2dLayer, LayerIR, Pair } from './model-ir.js';

/** A chip layer before quantization and placement (ChipLayer minus what those add). */
export interface ChipLayerDraft extends Omit<ChipLayer, 'quantized' | 'memory' | 'candidates'> {
  dilation: Pair;
  groups: number;
  /** Initial membrane state [F][H][W] when the weights carry one. */
  state: Float32Array | null;
  /** The weight layer's source (for messages). */
  weightLayer: LayerIR;
  /** Graph models: modules and per-destination pooling (becomes ChipLayer.graph). */
  graphInfo?: GraphLayerInfo;
}

export interface ChipLayersResult {
  dvs: DvsInputLayer | null;
  layers: ChipLayerDraft[];
  /** Output shape after each model layer (ModelIR index), as far as grouping got. */
  layerShapes: Map<number, Shape3>;
  diagnostics: Diagnostic[];
  error: CompileError | null;
}

export interface ChipLayerOptions {
  dvsInput: boolean;
  /** Fold BatchNorm with sqrt(var + eps) (PyTorch inference) instead of sqrt(var) (the reference). */
  batchNormEps: boolean;
}

export class ConversionFailure extends Error {
  constructor(readonly error: CompileError) {
    super(error.message);
  }
}

export function fail(cls: string, code: string, message: string, at?: LayerIR, layer?: number, hint?: string): never {
  const error: CompileError = { stage: 'conversion', class: cls, code, message };
  if (at) error.span = at.span;
  if (layer !== undefined) error.layer = layer;
  if (hint) error.hint = hint;
  throw new ConversionFailure(error);
}

export function describe(l: LayerIR): string {
  return `${l.written} (line ${l.span.line})`;
}

const isWeight = (l: LayerIR) => l.kind === 'conv2d' || l.kind === 'linear';
const isPool = (l: LayerIR) => l.kind === 'avgpool2d' || l.kind === 'sumpool2d';

export interface Pooling {
  ky: number;
  kx: number;
  /** Factor for the next layer's weights: product of 1/area of the AvgPools. */
  multiplier: number;
  sources: LayerIR[];
}

export function consolidatePools(pools: readonly SnnLayer[]): Pooling {
  let ky = 1;
  let kx = 1;
  let divisor = 1;
  for (const { layer: p } of pools) {
    if (p.kind !== 'avgpool2d' && p.kind !== 'sumpool2d') continue;
    if (p.kind === 'avgpool2d') {
      if (p.padding[0] !== 0 || p.padding[1] !== 0) {
        fail('ValueError', 'POOL_PADDING', `Padding is not supported for the pooling layers: ${describe(p)} has padding ${p.padding[0]}x${p.padding[1]}.`, p, undefined, 'Remove the padding; the chip pools without it.');
      }
      if (p.ceilMode) fail('ValueError', 'POOL_CEIL_MODE', `${describe(p)} uses ceil_mode=True, which the chip's sum pooling cannot express.`, p);
    }
    if (p.stride[0] !== p.kernelSize[0] || p.stride[1] !== p.kernelSize[1]) {
      const s = p.stride[0] === p.stride[1] ? `${p.stride[0]}` : `(${p.stride[0]}, ${p.stride[1]})`;
      const k = p.kernelSize[0] === p.kernelSize[1] ? `${p.kernelSize[0]}` : `(${p.kernelSize[0]}, ${p.kernelSize[1]})`;
      fail('ValueError', 'POOL_STRIDE', `Stride length ${s} should be the same as pooling kernel size ${k} (${describe(p)}).`, p, undefined, 'Use stride equal to kernel_size (the default).');
    }
    ky *= p.kernelSize[0];
    kx *= p.kernelSize[1];
    if (p.kind === 'avgpool2d') divisor *= p.divisorOverride ?? p.kernelSize[0] * p.kernelSize[1];
  }
  return { ky, kx, multiplier: 1 / divisor, sources: pools.map((p) => p.layer) };
}

/** weights × m in float32 (a Float32Array store rounds the product as torch's float32 multiply does). */
function scaleWeights(weights: Float32Array, multiplier: number): Float32Array {
  const m = Math.fround(multiplier);
  const scaled = new Float32Array(weights.length);
  for (let k = 0; k < weights.length; k++) scaled[k] = weights[k]! * m;
  return scaled;
}

function convOut(n: number, k: number, s: number, p: number, d: number): number {
  return Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
}

function foldBatchNorm(
  weights: Float32Array,
  bias: Float32Array | null,
  outChannels: number,
  bn: BatchNorm2dLayer,
  bnParams: SnnLayer['params'],
  withEps: boolean,
): { weights: Float32Array; bias: Float32Array } {
  const mean = bnParams.runningMean!;
  const variance = bnParams.runningVar!;
  const perOut = weights.length / outChannels;
  const folded = new Float32Array(weights.length);
  const foldedBias = new Float32Array(outChannels);
  const eps = f32(bn.eps);
  for (let o = 0; o < outChannels; o++) {
    const gamma = bn.affine ? bnParams.weight![o]! : 1;
    const beta = bn.affine ? bnParams.bias![o]! : 0;
    const v = withEps ? f32(variance[o]! + eps) : variance[o]!;
    const factor = f32(gamma / f32(Math.sqrt(v)));
    for (let j = 0; j < perOut; j++) folded[o * perOut + j] = f32(weights[o * perOut + j]! * factor);
    const b = bias ? bias[o]! : 0;
    foldedBias[o] = f32(beta + f32(f32(b - mean[o]!) * factor));
  }
  return { weights: folded, bias: foldedBias };
}

function initialState(s: SnnLayer, neuron: Shape3, fromLinear: boolean, chipLayer: number): Float32Array | null {
  const v = s.params.vMem;
  if (!v || v.data.length === 0) return null;
  const n = neuron[0] * neuron[1] * neuron[2];
  const dims = v.shape;
  const ok =
    (dims.length === 4 && dims[1] === neuron[0] && dims[2] === neuron[1] && dims[3] === neuron[2]) ||
    (dims.length === 3 && dims[0] === neuron[0] && dims[1] === neuron[1] && dims[2] === neuron[2]) ||
    (fromLinear && dims.length === 2 && dims[1] === neuron[0]) ||
    (fromLinear && dims.length === 1 && dims[0] === neuron[0]);
  if (!ok) {
    throw new ConversionFailure({
      stage: 'weights',
      class: 'ValueError',
      code: 'SHAPE_MISMATCH',
      message: `${s.layer.path}.v_mem has shape [${dims.join(', ')}] but chip layer ${chipLayer} has neurons [${neuron.join(', ')}] (batch element 0 is used).`,
      span: s.layer.span,
      layer: chipLayer,
    });
  }
  return v.data.slice(0, n);
}

export function buildChipLayers(snn: SnnModel, inputShape: Shape3, options: ChipLayerOptions): ChipLayersResult {
  const diagnostics: Diagnostic[] = [];
  const layerShapes = new Map<number, Shape3>();
  try {
    const result = build(snn, inputShape, options, diagnostics, layerShapes);
    return { ...result, layerShapes, diagnostics, error: null };
  } catch (e) {
    if (e instanceof ConversionFailure) return { dvs: null, layers: [], layerShapes, diagnostics, error: e.error };
    throw e;
  }
}

export function checkSupported(all: readonly SnnLayer[]): void {
  const bad = all.filter((l) => l.layer.kind === 'unsupported' || (l.layer.kind === 'iaf' && l.layer.tauSyn !== null));
  if (bad.length === 0) return;
  const items = bad.map(({ layer: l }) => {
    if (l.kind === 'iaf') return `${describe(l)}: tau_syn (synaptic current) has no counterpart on the chip; remove it`;
    if (l.kind === 'unsupported') return `${describe(l)}${l.alternative ? `: ${l.alternative}` : ''}`;
    return describe(l);
  });
  fail(
    'UnsupportedLayerType',
    'UNSUPPORTED_LAYER',
    `One or more layers are not supported on the chip: ${items.join('; ')}.`,
    bad[0]!.layer,
    undefined,
    'Supported: nn.Conv2d, nn.Linear, nn.ReLU, nn.AvgPool2d, sl.SumPool2d, nn.BatchNorm2d, sl.IAF / sl.IAFSqueeze, nn.Flatten, nn.Dropout(2d), nn.Identity.',
  );
}

function build(snn: SnnModel, inputShape: Shape3, options: ChipLayerOptions, diagnostics: Diagnostic[], layerShapes: Map<number, Shape3>) {
  checkSupported(snn.layers);
  const [c0, h0, w0] = inputShape;
  if (![c0, h0, w0].every((n) => Number.isInteger(n) && n > 0)) {
    fail('InputConfigurationError', 'INPUT_SHAPE', `The input shape must be three positive integers C,H,W; got ${inputShape.join(',')}.`);
  }
  // Dropped before grouping; attributed to the next core for the source map.
  const seq: SnnLayer[] = [];
  const dropped: number[] = [];
  const droppedBefore = new Map<SnnLayer, number[]>();
  for (const l of snn.layers) {
    if (l.layer.kind === 'ignored' || l.layer.kind === 'flatten') {
      dropped.push(l.layer.index);
      continue;
    }
    droppedBefore.set(l, dropped.splice(0));
    seq.push(l);
  }

  let shape: Shape3 = inputShape;
  let pendingMultiplier = 1;
  let i = 0;
  let dvs: DvsInputLayer | null = null;

  const leading: SnnLayer[] = [];
  while (i < seq.length && isPool(seq[i]!.layer)) leading.push(seq[i++]!);
  if (leading.length > 0 || options.dvsInput) {
    const [c, h, w] = shape;
    if (c !== 1 && c !== 2) {
      fail('ValueError', 'DVS_CHANNELS', `Only 1 and 2 channels are supported by the DVS input layer; the input has ${c}.`, leading[0]?.layer, undefined,
        leading.length > 0 ? 'Pooling before the first convolution runs in the DVS layer, which takes 1 or 2 polarity channels.' : undefined);
    }
    const pool = consolidatePools(leading);
    pendingMultiplier = pool.multiplier;
    const out: Shape3 = [c, Math.floor(h / pool.ky), Math.floor(w / pool.kx)];
    dvs = {
      inputShape: shape,
      pooling: [pool.ky, pool.kx],
      crop: { top: 0, bottom: out[1], left: 0, right: out[2] },
      mergePolarities: c === 1,
      flipX: false,
      flipY: false,
      swapXY: false,
      pixelArray: options.dvsInput,
      outputShape: out,
      sourceLayers: leading.map((l) => l.layer.index),
    };
    if (leading.length > 0) {
      diagnostics.push({
        severity: 'info',
        code: 'DVS_POOLING',
        message: `Pooling before the first convolution (${leading.map((l) => describe(l.layer)).join(', ')}) runs in the DVS input layer (pooling ${pool.ky}x${pool.kx}).`,
        span: leading[0]!.layer.span,
      });
    }
    shape = out;
    for (const l of leading) layerShapes.set(l.layer.index, out);
  }

  const layers: ChipLayerDraft[] = [];
  let previous: SnnLayer | null = leading[leading.length - 1] ?? null;
  while (i < seq.length) {
    const weight = seq[i]!;
    const index = layers.length;
    if (!isWeight(weight.layer)) {
      if (previous === null) {
        fail('InvalidGraphStructure', 'EXPECTED_WEIGHT_LAYER', `The model starts with ${describe(weight.layer)}; a chip core starts with nn.Conv2d or nn.Linear.`, weight.layer, index);
      }
      const endsWithPool = weight.converted === 'spike-output' && isPool(previous.layer);
      fail(
        'InvalidEdge',
        'EXPECTED_WEIGHT_LAYER',
        endsWithPool
          ? `The model ends with ${describe(previous.layer)}; the conversion appends a spiking output layer after it, but a spiking layer needs a convolution before it.`
          : `${describe(previous.layer)} cannot be followed by ${describe(weight.layer)}: after a core's spiking (and pooling) layers the next core must start with nn.Conv2d or nn.Linear.`,
        weight.layer,
        index,
        endsWithPool ? 'Remove the trailing pooling layer or end the model with a Linear/Conv2d layer.' : undefined,
      );
    }
    i++;
    let bn: SnnLayer | null = null;
    if (seq[i]?.layer.kind === 'batchnorm2d') bn = seq[i++]!;
    const spiking = seq[i];
    const before = bn ?? weight;
    if (!spiking) {
      fail('InvalidGraphStructure', 'MISSING_SPIKING_LAYER', `A spiking layer is expected after ${describe(before.layer)} (position ${i}), but the model ends there.`, before.layer, index,
        'End the model with a ReLU (converted) or sl.IAFSqueeze.');
    }
    if (spiking.layer.kind !== 'iaf') {
      const next = spiking.layer;
      if (isPool(next)) {
        fail('InvalidGraphStructure', 'EXPECTED_SPIKING_LAYER', `${describe(next)} follows ${describe(before.layer)} directly; pooling layers must be preceded by a spiking layer.`, next, index);
      }
      fail('InvalidEdge', 'EXPECTED_SPIKING_LAYER', `${describe(before.layer)} can not target ${describe(next)}: a convolution or linear layer must be followed by a spiking layer (IAF).`, next, index,
        'A core is convolution -> integrate-and-fire -> pooling; put a ReLU or sl.IAFSqueeze between them.');
    }
    i++;
    const pools: SnnLayer[] = [];
    while (i < seq.length && isPool(seq[i]!.layer)) pools.push(seq[i++]!);
    previous = pools[pools.length - 1] ?? spiking;

    const draft = buildOne(index, weight, bn, spiking, pools, shape, pendingMultiplier, options, diagnostics);
    const attributed = [weight, bn, spiking, ...pools].flatMap((l) => (l ? [...(droppedBefore.get(l) ?? [])] : []));
    draft.sourceLayers = [...new Set([...attributed, ...draft.sourceLayers])].sort((a, b) => a - b);
    layers.push(draft);
    recordShapes(layerShapes, draft, weight, bn, spiking, pools, shape);
    shape = draft.outputShape;
    pendingMultiplier = consolidatePools(pools).multiplier;
  }

  if (layers.length === 0 && !dvs) {
    fail('InvalidGraphStructure', 'EMPTY_MODEL', 'The model has no layers the chip can run (it needs at least one convolution or linear layer followed by a spiking layer).');
  }
  layers.forEach((l, k) => (l.destinations = k < layers.length - 1 ? [k + 1] : [-1]));
  return { dvs, layers };
}

/** Shapes after each source layer of one core: neurons after weight/BN/IAF, pooled after each pool. */
function recordShapes(
  shapes: Map<number, Shape3>,
  draft: ChipLayerDraft,
  weight: SnnLayer,
  bn: SnnLayer | null,
  spiking: SnnLayer,
  pools: readonly SnnLayer[],
  input: Shape3,
): void {
  const n = draft.neuronShape;
  for (const l of [weight, bn, spiking]) if (l && l.converted !== 'spike-output') shapes.set(l.layer.index, n);
  const c = n[0];
  let h = n[1];
  let w = n[2];
  for (const p of pools) {
    const k = p.layer.kind === 'avgpool2d' || p.layer.kind === 'sumpool2d' ? p.layer.kernelSize : ([1, 1] as const);
    h = Math.floor(h / k[0]);
    w = Math.floor(w / k[1]);
    shapes.set(p.layer.index, [c, h, w]);
  }
  // Dropped layers (Flatten, Dropout) before this core keep the shape they received.
  for (const i of draft.sourceLayers) if (!shapes.has(i)) shapes.set(i, input);
}

export function buildOne(
  index: number,
  weight: SnnLayer,
  bn: SnnLayer | null,
  spiking: SnnLayer,
  pools: readonly SnnLayer[],
  input: Shape3,
  multiplier: number,
  options: ChipLayerOptions,
  diagnostics: Diagnostic[],
): ChipLayerDraft {
  const [c, h, w] = input;
  const wl = weight.layer;
  let conv: ConvGeometry;
  let dilation: Pair = [1, 1];
  let groups = 1;
  let neuron: Shape3;
  if (wl.kind === 'conv2d') {
    if (wl.inChannels !== c) {
      fail('ValueError', 'CHANNEL_MISMATCH', `${describe(wl)} expects ${wl.inChannels} input channels, but its input has ${c} (shape ${input.join('x')}).`, wl, index);
    }
    if (wl.kernelSize[0] !== wl.kernelSize[1]) {
      fail('ValueError', 'NON_SQUARE_KERNEL', `The kernel of a \`nn.Conv2d\` must have the same height and width: ${describe(wl)} has ${wl.kernelSize[0]}x${wl.kernelSize[1]}.`, wl, index);
    }
    dilation = wl.dilation;
    groups = wl.groups;
    const ho = convOut(h, wl.kernelSize[0], wl.stride[0], wl.padding[0], wl.dilation[0]);
    const wo = convOut(w, wl.kernelSize[1], wl.stride[1], wl.padding[1], wl.dilation[1]);
    if (ho < 1 || wo < 1) {
      fail('ValueError', 'INPUT_SHAPE', `${describe(wl)} gets a ${h}x${w} input, smaller than its ${wl.kernelSize[0]}x${wl.kernelSize[1]} kernel (with padding ${wl.padding[0]}): no output.`, wl, index);
    }
    conv = { inChannels: c, outChannels: wl.outChannels, kernelSize: wl.kernelSize, stride: wl.stride, padding: wl.padding, fromLinear: false };
    neuron = [wl.outChannels, ho, wo];
  } else if (wl.kind === 'linear') {
    if (wl.inFeatures !== c * h * w) {
      fail('ValueError', 'LINEAR_SHAPE', `${describe(wl)} expects ${wl.inFeatures} input features, but the layer before it gives ${c}x${h}x${w} = ${c * h * w}.`, wl, index);
    }
    if (h !== w) {
      fail('ValueError', 'NON_SQUARE_KERNEL', `${describe(wl)} on a ${h}x${w} map becomes a ${h}x${w} convolution; the chip needs a square kernel.`, wl, index,
        'Make the feature map square before the Linear layer.');
    }
    conv = { inChannels: c, outChannels: wl.outFeatures, kernelSize: [h, w], stride: [1, 1], padding: [0, 0], fromLinear: true };
    neuron = [wl.outFeatures, 1, 1];
  } else {
    throw new Error('unreachable: not a weight layer');
  }

  let weights = weight.params.weight ?? new Float32Array(0);
  let bias: Float32Array | null = weight.params.bias ?? null;
  if (bn) {
    const b = bn.layer as BatchNorm2dLayer;
    if (b.numFeatures !== conv.outChannels) {
      fail('ValueError', 'BATCHNORM_FEATURES', `${describe(b)} has ${b.numFeatures} features but ${describe(wl)} produces ${conv.outChannels} channels.`, b, index);
    }
    if (!b.trackRunningStats) {
      fail('ValueError', 'BATCHNORM_STATS', `${describe(b)} has track_running_stats=False: it normalises with batch statistics, which cannot be folded into the convolution.`, b, index);
    }
    if (wl.kind === 'linear') {
      fail('ValueError', 'BATCHNORM_AFTER_LINEAR', `${describe(b)} follows ${describe(wl)}: BatchNorm2d can only be folded into a Conv2d.`, b, index);
    }
    const folded = foldBatchNorm(weights, bias, conv.outChannels, b, bn.params, options.batchNormEps);
    weights = folded.weights;
    bias = folded.bias;
  }
  if (multiplier !== 1) weights = scaleWeights(weights, multiplier);

  const sl = spiking.layer;
  if (sl.kind !== 'iaf') throw new Error('unreachable: not a spiking layer');
  const threshold = spiking.params.spikeThreshold ?? f32(sl.spikeThreshold);
  const minVMem = spiking.params.minVMem ?? (sl.minVMem === null ? null : f32(sl.minVMem));
  if (!(threshold > 0)) {
    fail('ValueError', 'BAD_THRESHOLD', `The spike threshold of ${describe(sl)} is ${threshold}; the chip needs a positive threshold.`, sl, index);
  }
  if (minVMem !== null && minVMem >= threshold) {
    fail('ValueError', 'BAD_THRESHOLD', `min_v_mem ${minVMem} of ${describe(sl)} is not below its spike threshold ${threshold}.`, sl, index);
  }
  if (minVMem === null && spiking.converted === null) {
    diagnostics.push({
      severity: 'warning',
      code: 'MIN_V_MEM_UNSET',
      message: `${describe(sl)} has min_v_mem=None: the lower bound becomes -32768, which caps chip layer ${index}'s quantization scale at 1.`,
      span: sl.span,
      hint: 'Set min_v_mem (e.g. -1.0, the conversion default) to keep the weights\' resolution.',
    });
  }

  const pool = consolidatePools(pools);
  if (pool.ky !== pool.kx) {
    fail('ValueError', 'NON_SQUARE_POOL', `Only square kernels are supported for pooling in a core: ${pools.map((p) => describe(p.layer)).join(' + ')} pool ${pool.ky}x${pool.kx}.`, pools[0]?.layer, index);
  }
  const outputShape: Shape3 = [neuron[0], Math.floor(neuron[1] / pool.ky), Math.floor(neuron[2] / pool.kx)];
  const sources = [wl, bn?.layer, spiking.converted === 'spike-output' ? undefined : sl, ...pools.map((p) => p.layer)]
    .filter((l): l is LayerIR => l !== undefined)
    .map((l) => l.index);

  return {
    index,
    sourceLayers: sources,
    conv,
    dilation,
    groups,
    inputShape: input,
    neuronShape: neuron,
    pooling: pool.ky,
    outputShape,
    destinations: [],
    rescaleWeights: multiplier,
    reset: sl.reset,
    spikeFn: sl.spikeFn,
    float: { weights, biases: bias, spikeThreshold: threshold, minVMem },
    state: initialState(spiking, neuron, conv.fromLinear, index),
    weightLayer: wl,
  };
}
