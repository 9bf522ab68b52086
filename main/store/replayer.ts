// Plays a recorded event stream back to a consumer (the UI, the CLI, a device) as
// batches: at real time, at N times real time, or as fast as the consumer takes them,
// with pause, resume, seek and stop. Recording time maps to wall time through an anchor
// (recording time T0 was reached at wall time W0); the clock and timers are injectable so
// tests advance time by hand instead of sleeping. Reads one chunk at a time.

import { concatBatches, sliceBatch, type SpikeBatch } from '../common/spike-batch.js';
import { lowerBound, upperBound, type RecordingReader } from './recording-reader.js';

/** Wall clock in milliseconds plus one-shot timers. */
export interface ReplayClock {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

type SystemTimer = { immediate: NodeJS.Immediate } | { timeout: NodeJS.Timeout };

/** Real clock; a zero wait uses setImmediate (setTimeout waits at least 1 ms). */
export const systemReplayClock: ReplayClock = {
  now: () => performance.now(),
  setTimer: (callback, ms): SystemTimer => (ms <= 0 ? { immediate: setImmediate(callback) } : { timeout: setTimeout(callback, ms) }),
  clearTimer: (handle) => {
    const h = handle as SystemTimer;
    if ('immediate' in h) clearImmediate(h.immediate);
    else clearTimeout(h.timeout);
  },
};

/** 1 = real time, N = N times faster, 'max' = as fast as the consumer takes batches. */
export type ReplaySpeed = number | 'max';

export interface ReplayProgress {
  /** Recording time reached (µs): every event before it has been delivered. */
  timeUs: number;
  /** Events delivered so far. */
  delivered: number;
  /** Index in the recording of the next event to deliver. */
  nextEvent: number;
}

/** Receives batches in order; the replay waits for a returned promise before going on. */
export type ReplayConsumer = (batch: SpikeBatch, progress: ReplayProgress) => void | Promise<void>;

export type ReplayState = 'ready' | 'playing' | 'paused' | 'ended' | 'stopped' | 'failed';

export interface ReplayEnd {
  state: 'ended' | 'stopped' | 'failed';
  delivered: number;
  error?: unknown;
}

export interface ReplayOptions {
  speed?: ReplaySpeed;
  /** Start at this recording time (µs); default: the first event. */
  fromUs?: number;
  /** Stop before this recording time (µs); default: the end. */
  toUs?: number;
  clock?: ReplayClock;
  /** Most events per delivered batch (default 65536). */
  maxBatchEvents?: number;
  /** Shortest wall time between deliveries at finite speed (default 10 ms), so dense streams arrive in batches. */
  minIntervalMs?: number;
}

interface Cursor {
  seq: number;
  offset: number;
  eventIndex: number;
}

export class Replayer {
  readonly done: Promise<ReplayEnd>;
  private resolveDone!: (end: ReplayEnd) => void;
  private stateNow: ReplayState = 'ready';
  private speedNow: ReplaySpeed;
  private readonly clock: ReplayClock;
  private readonly toUs: number;
  private readonly maxBatchEvents: number;
  private readonly minIntervalMs: number;
  private cursor: Cursor;
  private anchorUs: number;
  private anchorWall = 0;
  private timer: unknown = null;
  private busy = false;
  private deliveredCount = 0;

  constructor(
    private readonly reader: RecordingReader,
    private readonly consumer: ReplayConsumer,
    options: ReplayOptions = {},
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.clock = options.clock ?? systemReplayClock;
    this.speedNow = checkSpeed(options.speed ?? 1);
    this.toUs = options.toUs ?? Infinity;
    this.maxBatchEvents = options.maxBatchEvents ?? 65536;
    this.minIntervalMs = options.minIntervalMs ?? 10;
    const from = options.fromUs ?? reader.firstT ?? 0;
    this.cursor = this.cursorAt(from);
    this.anchorUs = from;
  }

  get state(): ReplayState {
    return this.stateNow;
  }

  get speed(): ReplaySpeed {
    return this.speedNow;
  }

  get delivered(): number {
    return this.deliveredCount;
  }

  /** Recording time (µs) the replay has reached. */
  get timeUs(): number {
    if (this.stateNow !== 'playing' || this.speedNow === 'max') return this.anchorUs;
    return this.anchorUs + (this.clock.now() - this.anchorWall) * 1000 * this.speedNow;
  }

  play(): void {
    if (this.stateNow !== 'ready') throw new Error(`replay is ${this.stateNow}; play() starts a new replay only once`);
    this.stateNow = 'playing';
    this.anchorWall = this.clock.now();
    this.schedule(0);
  }

  pause(): void {
    if (this.stateNow !== 'playing') return;
    this.anchorUs = this.timeUs;
    this.stateNow = 'paused';
    this.cancelTimer();
  }

  resume(): void {
    if (this.stateNow !== 'paused') return;
    this.stateNow = 'playing';
    this.anchorWall = this.clock.now();
    this.schedule(0);
  }

