// safetensors files over bytes: read every tensor into the product's Tensor form (floats
// as float32, integers as exact float64) and write small files of weights. The layout is
// an 8-byte little-endian header length, a JSON header (tensor name -> dtype, shape,
// data_offsets relative to the data section; optional `__metadata__` of strings), then the
// data section. It does not touch the file system, map memory or stream: callers pass
// the whole file as a Uint8Array.

import { FormatError, type FormatErrorCode, type FormatErrorDetails } from './format-error.js';
import { bfloat16BitsToFloat32, float64ToHalfBits, halfBitsToFloat32 } from './half-float.js';
import { int64WordsToFloat64 } from './int64.js';
import { elementCount, formatShape, type Tensor, type TensorDType } from './tensor.js';

/** The reference implementation refuses headers above 100 MB; so do we (a sign of a broken file). */
const MAX_HEADER_BYTES = 100_000_000;

const ITEM_SIZE: Readonly<Record<TensorDType, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
};

function isDType(s: unknown): s is TensorDType {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(ITEM_SIZE, s);
}

function fail(code: FormatErrorCode, message: string, details: FormatErrorDetails = {}): never {
  throw new FormatError('safetensors', code, message, details);
}

export interface SafetensorsFile {
  tensors: Map<string, Tensor>;
  /** String entries of `__metadata__` (empty when the file has none). */
  metadata: Record<string, string>;
}

/** All tensors of a safetensors file, in header order. */
export function readSafetensors(bytes: Uint8Array): Map<string, Tensor> {
  return readSafetensorsFile(bytes).tensors;
}

interface Entry {
  name: string;
  dtype: TensorDType;
  shape: number[];
  begin: number;
  end: number;
}

/** Tensors plus the `__metadata__` strings. Non-string metadata values are skipped (the product never uses them). */
export function readSafetensorsFile(bytes: Uint8Array): SafetensorsFile {
  if (bytes.byteLength < 8) {
    fail(
      'TRUNCATED',
      `safetensors file is ${bytes.byteLength} bytes long, shorter than the 8-byte header length; the file is empty or cut off — export it again`,
      { expectedBytes: 8, foundBytes: bytes.byteLength },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES) {
    fail(
      'HEADER_TOO_LARGE',
      `safetensors header length field says ${headerLength} bytes (limit ${MAX_HEADER_BYTES}); this is not a safetensors file or its first 8 bytes are damaged`,
      { headerLength, limit: MAX_HEADER_BYTES },
    );
  }
  if (8 + headerLength > bytes.byteLength) {
    fail(
      'TRUNCATED',
      `safetensors header length field says ${headerLength} bytes but only ${bytes.byteLength - 8} bytes follow it; the file is cut off or not a safetensors file`,
      { expectedBytes: 8 + headerLength, foundBytes: bytes.byteLength },
    );
  }
  let header: unknown;
  try {
    const headerText = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
    header = JSON.parse(headerText);
  } catch (e) {
    fail(
      'BAD_HEADER',
      `safetensors header is not valid UTF-8 JSON (${(e as Error).message}); the file is damaged or not a safetensors file`,
      { headerLength },
    );
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail('BAD_HEADER', `safetensors header must be a JSON object of tensor entries, found ${Array.isArray(header) ? 'an array' : typeof header}`);
  }

  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw === 'object' && raw !== null) {
        for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (typeof v === 'string') metadata[k] = v;
      }
      continue;
    }
    entries.push(parseEntry(name, raw, dataLength));
  }

  // Overlap check over the entries sorted by start; gaps are allowed (data need not be fully covered).
  // Empty tensors occupy no bytes and so cannot overlap anything.
  const byStart = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < byStart.length; i++) {
    const prev = byStart[i - 1]!;
    const cur = byStart[i]!;
    if (cur.begin < prev.end) {
      fail(
        'BAD_OFFSETS',
        `tensors "${prev.name}" (bytes ${prev.begin}..${prev.end}) and "${cur.name}" (bytes ${cur.begin}..${cur.end}) overlap in the data section; the file is damaged — export it again`,
        { tensor: cur.name, other: prev.name },
      );
    }
  }

  const tensors = new Map<string, Tensor>();
  for (const e of entries) {
    tensors.set(e.name, decodeTensor(e, bytes.subarray(dataStart + e.begin, dataStart + e.end)));
  }
  return { tensors, metadata };
}

