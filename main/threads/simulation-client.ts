// Main-thread handle on a simulator running in a worker thread (the virtual devkit's
// engine room). Streams input in bounded chunks with backpressure, delivers monitored
// events as they come, forwards progress, and cancels promptly through an AbortSignal.
// Results use the device-driver types (ForwardStats, ForwardResult) so a virtual devkit
// driver can pass them straight on. It does not record anything and knows no devices.

import type { Worker } from 'node:worker_threads';
import type { ChipConfig } from '../chips/chip-config.js';
import type { ForwardOptions, ForwardResult, ForwardStats } from '../sim/forward.js';
import { SimConfigError, type SimIssue } from '../sim/chip-loader.js';
import { DROP_REASONS, type DropReason, type SimCounters } from '../sim/sim-counters.js';
import { concatBatches, sliceBatch, type SpikeBatch } from '../common/spike-batch.js';
import { spawnWorker } from './spawn-worker.js';
import { batchOfBuffer, CONTROL_CANCEL_RUN, type EngineSettings, type FromWorker, type ToWorker, type WorkerError } from './simulation-protocol.js';

export interface SimulationStartOptions extends EngineSettings {
  /** Input events per message to the worker (default 32768). */
  chunkEvents?: number;
  /** Chunks sent but not yet processed before the client waits (default 2). */
  maxChunksInFlight?: number;
}

/** ForwardStats plus what the simulator alone can tell. */
export interface SimForwardStats extends ForwardStats {
  droppedByReason: Record<DropReason, number>;
  /** Slow-clock ticks during the pass. */
  ticks: number;
}

export interface SimForwardResult extends ForwardResult {
  stats: SimForwardStats;
}

interface RunHandlers {
  onOutput: (b: SpikeBatch) => void;
  onProgress: (m: Extract<FromWorker, { type: 'progress' }>) => void;
  onChunkDone: () => void;
  onDone: (m: Extract<FromWorker, { type: 'runDone' }>) => void;
}

interface Pending {
  resolve: (m: Extract<FromWorker, { type: 'reply' }>) => void;
  reject: (e: Error) => void;
}

