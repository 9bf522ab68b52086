// The time-stepped simulation of a chip configuration, reproducing the reference
// library's forward pass of the quantized network (sinabs DynapcnnNetwork with
// discretize=True, MultiSpike) exactly. Per time step and per core along the chain:
//   v += conv(input counts; integer weights, stride, padding) + bias (leak_enable cores)
//   spikes = trunc(v / threshold_high) where v > 0, else 0       (several per step)
//   v -= spikes·threshold_high   (or v := 0 where spikes > 0 with return_to_zero)
//   v := max(v, threshold_low)
//   next input = sum pooling of the spike counts (floor-size map), channel + feature_shift
// The state is not 16-bit here (the reference computes in float); this mode is for
// checking against the reference, the event engine is the chip model. Only chains are
// supported: every core on the way has at most one enabled destination.

import type { ChipConfig } from '../chips/chip-config.js';
import { chipBehaviour } from './chip-behaviour.js';
import { loadChip, SimConfigError, type DvsRuntime } from './chip-loader.js';
import type { CoreRuntime } from './core-runtime.js';
import { mapDvsEvent } from './dvs-pipeline.js';
import type { CountRaster, Raster } from './raster-events.js';

export interface TimestepOptions {
  /** Core receiving the raster; default: the DVS layer's destination for 'dvs' input, else the one used core no other core targets. */
  entryCore?: number;
  /** 'core' (default): the raster is the entry core's input [T, C, H, W]. 'dvs': raw DVS counts [T, 2, 128, 128] (or fewer rows/columns) through the DVS layer. */
  input?: 'core' | 'dvs';
}

export interface TimestepResult {
  /** Cores in chain order (= model-layer order). */
  chain: number[];
  /** Exit core's output after its pooling: [T, C, H, W]. */
  outputs: CountRaster;
  /** [chain position][t]: spikes each core sends on after pooling. */
  layerSpikeTotals: number[][];
  /** Input spikes times the neurons each reaches: the neuron updates the chip would do for the same input. */
  synapticOps: number;
}

interface ChainLink {
  core: CoreRuntime;
  /** Membrane potentials, internal layout [oy][ox][f]. */
  v: Float64Array;
  /** Conv accumulator, same layout. */
  acc: Float64Array;
  /** Input counts [c][y][x]. */
  input: Float64Array;
  pooling: number;
  featureShift: number;
  /** Output map [C, H, W] after pooling (the next core's input, or the exit output). */
  outShape: [number, number, number];
}

export class TimestepEngine {
  readonly chain: number[];
  private readonly links: ChainLink[];
  private readonly initial: Float64Array[];
  private readonly dvs: DvsRuntime;
  private readonly inputKind: 'core' | 'dvs';

  constructor(config: ChipConfig, options: TimestepOptions = {}) {
    const chip = loadChip(config, chipBehaviour());
    this.dvs = chip.dvs;
    this.inputKind = options.input ?? 'core';
    const cores = chip.cores;
    const entry = options.entryCore ?? this.findEntry(cores);
    if (!cores[entry]) throw chainError('ENTRY_CORE', `entry core ${entry} holds no layer`);
    this.chain = [];
    const seen = new Set<number>();
    let at: number | null = entry;
    while (at !== null) {
      const core: CoreRuntime = cores[at]!;
      if (seen.has(at)) throw chainError('CHAIN_CYCLE', `the chain from core ${entry} comes back to core ${at}; the time-stepped mode needs a chain without cycles`);
      seen.add(at);
      this.chain.push(at);
      if (core.destinations.length > 1) {
        throw chainError('CHAIN_FORK', `core ${at} has ${core.destinations.length} enabled destinations; the time-stepped mode follows a single chain (use the event engine)`);
      }
      at = core.destinations.length === 1 ? core.destinations[0]!.core : null;
    }
    this.links = this.chain.map((id, i) => {
      const core = cores[id]!;
      const cfg = config.cnn_layers[id]!;
      // The exit core sends nowhere, but the reference's output is still pooled with the
      // pooling the config writes into its first (disabled) destination slot.
      const d = core.destinations[0];
      const pooling = d ? d.pooling : [1, 2, 4].includes(cfg.destinations[0]?.pooling ?? 1) ? cfg.destinations[0]!.pooling : 1;
      const next = i + 1 < this.chain.length ? cores[this.chain[i + 1]!]! : null;
      const outShape: [number, number, number] = next
        ? [next.inC, next.inH, next.inW]
        : [core.F, Math.floor(core.H / pooling), Math.floor(core.W / pooling)];
      const n = core.Fs * core.H * core.W;
      const v = new Float64Array(n);
      for (let s = 0; s < n; s++) v[s] = core.state[s]!;
      return {
        core,
        v,
        acc: new Float64Array(n),
        input: new Float64Array(core.inC * core.inH * core.inW),
        pooling,
        featureShift: d ? d.featureShift : 0,
        outShape,
      };
    });
    this.initial = this.links.map((l) => l.v.slice());
  }

