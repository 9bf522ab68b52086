// The time-stepped simulation of a chip configuration, reproducing the reference
// library's forward pass of the quantized network (sinabs DynapcnnNetwork with
// discretize=True, MultiSpike) exactly. Per time step and per core along the chain:
//   v += conv(input counts; integer weights, stride, padding) + bias (leak_enable cores)
//   spikes = trunc(v / threshold_high) where v > 0, else 0       (several per step)
//   v -= spikes·threshold_high   (or v := 0 where spikes > 0 with return_to_zero)
//   v := max(v, threshold_low)
//   next input = sum pooling of the spike counts (floor-size map), channel + feature_shift
// The state is not 16-bit here (the reference computes in float); this mode is for
// checking against the reference, the event engine is the chip model. Graphs are run in
// topological order: a core with two destinations pools its spikes once per destination
// (each with its own pooling), and a core's input is the sum of what its sources send
// in the same time step (as sinabs' forward of a graph DynapcnnNetwork).
// A TimestepBackend (the native addon) may do the per-step arithmetic; the engine still
// decides the chain and mapping, and runs a raster itself when the backend declines it.

import type { ChipConfig } from '../chips/chip-config.js';
import { chipBehaviour } from './chip-behaviour.js';
import { loadChip, SimConfigError, type DvsRuntime } from './chip-loader.js';
import type { CoreRuntime } from './core-runtime.js';
import { mapDvsEvent } from './dvs-pipeline.js';
import type { CountRaster, Raster } from './raster-events.js';
import type { RasterValues, TimestepBackend, TimestepPlan, TimestepRawResult, TimestepRunnerHandle } from './timestep-backend.js';

export interface TimestepOptions {
  /** Core receiving the raster; default: the DVS layer's destinations for 'dvs' input, else the one used core no other core targets. */
  entryCore?: number;
  /** Several cores receiving the same raster (a graph with several entry layers). Overrides entryCore. */
  entryCores?: readonly number[];
  /** 'core' (default): the raster is the entry core's input [T, C, H, W]. 'dvs': raw DVS counts [T, 2, 128, 128] (or fewer rows/columns) through the DVS layer. */
  input?: 'core' | 'dvs';
  /** Does the arithmetic instead of the TypeScript loops (same results); absent: TypeScript. */
  backend?: TimestepBackend;
}

export interface TimestepExit {
  core: number;
  /** Spikes after the exit pooling (the pooling written into a disabled first slot, else none): [T, C, H, W]. */
  outputs: CountRaster;
}

export interface TimestepResult {
  /** Cores in topological order (for a chain: chain order = model-layer order). */
  chain: number[];
  /** The last exit core's output after its pooling: [T, C, H, W]. */
  outputs: CountRaster;
  /** Every core without enabled destinations, and every monitored core that has some, in `chain` order. */
  exits: TimestepExit[];
  /** [chain position][t]: spikes each core sends on after pooling (its first destination, or its exit output). */
  layerSpikeTotals: number[][];
  /** [chain position][destination slot][t]: spikes sent to each enabled destination after its pooling (exit cores: one entry, the exit output). */
  destinationTotals: number[][][];
  /** Input spikes times the neurons each reaches: the neuron updates the chip would do for the same input. */
  synapticOps: number;
}

interface Route {
  /** Chain position of the target, or -1 for the exit output. */
  to: number;
  pooling: number;
  featureShift: number;
  /** Map [C, H, W] the spikes are pooled into. */
  outShape: [number, number, number];
}

interface ChainLink {
  core: CoreRuntime;
  /** Membrane potentials, internal layout [oy][ox][f]. */
  v: Float64Array;
  /** Conv accumulator, same layout. */
  acc: Float64Array;
  /** Input counts [c][y][x]. */
  input: Float64Array;
  /** Spike counts of this step, internal layout [oy][ox][f]. */
  spikes: Float64Array;
  routes: Route[];
  /** Exit output (no destinations, or monitored): pooling and shape. */
  exit: Route | null;
}

export class TimestepEngine {
  readonly chain: number[];
  private readonly links: ChainLink[];
  private readonly initial: Float64Array[];
  private readonly dvs: DvsRuntime;
  private readonly inputKind: 'core' | 'dvs';
  private readonly entries: number[];
  private readonly native: TimestepRunnerHandle | null;
  private lastEngine: 'js' | string = 'js';
  /** The backend holds the potentials (false after a fractional raster left fractions in them). */
  private nativeOwnsState = true;

