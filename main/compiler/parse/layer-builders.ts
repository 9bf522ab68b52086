// Turns a bound layer call into its IR node: reads each argument with PyTorch's /
// sinabs' meaning (AvgPool2d stride None = kernel_size, padding 'same' resolved to
// numbers), rejects values the libraries reject (kernel_size 0, p outside [0, 1]) and
// values the chip cannot honour in any model (padding_mode 'reflect'), and warns about
// arguments that are accepted but have no effect on the chip. Whether layers fit
// together (Conv2d followed by a spiking layer, pooling stride = kernel...) is the
// conversion's business, not this module's.

import type {
  AvgPool2dLayer,
  BatchNorm2dLayer,
  Conv2dLayer,
  FlattenLayer,
  IgnoredLayer,
  LayerIR,
  LinearLayer,
  Pair,
  ReluLayer,
  ResetMode,
  SpikeFn,
  SpikingLayer,
  SumPool2dLayer,
} from '../model-ir.js';
import type { SourceSpan } from '../diagnostics.js';
import { closestName } from './did-you-mean.js';
import { bindCall, resolveReference, type CallArguments } from './layer-arguments.js';
import { CATALOG, lookup, SINABS_ACTIVATION, SINABS_LAYERS, TORCH_NN } from './layer-catalog.js';

export interface LayerPlace {
  readonly index: number;
  readonly path: string;
  readonly span: SourceSpan;
  readonly written: string;
}

type Builder = (a: CallArguments, place: LayerPlace) => LayerIR;

const DEVICE_WHY = 'the weights live on the chip';
const DTYPE_WHY = 'the chip quantizes weights to 8 bits';

function conv2d(a: CallArguments, place: LayerPlace): Conv2dLayer {
  const inChannels = a.int('in_channels', 1);
  const outChannels = a.int('out_channels', 1);
  const kernelSize = a.pair('kernel_size', 1);
  const stride = a.pair('stride', 1);
  const dilation = a.pair('dilation', 1);
  const groups = a.int('groups', 1);
  const groupsExpr = a.given('groups');
  if (groupsExpr !== undefined && groups > 1) {
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      a.bad(a.arg('groups'), groupsExpr, `in_channels (${inChannels}) and out_channels (${outChannels}) must both be divisible by groups (${groups})`);
    }
  }
  const padding = convPadding(a, kernelSize, stride, dilation);
  const bias = a.bool('bias');
  const modeExpr = a.given('padding_mode');
  if (modeExpr !== undefined) {
    const mode = a.string('padding_mode');
    if (mode !== null && mode !== 'zeros') {
      if (mode === 'reflect' || mode === 'replicate' || mode === 'circular') {
        a.bad(a.arg('padding_mode'), modeExpr, `padding_mode='${mode}' is not supported: the chip pads with zeros`, "remove padding_mode (the default is 'zeros')");
      } else {
        const guess = closestName(mode, ['zeros', 'reflect', 'replicate', 'circular']);
        a.bad(a.arg('padding_mode'), modeExpr, `padding_mode must be 'zeros', 'reflect', 'replicate' or 'circular', got '${mode}'`, guess ? `did you mean '${guess}'?` : undefined);
      }
    }
  }
  a.ignoredUnlessNone('device', DEVICE_WHY);
  a.ignoredUnlessNone('dtype', DTYPE_WHY);
  return { kind: 'conv2d', ...place, inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias };
}

/** Conv2d padding: numbers, 'valid', or 'same' resolved to the symmetric padding it means. */
function convPadding(a: CallArguments, kernel: Pair, stride: Pair, dilation: Pair): Pair {
  const arg = a.arg('padding');
  const e = arg.expr!;
  const f = a.fold(arg, e);
  if (f.kind !== 'str') return a.pair('padding', 0, [0, 0]);
  if (f.value === 'valid') return [0, 0];
  if (f.value === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) {
      a.bad(arg, e, "padding='same' needs stride 1 (PyTorch rejects it for strided convolutions)", 'give the padding as a number, e.g. padding=1');
      return [0, 0];
    }
    const total0 = dilation[0] * (kernel[0] - 1);
    const total1 = dilation[1] * (kernel[1] - 1);
    if (total0 % 2 !== 0 || total1 % 2 !== 0) {
      a.bad(
        arg,
        e,
        `padding='same' with kernel_size (${kernel[0]}, ${kernel[1]}) pads one side more than the other, which the chip cannot do`,
        'use an odd kernel size, or give the padding as a number',
      );
      return [0, 0];
    }
    return [total0 / 2, total1 / 2];
  }
  const guess = closestName(f.value, ['same', 'valid']);
  a.bad(arg, e, `padding must be a number, a pair, 'same' or 'valid', got '${f.value}'`, guess ? `did you mean '${guess}'?` : undefined);
  return [0, 0];
}

