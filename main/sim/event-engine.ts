// The event-driven chip simulator: input events (sorted by timestamp) go through the DVS
// layer or straight into a core, every neuron update follows chip.md §9.2, spikes are
// routed to up to two destinations with sum pooling and feature shift, monitored spikes
// come out. Two processing orders: 'depth-first' (chip parity: every spike is followed
// through all cores before the next neuron update) and 'breadth-first' (specksim parity:
// FIFO over the batch being processed). Slow-clock ticks apply leak (biases).
// Streaming: `process` takes consecutive chunks of a long input and emits only monitored
// events, so memory never grows with the amount of internal activity.
// Not modelled: the readout layer (rejected at load), the congestion balancer, the DVS
// hot-pixel filter, timing of outputs (they inherit the causing input's timestamp).
// An EventLoopBackend (the native addon) may run the whole loop for a configuration it
// accepts; the engine then only hands it chunks of input and collects its output.

import type { ChipConfig } from '../chips/chip-config.js';
import { chipBehaviour, type ChipBehaviour } from './chip-behaviour.js';
import { loadChip, type DvsRuntime, type SimIssue } from './chip-loader.js';
import { fastEventKernel, generalEventKernel, leakKernel, resumeEvent, resumeLeak, type EventKernel, type UpdateRule } from './core-kernel.js';
import type { CoreRuntime } from './core-runtime.js';
import { mapDvsEvent } from './dvs-pipeline.js';
import { attachWasmSimdKernel, SIMD_LANES, wasmSimdAvailable } from './wasm-simd-kernel.js';
import { decodeNeuronAddress } from './neuron-address.js';
import { DROP, DROP_REASONS, type DropReason, type SimCounters } from './sim-counters.js';
import { LAYER_DVS, LAYER_DVS_RAW, SpikeBatchBuilder, unpackBatch, type SpikeBatch } from '../common/spike-batch.js';
import { eventLoopPlan, LOOP_OK, nativeLoopDeclines, REGISTER, type EventLoopBackend, type EventLoopHandle } from './event-loop-backend.js';

export type ProcessingOrder = 'depth-first' | 'breadth-first';

export interface EventEngineOptions {
  /** Default 'depth-first' (chip parity, chip.md §16). */
  order?: ProcessingOrder;
  /** Overrides of the not-established choices (chip-behaviour.ts). */
  behaviour?: Partial<ChipBehaviour>;
  /** Slow-clock frequency in Hz (drives leak); absent or null: no slow clock, biases do nothing. */
  slowClockHz?: number | null;
  /** Emit a monitored batch as soon as this many events are waiting (default 65536). */
  outputBatchSize?: number;
  /** Internal events one input event (or one tick) may cause before the engine stops with an error (runaway routing cycles). */
  maxEventsPerInput?: number;
  /** Replaces the per-event kernel of every core (e.g. a native implementation). */
  kernel?: EventKernel;
  /**
   * Built-in kernel: 'auto' (default) uses the WebAssembly SIMD kernel where it is
   * available and applies (saturating state, no killed weights), else JavaScript;
   * 'js' forces JavaScript; 'wasm-simd' requires SIMD (error where it is missing).
   */
  kernelImpl?: 'auto' | 'js' | 'wasm-simd';
  /**
   * Runs the whole event loop natively where the configuration allows (no routing cycles,
   * no leak ticks); otherwise the kernels above serve and `nativeDeclined` says why.
   */
  native?: EventLoopBackend;
}

export interface ProcessOptions {
  /** Polled every few hundred input events; returning true stops after the current event. */
  shouldStop?: () => boolean;
}

export type EmitOutput = (batch: SpikeBatch) => void;

export class SimulationRunawayError extends Error {
  readonly code = 'SIMULATION_RUNAWAY';
  constructor(readonly limit: number, readonly timeUs: number) {
    super(
      `More than ${limit} internal events followed one input event at t = ${timeUs} µs: the routing cycle keeps itself busy. Break the cycle or lower the weights on it.`,
    );
    this.name = 'SimulationRunawayError';
  }
}