function toError(e: WorkerError): Error {
  if (e.issues) return new SimConfigError(e.issues);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

export class SimulationClient {
  private readonly control: Int32Array;
  private readonly pending = new Map<number, Pending>();
  private run: { id: number; handlers: RunHandlers } | null = null;
  private nextId = 1;
  private failure: Error | null = null;
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    control: SharedArrayBuffer,
    /** Load-time warnings (ambiguous addresses, leak without slow clock, ...). */
    readonly warnings: readonly SimIssue[],
    /** What simulates: 'native', 'wasm-simd' or 'js', and why a native engine asked for does not run this configuration. */
    readonly engine: { readonly name: string; readonly nativeDeclined: string | null },
    private readonly chunkEvents: number,
    private readonly maxInFlight: number,
  ) {
    this.control = new Int32Array(control);
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => this.fail(new Error(`the simulator worker stopped (exit code ${code})`)));
  }

  /** Starts a worker, loads `config` into it; rejects with SimConfigError when the config cannot be simulated. */
  static async start(config: ChipConfig, options: SimulationStartOptions = {}): Promise<SimulationClient> {
    const worker = spawnWorker(new URL('./sim-worker.js', import.meta.url));
    const control = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const settings: EngineSettings = {
      order: options.order,
      behaviour: options.behaviour,
      slowClockHz: options.slowClockHz,
      maxEventsPerInput: options.maxEventsPerInput,
      kernelImpl: options.kernelImpl,
      engine: options.engine,
    };
    try {
      const loaded = await new Promise<Extract<FromWorker, { type: 'loaded' }>>((resolve, reject) => {
        const onMessage = (m: FromWorker) => {
          if (m.type === 'loaded') resolve(m);
          else if (m.type === 'loadFailed') reject(toError(m.error));
          else return;
          worker.off('message', onMessage);
          worker.off('error', reject);
        };
        worker.on('message', onMessage);
        worker.on('error', reject);
        worker.postMessage({ type: 'load', config, settings, control } satisfies ToWorker);
      });
      return new SimulationClient(worker, control, loaded.warnings, { name: loaded.engine, nativeDeclined: loaded.nativeDeclined }, options.chunkEvents ?? 32768, options.maxChunksInFlight ?? 2);
    } catch (e) {
      await worker.terminate();
      throw e;
    }
  }

  /**
   * Streams `input` (sorted by timestamp) through the simulator. Outputs go to onOutput
   * as they arrive, or are returned together when onOutput is absent. Aborting stops
   * between two input events; the state then reflects exactly the events processed.
   */
  async forward(input: SpikeBatch | AsyncIterable<SpikeBatch>, options: ForwardOptions = {}): Promise<SimForwardResult> {
    this.usable();
    if (this.run) throw new Error('a forward pass is already running on this simulator; wait for it or cancel it first');
    const t0 = performance.now();
    const runId = this.nextId++;
    const signal = options.signal;
    const totalIn = isBatch(input) ? input.length : undefined;
    if (signal?.aborted) return { stats: emptyStats(performance.now() - t0), output: null, cancelled: true };

    const outputs: SpikeBatch[] = [];
    let inFlight = 0;
    let wake: (() => void) | null = null;
    const wakeUp = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    let finished: Extract<FromWorker, { type: 'runDone' }> | null = null;
    let cancelled = false;
    const done = new Promise<Extract<FromWorker, { type: 'runDone' }>>((resolve) => {
      this.run = {
        id: runId,
        handlers: {
          onOutput: (b) => (options.onOutput ? options.onOutput(b) : outputs.push(b)),
          onProgress: (m) => options.onProgress?.({ eventsIn: m.eventsIn, eventsOut: m.eventsOut, timeUs: m.timeUs, ...(totalIn !== undefined ? { totalIn } : {}) }),
          onChunkDone: () => {
            inFlight--;
            wakeUp();
          },
          onDone: (m) => {
            finished = m;
            wakeUp();
            resolve(m);
          },
        },
      };
    });
    const failed = new Promise<never>((_, reject) => {
      this.onFailure = (e) => {
        wakeUp();
        reject(e);
      };
    });
    failed.catch(() => {});
    let resolveAborted: (v: 'aborted') => void = () => {};
    const aborted = new Promise<'aborted'>((resolve) => (resolveAborted = resolve));
    const onAbort = () => {
      if (cancelled) return;
      cancelled = true;
      Atomics.store(this.control, CONTROL_CANCEL_RUN, runId);
      this.post({ type: 'cancel', runId });
      resolveAborted('aborted');
      wakeUp();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    let iterator: AsyncIterator<ArrayBuffer> | null = null;
    let exhausted = false;
    try {
      this.post({ type: 'begin', runId });
      const it = chunksOf(input, this.chunkEvents)[Symbol.asyncIterator]();
      iterator = it;
      let seq = 0;
      for (;;) {
        if (cancelled || finished) break;
        const next = await Promise.race([it.next(), aborted, failed]);
        if (next === 'aborted' || cancelled || finished) break;
        if (next.done) {
          exhausted = true;
          break;
        }
        while (inFlight >= this.maxInFlight && !cancelled && !finished) {
          await Promise.race([new Promise<void>((r) => (wake = r)), failed]);
        }
        if (cancelled || finished) break;
        const events = next.value;
        inFlight++;
        this.post({ type: 'chunk', runId, seq: seq++, events }, [events]);
      }
      if (!cancelled && !finished) this.post({ type: 'end', runId });
      const result = await Promise.race([done, failed]);
      if (result.error && !result.cancelled) throw toError(result.error);
      const stats = statsOf(result.counters, performance.now() - t0);
      return {
        stats,
        output: options.onOutput ? null : concatBatches(outputs),
        cancelled: result.cancelled,
      };
    } catch (e) {
      if (!finished && !this.failure) {
        Atomics.store(this.control, CONTROL_CANCEL_RUN, runId);
        this.post({ type: 'cancel', runId });
        await Promise.race([done, failed]).catch(() => {});
      }
      throw e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // Close an input source we stopped reading (cancel, error), so it can release resources.
      if (iterator?.return && !exhausted) void iterator.return().catch(() => {});
      this.run = null;
      this.onFailure = null;
    }
  }

  /** ReadNeuronValue: the state at a neuron address (chip.md §15) of a core. */
  async readNeuron(core: number, address: number): Promise<number> {
    const reply = await this.request({ op: 'readNeuron', core, address });
    return reply.value as number;
  }

  /** All neuron states to zero. */
  async resetStates(): Promise<void> {
    await this.request({ op: 'resetStates' });
  }

  /** Lets time pass without input (slow-clock ticks up to timeUs of the current run's clock); returns what was monitored. */
  async advanceTo(timeUs: number): Promise<SpikeBatch> {
    const reply = await this.request({ op: 'advanceTo', timeUs });
    return concatBatches((reply.outputs ?? []).map(batchOfBuffer));
  }

  /** The engine's running totals since loading. */
  async counters(): Promise<SimCounters> {
    return (await this.request({ op: 'counters' })).value as SimCounters;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }

  private onFailure: ((e: Error) => void) | null = null;

  private request(body: Record<string, unknown> & { op: string }): Promise<Extract<FromWorker, { type: 'reply' }>> {
    this.usable();
    if (this.run) return Promise.reject(new Error(`cannot ${body.op} while a forward pass is running`));
    const reqId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(reqId, {
        resolve: (m) => (m.error ? reject(toError(m.error)) : resolve(m)),
        reject,
      });
      this.post({ type: 'request', reqId, ...body } as ToWorker);
    });
  }

  private post(msg: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(msg, transfer);
  }

  private usable(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('the simulator has been closed');
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'reply') {
      const p = this.pending.get(m.reqId);
      this.pending.delete(m.reqId);
      p?.resolve(m);
      return;
    }
    if (m.type === 'loaded' || m.type === 'loadFailed') return;
    const run = this.run;
    if (!run || run.id !== m.runId) return;
    switch (m.type) {
      case 'output':
        run.handlers.onOutput(batchOfBuffer(m.events));
        return;
      case 'progress':
        run.handlers.onProgress(m);
        return;
      case 'chunkDone':
        run.handlers.onChunkDone();
        return;
      case 'runDone':
        run.handlers.onDone(m);
        return;
    }
  }

  private fail(e: Error): void {
    if (this.closed || this.failure) return;
    this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.onFailure?.(e);
  }
}

