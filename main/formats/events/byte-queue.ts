// The bytes a push decoder has received but not yet decoded (the tail of a record or a
// packet split across chunks). Holding only that tail is what bounds a decoder's memory:
// at most one packet, never the file. Chunks are used in place when nothing is pending.

export class ByteQueue {
  private buf = new Uint8Array(0);
  private len = 0;

  /** Bytes waiting, for error messages and end-of-stream checks. */
  get pending(): number {
    return this.len;
  }

  /** Everything not yet consumed: the pending tail followed by `chunk`. */
  feed(chunk: Uint8Array): Uint8Array {
    if (this.len === 0) return chunk;
    const need = this.len + chunk.length;
    if (need > this.buf.length) {
      let cap = Math.max(256, this.buf.length * 2);
      while (cap < need) cap *= 2;
      const b = new Uint8Array(cap);
      b.set(this.buf.subarray(0, this.len));
      this.buf = b;
    }
    this.buf.set(chunk, this.len);
    this.len = need;
    return this.buf.subarray(0, need);
  }

  /** Keep `view[from..]` for the next feed (`view` is what feed returned). */
  keep(view: Uint8Array, from: number): void {
    const rest = view.length - from;
    if (rest <= 0) {
      this.len = 0;
      return;
    }
    if (view.buffer === this.buf.buffer && view.byteOffset === this.buf.byteOffset) {
      this.buf.copyWithin(0, from, view.length);
    } else {
      if (rest > this.buf.length) this.buf = new Uint8Array(Math.max(256, rest * 2));
      this.buf.set(view.subarray(from));
    }
    this.len = rest;
  }
}

/** A copy of `bytes` whose byteOffset is a multiple of `align` (for Uint16/Uint32 views). */
export function aligned(bytes: Uint8Array, align: number): Uint8Array {
  if (bytes.byteOffset % align === 0) return bytes;
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}