const KIND_DELIVER = 0;
const KIND_SPIKE = 1;
const KIND_RESUME_EVENT = 2;
const KIND_RESUME_LEAK = 3;
/** Frame: kind, core, a, b, c, d (deliver: channel, y, x, -; spike: key; resume: channel, y, x, j / j). */
const FRAME = 6;

export class EventEngine {
  readonly behaviour: ChipBehaviour;
  readonly order: ProcessingOrder;
  readonly warnings: readonly SimIssue[];
  readonly slowClockHz: number | null;
  /** Kernel serving each core ('wasm-simd', 'js', 'js-general', 'custom'; null = unused core). */
  readonly kernelNames: ReadonlyArray<string | null>;
  /** What runs the events: the native backend's name, 'wasm-simd' (some core's kernel is), or 'js'. */
  readonly engine: string;
  /** Why a native backend that was given does not run this configuration (null: it does, or none was given). */
  readonly nativeDeclined: string | null;

  private readonly cores: ReadonlyArray<CoreRuntime | null>;
  private readonly kernels: Array<EventKernel | null>;
  private readonly leakCores: CoreRuntime[];
  private readonly dvs: DvsRuntime;
  private readonly rule: UpdateRule;
  private readonly initialStates: Array<Int16Array | null>;
  private readonly outputBatchSize: number;
  private readonly maxEventsPerInput: number;
  private readonly loop: EventLoopHandle | null = null;
  private readonly registers: Float64Array;

  private out = new SpikeBatchBuilder(4096);
  private emit: EmitOutput | null = null;

  private frames = new Int32Array(FRAME * 1024);
  private frameT = new Float64Array(1024);
  private top = 0;
  private head = 0;
  private readonly dvsOut = new Int32Array(3);
  private readonly spikeKey = new Int32Array(1);
  private readonly leakSpikes: Int32Array;

  private nextTick = 1;
  private nextTickT = Infinity;
  private now = 0;

  private eventsIn = 0;
  private eventsOut = 0;
  private ticks = 0;
  private readonly coreEventsIn: Float64Array;
  private readonly coreSpikes: Float64Array;
  private readonly coreDropped: Float64Array;
  private readonly dropped = new Float64Array(DROP_REASONS.length);