function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function parseEntry(name: string, raw: unknown, dataLength: number): Entry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail('BAD_ENTRY', `safetensors entry "${name}" is not an object with dtype, shape and data_offsets`, { tensor: name });
  }
  const r = raw as Record<string, unknown>;
  for (const key of ['dtype', 'shape', 'data_offsets'] as const) {
    if (!(key in r)) {
      fail('BAD_ENTRY', `safetensors entry "${name}" has no "${key}"; every tensor needs dtype, shape and data_offsets`, {
        tensor: name,
        field: key,
      });
    }
  }
  if (!isDType(r.dtype)) {
    fail(
      'UNSUPPORTED_DTYPE',
      `tensor "${name}" has dtype ${JSON.stringify(r.dtype)}, which is not supported; use one of ${Object.keys(ITEM_SIZE).join(', ')} (e.g. save the weights as float32)`,
      { tensor: name, dtype: String(r.dtype) },
    );
  }
  const shape = r.shape;
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    fail('BAD_ENTRY', `tensor "${name}" has shape ${JSON.stringify(shape)}; a shape must be a list of non-negative integers`, {
      tensor: name,
      field: 'shape',
    });
  }
  const offsets = r.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    fail(
      'BAD_ENTRY',
      `tensor "${name}" has data_offsets ${JSON.stringify(offsets)}; expected [begin, end], two non-negative integers`,
      { tensor: name, field: 'data_offsets' },
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) {
    fail('BAD_OFFSETS', `tensor "${name}" has data_offsets [${begin}, ${end}]: the end comes before the begin; the file is damaged`, {
      tensor: name,
      begin,
      end,
    });
  }
  if (end > dataLength) {
    fail(
      'BAD_OFFSETS',
      `tensor "${name}" ends at byte ${end} of the data section, but the data section has only ${dataLength} bytes; the file is cut off`,
      { tensor: name, begin, end, dataLength },
    );
  }
  const dtype = r.dtype;
  const expected = elementCount(shape as number[]) * ITEM_SIZE[dtype];
  if (end - begin !== expected) {
    fail(
      'SHAPE_MISMATCH',
      `tensor "${name}" (${dtype} ${formatShape(shape as number[])}) needs ${expected} bytes but its data_offsets [${begin}, ${end}] span ${end - begin}; the header does not match the data`,
      { tensor: name, expectedBytes: expected, foundBytes: end - begin },
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** A private, aligned copy of the tensor's bytes (the data section need not be aligned in memory). */
function alignedCopy(src: Uint8Array): ArrayBuffer {
  const buf = new ArrayBuffer(src.byteLength);
  new Uint8Array(buf).set(src);
  return buf;
}

function decodeTensor(e: Entry, src: Uint8Array): Tensor {
  const n = src.byteLength / ITEM_SIZE[e.dtype];
  const shape = e.shape;
  switch (e.dtype) {
    case 'F32':
      return { dtype: e.dtype, shape, data: new Float32Array(alignedCopy(src)) };
    case 'F64':
      // Float32Array.from rounds each value to nearest float32, like Math.fround.
      return { dtype: e.dtype, shape, data: Float32Array.from(new Float64Array(alignedCopy(src))) };
    case 'F16':
      return { dtype: e.dtype, shape, data: halfBitsToFloat32(new Uint16Array(alignedCopy(src))) };
    case 'BF16':
      return { dtype: e.dtype, shape, data: bfloat16BitsToFloat32(new Uint16Array(alignedCopy(src))) };
    case 'I32':
      return { dtype: e.dtype, shape, data: Float64Array.from(new Int32Array(alignedCopy(src))) };
    case 'U32':
      return { dtype: e.dtype, shape, data: Float64Array.from(new Uint32Array(alignedCopy(src))) };
    case 'I16':
      return { dtype: e.dtype, shape, data: Float64Array.from(new Int16Array(alignedCopy(src))) };
    case 'U16':
      return { dtype: e.dtype, shape, data: Float64Array.from(new Uint16Array(alignedCopy(src))) };
    case 'I8':
      return { dtype: e.dtype, shape, data: Float64Array.from(new Int8Array(alignedCopy(src))) };
    case 'U8':
      return { dtype: e.dtype, shape, data: Float64Array.from(src) };
    case 'BOOL': {
      const data = new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = src[i]! !== 0 ? 1 : 0;
      return { dtype: e.dtype, shape, data };
    }
    case 'I64':
    case 'U64': {
      const data = int64WordsToFloat64(new Uint32Array(alignedCopy(src)), n, e.dtype === 'I64', (i) =>
        fail(
          'UNSAFE_INTEGER',
          `tensor "${e.name}" (${e.dtype}) holds a value beyond ±2^53 at flat index ${i}, which cannot be represented exactly; store it as a float or a 32-bit integer`,
          { tensor: e.name, index: i },
        ),
      );
      return { dtype: e.dtype, shape, data };
    }
  }
}

// ---------------------------------------------------------------------------------------
// Writing

export type SafetensorsWriteDType = 'F32' | 'F64' | 'F16' | 'I64' | 'I32' | 'U8';

export interface SafetensorsWriteTensor {
  dtype: SafetensorsWriteDType;
  shape: number[];
  data: ArrayLike<number>;
}

const INT_RANGE: Readonly<Record<'I64' | 'I32' | 'U8', readonly [number, number]>> = {
  I64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  I32: [-2147483648, 2147483647],
  U8: [0, 255],
};

/**
 * A safetensors file holding `tensors`. As the reference writer does, tensors are laid
 * out by item size (largest first, then by name) so every tensor is naturally aligned,
 * and the header is padded with spaces to a multiple of 8 bytes.
 */
export function writeSafetensors(
  tensors: ReadonlyMap<string, SafetensorsWriteTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const order = [...tensors.entries()].sort(([na, a], [nb, b]) => {
    const bySize = ITEM_SIZE[b.dtype] - ITEM_SIZE[a.dtype];
    if (bySize !== 0) return bySize;
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of order) {
    if (name === '__metadata__') fail('BAD_ENTRY', 'a tensor cannot be named "__metadata__" (the name is reserved for file metadata)', { tensor: name });
    if (!t.shape.every(isNonNegativeInteger)) {
      fail('BAD_ENTRY', `tensor "${name}" has shape ${JSON.stringify(t.shape)}; a shape must be a list of non-negative integers`, { tensor: name });
    }
    const count = elementCount(t.shape);
    if (count !== t.data.length) {
      fail('SHAPE_MISMATCH', `tensor "${name}" has shape ${formatShape(t.shape)} (${count} values) but ${t.data.length} values were given`, {
        tensor: name,
        expected: count,
        found: t.data.length,
      });
    }
    const size = count * ITEM_SIZE[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + headerLength);

  let pos = 8 + headerLength;
  for (const [name, t] of order) {
    const n = t.data.length;
    switch (t.dtype) {
      case 'F32':
        for (let i = 0; i < n; i++, pos += 4) view.setFloat32(pos, t.data[i]!, true);
        break;
      case 'F64':
        for (let i = 0; i < n; i++, pos += 8) view.setFloat64(pos, t.data[i]!, true);
        break;
      case 'F16':
        for (let i = 0; i < n; i++, pos += 2) view.setUint16(pos, float64ToHalfBits(t.data[i]!), true);
        break;
      case 'I64':
      case 'I32':
      case 'U8': {
        const [lo, hi] = INT_RANGE[t.dtype];
        for (let i = 0; i < n; i++) {
          const v = t.data[i]!;
          if (!Number.isInteger(v) || v < lo || v > hi) {
            fail('BAD_VALUE', `tensor "${name}" (${t.dtype}) value ${v} at flat index ${i} is not an integer in ${lo}..${hi}`, {
              tensor: name,
              index: i,
              value: v,
            });
          }
          if (t.dtype === 'U8') {
            view.setUint8(pos, v);
            pos += 1;
          } else if (t.dtype === 'I32') {
            view.setInt32(pos, v, true);
            pos += 4;
          } else {
            view.setBigInt64(pos, BigInt(v), true);
            pos += 8;
          }
        }
        break;
      }
    }
  }
  return out;
}