  constructor(config: ChipConfig, options: TimestepOptions = {}) {
    const chip = loadChip(config, chipBehaviour());
    this.dvs = chip.dvs;
    this.inputKind = options.input ?? 'core';
    const cores = chip.cores;
    const entries = options.entryCores ? [...options.entryCores] : options.entryCore !== undefined ? [options.entryCore] : this.findEntries(cores);
    for (const e of entries) if (!cores[e]) throw chainError('ENTRY_CORE', `entry core ${e} holds no layer`);
    // Cores reachable from the entries, then Kahn's order (cycles cannot be stepped).
    const reach = new Set<number>();
    const stack = [...entries];
    while (stack.length > 0) {
      const at = stack.pop()!;
      if (reach.has(at)) continue;
      reach.add(at);
      for (const d of cores[at]!.destinations) {
        if (!cores[d.core]) throw chainError('CHAIN_TARGET', `core ${at} sends to core ${d.core}, which holds no layer`);
        stack.push(d.core);
      }
    }
    const indeg = new Map<number, number>([...reach].map((c) => [c, 0]));
    for (const c of reach) for (const d of cores[c]!.destinations) indeg.set(d.core, indeg.get(d.core)! + 1);
    const queue = [...reach].filter((c) => indeg.get(c) === 0).sort((a, b) => entries.indexOf(a) - entries.indexOf(b));
    this.chain = [];
    while (queue.length > 0) {
      const c = queue.shift()!;
      this.chain.push(c);
      for (const d of cores[c]!.destinations) {
        indeg.set(d.core, indeg.get(d.core)! - 1);
        if (indeg.get(d.core) === 0) queue.push(d.core);
      }
    }
    if (this.chain.length !== reach.size) {
      const on = [...reach].filter((c) => !this.chain.includes(c));
      throw chainError('CHAIN_CYCLE', `cores ${on.join(', ')} send events back in a cycle; the time-stepped mode needs a graph without cycles (use the event engine)`);
    }
    const pos = new Map(this.chain.map((c, i) => [c, i]));
    this.entries = entries.map((e) => pos.get(e)!);
    this.links = this.chain.map((id) => {
      const core = cores[id]!;
      const cfg = config.cnn_layers[id]!;
      const routes: Route[] = core.destinations.map((d) => {
        const next = cores[d.core]!;
        return { to: pos.get(d.core)!, pooling: d.pooling, featureShift: d.featureShift, outShape: [next.inC, next.inH, next.inW] };
      });
      let exit: Route | null = null;
      if (routes.length === 0 || cfg.monitor_enable) {
        // A chain's exit core sends nowhere, but the reference's output is still pooled with
        // the pooling the config writes into its first (disabled) slot; monitored forks are unpooled.
        const p = routes.length > 0 ? 1 : [1, 2, 4].includes(cfg.destinations[0]?.pooling ?? 1) ? cfg.destinations[0]!.pooling : 1;
        exit = { to: -1, pooling: p, featureShift: 0, outShape: [core.F, Math.floor(core.H / p), Math.floor(core.W / p)] };
      }
      const n = core.Fs * core.H * core.W;
      const v = new Float64Array(n);
      for (let s = 0; s < n; s++) v[s] = core.state[s]!;
      return { core, v, acc: new Float64Array(n), input: new Float64Array(core.inC * core.inH * core.inW), spikes: new Float64Array(n), routes, exit };
    });
    this.initial = this.links.map((l) => l.v.slice());
    this.native = options.backend ? options.backend.createTimestepRunner(this.plan()) : null;
    if (options.backend) this.lastEngine = options.backend.name;
  }

  /** What ran the last raster (before any run: what will): the backend's name, or 'js'. */
  get engine(): string {
    return this.lastEngine;
  }

  /** Runs every time step of `raster`, continuing from the current state. */
  run(raster: Raster): TimestepResult {
    const [T, C, H, W] = raster.shape;
    if (this.inputKind === 'core') {
      for (const e of this.entries) {
        const first = this.links[e]!.core;
        if (C !== first.inC || H !== first.inH || W !== first.inW) {
          throw new RangeError(
            `raster steps are [${C}, ${H}, ${W}] but the entry core ${first.core} takes input [${first.inC}, ${first.inH}, ${first.inW}] (channels, rows, columns)`,
          );
        }
      }
    }
    if (this.inputKind === 'dvs' && (C > 2 || H > 128 || W > 128)) {
      throw new RangeError(`DVS input rasters are at most [2, 128, 128] per step, got [${C}, ${H}, ${W}]`);
    }
    if (raster.data.length !== T * C * H * W) throw new RangeError(`raster data has ${raster.data.length} values for shape [${raster.shape.join(', ')}]`);
    const native = this.native;
    if (native && this.nativeOwnsState) {
      const raw = native.run(rasterValues(raster.data), T, C * H * W, this.entryMaps(C, H, W));
      if (raw) {
        this.lastEngine = 'native';
        return this.nativeResult(raw, T);
      }
      // Values that are not integers: the backend declined without touching its state,
      // which comes over here; it goes back only while it holds integers.
      this.links.forEach((l, i) => l.v.set(native.getState(i)));
      this.nativeOwnsState = false;
    }
    const r = this.runHere(raster);
    this.lastEngine = 'js';
    if (native && this.links.every((l) => l.v.every(Number.isInteger))) {
      this.links.forEach((l, i) => native.setState(i, l.v));
      this.nativeOwnsState = true;
    }
    return r;
  }