  constructor(config: ChipConfig, options: EventEngineOptions = {}) {
    this.behaviour = chipBehaviour(options.behaviour);
    this.order = options.order ?? 'depth-first';
    if (this.order !== 'depth-first' && this.order !== 'breadth-first') {
      throw new RangeError(`processing order must be 'depth-first' or 'breadth-first', got ${String(this.order)}`);
    }
    const hz = options.slowClockHz ?? null;
    if (hz !== null && !(Number.isFinite(hz) && hz > 0)) throw new RangeError(`slow-clock frequency must be a positive number of Hz, got ${hz}`);
    this.slowClockHz = hz;
    this.rule = { wrap: this.behaviour.stateOverflow === 'wrap', leakCanSpike: this.behaviour.leakCanSpike };
    const impl = options.kernelImpl ?? 'auto';
    if (impl === 'wasm-simd' && !wasmSimdAvailable()) throw new Error('WebAssembly SIMD is not available in this runtime; use kernelImpl "auto" or "js"');
    const simd = !options.kernel && impl !== 'js' && !this.rule.wrap && wasmSimdAvailable();
    // The native loop wants its vector width (a multiple of 8, which the SIMD kernel takes too); the JS kernels work on any stride.
    const lanes = options.native && !options.kernel ? Math.max(SIMD_LANES, options.native.laneWidth) : simd ? SIMD_LANES : 1;
    const chip = loadChip(config, this.behaviour, { laneWidth: lanes });
    this.cores = chip.cores;
    this.dvs = chip.dvs;
    this.leakCores = this.cores.filter((c): c is CoreRuntime => c !== null && c.leak);
    this.outputBatchSize = options.outputBatchSize ?? 65536;
    this.maxEventsPerInput = options.maxEventsPerInput ?? 10_000_000;
    const n = this.cores.length;
    this.coreEventsIn = new Float64Array(n);
    this.coreSpikes = new Float64Array(n);
    this.coreDropped = new Float64Array(n);
    this.registers = new Float64Array(REGISTER.perCore + 2 * n);
    this.nativeDeclined = options.native && !options.kernel ? nativeLoopDeclines(this.cores, this.leakCores, hz) : null;
    if (options.native && !options.kernel && this.nativeDeclined === null) {
      for (const c of this.cores) if (c) c.moveState(options.native.allocateState(c.state.length));
      const plan = eventLoopPlan(this.cores, this.dvs, this.behaviour, { depthFirst: this.order === 'depth-first', slowClockHz: hz, maxEventsPerInput: this.maxEventsPerInput });
      this.loop = options.native.createEventRunner(plan);
      this.loop.attachMemory({
        states: this.cores.map((c) => (c ? c.state : null)),
        coreEventsIn: this.coreEventsIn,
        coreSpikes: this.coreSpikes,
        coreDropped: this.coreDropped,
        dropped: this.dropped,
        registers: this.registers,
      });
    }
    const general = generalEventKernel(this.rule);
    const nativeName = options.native?.name ?? 'native';
    const chosen = this.cores.map((c): [EventKernel, string] | null => {
      if (!c) return null;
      if (options.kernel) return [options.kernel, 'custom'];
      if (this.loop) return [fastEventKernel, nativeName];
      const wasm = simd ? attachWasmSimdKernel(c) : null;
      if (wasm) return [wasm, 'wasm-simd'];
      return !this.rule.wrap && c.weightKill === null ? [fastEventKernel, 'js'] : [general, 'js-general'];
    });
    this.kernels = chosen.map((k) => (k ? k[0] : null));
    this.kernelNames = chosen.map((k) => (k ? k[1] : null));
    this.engine = this.loop ? nativeName : this.kernelNames.includes('wasm-simd') ? 'wasm-simd' : 'js';
    const warnings = [...chip.warnings];
    if (this.leakCores.length > 0 && hz === null) {
      warnings.push({
        code: 'LEAK_WITHOUT_SLOW_CLOCK',
        path: 'cnn_layers',
        message: `cores ${this.leakCores.map((c) => c.core).join(', ')} have leak_enable, but no slow-clock frequency is set: their biases have no effect (set slowClockHz)`,
      });
    }
    this.warnings = warnings;
    this.initialStates = this.cores.map((c) => (c ? c.state.slice() : null));
    this.leakSpikes = new Int32Array(Math.max(1, ...this.leakCores.map((c) => c.neuronCount)));
    this.restartClock();
  }

  /** Timestamp (µs) of the latest input event or clock advance. */
  get timeUs(): number {
    return this.now;
  }

  /** Input events consumed so far (cheap; counters() has the full picture). */
  get inputCount(): number {
    return this.eventsIn;
  }

  /** Monitored events emitted so far. */
  get outputCount(): number {
    return this.eventsOut;
  }

  /**
   * Consumes input events in order and emits monitored events (in batches of at most
   * outputBatchSize; whatever is pending is flushed before returning). Input layer =
   * core id (Spike into that core) or LAYER_DVS (channel = polarity). Returns how many
   * input events were consumed (fewer than input.length only when shouldStop said so).
   */
  process(input: SpikeBatch, emit: EmitOutput, options: ProcessOptions = {}): number {
    if (this.loop) return this.processNatively(this.loop, input, emit, options);
    this.emit = emit;
    const shouldStop = options.shouldStop;
    const depthFirst = this.order === 'depth-first';
    const ticksFirst = this.behaviour.tickOrder === 'ticks-first';
    const n = input.length;
    const { t, layer, channel, x, y } = input;
    let i = 0;
    let segmentStart = 0;
    try {
      for (; i < n; i++) {
        if (shouldStop !== undefined && (i & 255) === 0 && i > 0 && shouldStop()) break;
        const ti = t[i]!;
        while (ticksFirst ? this.nextTickT <= ti : this.nextTickT < ti) {
          if (!depthFirst) this.drainQueue(i - segmentStart);
          segmentStart = i;
          this.tick(ti);
        }
        if (ti > this.now) this.now = ti;
        this.eventsIn++;
        this.inject(ti, layer[i]!, channel[i]!, x[i]!, y[i]!);
        if (depthFirst) this.drainStack(ti);
      }
      if (!depthFirst) this.drainQueue(i - segmentStart);
    } finally {
      this.flush();
      this.emit = null;
    }
    return i;
  }

