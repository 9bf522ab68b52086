// The chip configuration: what a driver writes to a DYNAP-CNN / Speck core array.
// Field names follow samna's configuration objects (chip.md §7-8, §12) so users who
// know `config.cnn_layers[3].monitor_enable` find the same names here. Bulk arrays are
// typed arrays in memory; `chip-config-json.ts` turns them into plain JSON and back.

import type { ChipFamilyId } from './families.js';

export interface Xy {
  x: number;
  y: number;
}

export interface CoreDestination {
  /** Target: core 0..8, or 12 (readout). */
  layer: number;
  enable: boolean;
  /** Sum pooling applied to events through this slot: 1, 2 or 4. */
  pooling: number;
  /** Added to the feature index of events through this slot. */
  feature_shift: number;
}

export interface CnnLayerDimensions {
  /** x = width, y = height. */
  input_shape: { size: Xy; feature_count: number };
  /** Neuron map (pre-pooling). */
  output_shape: { size: Xy; feature_count: number };
  padding: Xy;
  stride: Xy;
  /** Square kernel side. */
  kernel_size: number;
}

export interface CnnLayerConfig {
  dimensions: CnnLayerDimensions;
  /** Int8 weights, flat, samna order [out][in][x][y] (PyTorch's [out][in][y][x] transposed). */
  weights: Int8Array;
  /** One bias per output channel (8-bit quantized values); zeros when the layer has no bias. */
  biases: Int16Array;
  /** Neuron state at configuration time, flat [f][x][y], 16-bit. */
  neurons_initial_value: Int16Array;
  /** Bias added on every slow-clock tick. */
  leak_enable: boolean;
  /** true: reset to zero after a spike; false: subtract threshold_high. */
  return_to_zero: boolean;
  threshold_high: number;
  threshold_low: number;
  monitor_enable: boolean;
  destinations: [CoreDestination, CoreDestination];
  output_decimator_enable: boolean;
  /** 3-bit code; N = 2^(code+1) (chip.md §14, reading flagged as not established). */
  output_decimator_interval: number;
  /** Families with kill bits only (DYNAP-CNN, Speck2, Speck2b): 1 where the value is 0. */
  weights_kill_bit?: Uint8Array;
  biases_kill_bit?: Uint8Array;
  neurons_value_kill_bit?: Uint8Array;
}

export interface DvsDestination {
  layer: number;
  enable: boolean;
}

export interface DvsLayerConfig {
  /** Merge both polarities into channel 0. */
  merge: boolean;
  on_channel: boolean;
  off_channel: boolean;
  pooling: Xy;
  /** ROI top-left, post-pooling coordinates. */
  origin: Xy;
  /** ROI bottom-right, inclusive, post-pooling coordinates. */
  cut: Xy;
  /** Flip x (columns) / y (rows) within the ROI. */
  mirror: { x: boolean; y: boolean };
  mirror_diagonal: boolean;
  /** Feed the sensor's pixel-array events into the pipeline (events injected by the host enter regardless). */
  pass_sensor_events: boolean;
  destinations: [DvsDestination, DvsDestination];
  monitor_enable: boolean;
  raw_monitor_enable: boolean;
}

export interface ReadoutConfig {
  enable: boolean;
  monitor_enable: boolean;
}

export interface ChipConfig {
  /** Which family's tables and rules apply. */
  family: ChipFamilyId;
  /** One entry per core (9, or 5 on the mini chips); unused cores keep the defaults. */
  cnn_layers: CnnLayerConfig[];
  dvs_layer: DvsLayerConfig;
  /** Present on families with a readout layer (Speck2e/2f). */
  readout?: ReadoutConfig;
}

/** A core that holds no layer: no dimensions, no destinations, nothing monitored. */
export function defaultCnnLayer(): CnnLayerConfig {
  const zero = { x: 0, y: 0 };
  return {
    dimensions: {
      input_shape: { size: { ...zero }, feature_count: 0 },
      output_shape: { size: { ...zero }, feature_count: 0 },
      padding: { ...zero },
      stride: { x: 1, y: 1 },
      kernel_size: 1,
    },
    weights: new Int8Array(0),
    biases: new Int16Array(0),
    neurons_initial_value: new Int16Array(0),
    leak_enable: false,
    return_to_zero: false,
    threshold_high: 0,
    threshold_low: 0,
    monitor_enable: false,
    destinations: [
      { layer: 0, enable: false, pooling: 1, feature_shift: 0 },
      { layer: 0, enable: false, pooling: 1, feature_shift: 0 },
    ],
    output_decimator_enable: false,
    output_decimator_interval: 0,
  };
}

export function defaultDvsLayer(): DvsLayerConfig {
  return {
    merge: false,
    on_channel: true,
    off_channel: true,
    pooling: { x: 1, y: 1 },
    origin: { x: 0, y: 0 },
    cut: { x: 127, y: 127 },
    mirror: { x: false, y: false },
    mirror_diagonal: false,
    pass_sensor_events: false,
    destinations: [
      { layer: 0, enable: false },
      { layer: 0, enable: false },
    ],
    monitor_enable: false,
    raw_monitor_enable: false,
  };
}

/** A core holds a layer when it has a neuron map. */
export function coreIsUsed(core: CnnLayerConfig): boolean {
  const o = core.dimensions.output_shape;
  return o.feature_count > 0 && o.size.x > 0 && o.size.y > 0;
}
