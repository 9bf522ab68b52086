// Checks a ChipConfig for everything the simulator needs to run it and turns it into
// runtime structures (one CoreRuntime per used core, the DVS layer's settings, routing
// facts such as cycles). Every problem found is reported at once, with the core, the
// field and the offending value. Hardware limits that only matter for real chips (memory
// tables, kernel ≤ 16, ...) are the compiler's job; here they are warnings at most.

import { coreIsUsed, type ChipConfig, type CnnLayerConfig } from '../chips/chip-config.js';
import { CHIP_FAMILIES, CHIP_LIMITS, type ChipFamily } from '../chips/families.js';
import { decimatorDivisor, type ChipBehaviour } from './chip-behaviour.js';
import { CoreRuntime, type CoreDestinationRuntime } from './core-runtime.js';
import { LAYER_READOUT } from '../common/spike-batch.js';

export interface SimIssue {
  /** Stable code, e.g. WEIGHTS_LENGTH, DESTINATION_UNUSED_CORE, READOUT_NOT_SIMULATED. */
  code: string;
  /** Config path, e.g. "cnn_layers[3].destinations[0].pooling". */
  path: string;
  message: string;
  core?: number;
}

export class SimConfigError extends Error {
  readonly code = 'BAD_SIM_CONFIG';
  constructor(readonly issues: SimIssue[]) {
    super(
      `The chip configuration cannot be simulated:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
    );
    this.name = 'SimConfigError';
  }
}

export interface DvsRuntime {
  /** Input events (host DvsEvents) enter the pipeline (ChipBehaviour.hostDvsInput). */
  readonly acceptsInput: boolean;
  readonly on: boolean;
  readonly off: boolean;
  readonly merge: boolean;
  readonly poolX: number;
  readonly poolY: number;
  readonly originX: number;
  readonly originY: number;
  readonly cutX: number;
  readonly cutY: number;
  readonly mirrorX: boolean;
  readonly mirrorY: boolean;
  readonly swap: boolean;
  readonly monitor: boolean;
  readonly rawMonitor: boolean;
  /** Enabled destination cores, slot order. */
  readonly destinations: readonly number[];
}

export interface LoadedChip {
  readonly family: ChipFamily;
  /** Index = core id; null = the core holds no layer. */
  readonly cores: ReadonlyArray<CoreRuntime | null>;
  readonly dvs: DvsRuntime;
  readonly warnings: readonly SimIssue[];
  /** Some core's spikes can come back to it (routing cycle). */
  readonly cyclic: boolean;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

export interface LoadOptions {
  /** Round each core's f stride up to a multiple of this (8 for the SIMD kernel). */
  laneWidth?: number;
}

/** Validates `config` and builds the runtime; throws SimConfigError listing every problem. */
export function loadChip(config: ChipConfig, behaviour: ChipBehaviour, options: LoadOptions = {}): LoadedChip {
  const errors: SimIssue[] = [];
  const warnings: SimIssue[] = [];
  const family = CHIP_FAMILIES[config.family];
  if (!family) {
    throw new SimConfigError([
      { code: 'UNKNOWN_FAMILY', path: 'family', message: `unknown chip family "${String(config.family)}"; known: ${Object.keys(CHIP_FAMILIES).join(', ')}` },
    ]);
  }
  const nCores = family.cores.length;
  if (!Array.isArray(config.cnn_layers) || config.cnn_layers.length !== nCores) {
    throw new SimConfigError([
      {
        code: 'CORE_COUNT',
        path: 'cnn_layers',
        message: `${family.name} has ${nCores} cores but the configuration lists ${config.cnn_layers?.length ?? 0}`,
      },
    ]);
  }
  const used = config.cnn_layers.map((c) => coreIsUsed(c));

  for (let i = 0; i < nCores; i++) {
    const cfg = config.cnn_layers[i]!;
    if (used[i]) checkCore(i, cfg, family, used, errors, warnings);
    else if (cfg.monitor_enable || (cfg.destinations ?? []).some((d) => d.enable)) {
      warnings.push({
        code: 'UNUSED_CORE_SETTINGS',
        path: `cnn_layers[${i}]`,
        core: i,
        message: `core ${i} holds no layer (no neuron map) but has monitoring or destinations enabled; it will never receive or send events`,
      });
    }
  }
  const dvs = checkDvs(config, used, errors, warnings, behaviour);
  if (config.readout && (config.readout.enable || config.readout.monitor_enable)) {
    warnings.push({
      code: 'READOUT_IGNORED',
      path: 'readout',
      message:
        'the readout layer is enabled but not simulated: no ReadoutValue events come out, and the Spike/DVS monitoring that a chip stops delivering under readout.monitor_enable is delivered here',
    });
  }
  if (errors.length > 0) throw new SimConfigError(errors);

  const killMode =
    behaviour.zeroWeightUpdate === 'always-update' ? 'none' : behaviour.zeroWeightUpdate === 'always-skip' ? 'zeros' : family.killBits ? 'mask' : 'none';
  const cores: Array<CoreRuntime | null> = config.cnn_layers.map((cfg, i) => {
    if (!used[i]) return null;
    const dests: CoreDestinationRuntime[] = cfg.destinations
      .filter((d) => d.enable)
      .map((d) => ({ core: d.layer, pooling: d.pooling, poolShift: Math.log2(d.pooling), featureShift: d.feature_shift }));
    const n = cfg.output_decimator_enable ? decimatorDivisor(cfg.output_decimator_interval, behaviour.decimatorDivisor) : 0;
    return new CoreRuntime(i, cfg, dests, n, killMode, options.laneWidth ?? 1);
  });

  routingWarnings(cores, dvs, warnings);
  const cyclic = markCycles(cores);
  if (cyclic) {
    const on = cores.filter((c) => c?.onCycle).map((c) => c!.core);
    warnings.push({
      code: 'ROUTING_CYCLE',
      path: 'cnn_layers',
      message: `cores ${on.join(', ')} lie on a routing cycle: their spikes come back to them; runaway activity stops the simulation with an error`,
    });
  }
  return { family, cores, dvs, warnings, cyclic };
}

function checkCore(i: number, cfg: CnnLayerConfig, family: ChipFamily, used: boolean[], errors: SimIssue[], warnings: SimIssue[]): void {
  const p = `cnn_layers[${i}]`;
  const err = (code: string, path: string, message: string) => errors.push({ code, path: `${p}.${path}`, message: `core ${i}: ${message}`, core: i });
  const warn = (code: string, path: string, message: string) => warnings.push({ code, path: `${p}.${path}`, message: `core ${i}: ${message}`, core: i });
  const d = cfg.dimensions;
  const C = d.input_shape.feature_count;
  const inH = d.input_shape.size.y;
  const inW = d.input_shape.size.x;
  const F = d.output_shape.feature_count;
  const H = d.output_shape.size.y;
  const W = d.output_shape.size.x;
  const k = d.kernel_size;
  let geometryOk = true;
  for (const [path, v, min] of [
    ['dimensions.input_shape.feature_count', C, 1],
    ['dimensions.input_shape.size.y', inH, 1],
    ['dimensions.input_shape.size.x', inW, 1],
    ['dimensions.output_shape.feature_count', F, 1],
    ['dimensions.output_shape.size.y', H, 1],
    ['dimensions.output_shape.size.x', W, 1],
    ['dimensions.kernel_size', k, 1],
    ['dimensions.stride.x', d.stride.x, 1],
    ['dimensions.stride.y', d.stride.y, 1],
    ['dimensions.padding.x', d.padding.x, 0],
    ['dimensions.padding.y', d.padding.y, 0],
  ] as const) {
    if (!isInt(v) || v < min) {
      err('DIMENSIONS', path, `${path.split('.').slice(-2).join('.')} must be an integer >= ${min}, got ${String(v)}`);
      geometryOk = false;
    }
  }
  if (geometryOk) {
    const expH = Math.floor((inH + 2 * d.padding.y - k) / d.stride.y) + 1;
    const expW = Math.floor((inW + 2 * d.padding.x - k) / d.stride.x) + 1;
    if (expH !== H || expW !== W) {
      err(
        'CONV_GEOMETRY',
        'dimensions.output_shape.size',
        `neuron map ${H}x${W} (rows x columns) does not follow from input ${inH}x${inW}, kernel ${k}, stride (y ${d.stride.y}, x ${d.stride.x}), padding (y ${d.padding.y}, x ${d.padding.x}): expected ${expH}x${expW}`,
      );
      geometryOk = false;
    }
    const wanted = F * C * k * k;
    if (cfg.weights.length !== wanted) {
      err('WEIGHTS_LENGTH', 'weights', `${cfg.weights.length} weights, but ${F} outputs x ${C} inputs x ${k}x${k} kernel needs ${wanted}`);
    }
    if (cfg.biases.length !== 0 && cfg.biases.length !== F) {
      err('BIASES_LENGTH', 'biases', `${cfg.biases.length} biases for ${F} output channels (give ${F}, or none)`);
    }
    if (cfg.neurons_initial_value.length !== 0 && cfg.neurons_initial_value.length !== F * H * W) {
      err(
        'INITIAL_STATE_LENGTH',
        'neurons_initial_value',
        `${cfg.neurons_initial_value.length} initial values for a ${F}x${W}x${H} neuron map (needs ${F * H * W}, or none for zeros)`,
      );
    }
    if (family.killBits && cfg.weights_kill_bit && cfg.weights_kill_bit.length !== cfg.weights.length) {
      err('KILL_BITS_LENGTH', 'weights_kill_bit', `${cfg.weights_kill_bit.length} weight kill bits for ${cfg.weights.length} weights`);
    }
    if (family.killBits && cfg.biases_kill_bit && cfg.biases_kill_bit.length !== F) {
      err('KILL_BITS_LENGTH', 'biases_kill_bit', `${cfg.biases_kill_bit.length} bias kill bits for ${F} output channels`);
    }
    if (!family.killBits && (cfg.weights_kill_bit || cfg.biases_kill_bit)) {
      warn('KILL_BITS_IGNORED', 'weights_kill_bit', `${family.name} has no kill bits; the kill-bit arrays are ignored`);
    }
    if (W > H) {
      warn(
        'ADDRESS_AMBIGUOUS',
        'dimensions.output_shape',
        `neuron map is wider (${W}) than high (${H}): neuron addresses (chip.md §15) overlap, so readNeuron addresses are ambiguous`,
      );
    }
    if (k > CHIP_LIMITS.maxKernelSize || inH > CHIP_LIMITS.maxInputSize || inW > CHIP_LIMITS.maxInputSize || H > CHIP_LIMITS.maxNeuronMapSize || W > CHIP_LIMITS.maxNeuronMapSize) {
      warn('HARDWARE_LIMIT', 'dimensions', `kernel ${k}, input ${inH}x${inW} or neuron map ${H}x${W} exceeds the chip's documented limits; simulated anyway`);
    }
  }
  for (const [path, v, lo, hi] of [
    ['threshold_high', cfg.threshold_high, 1, 32767],
    ['threshold_low', cfg.threshold_low, -32768, 32767],
  ] as const) {
    if (!isInt(v) || v < lo || v > hi) err('THRESHOLD', path, `${path} must be an integer in [${lo}, ${hi}], got ${String(v)}`);
  }
  if (!Array.isArray(cfg.destinations) || cfg.destinations.length > CHIP_LIMITS.destinationsPerCore) {
    err('DESTINATION_COUNT', 'destinations', `${cfg.destinations?.length ?? 0} destinations; a core has exactly ${CHIP_LIMITS.destinationsPerCore} slots`);
  } else {
    cfg.destinations.forEach((dst, s) => {
      if (!dst.enable) return;
      checkDestination(`destinations[${s}]`, dst.layer, used, err);
      if (!(CHIP_LIMITS.corePooling as readonly number[]).includes(dst.pooling)) {
        err('POOLING', `destinations[${s}].pooling`, `pooling ${String(dst.pooling)} is not one of ${CHIP_LIMITS.corePooling.join(', ')}`);
      }
      if (!isInt(dst.feature_shift) || dst.feature_shift < 0) {
        err('FEATURE_SHIFT', `destinations[${s}].feature_shift`, `feature_shift must be a non-negative integer, got ${String(dst.feature_shift)}`);
      }
    });
  }
  if (cfg.monitor_enable && Array.isArray(cfg.destinations) && cfg.destinations.some((dst) => dst.enable && dst.pooling > 1)) {
    warn('MONITOR_POOLING', 'monitor_enable', `Layer ${i} has pooling and is being monitored. Note that pooling will not be reflected in the monitored events.`);
  }
  if (cfg.output_decimator_enable) {
    if (!family.hasDecimator) {
      err('DECIMATOR_UNSUPPORTED', 'output_decimator_enable', `${family.name} has no output decimator (Speck2e and later); disable output_decimator_enable`);
    } else if (!isInt(cfg.output_decimator_interval) || cfg.output_decimator_interval < 0 || cfg.output_decimator_interval > 7) {
      err('DECIMATOR_INTERVAL', 'output_decimator_interval', `the decimator interval is a 3-bit code 0..7, got ${String(cfg.output_decimator_interval)}`);
    }
  }
}