  /**
   * process() through the native loop: the same polling of shouldStop (every 256 input
   * events, so the chunks end where the TypeScript loop would check), the same output
   * batches (collected after each chunk), the same counters (synced around each call).
   */
  private processNatively(loop: EventLoopHandle, input: SpikeBatch, emit: EmitOutput, options: ProcessOptions): number {
    this.emit = emit;
    const shouldStop = options.shouldStop;
    const n = input.length;
    const chunk = shouldStop === undefined ? Math.max(1, n) : 256;
    let i = 0;
    loop.begin();
    try {
      while (i < n) {
        if (shouldStop !== undefined && i > 0 && shouldStop()) break;
        const to = Math.min(n, i + chunk);
        this.nativeCall(() => loop.run(input.t, input.layer, input.channel, input.x, input.y, i, to));
        i = to;
      }
      this.nativeCall(() => loop.finish(i));
    } finally {
      this.flush();
      this.emit = null;
    }
    return i;
  }

  private nativeCall(call: () => number): void {
    const r = this.registers;
    const n = this.cores.length;
    r[REGISTER.eventsIn] = this.eventsIn;
    r[REGISTER.eventsOut] = this.eventsOut;
    r[REGISTER.ticks] = this.ticks;
    r[REGISTER.now] = this.now;
    r[REGISTER.nextTick] = this.nextTick;
    r[REGISTER.nextTickT] = this.nextTickT;
    this.cores.forEach((c, i) => {
      r[REGISTER.perCore + i] = c ? c.updates : 0;
      r[REGISTER.perCore + n + i] = c ? c.decimatorCount : 0;
    });
    const status = call();
    this.eventsIn = r[REGISTER.eventsIn]!;
    this.eventsOut = r[REGISTER.eventsOut]!;
    this.ticks = r[REGISTER.ticks]!;
    this.now = r[REGISTER.now]!;
    this.nextTick = r[REGISTER.nextTick]!;
    this.nextTickT = r[REGISTER.nextTickT]!;
    this.cores.forEach((c, i) => {
      if (!c) return;
      c.updates = r[REGISTER.perCore + i]!;
      c.decimatorCount = r[REGISTER.perCore + n + i]!;
    });
    const packed = this.loop!.takeOutput();
    if (packed) {
      const b = unpackBatch(new Uint8Array(packed));
      for (let k = 0; k < b.length; k++) {
        this.out.push(b.t[k]!, b.layer[k]!, b.channel[k]!, b.x[k]!, b.y[k]!);
        if (this.out.length >= this.outputBatchSize) this.flush();
      }
    }
    if (status !== LOOP_OK) throw new SimulationRunawayError(r[REGISTER.runawayLimit]!, r[REGISTER.runawayT]!);
  }

  /** Lets time pass without input: processes the slow-clock ticks up to and including tUs. */
  advanceTo(tUs: number, emit: EmitOutput): void {
    this.emit = emit;
    try {
      while (this.nextTickT <= tUs) this.tick(tUs);
      if (tUs > this.now) this.now = tUs;
    } finally {
      this.flush();
      this.emit = null;
    }
  }

  /** Time base back to 0 (a devkit restarts its stopwatch at every forward); states are kept. */
  restartClock(): void {
    this.now = 0;
    this.nextTick = 1;
    this.nextTickT = this.slowClockHz === null ? Infinity : Math.ceil(1e6 / this.slowClockHz);
  }

  /** Every neuron to 0 and decimator counters cleared (devices.md §5.4: reset writes zeros). */
  resetStates(): void {
    for (const c of this.cores) {
      if (!c) continue;
      c.state.fill(0);
      c.decimatorCount = 0;
    }
  }

  /** Back to the configuration's neurons_initial_value (as after loading). */
  restoreInitialStates(): void {
    this.cores.forEach((c, i) => {
      if (!c) return;
      c.state.set(this.initialStates[i]!);
      c.decimatorCount = 0;
    });
  }