  private runHere(raster: Raster): TimestepResult {
    const [T, C, H, W] = raster.shape;
    const exitLinks = this.links.map((l, i) => (l.exit ? i : -1)).filter((i) => i >= 0);
    const exitData = exitLinks.map((i) => {
      const [oc, oh, ow] = this.links[i]!.exit!.outShape;
      return new Float64Array(T * oc * oh * ow);
    });
    const totals = this.links.map((l) => (l.routes.length > 0 ? l.routes : [l.exit!]).map(() => new Array<number>(T).fill(0)));
    const step = C * H * W;
    const dvsOut = new Int32Array(3);
    let synapticOps = 0;
    for (let t = 0; t < T; t++) {
      for (const l of this.links) l.input.fill(0);
      for (const e of this.entries) {
        const input = this.links[e]!.input;
        if (this.inputKind === 'core') {
          for (let i = 0; i < step; i++) input[i]! += raster.data[t * step + i]!;
        } else {
          this.dvsStep(this.links[e]!.core, raster.data, t * step, C, H, W, input, dvsOut);
        }
      }
      for (let li = 0; li < this.links.length; li++) {
        const link = this.links[li]!;
        synapticOps += stepCore(link);
        link.routes.forEach((r, k) => (totals[li]![k]![t] = route(link, r, this.links[r.to]!.input)));
        if (link.exit) {
          const x = exitLinks.indexOf(li);
          const [oc, oh, ow] = link.exit.outShape;
          const sent = route(link, link.exit, exitData[x]!.subarray(t * oc * oh * ow, (t + 1) * oc * oh * ow));
          if (link.routes.length === 0) totals[li]![0]![t] = sent;
        }
      }
    }
    const exits: TimestepExit[] = exitLinks.map((i, x) => {
      const [oc, oh, ow] = this.links[i]!.exit!.outShape;
      return { core: this.chain[i]!, outputs: { shape: [T, oc, oh, ow], data: exitData[x]! } };
    });
    const sinks = exits.filter((e) => this.links[this.chain.indexOf(e.core)]!.routes.length === 0);
    const last = sinks[sinks.length - 1] ?? exits[exits.length - 1]!;
    return {
      chain: [...this.chain],
      outputs: last.outputs,
      exits,
      layerSpikeTotals: totals.map((d) => d[0]!),
      destinationTotals: totals,
      synapticOps,
    };
  }

  /** All membrane potentials to 0. */
  resetStates(): void {
    for (const l of this.links) l.v.fill(0);
    this.native?.reset();
    this.nativeOwnsState = true;
  }

  /** Back to the configuration's neurons_initial_value. */
  restoreInitialStates(): void {
    this.links.forEach((l, i) => l.v.set(this.initial[i]!));
    this.native?.restore();
    this.nativeOwnsState = true;
  }

  /** The chain as plain numbers for a backend. */
  private plan(): TimestepPlan {
    const routeRow = (r: Route) => [r.to, r.pooling, r.featureShift, ...r.outShape];
    return {
      entries: Int32Array.from(this.entries),
      links: this.links.map(({ core, routes, exit }) => ({
        inC: core.inC,
        inH: core.inH,
        inW: core.inW,
        F: core.F,
        H: core.H,
        W: core.W,
        k: core.k,
        strideX: core.strideX,
        strideY: core.strideY,
        padX: core.padX,
        padY: core.padY,
        thrHigh: core.thrHigh,
        thrLow: core.thrLow,
        returnToZero: core.returnToZero,
        leak: core.leak,
        weights: core.weights,
        biases: core.biases,
        state: core.state,
        routes: Int32Array.from(routes.flatMap(routeRow)),
        exit: exit ? Int32Array.from(routeRow(exit)) : null,
      })),
    };
  }

  /** Per entry, where each value of a raster step goes (null: the same index); DVS input through the DVS layer, as dvsStep maps it. */
  private entryMaps(C: number, H: number, W: number): Array<Int32Array | null> {
    if (this.inputKind === 'core') return this.entries.map(() => null);
    const out = new Int32Array(3);
    return this.entries.map((e) => {
      const core = this.links[e]!.core;
      const map = new Int32Array(C * H * W).fill(-1);
      for (let p = 0; p < C; p++) {
        for (let y = 0; y < H; y++) {
          for (let x = 0; x < W; x++) {
            if (mapDvsEvent(this.dvs, p, x, y, out) >= 0) continue;
            const [c, px, py] = [out[0]!, out[1]!, out[2]!];
            if (c >= core.inC || py >= core.inH || px >= core.inW) continue;
            map[(p * H + y) * W + x] = (c * core.inH + py) * core.inW + px;
          }
        }
      }
      return map;
    });
  }

