// What the camera-recording decoders hand out: events as struct-of-arrays columns (t in
// µs as an integer-valued Float64, exact to 2^53 µs like SpikeBatch; x, y as Uint16; p
// as 0/1 Uint8), plus the growable builder each decoder writes into. It does not map
// events onto a model's input (see input mapping in main/formats/event-files.ts).

export interface EventBlock {
  readonly length: number;
  /** Microseconds as stored in the file (AEDAT4: Unix time; EVT/.dat/.bin: sensor time). */
  readonly t: Float64Array;
  readonly x: Uint16Array;
  readonly y: Uint16Array;
  /** Polarity: 1 = ON (brighter), 0 = OFF. */
  readonly p: Uint8Array;
}

export const EMPTY_BLOCK: EventBlock = {
  length: 0,
  t: new Float64Array(0),
  x: new Uint16Array(0),
  y: new Uint16Array(0),
  p: new Uint8Array(0),
};

/**
 * Collects one push's events. Columns are public so decoders write `t[n] = ...` in their
 * hot loops; they call `reserve(k)` before writing k more events and bump `n`.
 */
export class EventBlockBuilder {
  t: Float64Array;
  x: Uint16Array;
  y: Uint16Array;
  p: Uint8Array;
  n = 0;

  constructor(capacity = 4096) {
    this.t = new Float64Array(capacity);
    this.x = new Uint16Array(capacity);
    this.y = new Uint16Array(capacity);
    this.p = new Uint8Array(capacity);
  }

  /** Room for `more` events after the current `n`. */
  reserve(more: number): void {
    const need = this.n + more;
    if (need <= this.t.length) return;
    let cap = Math.max(64, this.t.length * 2);
    while (cap < need) cap *= 2;
    const t = new Float64Array(cap);
    t.set(this.t.subarray(0, this.n));
    const x = new Uint16Array(cap);
    x.set(this.x.subarray(0, this.n));
    const y = new Uint16Array(cap);
    y.set(this.y.subarray(0, this.n));
    const p = new Uint8Array(cap);
    p.set(this.p.subarray(0, this.n));
    this.t = t;
    this.x = x;
    this.y = y;
    this.p = p;
  }

  /** The events so far as a block the caller owns; the builder starts afresh. */
  take(): EventBlock {
    const n = this.n;
    if (n === 0) return EMPTY_BLOCK;
    this.n = 0;
    const cap = this.t.length;
    if (n < cap / 4) {
      // A few events (small chunks): copies, so the big columns are reused, not reallocated.
      return { length: n, t: this.t.slice(0, n), x: this.x.slice(0, n), y: this.y.slice(0, n), p: this.p.slice(0, n) };
    }
    const block: EventBlock = { length: n, t: this.t.subarray(0, n), x: this.x.subarray(0, n), y: this.y.subarray(0, n), p: this.p.subarray(0, n) };
    // The handed-out columns are the caller's now; the next push gets fresh ones.
    this.t = new Float64Array(cap);
    this.x = new Uint16Array(cap);
    this.y = new Uint16Array(cap);
    this.p = new Uint8Array(cap);
    return block;
  }
}

/** One block of several (tests, `events info`, small files). */
export function concatBlocks(blocks: readonly EventBlock[]): EventBlock {
  let n = 0;
  for (const b of blocks) n += b.length;
  const out = { length: n, t: new Float64Array(n), x: new Uint16Array(n), y: new Uint16Array(n), p: new Uint8Array(n) };
  let o = 0;
  for (const b of blocks) {
    out.t.set(b.t.subarray(0, b.length), o);
    out.x.set(b.x.subarray(0, b.length), o);
    out.y.set(b.y.subarray(0, b.length), o);
    out.p.set(b.p.subarray(0, b.length), o);
    o += b.length;
  }
  return out;
}
