// Buffers one event stream of a run into chunks and hands each full chunk (or the
// partial chunk once its oldest event has waited `maxLatencyMs`) to a ChunkSink that
// commits it. Memory is one chunk buffer, however long the recording. It checks that
// timestamps never go backwards (seeking relies on it) and knows nothing about SQL.

import { allocateBatch, withLength, type SpikeBatch } from '../common/spike-batch.js';
import { chunkChecksum } from './chunk-checksum.js';
import { DEFAULT_CHUNK_CODEC, encodeChunk, type ChunkCodec } from './chunk-codec.js';

export type RecordingStream = 'input' | 'output';
export const RECORDING_STREAMS: readonly RecordingStream[] = ['input', 'output'];

export interface ChunkToCommit {
  seq: number;
  /** Index of the chunk's first event within the recording. */
  firstEvent: number;
  count: number;
  tFirst: number;
  tLast: number;
  codec: ChunkCodec;
  bytes: Uint8Array;
  /** chunkChecksum(bytes), stored with the chunk and checked on every read. */
  checksum: number;
}

/** Commits one chunk atomically (chunk, its bytes and the counters) or throws. */
export type ChunkSink = (chunk: ChunkToCommit) => void;

/** The timer the writer uses for its latency bound; injectable so tests need not sleep. */
export interface FlushTimer {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const systemFlushTimer: FlushTimer = {
  set(callback, ms) {
    const handle = setTimeout(callback, ms);
    // A pending flush must not keep a finished CLI process alive.
    handle.unref();
    return handle;
  },
  clear(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

export interface RecordingWriterOptions {
  /** Events per chunk (default 65536: ~1 MB unpacked, a few ms to encode and commit). */
  chunkEvents?: number;
  /** Longest time an event waits uncommitted (default 1000 ms). */
  maxLatencyMs?: number;
  codec?: ChunkCodec;
  timer?: FlushTimer;
  /** Called when a timer-driven commit fails (appends rethrow it too). */
  onError?: (error: unknown) => void;
}

export const DEFAULT_CHUNK_EVENTS = 65536;
export const DEFAULT_MAX_LATENCY_MS = 1000;

/** Timestamps went backwards: seeking would break, so the batch is refused whole. */
export class RecordingOrderError extends Error {
  readonly code = 'EVENTS_OUT_OF_ORDER';
  constructor(
    readonly stream: RecordingStream,
    readonly eventIndex: number,
    readonly t: number,
    readonly previousT: number,
  ) {
    super(
      `${stream} event ${eventIndex} has timestamp ${t} µs, before the previous event's ${previousT} µs; ` +
        `recordings need events in time order (sort the events first)`,
    );
    this.name = 'RecordingOrderError';
  }
}

export class RecordingWriter {
  private readonly chunk: SpikeBatch;
  private readonly chunkEvents: number;
  private readonly maxLatencyMs: number;
  private readonly timer: FlushTimer;
  private readonly codec: ChunkCodec;
  private readonly onError: ((error: unknown) => void) | undefined;
  private pending = 0;
  private seq: number;
  private committedEvents: number;
  private lastT: number;
  private timerHandle: unknown = null;
  private failure: unknown = null;
  private closed = false;

  constructor(
    readonly stream: RecordingStream,
    private readonly sink: ChunkSink,
    options: RecordingWriterOptions = {},
    /** Where an existing recording left off (appending is not used by runs today). */
    start: { seq: number; events: number; lastT: number } = { seq: 0, events: 0, lastT: -Infinity },
  ) {
    this.chunkEvents = options.chunkEvents ?? DEFAULT_CHUNK_EVENTS;
    if (!Number.isInteger(this.chunkEvents) || this.chunkEvents < 1) throw new RangeError(`chunkEvents must be a positive integer, got ${this.chunkEvents}`);
    this.maxLatencyMs = options.maxLatencyMs ?? DEFAULT_MAX_LATENCY_MS;
    this.timer = options.timer ?? systemFlushTimer;
    this.codec = options.codec ?? DEFAULT_CHUNK_CODEC;
    this.onError = options.onError;
    this.chunk = allocateBatch(this.chunkEvents);
    this.seq = start.seq;
    this.committedEvents = start.events;
    this.lastT = start.lastT;
  }

  /** Events committed to the database. */
  get committed(): number {
    return this.committedEvents;
  }

  /** Events accepted (committed + waiting in the chunk buffer). */
  get accepted(): number {
    return this.committedEvents + this.pending;
  }

  append(batch: SpikeBatch): void {
    this.throwIfUnusable();
    const n = batch.length;
    if (n === 0) return;
    const t = batch.t;
    let prev = this.lastT;
    for (let i = 0; i < n; i++) {
      const ti = t[i]!;
      // `!(ti >= prev)` also refuses NaN.
      if (!(ti >= prev)) throw new RecordingOrderError(this.stream, this.accepted + i, ti, prev);
      prev = ti;
    }
    this.lastT = prev;
    let from = 0;
    while (from < n) {
      if (this.pending === 0) this.armTimer();
      const take = Math.min(n - from, this.chunkEvents - this.pending);
      const to = from + take;
      const c = this.chunk;
      const at = this.pending;
      c.t.set(batch.t.subarray(from, to), at);
      c.x.set(batch.x.subarray(from, to), at);
      c.y.set(batch.y.subarray(from, to), at);
      c.channel.set(batch.channel.subarray(from, to), at);
      c.layer.set(batch.layer.subarray(from, to), at);
      this.pending += take;
      from = to;
      if (this.pending === this.chunkEvents) this.commitPending();
    }
  }

  /** Commits the partial chunk now (no-op when nothing is pending). */
  flush(): void {
    this.throwIfUnusable();
    this.commitPending();
  }

  /** Flushes and stops the timer; the writer accepts nothing afterwards. */
  close(): void {
    if (this.closed) return;
    try {
      if (this.failure === null) this.commitPending();
    } finally {
      this.closed = true;
      this.disarmTimer();
    }
  }

  /** Drops pending events without committing (the run failed to record). */
  discard(): void {
    this.closed = true;
    this.pending = 0;
    this.disarmTimer();
  }

  private throwIfUnusable(): void {
    if (this.failure !== null) throw this.failure;
    if (this.closed) throw new Error(`the ${this.stream} recording is closed`);
  }

  private armTimer(): void {
    this.disarmTimer();
    this.timerHandle = this.timer.set(() => {
      this.timerHandle = null;
      try {
        this.commitPending();
      } catch (e) {
        this.onError?.(e);
      }
    }, this.maxLatencyMs);
  }

  private disarmTimer(): void {
    if (this.timerHandle !== null) {
      this.timer.clear(this.timerHandle);
      this.timerHandle = null;
    }
  }

  private commitPending(): void {
    const n = this.pending;
    if (n === 0) return;
    this.disarmTimer();
    const batch = withLength(this.chunk, n);
    const encoded = encodeChunk(batch, this.codec);
    try {
      this.sink({
        seq: this.seq,
        firstEvent: this.committedEvents,
        count: n,
        tFirst: batch.t[0]!,
        tLast: batch.t[n - 1]!,
        codec: encoded.codec,
        bytes: encoded.bytes,
        checksum: chunkChecksum(encoded.bytes),
      });
    } catch (e) {
      // Nothing of this chunk was committed; the writer refuses further events so the
      // recording never has a gap.
      this.failure = e;
      throw e;
    }
    this.seq++;
    this.committedEvents += n;
    this.pending = 0;
  }
}
