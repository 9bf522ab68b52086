// The classes and functions model text may call, with their exact Python signatures
// (PyTorch 1.13+/2.x and sinabs 2.x/3.x: positional order and defaults), written as the
// Python they document so they can be checked against the libraries by eye. Layers the
// chip cannot run are listed too, with the supported alternative, so they parse into
// `unsupported` IR nodes that the conversion reports. This module is data: how arguments
// are read lives in layer-arguments.ts and layer-builders.ts.

import { DiagnosticSink } from './diagnostic-sink.js';
import { LineIndex } from './line-index.js';
import { parseExpressionText } from './python-parser.js';
import type { Expr } from './syntax-tree.js';
import { tokenize } from './tokenizer.js';

export type CatalogRole =
  /** A layer this tool converts (builder in layer-builders.ts). */
  | 'layer'
  /** A layer PyTorch/sinabs knows but the chip cannot run. */
  | 'unsupported'
  /** nn.Sequential. */
  | 'container'
  /** sinabs.activation: spike functions, reset functions, surrogate gradients. */
  | 'activation'
  /** Other callables arguments may use: torch.tensor, collections.OrderedDict. */
  | 'function';

export interface CatalogEntry {
  readonly module: string;
  readonly name: string;
  /** module + '.' + name, e.g. "torch.nn.Conv2d". */
  readonly qualified: string;
  readonly role: CatalogRole;
  /** The Python signature, e.g. "Linear(in_features, out_features, bias=True, device=None, dtype=None)". */
  readonly signature?: string;
  /** Qualified name of the class that receives `**kwargs` (IAFSqueeze passes them to IAF). */
  readonly kwargsTo?: string;
  /** What to use instead (unsupported layers). */
  readonly alternative?: string;
}

export const TORCH_NN = 'torch.nn';
export const SINABS_LAYERS = 'sinabs.layers';
export const SINABS_ACTIVATION = 'sinabs.activation';
export const SINABS_DYNAPCNN = 'sinabs.backend.dynapcnn';

/** Modules a dotted name may pass through (for `from torch import nn` and friends). */
export const KNOWN_MODULES: ReadonlySet<string> = new Set([
  'torch', TORCH_NN, 'sinabs', SINABS_LAYERS, SINABS_ACTIVATION, 'sinabs.backend', SINABS_DYNAPCNN, 'collections',
]);

const entries: CatalogEntry[] = [];

function nameOf(signature: string): string {
  return signature.slice(0, signature.indexOf('('));
}

function add(module: string, role: CatalogRole, signature: string, extra: { kwargsTo?: string } = {}): void {
  const name = nameOf(signature);
  entries.push({ module, name, qualified: `${module}.${name}`, role, signature, ...extra });
}

function unsupported(module: string, names: readonly string[], alternative?: string): void {
  for (const name of names) {
    const e: CatalogEntry = alternative === undefined
      ? { module, name, qualified: `${module}.${name}`, role: 'unsupported' }
      : { module, name, qualified: `${module}.${name}`, role: 'unsupported', alternative };
    entries.push(e);
  }
}

// ---- torch.nn: converted ----
add(TORCH_NN, 'container', 'Sequential(*args)');
add(TORCH_NN, 'layer', "Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None)");
add(TORCH_NN, 'layer', 'Linear(in_features, out_features, bias=True, device=None, dtype=None)');
add(TORCH_NN, 'layer', 'ReLU(inplace=False)');
add(TORCH_NN, 'layer', 'AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)');
add(TORCH_NN, 'layer', 'Flatten(start_dim=1, end_dim=-1)');
add(TORCH_NN, 'layer', 'BatchNorm2d(num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None)');
add(TORCH_NN, 'layer', 'Dropout(p=0.5, inplace=False)');
add(TORCH_NN, 'layer', 'Dropout2d(p=0.5, inplace=False)');
add(TORCH_NN, 'layer', 'Identity(*args, **kwargs)');

// ---- sinabs.layers: converted ----
add(SINABS_LAYERS, 'layer', 'IAF(spike_threshold=1.0, spike_fn=MultiSpike, reset_fn=MembraneSubtract(), surrogate_grad_fn=SingleExponential(), tau_syn=None, min_v_mem=None, shape=None, record_states=False)');
add(SINABS_LAYERS, 'layer', 'IAFSqueeze(batch_size=None, num_timesteps=None, **kwargs)', { kwargsTo: `${SINABS_LAYERS}.IAF` });
add(SINABS_LAYERS, 'layer', 'SumPool2d(kernel_size, stride=None, ceil_mode=False)');
add(SINABS_LAYERS, 'layer', 'NeuromorphicReLU(quantize=True, fanout=1, stochastic_rounding=False)');