function linear(a: CallArguments, place: LayerPlace): LinearLayer {
  const inFeatures = a.int('in_features', 1);
  const outFeatures = a.int('out_features', 1);
  const bias = a.bool('bias');
  a.ignoredUnlessNone('device', DEVICE_WHY);
  a.ignoredUnlessNone('dtype', DTYPE_WHY);
  return { kind: 'linear', ...place, inFeatures, outFeatures, bias };
}

function warnInplace(a: CallArguments): void {
  const e = a.given('inplace');
  if (e !== undefined && a.bool('inplace')) a.warnIgnored(e, 'inplace=True is ignored (it only saves memory in PyTorch)');
}

function relu(a: CallArguments, place: LayerPlace): ReluLayer {
  warnInplace(a);
  return { kind: 'relu', ...place };
}

function neuromorphicRelu(a: CallArguments, place: LayerPlace): ReluLayer {
  // from_model replaces it with a spiking layer exactly like nn.ReLU; its options only shape training.
  a.bool('quantize');
  a.number('fanout', 1);
  a.bool('stochastic_rounding');
  return { kind: 'relu', ...place };
}

function poolStride(a: CallArguments, kernelSize: Pair): Pair {
  return a.optionalPair('stride', 1) ?? kernelSize;
}

function avgPool2d(a: CallArguments, place: LayerPlace): AvgPool2dLayer {
  const kernelSize = a.pair('kernel_size', 1);
  const stride = poolStride(a, kernelSize);
  const padding = a.pair('padding', 0, [0, 0]);
  const padExpr = a.given('padding');
  if (padExpr !== undefined && (padding[0] * 2 > kernelSize[0] || padding[1] * 2 > kernelSize[1])) {
    a.bad(a.arg('padding'), padExpr, `padding (${padding[0]}, ${padding[1]}) must be at most half of kernel_size (${kernelSize[0]}, ${kernelSize[1]})`);
  }
  const ceilMode = a.bool('ceil_mode');
  const countIncludePad = a.bool('count_include_pad');
  const divisorOverride = a.optionalInt('divisor_override', 1);
  return { kind: 'avgpool2d', ...place, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride };
}

function sumPool2d(a: CallArguments, place: LayerPlace): SumPool2dLayer {
  const kernelSize = a.pair('kernel_size', 1);
  const stride = poolStride(a, kernelSize);
  const ceil = a.given('ceil_mode');
  if (ceil !== undefined && a.bool('ceil_mode')) {
    a.warnIgnored(ceil, 'ceil_mode=True is ignored: the chip drops incomplete pooling windows', 'remove ceil_mode, or make the input size a multiple of the kernel size');
  }
  return { kind: 'sumpool2d', ...place, kernelSize, stride };
}

function flatten(a: CallArguments, place: LayerPlace): FlattenLayer {
  const startDim = a.int('start_dim', -Infinity, 1);
  const endDim = a.int('end_dim', -Infinity, -1);
  return { kind: 'flatten', ...place, startDim, endDim };
}

function batchNorm2d(a: CallArguments, place: LayerPlace): BatchNorm2dLayer {
  const numFeatures = a.int('num_features', 1);
  const eps = a.number('eps', 1e-5);
  const epsExpr = a.given('eps');
  if (epsExpr !== undefined && eps < 0) a.bad(a.arg('eps'), epsExpr, `eps must not be negative, got ${eps}`);
  const momentum = a.optionalNumber('momentum');
  const affine = a.bool('affine');
  const trackRunningStats = a.bool('track_running_stats');
  a.ignoredUnlessNone('device', DEVICE_WHY);
  a.ignoredUnlessNone('dtype', DTYPE_WHY);
  return { kind: 'batchnorm2d', ...place, numFeatures, eps, momentum: momentum === undefined ? 0.1 : momentum, affine, trackRunningStats };
}