function isBatch(input: SpikeBatch | AsyncIterable<SpikeBatch>): input is SpikeBatch {
  return typeof (input as SpikeBatch).length === 'number' && (input as SpikeBatch).t instanceof Float64Array;
}

/** Packed copies of at most n events each (copies: the caller's buffers are never detached). */
async function* chunksOf(input: SpikeBatch | AsyncIterable<SpikeBatch>, n: number): AsyncGenerator<ArrayBuffer> {
  const split = function* (b: SpikeBatch) {
    for (let s = 0; s < b.length; s += n) yield sliceBatch(b, s, Math.min(b.length, s + n)).t.buffer as ArrayBuffer;
  };
  if (isBatch(input)) {
    yield* split(input);
    return;
  }
  for await (const b of input) yield* split(b);
}

function statsOf(c: SimCounters, wallMs: number): SimForwardStats {
  return {
    eventsIn: c.eventsIn,
    eventsOut: c.eventsOut,
    synapticOps: c.synapticOps,
    perCore: c.perCore.map((p) => ({ core: p.core, eventsIn: p.eventsIn, spikesOut: p.spikesOut, dropped: p.dropped })),
    wallMs,
    droppedByReason: c.dropped,
    ticks: c.ticks,
  };
}

function emptyStats(wallMs: number): SimForwardStats {
  const droppedByReason = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  return { eventsIn: 0, eventsOut: 0, synapticOps: 0, perCore: [], wallMs, droppedByReason, ticks: 0 };
}