// ---- torch.nn: known, not convertible ----
const USE_POOL = 'use nn.AvgPool2d or sl.SumPool2d';
const USE_RELU = 'use nn.ReLU (converted to integrate-and-fire)';
unsupported(TORCH_NN, ['MaxPool2d', 'MaxPool1d', 'MaxPool3d', 'AdaptiveMaxPool2d', 'FractionalMaxPool2d', 'LPPool2d', 'MaxUnpool2d'], USE_POOL);
unsupported(TORCH_NN, ['AdaptiveAvgPool2d', 'AdaptiveAvgPool1d'], 'use nn.AvgPool2d with kernel_size = stride = input size / output size');
unsupported(TORCH_NN, ['AvgPool1d', 'AvgPool3d'], 'use nn.AvgPool2d');
unsupported(TORCH_NN, [
  'Sigmoid', 'Tanh', 'LeakyReLU', 'ELU', 'GELU', 'Softmax', 'SiLU', 'PReLU', 'ReLU6', 'Hardtanh', 'Softplus',
  'Softsign', 'Mish', 'LogSoftmax', 'LogSigmoid', 'Softmax2d', 'SELU', 'CELU', 'Hardswish', 'Hardsigmoid',
  'Tanhshrink', 'Threshold', 'RReLU', 'GLU', 'Softmin', 'Hardshrink', 'Softshrink',
], USE_RELU);
unsupported(TORCH_NN, ['Conv1d', 'Conv3d'], 'use nn.Conv2d');
unsupported(TORCH_NN, ['ConvTranspose1d', 'ConvTranspose2d', 'ConvTranspose3d'], 'the chip has no transposed convolution; use nn.Conv2d');
unsupported(TORCH_NN, ['BatchNorm1d', 'BatchNorm3d'], 'use nn.BatchNorm2d after an nn.Conv2d (it is folded into the convolution)');
unsupported(TORCH_NN, ['LayerNorm', 'GroupNorm', 'InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d', 'LocalResponseNorm'], 'use nn.BatchNorm2d after an nn.Conv2d (it is folded into the convolution)');
unsupported(TORCH_NN, ['ZeroPad2d', 'ConstantPad2d', 'ReflectionPad2d', 'ReplicationPad2d', 'CircularPad2d'], 'use the padding argument of nn.Conv2d');
unsupported(TORCH_NN, ['Dropout1d', 'Dropout3d', 'AlphaDropout', 'FeatureAlphaDropout'], 'use nn.Dropout or nn.Dropout2d (both are dropped at inference)');
unsupported(TORCH_NN, ['Upsample', 'UpsamplingNearest2d', 'UpsamplingBilinear2d', 'PixelShuffle', 'PixelUnshuffle']);
unsupported(TORCH_NN, ['Unflatten', 'ChannelShuffle', 'Fold', 'Unfold']);
unsupported(TORCH_NN, ['RNN', 'LSTM', 'GRU', 'RNNCell', 'LSTMCell', 'GRUCell', 'Embedding', 'EmbeddingBag', 'MultiheadAttention',
  'Transformer', 'TransformerEncoder', 'TransformerDecoder', 'TransformerEncoderLayer', 'TransformerDecoderLayer', 'Bilinear', 'LazyLinear', 'LazyConv2d']);
unsupported(TORCH_NN, ['ModuleList', 'ModuleDict'], 'use nn.Sequential');

// ---- sinabs.layers: known, not convertible ----
unsupported(SINABS_LAYERS, ['LIF', 'LIFSqueeze', 'LIFRecurrent', 'ExpLeak', 'ExpLeakSqueeze', 'ALIF', 'ALIFRecurrent'], "use sl.IAFSqueeze (the chip's neurons do not leak)");
unsupported(SINABS_LAYERS, ['IAFRecurrent'], 'use sl.IAFSqueeze (the chip has no recurrent connections inside a layer)');
unsupported(SINABS_LAYERS, ['Cropping2dLayer'], 'crop the input events before feeding them to the chip');
unsupported(SINABS_LAYERS, ['SpikingMaxPooling2dLayer'], 'use sl.SumPool2d');
unsupported(SINABS_LAYERS, ['Img2SpikeLayer', 'Sig2SpikeLayer'], 'convert the input to spike events before feeding it to the chip');
unsupported(SINABS_LAYERS, ['FlattenTime', 'UnflattenTime', 'QuantizeLayer', 'ChannelShift', 'Merge', 'StatefulLayer', 'SqueezeMixin']);