  /** ReadNeuronValue: the state at a neuron address (chip.md §15) of a core's neuron map. */
  readNeuronValue(core: number, address: number): number {
    const c = this.usedCore(core);
    const n = decodeNeuronAddress({ c: c.F, h: c.H, w: c.W }, address);
    if (n.c >= c.F || n.x >= c.W || n.y >= c.H) {
      throw new RangeError(`neuron address ${address} decodes to (c ${n.c}, x ${n.x}, y ${n.y}), outside core ${core}'s ${c.F}x${c.H}x${c.W} neuron map`);
    }
    return c.stateAt(n.c, n.y, n.x);
  }

  /** A core's whole state, [f][y][x] (copy), with its shape [F, H, W]. */
  coreState(core: number): { shape: [number, number, number]; data: Int16Array } {
    const c = this.usedCore(core);
    return { shape: [c.F, c.H, c.W], data: c.stateChw() };
  }

  counters(): SimCounters {
    const dropped = {} as Record<DropReason, number>;
    DROP_REASONS.forEach((r, i) => (dropped[r] = this.dropped[i]!));
    let synapticOps = 0;
    const perCore = this.cores.map((c, i) => {
      const ops = c ? c.updates : 0;
      synapticOps += ops;
      return { core: i, eventsIn: this.coreEventsIn[i]!, spikesOut: this.coreSpikes[i]!, dropped: this.coreDropped[i]!, synapticOps: ops };
    });
    return { eventsIn: this.eventsIn, eventsOut: this.eventsOut, synapticOps, ticks: this.ticks, perCore, dropped };
  }

  private usedCore(core: number): CoreRuntime {
    const c = this.cores[core];
    if (!c) throw new RangeError(`core ${core} holds no layer (used cores: ${this.cores.flatMap((k, i) => (k ? [i] : [])).join(', ')})`);
    return c;
  }

  // ---- input ---------------------------------------------------------------------

  private inject(t: number, layer: number, ch: number, x: number, y: number): void {
    if (layer < this.cores.length) {
      const c = this.cores[layer];
      if (!c) {
        this.dropped[DROP.unused_core]!++;
        return;
      }
      if (ch >= c.inC || y >= c.inH || x >= c.inW) {
        this.drop(DROP.input_out_of_range, layer);
        return;
      }
      this.pushFrame(KIND_DELIVER, layer, ch, y, x, 0, t);
      return;
    }
    if (layer !== LAYER_DVS) {
      this.dropped[DROP.invalid_layer]!++;
      return;
    }
    const dvs = this.dvs;
    if (dvs.rawMonitor) this.output(t, LAYER_DVS_RAW, ch, x, y);
    const reason = mapDvsEvent(dvs, ch, x, y, this.dvsOut);
    if (reason >= 0) {
      this.dropped[reason]!++;
      return;
    }
    const c = this.dvsOut[0]!;
    const px = this.dvsOut[1]!;
    const py = this.dvsOut[2]!;
    if (dvs.monitor) this.output(t, LAYER_DVS, c, px, py);
    const dests = dvs.destinations;
    const depthFirst = this.order === 'depth-first';
    // Depth-first pushes onto a stack: last slot first so slot 0 is processed first.
    for (let s = depthFirst ? dests.length - 1 : 0; depthFirst ? s >= 0 : s < dests.length; depthFirst ? s-- : s++) {
      const core = dests[s]!;
      const dst = this.cores[core]!;
      if (c >= dst.inC || py >= dst.inH || px >= dst.inW) this.drop(DROP.dvs_destination_out_of_range, core);
      else this.pushFrame(KIND_DELIVER, core, c, py, px, 0, t);
    }
  }

  // ---- slow clock ------------------------------------------------------------------

