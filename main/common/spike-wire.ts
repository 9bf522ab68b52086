// A compact form of one packed spike batch (spike-batch.ts) for the WebSocket only: a
// busy run streams millions of events a second, and at 15 bytes each the socket, the
// browser's receiving and decoding of it cost more than everything the monitor does with
// them. Lossless: decoding gives back the very same packed bytes. Layers as runs (layer,
// length); timestamps as zigzag varint deltas (raw f64 when a batch has a timestamp that
// is not an integer or a step of 2^31 µs or more); channel, x and y each in 0, 1 or 2
// bytes, the fewest that hold the batch's largest value. About 4 bytes an event instead
// of 15 on a chip layer's output. Pure (browser and Node); it knows no message framing
// (wire-codec.ts carries it).
//
// Layout (little-endian): u8 version 1 | u8 widths (channel bits 0-1, x bits 2-3, y bits 4-5,
// bit 6: raw timestamps) | u32 events | u32 runs | f64 first timestamp | runs x (u8 layer,
// varint length) | timestamps | channel column | x column | y column.

import { allocateBatch, BYTES_PER_EVENT, unpackBatch } from './spike-batch.js';

const VERSION = 1;
const HEADER = 18;
const RAW_T = 1 << 6;
const MAX_STEP = 2 ** 31;

export class SpikeWireError extends Error {}

function widthOf(column: Uint16Array, n: number): number {
  let max = 0;
  for (let i = 0; i < n; i++) if (column[i]! > max) max = column[i]!;
  return max === 0 ? 0 : max < 256 ? 1 : 2;
}

/** The compact form of a packed batch (what packBatch wrote). */
export function encodeSpikeWire(packed: Uint8Array): Uint8Array {
  const b = unpackBatch(packed);
  const n = b.length;
  const { t, layer, channel, x, y } = b;
  const wc = widthOf(channel, n);
  const wx = widthOf(x, n);
  const wy = widthOf(y, n);
  let raw = false;
  let runs = 0;
  for (let i = 0; i < n; i++) {
    if (i === 0 || layer[i] !== layer[i - 1]) runs++;
    const step = i === 0 ? 0 : t[i]! - t[i - 1]!;
    if (!Number.isSafeInteger(t[i]!) || !(Math.abs(step) < MAX_STEP)) raw = true;
  }
  const out = new Uint8Array(HEADER + runs * 6 + n * (raw ? 8 : 5) + n * (wc + wx + wy));
  const view = new DataView(out.buffer);
  out[0] = VERSION;
  out[1] = wc | (wx << 2) | (wy << 4) | (raw ? RAW_T : 0);
  view.setUint32(2, n, true);
  view.setUint32(6, runs, true);
  view.setFloat64(10, n > 0 ? t[0]! : 0, true);
  let o = HEADER;
  const varint = (v: number) => {
    while (v >= 0x80) {
      out[o++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    out[o++] = v;
  };
  for (let i = 0; i < n; ) {
    let end = i + 1;
    while (end < n && layer[end] === layer[i]) end++;
    out[o++] = layer[i]!;
    varint(end - i);
    i = end;
  }
  if (raw) {
    for (let i = 0; i < n; i++, o += 8) view.setFloat64(o, t[i]!, true);
  } else {
    let prev = n > 0 ? t[0]! : 0;
    for (let i = 0; i < n; i++) {
      const d = t[i]! - prev;
      prev = t[i]!;
      // Zigzag: 0, -1, 1, -2, ... -> 0, 1, 2, 3, ... (|d| < 2^31, so 32 bits hold it).
      const z = ((d << 1) ^ (d >> 31)) >>> 0;
      if (z < 0x80) out[o++] = z;
      else varint(z);
    }
  }
  for (const [column, w] of [
    [channel, wc],
    [x, wx],
    [y, wy],
  ] as const) {
    // Typed-array copies (a width-1 column's values are below 256; the packed form is little-endian, as the host).
    if (w === 1) out.set(column.subarray(0, n), o);
    else if (w === 2) out.set(new Uint8Array(column.buffer, column.byteOffset, 2 * n), o);
    o += n * w;
  }
  return out.slice(0, o);
}

/** The packed batch back (a new, aligned buffer). Refuses anything encodeSpikeWire could not have written. */
export function decodeSpikeWire(bytes: Uint8Array): Uint8Array {
  if (bytes.byteLength < HEADER || bytes[0] !== VERSION) throw new SpikeWireError('not a compact spike batch (version 1)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = bytes[1]!;
  const wc = flags & 3;
  const wx = (flags >> 2) & 3;
  const wy = (flags >> 4) & 3;
  const raw = (flags & RAW_T) !== 0;
  const n = view.getUint32(2, true);
  const runs = view.getUint32(6, true);
  // Every event takes at least one byte (its timestamp), every run two: a header cannot ask for more than the bytes hold.
  if (wc > 2 || wx > 2 || wy > 2 || flags >> 7 || n > bytes.byteLength || runs > n || runs * 2 > bytes.byteLength) {
    throw new SpikeWireError('compact spike batch header does not fit its bytes');
  }
  const b = allocateBatch(n);
  const end = bytes.byteLength;
  let o = HEADER;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      if (o >= end || shift > 28) throw new SpikeWireError('compact spike batch ends inside a number');
      const byte = bytes[o++]!;
      v += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return v;
      shift += 7;
    }
  };
  let at = 0;
  for (let r = 0; r < runs; r++) {
    if (o >= end) throw new SpikeWireError('compact spike batch ends inside its layer runs');
    const layer = bytes[o++]!;
    const length = varint();
    if (length === 0 || at + length > n) throw new SpikeWireError('compact spike batch layer runs do not add up to its events');
    b.layer.fill(layer, at, at + length);
    at += length;
  }
  if (at !== n) throw new SpikeWireError('compact spike batch layer runs do not add up to its events');
  if (raw) {
    if (o + n * 8 > end) throw new SpikeWireError('compact spike batch ends inside its timestamps');
    for (let i = 0; i < n; i++, o += 8) b.t[i] = view.getFloat64(o, true);
  } else {
    let t = view.getFloat64(10, true);
    const ts = b.t;
    for (let i = 0; i < n; i++) {
      // Most steps take one byte: read those without the general loop.
      let z = o < end ? bytes[o]! : 0x80;
      if (z < 0x80) o++;
      else {
        z = varint();
        if (z > 0xffffffff) throw new SpikeWireError('compact spike batch has a timestamp step of 2^31 µs or more');
      }
      // Zigzag back in 32-bit integer arithmetic (steps are below 2^31 in magnitude).
      t += (z >>> 1) ^ -(z & 1);
      ts[i] = t;
    }
  }
  for (const [column, w] of [
    [b.channel, wc],
    [b.x, wx],
    [b.y, wy],
  ] as const) {
    if (o + n * w > end) throw new SpikeWireError('compact spike batch ends inside its channel, x or y column');
    // Typed-array copies, not per-element loops: this decode runs for every event a busy run streams.
    if (w === 1) column.set(bytes.subarray(o, o + n));
    else if (w === 2) {
      const at = bytes.byteOffset + o;
      column.set(at % 2 === 0 ? new Uint16Array(bytes.buffer, at, n) : new Uint16Array(bytes.slice(o, o + 2 * n).buffer));
    }
    o += n * w;
  }
  if (o !== end) throw new SpikeWireError('compact spike batch has bytes after its last column');
  return new Uint8Array(b.t.buffer, 0, n * BYTES_PER_EVENT);
}