// ---- sinabs.backend.dynapcnn ----
unsupported(SINABS_DYNAPCNN, ['DVSLayer'], "use the compile option dvsInput to feed the input through the chip's DVS layer");
unsupported(SINABS_DYNAPCNN, ['Crop2d', 'FlipDims'], 'crop or flip the input events before feeding them to the chip');
unsupported(SINABS_DYNAPCNN, ['DynapcnnLayer', 'DynapcnnNetwork', 'DynapcnnCompatibleNetwork'], 'write the plain layers (nn.Conv2d, sl.IAFSqueeze, sl.SumPool2d) in an nn.Sequential');

// ---- sinabs.activation ----
add(SINABS_ACTIVATION, 'activation', 'MultiSpike()');
add(SINABS_ACTIVATION, 'activation', 'SingleSpike()');
add(SINABS_ACTIVATION, 'activation', 'MaxSpike(max_num_spikes_per_bin=None)');
add(SINABS_ACTIVATION, 'activation', 'MembraneSubtract(subtract_value=None)');
add(SINABS_ACTIVATION, 'activation', 'MembraneReset(reset_value=0.0)');
add(SINABS_ACTIVATION, 'activation', 'SingleExponential(grad_width=0.5, grad_scale=1.0)');
add(SINABS_ACTIVATION, 'activation', 'PeriodicExponential(grad_width=0.5, grad_scale=1.0)');
add(SINABS_ACTIVATION, 'activation', 'Heaviside(window=1.0)');
add(SINABS_ACTIVATION, 'activation', 'Gaussian(mu=0.0, sigma=0.5, grad_scale=1.0)');
add(SINABS_ACTIVATION, 'activation', 'MultiGaussian(mu=0.0, sigma=0.5, h=0.15, s=6, grad_scale=1.0)');

// ---- helpers arguments may call ----
add('torch', 'function', 'tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False)');
add('collections', 'function', 'OrderedDict(*args, **kwargs)');

const byQualified = new Map<string, CatalogEntry>(entries.map((e) => [e.qualified, e]));

export const CATALOG: readonly CatalogEntry[] = entries;

export function lookup(qualified: string): CatalogEntry | undefined {
  return byQualified.get(qualified);
}

/** True when `qualified` names a catalogued object or a known module (for `import *`). */
export function isKnownName(qualified: string): boolean {
  return byQualified.has(qualified) || KNOWN_MODULES.has(qualified);
}

/** Layer classes (supported first), for "did you mean" over layer names. */
export function layerEntries(): readonly CatalogEntry[] {
  return layerList;
}

const layerList = [
  ...entries.filter((e) => e.role === 'layer' || e.role === 'container'),
  ...entries.filter((e) => e.role === 'unsupported'),
];

// ---- signatures ----

export interface Parameter {
  readonly name: string;
  /** The default as written in the signature; null = required. */
  readonly default: Expr | null;
}

export interface Signature {
  /** Parameters that can be given by position or keyword, in order. */
  readonly params: readonly Parameter[];
  readonly byName: ReadonlyMap<string, Parameter>;
  readonly varArgs: boolean;
  readonly varKwargs: boolean;
  /** The signature's own text: default expressions' offsets point into it. */
  readonly text: string;
}

const signatures = new Map<string, Signature>();

/** The parsed signature of an entry that has one (parsed once, then cached). */
export function signatureOf(entry: CatalogEntry): Signature {
  const cached = signatures.get(entry.qualified);
  if (cached) return cached;
  const text = entry.signature;
  if (text === undefined) throw new Error(`catalogue: ${entry.qualified} has no signature`);
  const sink = new DiagnosticSink(new LineIndex(text));
  const e = parseExpressionText(tokenize(text, sink), text, sink);
  if (sink.diagnostics.length > 0 || e.kind !== 'call') throw new Error(`catalogue: signature of ${entry.qualified} does not parse: ${text}`);
  const params: Parameter[] = [];
  let varArgs = false;
  let varKwargs = false;
  for (const a of e.args) {
    if (a.kind === 'name') params.push({ name: a.id, default: null });
    else if (a.kind === 'starred') varArgs = true;
    else throw new Error(`catalogue: bad parameter in ${text}`);
  }
  for (const k of e.keywords) {
    if (k.name === null) varKwargs = true;
    else params.push({ name: k.name, default: k.value });
  }
  const sig: Signature = { params, byName: new Map(params.map((p) => [p.name, p])), varArgs, varKwargs, text };
  signatures.set(entry.qualified, sig);
  return sig;
}