  /** Processes the next tick; `upTo` is the time being advanced to (for skipping idle ticks). */
  private tick(upTo: number): void {
    const t = this.nextTickT;
    if (t > this.now) this.now = t;
    this.ticks++;
    this.nextTick++;
    this.nextTickT = Math.ceil((this.nextTick * 1e6) / this.slowClockHz!);
    if (this.leakCores.length === 0) {
      this.skipIdleTicks(upTo);
      return;
    }
    const depthFirst = this.order === 'depth-first';
    for (const core of this.leakCores) {
      if (depthFirst && core.onCycle) {
        this.pushFrame(KIND_RESUME_LEAK, core.core, 0, 0, 0, 0, t);
        this.drainStack(t);
        continue;
      }
      const n = leakKernel(core, this.rule, this.leakSpikes);
      if (depthFirst) {
        for (let i = n - 1; i >= 0; i--) this.pushFrame(KIND_SPIKE, core.core, this.leakSpikes[i]!, 0, 0, 0, t);
        this.drainStack(t);
      } else {
        for (let i = 0; i < n; i++) this.spike(core, this.leakSpikes[i]!, t);
      }
    }
    if (!depthFirst) this.drainQueue(1);
  }

  /**
   * Without leak cores a tick changes nothing but the count, so a long gap between events
   * must not cost one loop turn per tick: count the ticks before `upTo` at once and leave
   * the last one pending for the caller's ordering rule.
   */
  private skipIdleTicks(upTo: number): void {
    const hz = this.slowClockHz!;
    const k = Math.floor((upTo * hz) / 1e6);
    if (k > this.nextTick) {
      this.ticks += k - this.nextTick;
      this.nextTick = k;
      this.nextTickT = Math.ceil((k * 1e6) / hz);
    }
  }

  // ---- processing ------------------------------------------------------------------

  /** Depth-first: pop frames until the stack is empty. */
  private drainStack(t: number): void {
    const limit = this.maxEventsPerInput;
    let work = 0;
    while (this.top > 0) {
      if (++work > limit) {
        this.top = 0;
        throw new SimulationRunawayError(limit, t);
      }
      this.top -= FRAME;
      const f = this.frames;
      const o = this.top;
      const kind = f[o]!;
      const core = this.cores[f[o + 1]!]!;
      if (kind === KIND_SPIKE) {
        this.spike(core, f[o + 2]!, t);
      } else if (kind === KIND_DELIVER) {
        const ch = f[o + 2]!;
        const y = f[o + 3]!;
        const x = f[o + 4]!;
        this.coreEventsIn[core.core]!++;
        if (core.onCycle) {
          this.resume(KIND_RESUME_EVENT, core, ch, y, x, 0, t);
          continue;
        }
        const n = this.kernels[core.core]!(core, ch, y, x);
        if (n === 0) continue;
        const keys = this.canonicalKeys(core, n);
        for (let i = n - 1; i >= 0; i--) this.pushFrame(KIND_SPIKE, core.core, keys[i]!, 0, 0, 0, t);
      } else {
        this.resume(kind, core, f[o + 2]!, f[o + 3]!, f[o + 4]!, f[o + 5]!, t);
      }
    }
  }

  /** One step of a resumable frame: update until the next spike, keep the frame, handle the spike on top. */
  private resume(kind: number, core: CoreRuntime, ch: number, y: number, x: number, j: number, t: number): void {
    const next =
      kind === KIND_RESUME_EVENT ? resumeEvent(core, this.rule, ch, y, x, j, this.spikeKey) : resumeLeak(core, this.rule, j, this.spikeKey);
    if (next < 0) return;
    this.pushFrame(kind, core.core, ch, y, x, next, t);
    this.pushFrame(KIND_SPIKE, core.core, this.spikeKey[0]!, 0, 0, 0, t);
  }

  /** Breadth-first: FIFO over the frames queued since the last drain. */
  private drainQueue(inputs: number): void {
    const limit = this.maxEventsPerInput * Math.max(1, inputs);
    let work = 0;
    while (this.head < this.top) {
      const f = this.frames;
      const o = this.head;
      const t = this.frameT[o / FRAME]!;
      if (++work > limit) {
        this.head = this.top = 0;
        throw new SimulationRunawayError(this.maxEventsPerInput, t);
      }
      this.head += FRAME;
      const core = this.cores[f[o + 1]!]!;
      this.coreEventsIn[core.core]!++;
      const n = this.kernels[core.core]!(core, f[o + 2]!, f[o + 3]!, f[o + 4]!);
      if (n === 0) continue;
      const keys = this.canonicalKeys(core, n);
      for (let i = 0; i < n; i++) this.spike(core, keys[i]!, t);
    }
    this.head = this.top = 0;
  }

