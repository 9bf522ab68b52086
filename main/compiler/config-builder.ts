// Builds the chip configuration from placed, quantized chip layers (chip.md §7-8, §12,
// placement.md §6): per core dimensions, integers in samna's array order, thresholds,
// reset mode, sequential destinations with pooling, DVS layer fields and monitoring.
// One builder serves every family; family differences are data (core count, kill bits,
// readout). It does not validate: chip-config-rules.ts does.

import { defaultCnnLayer, defaultDvsLayer, type ChipConfig, type CnnLayerConfig } from '../chips/chip-config.js';
import type { ChipFamily } from '../chips/families.js';
import type { ChipLayer, DvsInputLayer } from './compile-types.js';

/** PyTorch [out][in][y][x] -> samna [out][in][x][y]. */
function transposeKernel(w: Int8Array, out: number, inC: number, kh: number, kw: number): Int8Array {
  // A 1x1 kernel (every Linear-derived core of a classifier head) reads the same both ways.
  if (kh === 1 && kw === 1) return w.slice();
  const t = new Int8Array(w.length);
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < inC; i++) {
      const base = (o * inC + i) * kh * kw;
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) t[base + x * kh + y] = w[base + y * kw + x]!;
    }
  }
  return t;
}

/** State [f][y][x] -> [f][x][y]. */
function transposeState(v: Int16Array, f: number, h: number, w: number): Int16Array {
  const t = new Int16Array(v.length);
  for (let c = 0; c < f; c++) {
    const base = c * h * w;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) t[base + x * h + y] = v[base + y * w + x]!;
  }
  return t;
}

function killBits(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] === 0 ? 1 : 0;
  return out;
}

function coreConfig(layer: ChipLayer, state: Int16Array | null, family: ChipFamily): CnnLayerConfig {
  const [c, h, w] = layer.inputShape;
  const [f, hn, wn] = layer.neuronShape;
  const [kh, kw] = layer.conv.kernelSize;
  const q = layer.quantized;
  const biases = q.biases ?? new Int16Array(f);
  const core: CnnLayerConfig = {
    ...defaultCnnLayer(),
    dimensions: {
      input_shape: { size: { x: w, y: h }, feature_count: c },
      output_shape: { size: { x: wn, y: hn }, feature_count: f },
      padding: { x: layer.conv.padding[1], y: layer.conv.padding[0] },
      stride: { x: layer.conv.stride[1], y: layer.conv.stride[0] },
      kernel_size: kh,
    },
    weights: transposeKernel(q.weights, f, c, kh, kw),
    biases,
    neurons_initial_value: state ? transposeState(state, f, hn, wn) : new Int16Array(f * hn * wn),
    leak_enable: biases.some((b) => b !== 0),
    return_to_zero: layer.reset === 'zero',
    threshold_high: q.spikeThreshold,
    threshold_low: q.minVMem,
  };
  if (family.killBits) {
    core.weights_kill_bit = killBits(core.weights);
    core.biases_kill_bit = killBits(core.biases);
    core.neurons_value_kill_bit = new Uint8Array(core.neurons_initial_value.length);
  }
  return core;
}

export interface ConfigInput {
  family: ChipFamily;
  layers: readonly ChipLayer[];
  /** Integer initial states per chip layer ([f][y][x]), null for zeros. */
  states: ReadonlyArray<Int16Array | null>;
  ordering: readonly number[];
  dvs: DvsInputLayer | null;
  monitorCores: readonly number[];
  monitorDvs: boolean;
  inputChannels: number;
}

export function buildChipConfig(input: ConfigInput): ChipConfig {
  const { family, layers, ordering, dvs } = input;
  const cnn = family.cores.map(() => defaultCnnLayer());
  layers.forEach((layer, i) => {
    const core = ordering[i]!;
    const cfg = coreConfig(layer, input.states[i] ?? null, family);
    const next = ordering[i + 1];
    // The reference writes the pooling into the exit layer's disabled slot as well.
    cfg.destinations[0] = { layer: next ?? 0, enable: next !== undefined, pooling: layer.pooling, feature_shift: 0 };
    cnn[core] = cfg;
  });
  for (const core of input.monitorCores) cnn[core]!.monitor_enable = true;

  const dvsLayer = defaultDvsLayer();
  // The reference merges polarities whenever the input has one channel, DVS layer or not.
  dvsLayer.merge = input.inputChannels === 1;
  if (dvs) {
    dvsLayer.pooling = { x: dvs.pooling[1], y: dvs.pooling[0] };
    dvsLayer.origin = { x: dvs.crop.left, y: dvs.crop.top };
    dvsLayer.cut = { x: dvs.crop.right - 1, y: dvs.crop.bottom - 1 };
    dvsLayer.mirror = { x: dvs.flipX, y: dvs.flipY };
    dvsLayer.mirror_diagonal = dvs.swapXY;
    dvsLayer.pass_sensor_events = dvs.pixelArray;
    dvsLayer.merge = dvs.mergePolarities;
    if (ordering.length > 0) dvsLayer.destinations[0] = { layer: ordering[0]!, enable: true };
  }
  dvsLayer.monitor_enable = input.monitorDvs;

  const config: ChipConfig = { family: family.id, cnn_layers: cnn, dvs_layer: dvsLayer };
  if (family.hasReadout) config.readout = { enable: false, monitor_enable: false };
  return config;
}