  private nativeResult(raw: TimestepRawResult, T: number): TimestepResult {
    const exitLinks = this.links.map((l, i) => (l.exit ? i : -1)).filter((i) => i >= 0);
    const exits: TimestepExit[] = exitLinks.map((i, x) => {
      const [oc, oh, ow] = this.links[i]!.exit!.outShape;
      return { core: this.chain[i]!, outputs: { shape: [T, oc, oh, ow], data: raw.exits[x]! } };
    });
    const totals = raw.totals.map((flat, li) =>
      Array.from({ length: Math.max(1, this.links[li]!.routes.length) }, (_, k) => Array.from(flat.subarray(k * T, (k + 1) * T))),
    );
    const sinks = exits.filter((e) => this.links[this.chain.indexOf(e.core)]!.routes.length === 0);
    const last = sinks[sinks.length - 1] ?? exits[exits.length - 1]!;
    return { chain: [...this.chain], outputs: last.outputs, exits, layerSpikeTotals: totals.map((d) => d[0]!), destinationTotals: totals, synapticOps: raw.synapticOps };
  }

  private findEntries(cores: ReadonlyArray<CoreRuntime | null>): number[] {
    if (this.inputKind === 'dvs') {
      if (this.dvs.destinations.length === 0) throw chainError('ENTRY_CORE', 'the DVS layer has no enabled destination; enable one (or pass entryCore)');
      return [...this.dvs.destinations];
    }
    const targeted = new Set(cores.flatMap((c) => (c ? c.destinations.map((d) => d.core) : [])));
    const roots = cores.flatMap((c, i) => (c && !targeted.has(i) ? [i] : []));
    if (roots.length !== 1) {
      throw chainError(
        'ENTRY_CORE',
        roots.length === 0
          ? 'every used core receives events from another core, so there is no entry core; pass entryCore'
          : `cores ${roots.join(', ')} receive no events from other cores; pass entryCore (or entryCores for several entry layers) to say which take the input`,
      );
    }
    return roots;
  }

  private dvsStep(core: CoreRuntime, data: ArrayLike<number>, base: number, C: number, H: number, W: number, input: Float64Array, out: Int32Array): void {
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

/** The raster's values as a typed array the backend can read (a copy only for plain arrays). */
function rasterValues(data: ArrayLike<number>): RasterValues {
  if (ArrayBuffer.isView(data) && !(data instanceof DataView) && !(data instanceof BigInt64Array) && !(data instanceof BigUint64Array)) return data as RasterValues;
  return Float64Array.from(data);
}

/** Sum-pools this step's spikes of `link` into `target` [C][H][W] along route `r`; returns the spikes delivered. */
function route(link: ChainLink, r: Route, target: Float64Array): number {
  const { core, spikes } = link;
  const [oc, oh, ow] = r.outShape;
  const p = r.pooling;
  let total = 0;
  const hw = core.H * core.W;
  for (let pos = 0; pos < hw; pos++) {
    const oy = (pos / core.W) | 0;
    const ox = pos - oy * core.W;
    const py = Math.floor(oy / p);
    const px = Math.floor(ox / p);
    if (py >= oh || px >= ow) continue;
    for (let f = 0; f < core.F; f++) {
      const n = spikes[pos * core.Fs + f]!;
      if (n === 0) continue;
      const c = f + r.featureShift;
      if (c >= oc) continue;
      target[(c * oh + py) * ow + px]! += n;
      total += n;
    }
  }
  return total;
}

/** One time step of one core: integrates its input, fires into `link.spikes`; returns the synaptic operations. */
function stepCore(link: ChainLink): number {
  const { core, v, acc, input, spikes } = link;
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
  const hw = core.H * core.W;
  for (let pos = 0; pos < hw; pos++) {
    for (let f = 0; f < F; f++) {
      const s = pos * core.Fs + f;
      let u = v[s]! + acc[s]! + (core.leak ? core.biases[f]! : 0);
      const n = u > 0 ? Math.trunc(u / thr) : 0;
      if (n > 0) u = rtz ? 0 : u - n * thr;
      if (u < low) u = low;
      v[s] = u;
      spikes[s] = n;
    }
  }
  return synapticOps;
}

function chainError(code: string, message: string): SimConfigError {
  return new SimConfigError([{ code, path: 'cnn_layers', message }]);
}