function dropout(op: 'Dropout' | 'Dropout2d'): Builder {
  return (a, place): IgnoredLayer => {
    const p = a.number('p', 0.5);
    const pExpr = a.given('p');
    if (pExpr !== undefined) {
      if (p < 0 || p > 1) a.bad(a.arg('p'), pExpr, `p is a probability and must be between 0 and 1, got ${p}`);
      else if (p !== 0) a.warnIgnored(pExpr, `p=${a.text(pExpr)} has no effect at inference: dropout is off on the chip`);
    }
    a.bool('inplace');
    return { kind: 'ignored', ...place, op };
  };
}

function identity(_a: CallArguments, place: LayerPlace): IgnoredLayer {
  return { kind: 'ignored', ...place, op: 'Identity' };
}

// ---- sinabs spiking layers ----

function activationNames(): string[] {
  return CATALOG.filter((e) => e.module === SINABS_ACTIVATION).map((e) => e.name);
}

function spikeFn(a: CallArguments): SpikeFn {
  const arg = a.arg('spike_fn');
  const e = arg.expr!;
  const scope = a.scopeOf(arg);
  const q = resolveReference(e, scope);
  const entry = q !== null ? lookup(q) : undefined;
  if (entry?.module === SINABS_ACTIVATION && (entry.name === 'MultiSpike' || entry.name === 'SingleSpike' || entry.name === 'MaxSpike')) {
    if (e.kind === 'call') {
      const inner = bindCall(e, entry, a.text(e.callee), a.ctx);
      if (entry.name === 'MaxSpike') inner.optionalInt('max_num_spikes_per_bin', 1);
    }
    return entry.name;
  }
  if (e.kind !== 'error') {
    const last = q?.slice(q.lastIndexOf('.') + 1);
    const guess = last !== undefined ? closestName(last, ['MultiSpike', 'SingleSpike', 'MaxSpike']) : null;
    a.bad(
      arg,
      e,
      `spike_fn must be ${a.ctx.scope.spell(SINABS_ACTIVATION, 'MultiSpike')}, ${a.ctx.scope.spell(SINABS_ACTIVATION, 'SingleSpike')} or ${a.ctx.scope.spell(SINABS_ACTIVATION, 'MaxSpike')}(n), got ${a.text(e)}`,
      guess !== null ? `did you mean ${a.ctx.scope.spell(SINABS_ACTIVATION, guess)}?` : undefined,
    );
  }
  return 'MultiSpike';
}

function resetMode(a: CallArguments): ResetMode {
  const arg = a.arg('reset_fn');
  const e = arg.expr!;
  const q = resolveReference(e, a.scopeOf(arg));
  const entry = q !== null ? lookup(q) : undefined;
  if (entry?.module === SINABS_ACTIVATION && (entry.name === 'MembraneSubtract' || entry.name === 'MembraneReset')) {
    const mode: ResetMode = entry.name === 'MembraneSubtract' ? 'subtract' : 'zero';
    if (e.kind !== 'call') {
      a.bad(arg, e, `reset_fn takes an instance, not the class: write ${a.text(e)}()`);
      return mode;
    }
    const inner = bindCall(e, entry, a.text(e.callee), a.ctx);
    if (mode === 'subtract') {
      const v = inner.optionalNumber('subtract_value', true);
      const given = inner.given('subtract_value');
      // sinabs treats 0 like None (`if self.subtract_value:`).
      if (given !== undefined && typeof v === 'number' && v !== 0) {
        inner.warnIgnored(given, 'subtract_value is ignored: the chip always subtracts the spike threshold');
      }
    } else {
      const v = inner.number('reset_value', 0, true);
      const given = inner.given('reset_value');
      if (given !== undefined && v !== 0) inner.warnIgnored(given, 'reset_value is ignored: the chip resets the membrane potential to 0');
    }
    return mode;
  }
  if (e.kind !== 'error') {
    const last = q?.slice(q.lastIndexOf('.') + 1);
    const guess = last !== undefined ? closestName(last, ['MembraneSubtract', 'MembraneReset']) : null;
    a.bad(
      arg,
      e,
      `reset_fn must be ${a.ctx.scope.spell(SINABS_ACTIVATION, 'MembraneSubtract')}() or ${a.ctx.scope.spell(SINABS_ACTIVATION, 'MembraneReset')}(), got ${a.text(e)}`,
      guess !== null ? `did you mean ${a.ctx.scope.spell(SINABS_ACTIVATION, guess)}()?` : undefined,
    );
  }
  return 'subtract';
}