function checkDestination(path: string, layer: number, used: boolean[], err: (code: string, path: string, message: string) => void): void {
  if (layer === LAYER_READOUT) {
    err(
      'READOUT_NOT_SIMULATED',
      `${path}.layer`,
      `destination 12 is the readout layer, which the simulator does not model; disable this destination or monitor the core instead`,
    );
  } else if (!isInt(layer) || layer < 0 || layer >= used.length) {
    err('DESTINATION_OUT_OF_RANGE', `${path}.layer`, `destination core ${String(layer)} does not exist (cores 0..${used.length - 1})`);
  } else if (!used[layer]) {
    err('DESTINATION_UNUSED_CORE', `${path}.layer`, `destination core ${layer} holds no layer (no neuron map); events sent there would vanish`);
  }
}

function checkDvs(config: ChipConfig, used: boolean[], errors: SimIssue[], warnings: SimIssue[], behaviour: ChipBehaviour): DvsRuntime {
  const d = config.dvs_layer;
  const err = (code: string, path: string, message: string) => errors.push({ code, path: `dvs_layer.${path}`, message: `DVS layer: ${message}` });
  const pools = CHIP_LIMITS.dvsPooling as readonly number[];
  for (const axis of ['x', 'y'] as const) {
    if (!pools.includes(d.pooling[axis])) err('DVS_POOLING', `pooling.${axis}`, `pooling.${axis} ${String(d.pooling[axis])} is not one of ${pools.join(', ')}`);
  }
  for (const axis of ['x', 'y'] as const) {
    const limit = pools.includes(d.pooling[axis]) ? CHIP_LIMITS.dvsSize / d.pooling[axis] - 1 : CHIP_LIMITS.dvsSize - 1;
    const o = d.origin[axis];
    const c = d.cut[axis];
    if (!isInt(o) || !isInt(c) || o < 0 || c < o || c > limit) {
      err('DVS_ROI', `cut.${axis}`, `ROI ${axis} from origin ${String(o)} to cut ${String(c)} (inclusive) must satisfy 0 <= origin <= cut <= ${limit} (post-pooling size - 1)`);
    }
  }
  const destinations: number[] = [];
  if (!Array.isArray(d.destinations) || d.destinations.length > CHIP_LIMITS.destinationsPerCore) {
    err('DESTINATION_COUNT', 'destinations', `${d.destinations?.length ?? 0} destinations; the DVS layer has exactly ${CHIP_LIMITS.destinationsPerCore} slots`);
  } else {
    d.destinations.forEach((dst, s) => {
      if (!dst.enable) return;
      checkDestination(`destinations[${s}]`, dst.layer, used, (code, path, message) => err(code, path, message));
      destinations.push(dst.layer);
    });
  }
  if (d.pass_sensor_events && destinations.length === 0 && !d.monitor_enable) {
    warnings.push({ code: 'DVS_NO_OUTPUT', path: 'dvs_layer', message: 'DVS layer passes sensor events but has no enabled destination and no monitor: DVS input goes nowhere' });
  }
  return {
    acceptsInput: d.pass_sensor_events || behaviour.hostDvsInput === 'always',
    on: d.on_channel,
    off: d.off_channel,
    merge: d.merge,
    poolX: d.pooling.x,
    poolY: d.pooling.y,
    originX: d.origin.x,
    originY: d.origin.y,
    cutX: d.cut.x,
    cutY: d.cut.y,
    mirrorX: d.mirror.x,
    mirrorY: d.mirror.y,
    swap: d.mirror_diagonal,
    monitor: d.monitor_enable,
    rawMonitor: d.raw_monitor_enable,
    destinations,
  };
}

