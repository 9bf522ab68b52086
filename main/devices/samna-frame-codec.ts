// The frames between the workbench and its samna bridge (native/samna-bridge, protocol.py
// is the other half): a u32 little-endian body length, then the body = one kind byte and
//   'J' (0x4A) a UTF-8 JSON object (requests, replies, progress), or
//   'B' (0x42) u32 request id, u32 flags (bit 0: last batch of the stream), then one spike
//              batch in the packed layout of main/sim/spike-batch.ts (15 bytes per event).
// The decoder takes bytes as they arrive (any split), never throws on bad input and stays
// in step when it can: a frame that is too large is skipped by its length, a frame of an
// unknown kind or with bad JSON is dropped; each becomes an `error` item with the byte
// offset. It knows nothing about requests or processes.

import { BYTES_PER_EVENT, packBatch, unpackBatch, type SpikeBatch } from '../common/spike-batch.js';

export const KIND_JSON = 0x4a;
export const KIND_BATCH = 0x42;
/** Largest frame body either side accepts (protocol.py has the same number). */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024;
export const FLAG_LAST = 1;
const BATCH_HEADER = 9;

export type FrameProblem = 'frame-too-large' | 'empty-frame' | 'bad-kind' | 'bad-json' | 'bad-batch' | 'truncated';

/** A frame that could not be read; the decoder has skipped it. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly problem: FrameProblem,
    /** Byte offset of the frame's length prefix in the stream. */
    readonly offset: number,
    /** The frame's declared body length. */
    readonly length: number,
    detail: string,
  ) {
    super(`samna bridge frame at byte ${offset} (${length} bytes): ${detail}`);
  }
}

export type DecodedFrame =
  | { kind: 'json'; message: Record<string, unknown> }
  | { kind: 'batch'; id: number; last: boolean; batch: SpikeBatch }
  | { kind: 'error'; error: FrameError };

export function encodeJsonFrame(message: Record<string, unknown>): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(message));
  const out = new Uint8Array(5 + text.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, text.length + 1, true);
  out[4] = KIND_JSON;
  out.set(text, 5);
  return out;
}

export function encodeBatchFrame(id: number, batch: SpikeBatch, last: boolean): Uint8Array {
  const payload = packBatch(batch);
  const bodyLength = BATCH_HEADER + payload.length;
  if (bodyLength > MAX_FRAME_BYTES) {
    throw new RangeError(`a batch of ${batch.length} events (${bodyLength} bytes) exceeds the frame limit of ${MAX_FRAME_BYTES} bytes: send it in parts`);
  }
  const out = new Uint8Array(4 + bodyLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, bodyLength, true);
  out[4] = KIND_BATCH;
  view.setUint32(5, id, true);
  view.setUint32(9, last ? FLAG_LAST : 0, true);
  out.set(payload, 4 + BATCH_HEADER);
  return out;
}

/** The most events one batch frame can hold. */
export const MAX_EVENTS_PER_FRAME = Math.floor((MAX_FRAME_BYTES - BATCH_HEADER) / BYTES_PER_EVENT);

export class FrameDecoder {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Stream offset of the first buffered byte. */
  private offset = 0;
  /** Bytes still to discard of an oversized frame. */
  private skipping = 0;

  constructor(private readonly maxFrameBytes = MAX_FRAME_BYTES) {}

  /** Bytes received but not yet a whole frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  push(chunk: Uint8Array): DecodedFrame[] {
    const out: DecodedFrame[] = [];
    let data = chunk;
    if (this.skipping > 0) {
      const n = Math.min(this.skipping, data.length);
      this.skipping -= n;
      this.offset += n;
      data = data.subarray(n);
    }
    if (data.length > 0) {
      this.chunks.push(data);
      this.buffered += data.length;
    }
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.peek(4);
      const length = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
      const at = this.offset;
      if (length > this.maxFrameBytes) {
        this.consume(4);
        const n = Math.min(length, this.buffered);
        this.consume(n);
        this.skipping = length - n;
        out.push({ kind: 'error', error: new FrameError('frame-too-large', at, length, `exceeds the limit of ${this.maxFrameBytes} bytes; skipped`) });
        if (this.skipping > 0) break;
        continue;
      }
      if (this.buffered < 4 + length) break;
      this.consume(4);
      const body = this.take(length);
      out.push(decodeBody(body, at, length));
    }
    return out;
  }

  /** Called when the stream ended: what was left is a partial frame. */
  end(): DecodedFrame[] {
    if (this.buffered === 0 && this.skipping === 0) return [];
    this.skipping = 0;
    const at = this.offset;
    const left = this.buffered;
    this.chunks = [];
    this.buffered = 0;
    return [{ kind: 'error', error: new FrameError('truncated', at, left, `the stream ended inside a frame (${left} bytes of it received)`) }];
  }

  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) {
      const k = Math.min(c.length, n - o);
      out.set(c.subarray(0, k), o);
      o += k;
      if (o === n) break;
    }
    return out;
  }

  /** Removes n bytes and returns them as one fresh, 8-byte-aligned array. */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, n - o);
      out.set(c.subarray(0, k), o);
      o += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.buffered -= n;
    this.offset += n;
    return out;
  }

  private consume(n: number): void {
    let left = n;
    while (left > 0) {
      const c = this.chunks[0]!;
      if (c.length <= left) {
        left -= c.length;
        this.chunks.shift();
      } else {
        this.chunks[0] = c.subarray(left);
        left = 0;
      }
    }
    this.buffered -= n;
    this.offset += n;
  }
}

function decodeBody(body: Uint8Array, at: number, length: number): DecodedFrame {
  if (length === 0) return { kind: 'error', error: new FrameError('empty-frame', at, 0, 'an empty frame (no kind byte); skipped') };
  const kind = body[0];
  if (kind === KIND_JSON) {
    let message: unknown;
    try {
      message = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(1)));
    } catch (e) {
      return { kind: 'error', error: new FrameError('bad-json', at, length, `a control frame is not valid UTF-8 JSON (${(e as Error).message}); skipped`) };
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      return { kind: 'error', error: new FrameError('bad-json', at, length, 'a control frame must hold a JSON object; skipped') };
    }
    return { kind: 'json', message: message as Record<string, unknown> };
  }
  if (kind === KIND_BATCH) {
    if (length < BATCH_HEADER) return { kind: 'error', error: new FrameError('bad-batch', at, length, `a batch frame shorter than its ${BATCH_HEADER}-byte header; skipped`) };
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const id = view.getUint32(1, true);
    const flags = view.getUint32(5, true);
    const payload = body.subarray(BATCH_HEADER);
    if (payload.length % BYTES_PER_EVENT !== 0) {
      return { kind: 'error', error: new FrameError('bad-batch', at, length, `a batch of ${payload.length} bytes is not a multiple of ${BYTES_PER_EVENT}; skipped`) };
    }
    return { kind: 'batch', id, last: (flags & FLAG_LAST) !== 0, batch: unpackBatch(payload.slice()) };
  }
  return { kind: 'error', error: new FrameError('bad-kind', at, length, `unknown frame kind 0x${(kind ?? 0).toString(16).padStart(2, '0')} (expected 0x4a JSON or 0x42 batch); skipped`) };
}