/** Training-only: any sinabs.activation surrogate (or None) is accepted and ignored. */
function surrogate(a: CallArguments): void {
  const arg = a.arg('surrogate_grad_fn');
  const e = arg.expr!;
  if (e.kind === 'error' || (e.kind === 'constant' && e.value === null)) return;
  const q = resolveReference(e, a.scopeOf(arg));
  if (q !== null && q.startsWith(SINABS_ACTIVATION + '.')) {
    const name = q.slice(SINABS_ACTIVATION.length + 1);
    if (lookup(q) !== undefined) return;
    const guess = closestName(name, activationNames());
    a.bad(arg, e, `sinabs.activation has no '${name}'`, guess !== null ? `did you mean ${a.ctx.scope.spell(SINABS_ACTIVATION, guess)}?` : undefined);
    return;
  }
  a.bad(arg, e, `surrogate_grad_fn must be a sinabs.activation surrogate gradient such as ${a.ctx.scope.spell(SINABS_ACTIVATION, 'SingleExponential')}(), got ${a.text(e)}`, 'it only matters for training; you can remove it');
}

function threshold(a: CallArguments): number {
  const arg = a.arg('spike_threshold');
  const e = arg.expr!;
  const v = a.numberFrom(arg, e, true);
  if (v === undefined) return 1;
  if (v <= 0) {
    a.bad(arg, e, `spike_threshold must be greater than 0, got ${v}`, 'a neuron with a threshold <= 0 would fire without input');
    return 1;
  }
  return v;
}

/** `shape` only pre-allocates the state in sinabs: None or a tuple of sizes, ignored here. */
function shapeArgument(a: CallArguments): void {
  const arg = a.arg('shape');
  const e = arg.expr!;
  if (e.kind === 'constant' && e.value === null) return;
  if (e.kind === 'tuple' || e.kind === 'list') {
    for (const item of e.items) a.intFrom(arg, item, 1);
    return;
  }
  if (e.kind !== 'error') a.bad(arg, e, `shape must be None or a tuple of sizes, got ${a.text(e)}`);
}

function spiking(variant: 'IAF' | 'IAFSqueeze'): Builder {
  return (a, place): SpikingLayer => {
    const spikeThreshold = threshold(a);
    const minVMem = a.optionalNumber('min_v_mem', true) ?? null;
    const fn = spikeFn(a);
    const reset = resetMode(a);
    surrogate(a);
    const tauSyn = a.optionalNumber('tau_syn', true) ?? null;
    shapeArgument(a);
    a.bool('record_states');
    let batchSize: number | null = null;
    let numTimesteps: number | null = null;
    if (variant === 'IAFSqueeze') {
      batchSize = a.optionalInt('batch_size', 1);
      numTimesteps = a.optionalInt('num_timesteps', 1);
      const isNone = (name: string): boolean => {
        const g = a.given(name);
        return g === undefined || (g.kind === 'constant' && g.value === null);
      };
      if (isNone('batch_size') && isNone('num_timesteps')) {
        const [s, e] = a.closeSpan();
        a.ctx.sink.error(
          'MISSING_ARGUMENT',
          s,
          e,
          `${a.written} needs batch_size or num_timesteps (sinabs raises TypeError without them)`,
          'add batch_size=1: the chip runs one sample at a time',
        );
      }
    }
    return { kind: 'iaf', ...place, variant, spikeThreshold, minVMem, reset, spikeFn: fn, tauSyn, batchSize, numTimesteps };
  };
}

export const LAYER_BUILDERS: ReadonlyMap<string, Builder> = new Map<string, Builder>([
  [`${TORCH_NN}.Conv2d`, conv2d],
  [`${TORCH_NN}.Linear`, linear],
  [`${TORCH_NN}.ReLU`, relu],
  [`${TORCH_NN}.AvgPool2d`, avgPool2d],
  [`${TORCH_NN}.Flatten`, flatten],
  [`${TORCH_NN}.BatchNorm2d`, batchNorm2d],
  [`${TORCH_NN}.Dropout`, dropout('Dropout')],
  [`${TORCH_NN}.Dropout2d`, dropout('Dropout2d')],
  [`${TORCH_NN}.Identity`, identity],
  [`${SINABS_LAYERS}.IAF`, spiking('IAF')],
  [`${SINABS_LAYERS}.IAFSqueeze`, spiking('IAFSqueeze')],
  [`${SINABS_LAYERS}.SumPool2d`, sumPool2d],
  [`${SINABS_LAYERS}.NeuromorphicReLU`, neuromorphicRelu],
]);