function routingWarnings(cores: ReadonlyArray<CoreRuntime | null>, dvs: DvsRuntime, warnings: SimIssue[]): void {
  for (const src of cores) {
    if (!src) continue;
    src.destinations.forEach((d, s) => {
      const dst = cores[d.core]!;
      const h = Math.floor(src.H / d.pooling);
      const w = Math.floor(src.W / d.pooling);
      if (src.F + d.featureShift > dst.inC) {
        warnings.push({
          code: 'FEATURE_SHIFT_OVERFLOW',
          path: `cnn_layers[${src.core}].destinations[${s}]`,
          core: src.core,
          message: `core ${src.core} sends channels ${d.featureShift}..${src.F + d.featureShift - 1} to core ${d.core}, which has ${dst.inC} input channels: the rest are dropped`,
        });
      }
      if (h > dst.inH || w > dst.inW) {
        warnings.push({
          code: 'POOLED_MAP_LARGER',
          path: `cnn_layers[${src.core}].destinations[${s}]`,
          core: src.core,
          message: `core ${src.core} sends a ${h}x${w} map (after pooling ${d.pooling}) to core ${d.core}, whose input is ${dst.inH}x${dst.inW}: events outside are dropped`,
        });
      }
    });
  }
  if (dvs.acceptsInput) {
    const c = dvs.merge ? 1 : 2;
    let h = dvs.cutY - dvs.originY + 1;
    let w = dvs.cutX - dvs.originX + 1;
    if (dvs.swap) [h, w] = [w, h];
    for (const core of dvs.destinations) {
      const dst = cores[core]!;
      if (c > dst.inC || h > dst.inH || w > dst.inW) {
        warnings.push({
          code: 'DVS_MAP_LARGER',
          path: 'dvs_layer.destinations',
          message: `the DVS layer sends a ${c}x${h}x${w} map to core ${core}, whose input is ${dst.inC}x${dst.inH}x${dst.inW}: events outside are dropped`,
        });
      }
    }
  }
}

/** Marks cores that can reach themselves; returns whether any does. */
function markCycles(cores: ReadonlyArray<CoreRuntime | null>): boolean {
  let any = false;
  for (const start of cores) {
    if (!start) continue;
    const seen = new Set<number>();
    const todo = start.destinations.map((d) => d.core);
    while (todo.length > 0) {
      const c = todo.pop()!;
      if (c === start.core) {
        start.onCycle = true;
        any = true;
        break;
      }
      if (seen.has(c)) continue;
      seen.add(c);
      for (const d of cores[c]?.destinations ?? []) todo.push(d.core);
    }
  }
  return any;
}
