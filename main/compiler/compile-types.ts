// The compiler's request and result types: what a caller (CLI, IPC, tests) gives the
// pipeline and what it gets back. Kept apart from the pipeline code so every consumer
// can depend on the shapes without pulling in the implementation.

import type { ChipConfig } from '../chips/chip-config.js';
import type { LayerMemory } from '../common/memory-fit.js';
import type { ChipFamilyId } from '../chips/families.js';
import type { Tensor } from '../formats/tensor.js';
import type { CompileError, Diagnostic } from './diagnostics.js';
import type { ModelIR, ResetMode, SpikeFn } from './model-ir.js';
import type { PlacementProblem } from './placement.js';

export type { LayerMemory };

export type Shape3 = readonly [number, number, number];

/** `from_model` settings used when the model is an ANN (contains nn.ReLU). */
export interface ConversionOptions {
  spikeThreshold: number;
  /** null = no lower bound (then -32768 on chip; warned about). */
  minVMem: number | null;
  reset: ResetMode;
  spikeFn: SpikeFn;
  /** Append a spiking layer when the model does not end in a ReLU. */
  addSpikingOutput: boolean;
  /** Fold BatchNorm with sqrt(var + eps) instead of the reference's sqrt(var). */
  batchNormEps: boolean;
}

export const DEFAULT_CONVERSION: Readonly<ConversionOptions> = {
  spikeThreshold: 1.0,
  minVMem: -1.0,
  reset: 'subtract',
  spikeFn: 'MultiSpike',
  addSpikingOutput: true,
  batchNormEps: false,
};

/** Model-layer indices (chip layers, DVS excluded); -1 = exit layers; 'dvs' = DVS monitor. */
export type MonitorSpec = 'all' | ReadonlyArray<number | 'dvs'>;

export interface CompileRequest {
  /** Model text: one nn.Sequential(...) expression. */
  source: string;
  /** state_dict tensors (from a safetensors file). Absent: `initSeed` must be given. */
  weights?: ReadonlyMap<string, Tensor> | null;
  /** Seeded random weights when there is no weights file (for exploring placement). */
  initSeed?: number | null;
  /** [C, H, W] */
  inputShape: Shape3;
  /** Device type key, e.g. "speck2fdevkit" (an id like "speck2fdevkit:0" is accepted too). */
  device: string;
  /** 'auto' (maximum bipartite matching) or one core id per chip layer (the layer2core_map as a list). */
  ordering?: 'auto' | readonly number[];
  /** sinabs' layer2core_map: core per layer number (graph models: numbers from 1 with a DVS layer). Overrides `ordering`. */
  layer2coreMap?: Readonly<Record<number, number>>;
  /** Default [-1]: the exit layer. */
  monitorLayers?: MonitorSpec;
  conversion?: Partial<ConversionOptions>;
  /** Feed the input through the DVS pre-processing layer (pixel array on). */
  dvsInput?: boolean;
  /** JSON merge patch applied to the generated configuration (the config_modifier). */
  configPatch?: unknown;
}

export interface ConvGeometry {
  inChannels: number;
  outChannels: number;
  /** [kh, kw] */
  kernelSize: readonly [number, number];
  stride: readonly [number, number];
  padding: readonly [number, number];
  /** The conv is a Linear layer reshaped to a full-input kernel. */
  fromLinear: boolean;
}


export interface QuantizedParams {
  scale: number;
  /** Candidate scales; null = infinite (all-zero or absent tensor). */
  scaleParts: { weight: number | null; bias: number | null; threshold: number | null };
  /** PyTorch layout [out][in][kh][kw], values in [-128, 127]. */
  weights: Int8Array;
  /** Values in [-128, 127]; null when the conv has no bias. */
  biases: Int16Array | null;
  spikeThreshold: number;
  minVMem: number;
  /** Weights that were non-zero as floats but quantized to 0. */
  zeroedWeights: number;
}

export interface FloatParams {
  /** After BatchNorm folding, Linear reshaping and AvgPool rescaling; PyTorch layout. */
  weights: Float32Array;
  biases: Float32Array | null;
  spikeThreshold: number;
  minVMem: number | null;
}

