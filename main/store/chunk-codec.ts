// The byte forms of one recording chunk: how a run of spike events (sorted by time) is
// turned into the blob stored in a project, and back. Every chunk records its codec, so
// readers decode whatever a writer chose and new codecs can be added without migrating
// old recordings. Pure functions over typed arrays; no database, no I/O.
//
// Codecs:
// - 'packed'  the product's packed batch form (packBatch), 15 bytes per event.
// - 'columns' the same columns, each at the narrowest width that holds it: timestamps as
//             deltas from the previous event (u8/u16/u32, or absolute f64 when they are
//             not integers that fit), x/y/channel as u8 when every value fits, the layer
//             as one constant when the chunk holds a single layer. Simulator and devkit
//             streams are monotonic with small coordinates, so this costs one pass per
//             chunk and stores about 5 bytes per event. It is what writers use.
// LZ4 (lz4-napi) on top of 'columns' was measured and left out: on simulator-like output
// it saves ~18% of the bytes for twice the encode time, and its synchronous API leaks
// native memory on every call (antoniomuso/lz4-napi#678), which a recorder that must not
// grow with recording length cannot afford.

import { allocateBatch, BYTES_PER_EVENT, packBatch, unpackBatch, type SpikeBatch } from '../common/spike-batch.js';

export const CHUNK_CODECS = ['packed', 'columns'] as const;
export type ChunkCodec = (typeof CHUNK_CODECS)[number];

export function isChunkCodec(value: string): value is ChunkCodec {
  return (CHUNK_CODECS as readonly string[]).includes(value);
}

export const DEFAULT_CHUNK_CODEC: ChunkCodec = 'columns';

const COLUMNS_VERSION = 1;
const HEADER_BYTES = 24;
const T_ABSOLUTE = 0;
const LAYER_CONSTANT = 0;
const LAYER_COLUMN = 1;

/** Raised when stored chunk bytes do not decode to the count the index promises. */
export class ChunkDecodeError extends Error {
  readonly code = 'RECORDING_DAMAGED';
  constructor(
    readonly codec: string,
    readonly detail: string,
  ) {
    super(`recording chunk (codec '${codec}') is damaged: ${detail}`);
    this.name = 'ChunkDecodeError';
  }
}

export interface EncodedChunk {
  codec: ChunkCodec;
  bytes: Uint8Array;
}

export function encodeChunk(batch: SpikeBatch, codec: ChunkCodec = DEFAULT_CHUNK_CODEC): EncodedChunk {
  return codec === 'packed' ? { codec, bytes: packBatch(batch) } : { codec, bytes: encodeColumns(batch) };
}

export function decodeChunk(codec: string, bytes: Uint8Array, count: number): SpikeBatch {
  let batch: SpikeBatch;
  switch (codec) {
    case 'packed':
      if (bytes.byteLength !== count * BYTES_PER_EVENT) {
        throw new ChunkDecodeError(codec, `${bytes.byteLength} bytes for ${count} events`);
      }
      batch = unpackBatch(bytes);
      break;
    case 'columns':
      batch = decodeColumns(bytes);
      break;
    default:
      throw new ChunkDecodeError(codec, 'unknown codec (written by a newer workbench?)');
  }
  if (batch.length !== count) throw new ChunkDecodeError(codec, `holds ${batch.length} events, index says ${count}`);
  return batch;
}

function pad8(n: number): number {
  return (n + 7) & ~7;
}

function widthOfMax(max: number): 1 | 2 {
  return max < 256 ? 1 : 2;
}

/** The 'columns' form (see the module comment). */
export function encodeColumns(batch: SpikeBatch): Uint8Array {
  const n = batch.length;
  const { t, x, y, channel, layer } = batch;
  const base = n > 0 ? t[0]! : 0;
  const maxDelta = maxExactDelta(t, n);
  const maxX = orOf(x, n);
  const maxY = orOf(y, n);
  const maxC = orOf(channel, n);
  const layer0 = n > 0 ? layer[0]! : 0;
  const oneLayer = isConstant(layer, n);
  const tWidth = maxDelta < 0 || maxDelta > 0xffffffff ? T_ABSOLUTE : maxDelta < 256 ? 1 : maxDelta < 65536 ? 2 : 4;
  const xWidth = widthOfMax(maxX);
  const yWidth = widthOfMax(maxY);
  const cWidth = widthOfMax(maxC);
  const tBytes = pad8(n * (tWidth === T_ABSOLUTE ? 8 : tWidth));
  const total = HEADER_BYTES + tBytes + pad8(n * xWidth) + pad8(n * yWidth) + pad8(n * cWidth) + (oneLayer ? 0 : pad8(n));
  const buffer = new ArrayBuffer(total);
  const header = new DataView(buffer);
  header.setUint8(0, COLUMNS_VERSION);
  header.setUint8(1, tWidth);
  header.setUint8(2, xWidth);
  header.setUint8(3, yWidth);
  header.setUint8(4, cWidth);
  header.setUint8(5, oneLayer ? LAYER_CONSTANT : LAYER_COLUMN);
  header.setUint8(6, layer0);
  header.setUint32(8, n, true);
  header.setFloat64(16, base, true);
  let offset = HEADER_BYTES;
  if (tWidth === T_ABSOLUTE) {
    new Float64Array(buffer, offset, n).set(t.subarray(0, n));
  } else if (tWidth === 1) {
    writeDeltas(t, n, new Uint8Array(buffer, offset, n));
  } else if (tWidth === 2) {
    writeDeltas(t, n, new Uint16Array(buffer, offset, n));
  } else {
    writeDeltas(t, n, new Uint32Array(buffer, offset, n));
  }
  offset += tBytes;
  offset = writeNarrow(buffer, offset, x, n, xWidth);
  offset = writeNarrow(buffer, offset, y, n, yWidth);
  offset = writeNarrow(buffer, offset, channel, n, cWidth);
  if (!oneLayer) new Uint8Array(buffer, offset, n).set(layer.subarray(0, n));
  return new Uint8Array(buffer);
}

