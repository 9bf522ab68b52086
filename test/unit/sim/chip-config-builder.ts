// Hand-built chip configurations for simulator tests: a few lines per core in PyTorch
// terms (weights [out][in][ky][kx], initial state [f][y][x]) turned into samna layout,
// plus a configuration made directly from a golden fixture's recorded integer layers.

import { defaultCnnLayer, defaultDvsLayer, type ChipConfig, type DvsLayerConfig } from '../../../main/chips/chip-config.js';
import { CHIP_FAMILIES, type ChipFamilyId } from '../../../main/chips/families.js';
import type { Fixture } from '../../helpers/fixtures.js';

export interface TestDestination {
  core: number;
  pooling?: number;
  featureShift?: number;
  enable?: boolean;
}

export interface TestCore {
  core: number;
  /** [C, H, W] */
  input: [number, number, number];
  outChannels: number;
  kernel: number;
  stride?: number | [number, number];
  padding?: number | [number, number];
  /** PyTorch order [out][in][ky][kx], or a function of those indices. */
  weights: readonly number[] | ((f: number, c: number, ky: number, kx: number) => number);
  biases?: readonly number[];
  threshold: number;
  low?: number;
  returnToZero?: boolean;
  monitor?: boolean;
  destinations?: TestDestination[];
  /** PyTorch order [f][y][x]. */
  initial?: readonly number[];
  /** Decimator interval code (enables the decimator). */
  decimator?: number;
  /** Kill bits in PyTorch order [out][in][ky][kx] (written transposed like weights). */
  weightKill?: readonly number[];
  leak?: boolean;
}

const pair = (v: number | [number, number] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : v);

export function buildConfig(cores: TestCore[], options: { family?: ChipFamilyId; dvs?: Partial<DvsLayerConfig> } = {}): ChipConfig {
  const family = options.family ?? 'speck2f';
  const layers = CHIP_FAMILIES[family].cores.map(() => defaultCnnLayer());
  for (const t of cores) {
    const [C, H, W] = t.input;
    const F = t.outChannels;
    const k = t.kernel;
    const [sy, sx] = pair(t.stride, 1);
    const [py, px] = pair(t.padding, 0);
    const oh = Math.floor((H + 2 * py - k) / sy) + 1;
    const ow = Math.floor((W + 2 * px - k) / sx) + 1;
    const weights = new Int8Array(F * C * k * k);
    const kill = t.weightKill ? new Uint8Array(F * C * k * k) : undefined;
    for (let f = 0; f < F; f++)
      for (let c = 0; c < C; c++)
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++) {
            const torch = ((f * C + c) * k + ky) * k + kx;
            const samna = ((f * C + c) * k + kx) * k + ky;
            weights[samna] = typeof t.weights === 'function' ? t.weights(f, c, ky, kx) : t.weights[torch]!;
            if (kill) kill[samna] = t.weightKill![torch]!;
          }
    const initial = new Int16Array(t.initial ? F * oh * ow : 0);
    if (t.initial) {
      for (let f = 0; f < F; f++) for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) initial[(f * ow + x) * oh + y] = t.initial[(f * oh + y) * ow + x]!;
    }
    const dests = t.destinations ?? [];
    const base = defaultCnnLayer();
    layers[t.core] = {
      ...base,
      dimensions: {
        input_shape: { size: { x: W, y: H }, feature_count: C },
        output_shape: { size: { x: ow, y: oh }, feature_count: F },
        padding: { x: px, y: py },
        stride: { x: sx, y: sy },
        kernel_size: k,
      },
      weights,
      biases: Int16Array.from(t.biases ?? new Array<number>(F).fill(0)),
      neurons_initial_value: initial,
      leak_enable: t.leak ?? (t.biases ?? []).some((b) => b !== 0),
      return_to_zero: t.returnToZero ?? false,
      threshold_high: t.threshold,
      threshold_low: t.low ?? -32768,
      monitor_enable: t.monitor ?? false,
      destinations: [0, 1].map((i) => {
        const d = dests[i];
        return d
          ? { layer: d.core, enable: d.enable ?? true, pooling: d.pooling ?? 1, feature_shift: d.featureShift ?? 0 }
          : { layer: 0, enable: false, pooling: 1, feature_shift: 0 };
      }) as ChipConfig['cnn_layers'][number]['destinations'],
      output_decimator_enable: t.decimator !== undefined,
      output_decimator_interval: t.decimator ?? 0,
      ...(kill ? { weights_kill_bit: kill } : {}),
    };
  }
  return { family, cnn_layers: layers, dvs_layer: { ...defaultDvsLayer(), ...options.dvs } };
}

/**
 * The fixture's recorded integer layers placed on its recorded core ordering (what a
 * compiler must produce), chained with their pooling; the exit core is monitored and
 * keeps its pooling in the disabled first slot, as the reference writes it.
 */
export function configFromFixture(f: Fixture): { config: ChipConfig; ordering: number[] } {
  const layers = f.expected.layers!;
  const ordering = f.expected.mapping!.speck2fdevkit!.chip_layers_ordering!;
  const cores: TestCore[] = layers.map((l, i) => {
    const [kh, kw] = l.conv.kernel_size;
    if (kh !== kw) throw new Error(`fixture ${f.name} layer ${i}: non-square kernel`);
    const pool = l.pooling[0]![0];
    const next = i + 1 < layers.length ? ordering[i + 1]! : null;
    return {
      core: ordering[i]!,
      input: l.input_shape,
      outChannels: l.conv.out_channels,
      kernel: kh,
      stride: [l.conv.stride[0], l.conv.stride[1]],
      padding: [l.conv.padding[0], l.conv.padding[1]],
      weights: l.weights.data,
      biases: l.biases ?? undefined,
      threshold: l.spike_threshold,
      low: l.min_v_mem,
      returnToZero: l.reset === 'zero',
      monitor: next === null,
      destinations: [next === null ? { core: 0, pooling: pool, enable: false } : { core: next, pooling: pool }],
    };
  });
  return { config: buildConfig(cores, { family: 'speck2f' }), ordering };
}