/** One destination of a graph chip layer: a next chip layer (or a network exit) with its own pooling. */
export interface GraphDestination {
  /** Chip layer fed (position in CompileResult.layers), or null for a network exit. */
  target: number | null;
  /** Square sum pooling on the way to this destination (1 = none). */
  pooling: number;
  /** Model attributes of the pooling layers on this path. */
  poolModules: string[];
  /** Weight factor this path's AvgPools ask of the target (1/area product). */
  multiplier: number;
  outputShape: Shape3;
}

/** What a chip layer of a graph model was built from, and where it sends (sinabs' DynapcnnLayer fields). */
export interface GraphLayerInfo {
  modules: { conv: string; neuron: string; pooling: string[][] };
  /** In destination order: non-exit destinations fill the config's slots in this order. */
  destinations: GraphDestination[];
}

/** One DynapcnnLayer = one core: convolution -> integrate-and-fire -> sum pooling. */
export interface ChipLayer {
  index: number;
  /** Indices into ModelIR.layers of the source layers folded into this core. */
  sourceLayers: number[];
  conv: ConvGeometry;
  inputShape: Shape3;
  neuronShape: Shape3;
  /** Square sum-pooling size applied on the way out (1 = none). */
  pooling: number;
  outputShape: Shape3;
  /** Next chip layers; -1 = network output. */
  destinations: number[];
  /** Factor applied to the float weights for AvgPool -> SumPool. */
  rescaleWeights: number;
  reset: ResetMode;
  spikeFn: SpikeFn;
  float: FloatParams;
  quantized: QuantizedParams;
  memory: LayerMemory;
  /** Cores whose memory fits this layer, ascending. */
  candidates: number[];
  /** Graph models only: per-destination pooling and the model attributes. */
  graph?: GraphLayerInfo;
}

/** The DVS pre-processing layer, when the model's input goes through it. */
export interface DvsInputLayer {
  inputShape: Shape3;
  pooling: readonly [number, number];
  /** Rows [top, bottom), cols [left, right) in post-pooling coordinates. */
  crop: { top: number; bottom: number; left: number; right: number };
  mergePolarities: boolean;
  flipX: boolean;
  flipY: boolean;
  swapXY: boolean;
  /** The DVS sensor's pixel array feeds the pipeline. */
  pixelArray: boolean;
  outputShape: Shape3;
  sourceLayers: number[];
}

export interface PlacementResult {
  /** Core of each chip layer. */
  ordering: number[];
  auto: boolean;
}

/** The chip-layer graph of a graph model (positions index CompileResult.layers). */
export interface GraphSummary {
  /** [source, destination] pairs; 'input' feeds entry layers (or the DVS), 'dvs' feeds its destinations. Exits are not edges. */
  edges: Array<[number | 'input' | 'dvs', number | 'dvs']>;
  /** Chip layers the DVS layer sends to, in slot order (empty without a DVS layer). */
  dvsDestinations: number[];
  /** sinabs' layer numbers are position + numberBase: 1 when the DVS layer takes number 0, else 0. */
  numberBase: number;
}

export interface CompileTimings {
  parseMs: number;
  convertMs: number;
  quantizeMs: number;
  placeMs: number;
  configMs: number;
  totalMs: number;
}

export interface CompileResult {
  ok: boolean;
  error: CompileError | null;
  /** Everything worth showing: parse problems, conversion warnings, placement notes. */
  diagnostics: Diagnostic[];
  model: ModelIR;
  device: string;
  family: ChipFamilyId | null;
  /** The effective from_model settings (after spiking-layer overrides from the weights). */
  conversion: ConversionOptions;
  dvs: DvsInputLayer | null;
  layers: ChipLayer[];
  entryLayers: number[];
  exitLayers: number[];
  /** Graph models only (class form): edges and DVS destinations. */
  graph: GraphSummary | null;
  placement: PlacementResult | null;
  /** Why placement failed (empty when it succeeded or was not reached). */
  placementProblems: PlacementProblem[];
  /** Output shape [C,H,W] after each model layer (by ModelIR index), as far as conversion got. */
  layerShapes: Map<number, Shape3>;
  config: ChipConfig | null;
  /** Cores with monitor_enable after monitor translation (before the config patch). */
  monitoredCores: number[];
  weightsSource: 'file' | 'random' | 'none';
  timings: CompileTimings;
}
