// The parsed model: a flat list of PyTorch / sinabs layers with their arguments resolved
// to PyTorch's defaults and the source span each came from. Nested nn.Sequential is
// flattened here; `path` keeps the state_dict prefix ("3", or "2.1" when nested) so
// weights bind by the names PyTorch gives them. No shapes, no weights: those come later.

import type { Diagnostic, SourceSpan } from './diagnostics.js';
import type { GraphIR } from './graph-ir.js';

export type Pair = readonly [number, number];
export type ResetMode = 'subtract' | 'zero';
export type SpikeFn = 'MultiSpike' | 'SingleSpike' | 'MaxSpike';

interface LayerBase {
  /** Position in the flattened layer list. */
  readonly index: number;
  /** state_dict prefix: "0", "3", "2.1" (nested Sequential). */
  readonly path: string;
  /** The call expression, e.g. `nn.Conv2d(1, 20, 5)`. */
  readonly span: SourceSpan;
  /** The class as written, e.g. "nn.Conv2d", "sl.IAFSqueeze", "sinabs.layers.SumPool2d". */
  readonly written: string;
}

export interface Conv2dLayer extends LayerBase {
  readonly kind: 'conv2d';
  readonly inChannels: number;
  readonly outChannels: number;
  /** [kh, kw] */
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly groups: number;
  readonly bias: boolean;
}

export interface LinearLayer extends LayerBase {
  readonly kind: 'linear';
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly bias: boolean;
}

export interface ReluLayer extends LayerBase {
  readonly kind: 'relu';
}

export interface AvgPool2dLayer extends LayerBase {
  readonly kind: 'avgpool2d';
  readonly kernelSize: Pair;
  /** PyTorch default: equal to kernel_size. */
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
}

export interface SumPool2dLayer extends LayerBase {
  readonly kind: 'sumpool2d';
  readonly kernelSize: Pair;
  /** sinabs default: equal to kernel_size. */
  readonly stride: Pair;
}

export interface FlattenLayer extends LayerBase {
  readonly kind: 'flatten';
  readonly startDim: number;
  readonly endDim: number;
}

export interface BatchNorm2dLayer extends LayerBase {
  readonly kind: 'batchnorm2d';
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
}

/** Dropout, Dropout2d and Identity: no effect at inference, dropped before grouping. */
export interface IgnoredLayer extends LayerBase {
  readonly kind: 'ignored';
  readonly op: 'Dropout' | 'Dropout2d' | 'Identity';
}

/** sl.IAF / sl.IAFSqueeze. */
export interface SpikingLayer extends LayerBase {
  readonly kind: 'iaf';
  readonly variant: 'IAF' | 'IAFSqueeze';
  readonly spikeThreshold: number;
  /** null = no lower bound (sinabs default for a bare IAF). */
  readonly minVMem: number | null;
  readonly reset: ResetMode;
  readonly spikeFn: SpikeFn;
  /** Synaptic time constant: not supported on chip; conversion rejects it. */
  readonly tauSyn: number | null;
  readonly batchSize: number | null;
  readonly numTimesteps: number | null;
}

/**
 * A layer PyTorch or sinabs knows but the chip cannot run (MaxPool2d, Sigmoid, LIF...).
 * Parsed so the conversion can report it at its span with the supported alternative.
 */
export interface UnsupportedLayer extends LayerBase {
  readonly kind: 'unsupported';
  /** Class name without prefix, e.g. "MaxPool2d". */
  readonly op: string;
  /** The supported alternative, e.g. "use nn.AvgPool2d or sl.SumPool2d". */
  readonly alternative?: string;
}

export type LayerIR =
  | Conv2dLayer
  | LinearLayer
  | ReluLayer
  | AvgPool2dLayer
  | SumPool2dLayer
  | FlattenLayer
  | BatchNorm2dLayer
  | IgnoredLayer
  | SpikingLayer
  | UnsupportedLayer;

export type LayerKind = LayerIR['kind'];

export interface ModelIR {
  readonly source: string;
  /** Flattened layers; empty when parsing failed. */
  readonly layers: readonly LayerIR[];
  /** Parse diagnostics (errors and warnings). The model is usable iff none is an error. */
  readonly diagnostics: readonly Diagnostic[];
  /** Present when the text is an nn.Module class (layers called in forward); absent for nn.Sequential. */
  readonly graph?: GraphIR;
}
