// A hand-driven FlushTimer: tests fire pending timers explicitly instead of sleeping.

import type { FlushTimer } from '../../../main/store/recording-writer.js';

export class FakeFlushTimer implements FlushTimer {
  private nextId = 1;
  readonly pending = new Map<number, { callback: () => void; ms: number }>();

  set(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { callback, ms });
    return id;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Fires every pending timer (as if their delay had passed). */
  fireAll(): void {
    const due = [...this.pending.entries()];
    this.pending.clear();
    for (const [, t] of due) t.callback();
  }
}