  /** Continues from the first event at or after `timeUs`. An ended replay stays ended (start a new one). */
  seek(timeUs: number): void {
    if (this.stateNow === 'ended' || this.stateNow === 'stopped' || this.stateNow === 'failed') return;
    this.cursor = this.cursorAt(timeUs);
    this.anchorUs = timeUs;
    this.anchorWall = this.clock.now();
    if (this.stateNow === 'playing') {
      this.cancelTimer();
      this.schedule(0);
    }
  }

  setSpeed(speed: ReplaySpeed): void {
    checkSpeed(speed);
    this.anchorUs = this.timeUs;
    this.anchorWall = this.clock.now();
    this.speedNow = speed;
    if (this.stateNow === 'playing') {
      this.cancelTimer();
      this.schedule(0);
    }
  }

  stop(): void {
    if (this.stateNow === 'stopped' || this.stateNow === 'failed') return;
    this.cancelTimer();
    this.finish('stopped');
  }

  private cursorAt(timeUs: number): Cursor {
    const p = this.reader.seek(timeUs);
    return { seq: p.seq, offset: p.offset, eventIndex: p.eventIndex };
  }

  private schedule(ms: number): void {
    this.cancelTimer();
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      void this.tick();
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer !== null) {
      this.clock.clearTimer(this.timer);
      this.timer = null;
    }
  }

  private async tick(): Promise<void> {
    if (this.stateNow !== 'playing' || this.busy) return;
    this.busy = true;
    try {
      await this.step();
    } catch (e) {
      // A damaged chunk or a consumer that threw: the replay cannot go on.
      this.fail(e);
    } finally {
      this.busy = false;
    }
  }

  /** Delivers what is due now and schedules the next step. */
  private async step(): Promise<void> {
    const limit = this.speedNow === 'max' ? Infinity : this.timeUs;
    const batch = this.take(limit);
    if (batch) {
      if (this.speedNow === 'max') this.anchorUs = batch.t[batch.length - 1]!;
      this.deliveredCount += batch.length;
      await this.consumer(batch, {
        timeUs: this.speedNow === 'max' ? this.anchorUs : limit,
        delivered: this.deliveredCount,
        nextEvent: this.cursor.eventIndex,
      });
    }
    if (this.stateNow !== 'playing') return;
    const next = this.nextEventTime();
    if (next === null) {
      this.finish('ended');
      return;
    }
    if (this.speedNow === 'max') {
      this.schedule(0);
    } else {
      const wait = (next - this.timeUs) / 1000 / this.speedNow;
      // Events already due (a batch was full): deliver them now, or a recording denser
      // than maxBatchEvents per minIntervalMs would fall ever further behind the clock.
      this.schedule(wait <= 0 ? 0 : Math.max(this.minIntervalMs, wait));
    }
  }

  /** Timestamp of the next event to deliver, or null at the end (or past `toUs`). */
  private nextEventTime(): number | null {
    const c = this.cursor;
    if (c.seq >= this.reader.chunkCount) return null;
    const t = this.reader.loadChunk(c.seq).t[c.offset]!;
    return t < this.toUs ? t : null;
  }

  /** Copies out the next events with t <= limit (and t < toUs), at most maxBatchEvents. */
  private take(limit: number): SpikeBatch | null {
    const parts: SpikeBatch[] = [];
    let room = this.maxBatchEvents;
    const c = this.cursor;
    while (room > 0 && c.seq < this.reader.chunkCount) {
      const chunk = this.reader.loadChunk(c.seq);
      // Events with t <= limit end at the first index with t > limit; t < toUs at toUs.
      const byLimit = limit === Infinity ? chunk.length : upperBound(chunk.t, chunk.length, limit);
      const byEnd = this.toUs === Infinity ? chunk.length : lowerBound(chunk.t, chunk.length, this.toUs);
      const end = Math.min(byLimit, byEnd, c.offset + room);
      if (end > c.offset) {
        parts.push(sliceBatch(chunk, c.offset, end));
        room -= end - c.offset;
        c.eventIndex += end - c.offset;
        c.offset = end;
      }
      if (c.offset < chunk.length) break;
      c.seq++;
      c.offset = 0;
    }
    if (parts.length === 0) return null;
    return parts.length === 1 ? parts[0]! : concatBatches(parts);
  }

  private fail(error: unknown): void {
    if (this.stateNow === 'stopped' || this.stateNow === 'failed' || this.stateNow === 'ended') return;
    this.cancelTimer();
    this.finish('failed', error);
  }

  private finish(state: 'ended' | 'stopped' | 'failed', error?: unknown): void {
    this.stateNow = state;
    this.resolveDone(error === undefined ? { state, delivered: this.deliveredCount } : { state, delivered: this.deliveredCount, error });
  }
}

function checkSpeed(speed: ReplaySpeed): ReplaySpeed {
  if (speed !== 'max' && !(speed > 0 && Number.isFinite(speed))) {
    throw new RangeError(`replay speed must be a positive number or 'max', got ${String(speed)}`);
  }
  return speed;
}