  /** Runs every time step of `raster`, continuing from the current state. */
  run(raster: Raster): TimestepResult {
    const [T, C, H, W] = raster.shape;
    const first = this.links[0]!.core;
    if (this.inputKind === 'core' && (C !== first.inC || H !== first.inH || W !== first.inW)) {
      throw new RangeError(
        `raster steps are [${C}, ${H}, ${W}] but the entry core ${first.core} takes input [${first.inC}, ${first.inH}, ${first.inW}] (channels, rows, columns)`,
      );
    }
    if (this.inputKind === 'dvs' && (C > 2 || H > 128 || W > 128)) {
      throw new RangeError(`DVS input rasters are at most [2, 128, 128] per step, got [${C}, ${H}, ${W}]`);
    }
    if (raster.data.length !== T * C * H * W) throw new RangeError(`raster data has ${raster.data.length} values for shape [${raster.shape.join(', ')}]`);
    const last = this.links[this.links.length - 1]!;
    const [oc, oh, ow] = last.outShape;
    const outputs = new Float64Array(T * oc * oh * ow);
    const totals = this.links.map(() => new Array<number>(T).fill(0));
    const step = C * H * W;
    const dvsOut = new Int32Array(3);
    let synapticOps = 0;
    for (let t = 0; t < T; t++) {
      const input = this.links[0]!.input;
      input.fill(0);
      if (this.inputKind === 'core') {
        for (let i = 0; i < step; i++) input[i] = raster.data[t * step + i]!;
      } else {
        this.dvsStep(raster.data, t * step, C, H, W, input, dvsOut);
      }
      for (let li = 0; li < this.links.length; li++) {
        const link = this.links[li]!;
        const target = li + 1 < this.links.length ? this.links[li + 1]!.input : outputs.subarray(t * oc * oh * ow, (t + 1) * oc * oh * ow);
        if (li + 1 < this.links.length) target.fill(0);
        const r = stepCore(link, target);
        totals[li]![t] = r.spikes;
        synapticOps += r.synapticOps;
      }
    }
    return { chain: [...this.chain], outputs: { shape: [T, oc, oh, ow], data: outputs }, layerSpikeTotals: totals, synapticOps };
  }

  /** All membrane potentials to 0. */
  resetStates(): void {
    for (const l of this.links) l.v.fill(0);
  }

  /** Back to the configuration's neurons_initial_value. */
  restoreInitialStates(): void {
    this.links.forEach((l, i) => l.v.set(this.initial[i]!));
  }