/**
 * The largest step between consecutive timestamps, or -1 when the steps cannot be stored
 * as exact integer deltas (a step backwards, a fractional or NaN timestamp, or a value
 * beyond 2^53 where float64 stops holding every integer).
 */
function maxExactDelta(t: Float64Array, n: number): number {
  if (n === 0) return 0;
  let p = t[0]!;
  if (!Number.isSafeInteger(p)) return -1;
  let max = 0;
  let exact = true;
  for (let i = 0; i < n; i++) {
    const v = t[i]!;
    const d = v - p;
    p = v;
    if (d > max) max = d;
    // `!(d >= 0)` also catches NaN.
    if (!(d >= 0) || d !== Math.floor(d)) exact = false;
  }
  return exact && Number.isSafeInteger(p) ? max : -1;
}

// Kept apart from the scan loop: one fused loop measured about twice as slow.
function writeDeltas(t: Float64Array, n: number, out: Uint8Array | Uint16Array | Uint32Array): void {
  let p = t[0]!;
  for (let i = 0; i < n; i++) {
    const v = t[i]!;
    out[i] = v - p;
    p = v;
  }
}

/** Bitwise OR of a column: below 256 exactly when every value fits a byte. */
function orOf(column: Uint16Array, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) m |= column[i]!;
  return m;
}

function isConstant(column: Uint8Array, n: number): boolean {
  const first = column[0];
  for (let i = 1; i < n; i++) if (column[i] !== first) return false;
  return true;
}

function writeNarrow(buffer: ArrayBuffer, offset: number, column: Uint16Array, n: number, width: 1 | 2): number {
  if (width === 1) new Uint8Array(buffer, offset, n).set(column.subarray(0, n));
  else new Uint16Array(buffer, offset, n).set(column.subarray(0, n));
  return offset + pad8(n * width);
}

function readNarrow(bytes: Uint8Array, offset: number, into: Uint16Array, n: number, width: number): number {
  if (width === 1) into.set(bytes.subarray(offset, offset + n));
  else into.set(new Uint16Array(bytes.buffer, bytes.byteOffset + offset, n));
  return offset + pad8(n * width);
}

export function decodeColumns(input: Uint8Array): SpikeBatch {
  if (input.byteLength < HEADER_BYTES) throw new ChunkDecodeError('columns', `only ${input.byteLength} bytes, shorter than its header`);
  // Typed-array views need aligned offsets; blobs from SQLite usually are, copies otherwise.
  let bytes = input;
  if (bytes.byteOffset % 8 !== 0) {
    bytes = new Uint8Array(input.byteLength);
    bytes.set(input);
  }
  const header = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = header.getUint8(0);
  if (version !== COLUMNS_VERSION) throw new ChunkDecodeError('columns', `format version ${version}, this build reads ${COLUMNS_VERSION}`);
  const tWidth = header.getUint8(1);
  const xWidth = header.getUint8(2);
  const yWidth = header.getUint8(3);
  const cWidth = header.getUint8(4);
  const layerKind = header.getUint8(5);
  const layerConst = header.getUint8(6);
  const n = header.getUint32(8, true);
  const base = header.getFloat64(16, true);
  const widthsValid =
    [T_ABSOLUTE, 1, 2, 4].includes(tWidth) &&
    [xWidth, yWidth, cWidth].every((w) => w === 1 || w === 2) &&
    (layerKind === LAYER_CONSTANT || layerKind === LAYER_COLUMN);
  if (!widthsValid) throw new ChunkDecodeError('columns', 'header holds unknown column widths');
  const tBytes = pad8(n * (tWidth === T_ABSOLUTE ? 8 : tWidth));
  const expected = HEADER_BYTES + tBytes + pad8(n * xWidth) + pad8(n * yWidth) + pad8(n * cWidth) + (layerKind === LAYER_COLUMN ? pad8(n) : 0);
  if (bytes.byteLength !== expected) throw new ChunkDecodeError('columns', `${bytes.byteLength} bytes where ${n} events need ${expected}`);

  const out = allocateBatch(n);
  let offset = HEADER_BYTES;
  if (tWidth === T_ABSOLUTE) {
    out.t.set(new Float64Array(bytes.buffer, bytes.byteOffset + offset, n));
  } else {
    const at = bytes.byteOffset + offset;
    const deltas = tWidth === 1 ? bytes.subarray(offset, offset + n) : tWidth === 2 ? new Uint16Array(bytes.buffer, at, n) : new Uint32Array(bytes.buffer, at, n);
    const t = out.t;
    let p = base;
    for (let i = 0; i < n; i++) {
      p += deltas[i]!;
      t[i] = p;
    }
  }
  offset += tBytes;
  offset = readNarrow(bytes, offset, out.x, n, xWidth);
  offset = readNarrow(bytes, offset, out.y, n, yWidth);
  offset = readNarrow(bytes, offset, out.channel, n, cWidth);
  if (layerKind === LAYER_COLUMN) out.layer.set(bytes.subarray(offset, offset + n));
  else out.layer.fill(layerConst);
  return out;
}

