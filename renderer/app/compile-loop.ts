// Compile-as-you-type: every edit asks for a compile, but only after the user paused
// (debounce), with at most one request in flight, and a reply is shown only if no newer
// spec was asked for since (sequence numbers), so diagnostics never jump back to text
// the user already changed. It deliberately holds no UI: the hook in use-compile.ts
// turns its state into React state.

import type { CompileView, ModelSpec } from '../../preload/api';
import { errorText } from './workbench-api';

export interface CompileState {
  /** The newest applied compile result (null before the first one). */
  view: CompileView | null;
  /** The spec `view` was compiled from. */
  spec: ModelSpec | null;
  /** A compile is waiting (debounce) or running for a spec newer than `spec`. */
  pending: boolean;
  /** The request itself failed (transport or service error, not a model problem). */
  failure: string | null;
  /** Sequence number of the applied result. */
  seq: number;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
  now: () => performance.now(),
};

/**
 * The pause waited for after an edit. The debounce setting is the longest pause: it
 * exists so that a model that takes long to compile is not compiled on every key. A
 * model that compiles in a few milliseconds (the example: about 10 ms there and back)
 * waits three round trips, at least MIN_PAUSE_MS, so the placement follows the typing.
 */
export const MIN_PAUSE_MS = 40;
export function pauseAfterEdit(debounceMs: number, lastRoundTripMs: number | null): number {
  if (lastRoundTripMs === null) return debounceMs;
  return Math.min(debounceMs, Math.max(MIN_PAUSE_MS, Math.ceil(3 * lastRoundTripMs)));
}

export class CompileLoop {
  private state: CompileState = { view: null, spec: null, pending: false, failure: null, seq: 0 };
  private latestSeq = 0;
  private latestSpec: ModelSpec | null = null;
  private timer: unknown = null;
  private inFlight = false;
  /** The newest spec is waiting for the request in flight to finish. */
  private queued = false;
  private disposed = false;
  private lastRoundTripMs: number | null = null;

  constructor(
    private readonly compile: (spec: ModelSpec) => Promise<CompileView>,
    private readonly onChange: (state: CompileState) => void,
    private debounceMs: number,
    private readonly timers: Timers = realTimers,
  ) {}

  get current(): CompileState {
    return this.state;
  }

  setDebounce(ms: number): void {
    this.debounceMs = ms;
  }

  /** Ask for a compile of `spec` once the user pauses for the debounce time. */
  request(spec: ModelSpec): void {
    this.latestSeq++;
    this.latestSpec = spec;
    this.setState({ pending: true });
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.send();
    }, pauseAfterEdit(this.debounceMs, this.lastRoundTripMs));
  }

  /** Compile `spec` without waiting (project opened, chip switched, ordering chosen). */
  now(spec: ModelSpec): void {
    this.latestSeq++;
    this.latestSpec = spec;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.setState({ pending: true });
    this.send();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private send(): void {
    if (this.inFlight) {
      this.queued = true;
      return;
    }
    const spec = this.latestSpec;
    if (!spec) return;
    const seq = this.latestSeq;
    this.inFlight = true;
    this.queued = false;
    const sent = this.timers.now();
    this.compile(spec).then(
      (view) => {
        this.lastRoundTripMs = this.timers.now() - sent;
        this.settle(seq, spec, view, null);
      },
      (e: unknown) => this.settle(seq, spec, null, errorText(e)),
    );
  }

  private settle(seq: number, spec: ModelSpec, view: CompileView | null, failure: string | null): void {
    this.inFlight = false;
    if (this.disposed) return;
    const stale = seq !== this.latestSeq;
    if (!stale) {
      this.setState(view ? { view, spec, failure: null, seq, pending: false } : { failure, seq, pending: false });
    }
    // A newer spec came in while this one compiled and its debounce has already run out.
    if (this.queued) this.send();
  }

  private setState(patch: Partial<CompileState>): void {
    this.state = { ...this.state, ...patch };
    this.onChange(this.state);
  }
}