  private findEntry(cores: ReadonlyArray<CoreRuntime | null>): number {
    if (this.inputKind === 'dvs') {
      if (this.dvs.destinations.length !== 1) {
        throw chainError('ENTRY_CORE', `the DVS layer has ${this.dvs.destinations.length} enabled destinations; the time-stepped mode needs exactly one (or pass entryCore)`);
      }
      return this.dvs.destinations[0]!;
    }
    const targeted = new Set(cores.flatMap((c) => (c ? c.destinations.map((d) => d.core) : [])));
    const roots = cores.flatMap((c, i) => (c && !targeted.has(i) ? [i] : []));
    if (roots.length !== 1) {
      throw chainError(
        'ENTRY_CORE',
        roots.length === 0
          ? 'every used core receives events from another core, so there is no entry core; pass entryCore'
          : `cores ${roots.join(', ')} receive no events from other cores; pass entryCore to say which one takes the input`,
      );
    }
    return roots[0]!;
  }

  private dvsStep(data: ArrayLike<number>, base: number, C: number, H: number, W: number, input: Float64Array, out: Int32Array): void {
    const core = this.links[0]!.core;
    for (let p = 0; p < C; p++) {
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const n = data[base + (p * H + y) * W + x]!;
          if (n === 0) continue;
          if (mapDvsEvent(this.dvs, p, x, y, out) >= 0) continue;
          const c = out[0]!;
          const px = out[1]!;
          const py = out[2]!;
          if (c >= core.inC || py >= core.inH || px >= core.inW) continue;
          input[(c * core.inH + py) * core.inW + px]! += n;
        }
      }
    }
  }
}

/** One time step of one core; writes pooled spike counts into `target` [C][H][W]; returns their total. */
function stepCore(link: ChainLink, target: Float64Array): { spikes: number; synapticOps: number } {
  const { core, v, acc, input } = link;
  const { F, inC, inH, inW } = core;
  acc.fill(0);
  const w = core.weights;
  let synapticOps = 0;
  for (let c = 0; c < inC; c++) {
    for (let y = 0; y < inH; y++) {
      const r0 = core.rowStart[y]!;
      const r1 = core.rowStart[y + 1]!;
      for (let x = 0; x < inW; x++) {
        const n = input[(c * inH + y) * inW + x]!;
        if (n === 0) continue;
        const q0 = core.colStart[x]!;
        const q1 = core.colStart[x + 1]!;
        const wc = c * core.weightsPerInput;
        synapticOps += n * (r1 - r0) * (q1 - q0) * F;
        for (let r = r0; r < r1; r++) {
          for (let q = q0; q < q1; q++) {
            const wb = wc + core.rowWeight[r]! + core.colWeight[q]!;
            const sb = core.rowState[r]! + core.colState[q]!;
            for (let f = 0; f < F; f++) acc[sb + f]! += n * w[wb + f]!;
          }
        }
      }
    }
  }
  const thr = core.thrHigh;
  const low = core.thrLow;
  const rtz = core.returnToZero;
  const [oc, oh, ow] = link.outShape;
  const p = link.pooling;
  const shift = link.featureShift;
  const hw = core.H * core.W;
  let total = 0;
  for (let pos = 0; pos < hw; pos++) {
    const oy = (pos / core.W) | 0;
    const ox = pos - oy * core.W;
    const py = Math.floor(oy / p);
    const px = Math.floor(ox / p);
    for (let f = 0; f < F; f++) {
      const s = pos * core.Fs + f;
      let u = v[s]! + acc[s]! + (core.leak ? core.biases[f]! : 0);
      const spikes = u > 0 ? Math.trunc(u / thr) : 0;
      if (spikes > 0) u = rtz ? 0 : u - spikes * thr;
      if (u < low) u = low;
      v[s] = u;
      if (spikes === 0) continue;
      const c = f + shift;
      if (c >= oc || py >= oh || px >= ow) continue;
      target[(c * oh + py) * ow + px]! += spikes;
      total += spikes;
    }
  }
  return { spikes: total, synapticOps };
}

function chainError(code: string, message: string): SimConfigError {
  return new SimConfigError([{ code, path: 'cnn_layers', message }]);
}