  /** Converts core.spikes[0..n) to canonical keys (chip.md §16 order) in place, sorted. */
  private canonicalKeys(core: CoreRuntime, n: number): Int32Array {
    const s = core.spikes;
    const F = core.Fs;
    const hw = core.H * core.W;
    for (let i = 0; i < n; i++) {
      const pos = (s[i]! / F) | 0;
      s[i] = (s[i]! - pos * F) * hw + pos;
    }
    if (n <= 32) {
      for (let i = 1; i < n; i++) {
        const v = s[i]!;
        let j = i - 1;
        while (j >= 0 && s[j]! > v) {
          s[j + 1] = s[j]!;
          j--;
        }
        s[j + 1] = v;
      }
    } else {
      s.subarray(0, n).sort();
    }
    return s;
  }

  /** A neuron of `core` spiked: decimator, monitor, routing to the destinations. */
  private spike(core: CoreRuntime, key: number, t: number): void {
    const ci = core.core;
    this.coreSpikes[ci]!++;
    const hw = core.H * core.W;
    const f = (key / hw) | 0;
    const pos = key - f * hw;
    const oy = (pos / core.W) | 0;
    const ox = pos - oy * core.W;
    if (core.decimatorN > 0) {
      const first = this.behaviour.decimatorPass === 'first-of-n';
      const count = core.decimatorCount;
      core.decimatorCount = count + 1 === core.decimatorN ? 0 : count + 1;
      const passes = first ? count === 0 : count + 1 === core.decimatorN;
      if (!passes) {
        this.drop(DROP.decimator, ci);
        if (core.monitor && !this.behaviour.decimatorBeforeMonitor) this.output(t, ci, f, ox, oy);
        return;
      }
    }
    if (core.monitor) this.output(t, ci, f, ox, oy);
    const dests = core.destinations;
    const depthFirst = this.order === 'depth-first';
    for (let s = depthFirst ? dests.length - 1 : 0; depthFirst ? s >= 0 : s < dests.length; depthFirst ? s-- : s++) {
      const d = dests[s]!;
      const dst = this.cores[d.core]!;
      const c = f + d.featureShift;
      if (c >= dst.inC) {
        this.drop(DROP.feature_shift, d.core);
        continue;
      }
      const y = oy >> d.poolShift;
      const x = ox >> d.poolShift;
      if (y >= dst.inH || x >= dst.inW) {
        this.drop(DROP.pooled_out_of_range, d.core);
        continue;
      }
      this.pushFrame(KIND_DELIVER, d.core, c, y, x, 0, t);
    }
  }

  private pushFrame(kind: number, core: number, a: number, b: number, c: number, d: number, t: number): void {
    let o = this.top;
    if (o + FRAME > this.frames.length) this.growFrames();
    const f = this.frames;
    f[o] = kind;
    f[o + 1] = core;
    f[o + 2] = a;
    f[o + 3] = b;
    f[o + 4] = c;
    f[o + 5] = d;
    this.frameT[o / FRAME] = t;
    o += FRAME;
    this.top = o;
  }

  private growFrames(): void {
    const frames = new Int32Array(this.frames.length * 2);
    frames.set(this.frames);
    this.frames = frames;
    const ft = new Float64Array(this.frameT.length * 2);
    ft.set(this.frameT);
    this.frameT = ft;
  }

  private drop(reason: number, core: number): void {
    this.dropped[reason]!++;
    this.coreDropped[core]!++;
  }

  private output(t: number, layer: number, channel: number, x: number, y: number): void {
    this.out.push(t, layer, channel, x, y);
    this.eventsOut++;
    if (this.out.length >= this.outputBatchSize) this.flush();
  }

  private flush(): void {
    if (this.out.length > 0 && this.emit) this.emit(this.out.take());
  }
}
