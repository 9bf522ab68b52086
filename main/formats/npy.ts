// NumPy .npy files (format versions 1.0, 2.0, 3.0) over bytes: numeric arrays and flat
// structured arrays (one column per field), read into natural JavaScript typed arrays in C
// order and written so numpy loads them back. Deliberately unsupported, with a message
// saying so: strings, objects (pickles), complex, datetime, sub-array and nested fields.
// No file system here: callers pass the whole file as a Uint8Array.

import { FormatError, type FormatErrorCode, type FormatErrorDetails } from './format-error.js';
import { float64ToHalfBits, halfBitsToFloat32 } from './half-float.js';
import { int64WordsToFloat64 } from './int64.js';
import {
  isDict,
  isSequence,
  parsePythonLiteral,
  PythonLiteralError,
  pythonStringRepr,
  pythonTupleRepr,
  type PyValue,
} from './python-literal.js';
import { elementCount, formatShape } from './tensor.js';

export type NpyTypedArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/**
 * A numeric array. `dtype` is the numpy type string as found in the file ('<f4', '>i2',
 * '|u1', ...). `data` is in C order whatever the file's order, typed by the dtype:
 * b1 -> Uint8Array (0/1), i1/u1/i2/u2/i4/u4 -> the matching integer array, f2/f4 ->
 * Float32Array (f2 exactly), f8 -> Float64Array, i8/u8 -> Float64Array (exact values;
 * values beyond 2^53 are an error).
 */
export interface NpyNumericArray {
  kind: 'numeric';
  dtype: string;
  shape: number[];
  data: NpyTypedArray;
}

export interface NpyField {
  name: string;
  /** numpy type string of the field, e.g. '<u8'. */
  dtype: string;
}

/** A structured (record) array: one C-order column per named field; padding bytes are skipped. */
export interface NpyStructuredArray {
  kind: 'structured';
  shape: number[];
  fields: NpyField[];
  columns: Record<string, NpyTypedArray>;
}

export type NpyArray = NpyNumericArray | NpyStructuredArray;

export interface NpyNumericInput {
  kind: 'numeric';
  dtype: string;
  shape: readonly number[];
  data: ArrayLike<number>;
}

export interface NpyStructuredInput {
  kind: 'structured';
  shape: readonly number[];
  fields: readonly NpyField[];
  columns: Readonly<Record<string, ArrayLike<number>>>;
}

export type NpyVersion = '1.0' | '2.0' | '3.0';

export interface NpyHeader {
  version: NpyVersion;
  /** The header's `descr` as parsed (a type string, or the list of fields). */
  descr: PyValue;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the array data in the file. */
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ARRAY_ALIGN = 64;
/** numpy leaves room for the first axis to grow to 21 digits when it writes a header. */
const GROWTH_AXIS_MAX_DIGITS = 21;

function fail(code: FormatErrorCode, message: string, details: FormatErrorDetails = {}): never {
  throw new FormatError('npy', code, message, details);
}

// ---------------------------------------------------------------------------------------
// dtypes

type Kind = 'b' | 'i' | 'u' | 'f';

interface ScalarType {
  kind: Kind;
  size: number;
  bigEndian: boolean;
}

const SUPPORTED = ['b1', 'i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8', 'f2', 'f4', 'f8'];
const SUPPORTED_TEXT = SUPPORTED.join(', ');

const UNSUPPORTED_KINDS: Readonly<Record<string, string>> = {
  U: 'unicode strings',
  S: 'byte strings',
  a: 'byte strings',
  O: 'Python objects (pickled)',
  c: 'complex numbers',
  M: 'datetime64',
  m: 'timedelta64',
  V: 'raw bytes (void)',
};

/** Parse a numpy type string; `where` names the array or field for the message. */
function parseScalarType(descr: string, where: string): ScalarType {
  const m = /^([<>|=]?)([a-zA-Z])(\d*)(\[.*\])?$/.exec(descr);
  const kindChar = m?.[2] ?? '';
  const code = `${kindChar}${m?.[3] ?? ''}`;
  if (!m || m[4] !== undefined || !SUPPORTED.includes(code)) {
    const what = UNSUPPORTED_KINDS[kindChar];
    fail(
      'UNSUPPORTED_DTYPE',
      `${where} has dtype ${pythonStringRepr(descr)}${what ? ` (${what})` : ''}, which is not supported; save it with one of the numeric dtypes ${SUPPORTED_TEXT}`,
      { dtype: descr },
    );
  }
  const size = Number(m[3]);
  // '=' and '|' mean the writer's native order; every supported host is little-endian.
  return { kind: kindChar as Kind, size, bigEndian: m[1] === '>' && size > 1 };
}

/** The type string numpy itself would write: '|' for single bytes, '<' or '>' otherwise. */
function canonicalTypeString(t: ScalarType): string {
  const order = t.size === 1 ? '|' : t.bigEndian ? '>' : '<';
  return `${order}${t.kind}${t.size}`;
}

interface FieldLayout {
  name: string;
  dtype: string;
  type: ScalarType;
  offset: number;
}

interface Layout {
  itemSize: number;
  /** undefined for a plain numeric array. */
  fields?: FieldLayout[];
  scalar?: ScalarType;
}

function layoutOf(descr: PyValue): Layout {
  if (typeof descr === 'string') {
    const scalar = parseScalarType(descr, 'the array');
    return { itemSize: scalar.size, scalar };
  }
  if (isSequence(descr) && descr.tuple) {
    fail('UNSUPPORTED_DTYPE', 'the array has a sub-array dtype (a (type, shape) descr); save it as a plain array with the full shape instead');
  }
  if (!isSequence(descr)) {
    fail('BAD_HEADER', "the header's 'descr' must be a type string or a list of (name, type) fields");
  }
  const fields: FieldLayout[] = [];
  const seen = new Set<string>();
  let offset = 0;
  descr.items.forEach((entry, index) => {
    if (!isSequence(entry) || entry.items.length < 2) {
      fail('BAD_HEADER', `structured dtype entry ${index} is not a (name, type) pair`, { field: index });
    }
    let name = entry.items[0];
    // (title, name) pairs: numpy uses the second as the field name.
    if (isSequence(name) && name.items.length === 2) name = name.items[1]!;
    const format = entry.items[1];
    if (typeof name !== 'string') fail('BAD_HEADER', `structured dtype entry ${index} has a name that is not a string`, { field: index });
    if (typeof format !== 'string') {
      fail(
        'UNSUPPORTED_DTYPE',
        `field ${pythonStringRepr(name)} is itself structured (a nested record); only flat records of numeric fields are supported — flatten the record before saving`,
        { field: name },
      );
    }
    const padding = /^[|<>=]?V(\d+)$/.exec(format);
    if (padding && name === '') {
      offset += Number(padding[1]);
      return;
    }
    if (entry.items.length > 2) {
      fail(
        'UNSUPPORTED_DTYPE',
        `field ${pythonStringRepr(name)} is a sub-array (one value per record is supported); split it into scalar fields before saving`,
        { field: name },
      );
    }
    // numpy names unnamed fields f0, f1, ... by position.
    const fieldName = name === '' ? `f${index}` : name;
    if (seen.has(fieldName)) fail('BAD_HEADER', `field ${pythonStringRepr(fieldName)} appears twice in the structured dtype`, { field: fieldName });
    seen.add(fieldName);
    const type = parseScalarType(format, `field ${pythonStringRepr(fieldName)}`);
    fields.push({ name: fieldName, dtype: format, type, offset });
    offset += type.size;
  });
  return { itemSize: offset, fields };
}

// ---------------------------------------------------------------------------------------
// Reading

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/** Parse and check the header; says which part (magic, version, dict, keys) is wrong. */
export function readNpyHeader(bytes: Uint8Array): NpyHeader {
  const magicOk = bytes.length >= 6 && MAGIC.every((b, i) => bytes[i] === b);
  if (!magicOk) {
    const found = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(' ');
    fail(
      'BAD_MAGIC',
      `not a .npy file: it must start with the bytes 93 4e 55 4d 50 59 ("\\x93NUMPY"), found ${found || 'an empty file'}; save the array with numpy.save`,
      { found },
    );
  }
  if (bytes.length < 10) {
    fail('TRUNCATED', `.npy file is cut off inside its preamble: expected at least 10 bytes, found ${bytes.length}`, {
      expectedBytes: 10,
      foundBytes: bytes.length,
    });
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (!(major >= 1 && major <= 3 && minor === 0)) {
    fail('BAD_VERSION', `.npy format version ${major}.${minor} is not supported (1.0, 2.0 and 3.0 are); save the file again with numpy.save`, {
      major,
      minor,
    });
  }
  const version = `${major}.0` as NpyVersion;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prefix = major === 1 ? 10 : 12;
  if (bytes.length < prefix) {
    fail('TRUNCATED', `.npy file is cut off inside its preamble: expected at least ${prefix} bytes, found ${bytes.length}`, {
      expectedBytes: prefix,
      foundBytes: bytes.length,
    });
  }
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = prefix + headerLength;
  if (dataOffset > bytes.length) {
    fail(
      'TRUNCATED',
      `.npy header is cut off: the preamble announces a ${headerLength}-byte header, so the file needs at least ${dataOffset} bytes, but it has ${bytes.length}`,
      { expectedBytes: dataOffset, foundBytes: bytes.length },
    );
  }
  const raw = bytes.subarray(prefix, dataOffset);
  const text = major === 3 ? new TextDecoder('utf-8').decode(raw) : latin1(raw);
  let dict: PyValue;
  try {
    dict = parsePythonLiteral(text);
  } catch (e) {
    if (!(e instanceof PythonLiteralError)) throw e;
    fail('BAD_HEADER', `.npy header dictionary cannot be read: ${e.message}; header text: ${JSON.stringify(text.trim().slice(0, 200))}`, {
      offset: e.offset,
    });
  }
  if (!isDict(dict)) fail('BAD_HEADER', `.npy header must be a dictionary, found ${JSON.stringify(text.trim().slice(0, 200))}`);
  const keys = [...dict.keys()].sort();
  if (keys.join(',') !== 'descr,fortran_order,shape') {
    fail(
      'BAD_HEADER',
      `.npy header dictionary must have exactly the keys 'descr', 'fortran_order' and 'shape', found ${keys.map((k) => `'${k}'`).join(', ') || 'none'}`,
      { keys: keys.join(',') },
    );
  }
  const fortranOrder = dict.get('fortran_order');
  if (typeof fortranOrder !== 'boolean') fail('BAD_HEADER', `.npy header 'fortran_order' must be True or False`);
  const shapeValue = dict.get('shape');
  if (!isSequence(shapeValue) || !shapeValue.tuple || !shapeValue.items.every((d) => typeof d === 'number' && d >= 0)) {
    fail('BAD_HEADER', `.npy header 'shape' must be a tuple of non-negative integers`);
  }
  return { version, descr: dict.get('descr')!, fortranOrder, shape: shapeValue.items as number[], dataOffset };
}

/** The data after the header must be exactly what the header's shape and dtype need. */
function checkDataSize(header: NpyHeader, layout: Layout, found: number): number {
  const count = elementCount(header.shape);
  const expected = count * layout.itemSize;
  const what = `shape ${pythonTupleRepr(header.shape)} of ${layout.fields ? `${layout.itemSize}-byte records` : pythonStringRepr(header.descr as string)}`;
  if (found < expected) {
    fail(
      'TRUNCATED',
      `.npy data is cut off: the header's ${what} needs ${expected} bytes of data after the header, found ${found}; the file was not completely written or copied`,
      { expectedBytes: expected, foundBytes: found },
    );
  }
  if (found > expected) {
    fail(
      'TRAILING_DATA',
      `.npy file has ${found - expected} bytes after the array data (the header's ${what} needs ${expected} bytes, found ${found}); the header shape does not match the data, or several arrays were saved into one file`,
      { expectedBytes: expected, foundBytes: found },
    );
  }
  return count;
}

/** Read a whole .npy file. */
export function readNpy(bytes: Uint8Array): NpyArray {
  const header = readNpyHeader(bytes);
  const layout = layoutOf(header.descr);
  const count = checkDataSize(header, layout, bytes.length - header.dataOffset);
  const shape = header.shape;
  const data = bytes.subarray(header.dataOffset);
  if (layout.scalar) {
    let column = decodeColumn(data, 0, layout.itemSize, layout.scalar, count, 'the array');
    if (header.fortranOrder) column = fortranToC(column, shape);
    return { kind: 'numeric', dtype: header.descr as string, shape: [...shape], data: column };
  }
  const fields = layout.fields!;
  const columns: Record<string, NpyTypedArray> = {};
  for (const f of fields) {
    let column = decodeColumn(data, f.offset, layout.itemSize, f.type, count, `field ${pythonStringRepr(f.name)}`);
    if (header.fortranOrder) column = fortranToC(column, shape);
    columns[f.name] = column;
  }
  return { kind: 'structured', shape: [...shape], fields: fields.map((f) => ({ name: f.name, dtype: f.dtype })), columns };
}

/**
 * The records of a structured .npy file, decoded a slice at a time, for files too large
 * to hold whole: `head` holds at least the header, `fileBytes` is the file's size (so a
 * cut-off or over-long file is refused before any record is read). Plain arrays have no
 * records (`fields` null); arrays of more than one axis stored in Fortran order are not
 * in record order and must be read whole (`inRecordOrder` false).
 */
export interface NpyRecordReader {
  header: NpyHeader;
  fields: NpyField[] | null;
  count: number;
  itemSize: number;
  inRecordOrder: boolean;
  /** The fields of whole records (`records.length` a multiple of itemSize), the first being record `firstIndex`. */
  decode(records: Uint8Array, firstIndex: number): Record<string, NpyTypedArray>;
}

export function npyRecordReader(head: Uint8Array, fileBytes: number): NpyRecordReader {
  const header = readNpyHeader(head);
  const layout = layoutOf(header.descr);
  const count = checkDataSize(header, layout, fileBytes - header.dataOffset);
  const fields = layout.fields ?? null;
  return {
    header,
    fields: fields ? fields.map((f) => ({ name: f.name, dtype: f.dtype })) : null,
    count,
    itemSize: layout.itemSize,
    inRecordOrder: !(header.fortranOrder && header.shape.length > 1),
    decode(records, firstIndex) {
      if (!fields) throw new Error('a plain .npy array has no records');
      const n = Math.floor(records.length / layout.itemSize);
      const columns: Record<string, NpyTypedArray> = Object.create(null) as Record<string, NpyTypedArray>;
      for (const f of fields) columns[f.name] = decodeColumn(records, f.offset, layout.itemSize, f.type, n, `field ${pythonStringRepr(f.name)}`, firstIndex);
      return columns;
    },
  };
}

/**
 * The values at `offset` of each `stride`-byte record, as little-endian bytes in a fresh
 * aligned buffer (file data need not be aligned; big-endian values are swapped here).
 */
function gatherLittleEndian(data: Uint8Array, offset: number, stride: number, size: number, count: number, bigEndian: boolean): ArrayBuffer {
  const buf = new ArrayBuffer(count * size);
  const out = new Uint8Array(buf);
  if (stride === size && !bigEndian) {
    out.set(data.subarray(offset, offset + count * size));
    return buf;
  }
  for (let i = 0, src = offset, dst = 0; i < count; i++, src += stride, dst += size) {
    if (bigEndian) for (let k = 0; k < size; k++) out[dst + k] = data[src + size - 1 - k]!;
    else for (let k = 0; k < size; k++) out[dst + k] = data[src + k]!;
  }
  return buf;
}

function decodeColumn(data: Uint8Array, offset: number, stride: number, t: ScalarType, count: number, where: string, indexBase = 0): NpyTypedArray {
  const buf = gatherLittleEndian(data, offset, stride, t.size, count, t.bigEndian);
  switch (`${t.kind}${t.size}`) {
    case 'b1': {
      const out = new Uint8Array(buf);
      for (let i = 0; i < count; i++) out[i] = out[i] !== 0 ? 1 : 0;
      return out;
    }
    case 'u1':
      return new Uint8Array(buf);
    case 'i1':
      return new Int8Array(buf);
    case 'u2':
      return new Uint16Array(buf);
    case 'i2':
      return new Int16Array(buf);
    case 'u4':
      return new Uint32Array(buf);
    case 'i4':
      return new Int32Array(buf);
    case 'f2':
      return halfBitsToFloat32(new Uint16Array(buf));
    case 'f4':
      return new Float32Array(buf);
    case 'f8':
      return new Float64Array(buf);
    default: {
      // i8 / u8: exact as float64 within ±(2^53 - 1).
      return int64WordsToFloat64(new Uint32Array(buf), count, t.kind === 'i', (i) =>
        fail(
          'UNSAFE_INTEGER',
          `${where} (${canonicalTypeString(t)}) holds a value beyond ±(2^53-1) at element ${indexBase + i}, which JavaScript cannot represent exactly; store smaller values (e.g. timestamps relative to the first event)`,
          { index: indexBase + i },
        ),
      );
    }
  }
}

/** Reorder Fortran-order (first axis fastest) elements into C order (last axis fastest). */
function fortranToC<T extends NpyTypedArray>(src: T, shape: readonly number[]): T {
  const nd = shape.length;
  const n = src.length;
  if (nd < 2 || n === 0) return src;
  const out = new (src.constructor as new (length: number) => T)(n);
  const cStride = new Array<number>(nd);
  let s = 1;
  for (let k = nd - 1; k >= 0; k--) {
    cStride[k] = s;
    s *= shape[k]!;
  }
  const idx = new Array<number>(nd).fill(0);
  let c = 0;
  for (let f = 0; f < n; f++) {
    out[c] = src[f]!;
    // odometer over the Fortran index, axis 0 fastest, keeping the C offset in step
    for (let k = 0; k < nd; k++) {
      idx[k]!++;
      c += cStride[k]!;
      if (idx[k]! < shape[k]!) break;
      c -= idx[k]! * cStride[k]!;
      idx[k] = 0;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Writing

function checkShape(shape: readonly number[]): void {
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail('BAD_VALUE', `shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
}

const INT_LIMITS: Readonly<Record<string, readonly [number, number]>> = {
  b1: [0, 1],
  i1: [-128, 127],
  u1: [0, 255],
  i2: [-32768, 32767],
  u2: [0, 65535],
  i4: [-2147483648, 2147483647],
  u4: [0, 4294967295],
  i8: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  u8: [0, Number.MAX_SAFE_INTEGER],
};

/** Write `values` of type `t` at `offset + i * stride`, checking integer values fit. */
function encodeColumn(view: DataView, offset: number, stride: number, t: ScalarType, values: ArrayLike<number>, where: string): void {
  const le = !t.bigEndian;
  const code = `${t.kind}${t.size}`;
  const n = values.length;
  if (t.kind === 'f') {
    for (let i = 0, p = offset; i < n; i++, p += stride) {
      const v = values[i]!;
      if (t.size === 8) view.setFloat64(p, v, le);
      else if (t.size === 4) view.setFloat32(p, v, le);
      else view.setUint16(p, float64ToHalfBits(v), le);
    }
    return;
  }
  const [lo, hi] = INT_LIMITS[code]!;
  for (let i = 0, p = offset; i < n; i++, p += stride) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < lo || v > hi) {
      fail('BAD_VALUE', `${where} (${canonicalTypeString(t)}) value ${v} at element ${i} is not an integer in ${lo}..${hi}`, {
        index: i,
        value: v,
      });
    }
    switch (t.size) {
      case 1:
        view.setUint8(p, v & 0xff);
        break;
      case 2:
        view.setUint16(p, v & 0xffff, le);
        break;
      case 4:
        view.setUint32(p, v >>> 0, le);
        break;
      default: {
        const high = Math.floor(v / 4294967296);
        const low = v - high * 4294967296;
        view.setUint32(le ? p : p + 4, low, le);
        view.setUint32(le ? p + 4 : p, high >>> 0, le);
      }
    }
  }
}

function encodeHeaderText(text: string, version: NpyVersion): Uint8Array {
  if (version === '3.0') return new TextEncoder().encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) fail('BAD_VALUE', `.npy version ${version} headers are latin-1; a field name has characters that need version 3.0`, { version });
    out[i] = c;
  }
  return out;
}

/** The complete preamble + header, padded with spaces and a newline to a multiple of 64 bytes, as numpy writes it. */
function headerBytes(descr: string, shape: readonly number[], requested: NpyVersion | undefined): Uint8Array {
  let text = `{'descr': ${descr}, 'fortran_order': False, 'shape': ${pythonTupleRepr(shape)}, }`;
  if (shape.length > 0) text += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const needsUtf8 = /[^\x00-\xff]/.test(text);
  const wrap = (version: NpyVersion): Uint8Array | undefined => {
    const body = encodeHeaderText(text, version);
    const prefix = version === '1.0' ? 10 : 12;
    const hlen = body.length + 1; // + newline
    const pad = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
    const total = hlen + pad;
    if (version === '1.0' && total > 0xffff) return undefined;
    const out = new Uint8Array(prefix + total);
    out.set(MAGIC, 0);
    out[6] = Number(version[0]);
    out[7] = 0;
    const view = new DataView(out.buffer);
    if (version === '1.0') view.setUint16(8, total, true);
    else view.setUint32(8, total, true);
    out.set(body, prefix);
    out.fill(0x20, prefix + body.length, out.length - 1);
    out[out.length - 1] = 0x0a;
    return out;
  };
  if (requested) {
    const out = wrap(requested);
    if (!out) fail('BAD_VALUE', `the header is too long for .npy version 1.0 (over 65535 bytes); use version 2.0`, { version: requested });
    return out;
  }
  if (needsUtf8) return wrap('3.0')!;
  return wrap('1.0') ?? wrap('2.0')!;
}

export interface NpyWriteOptions {
  /** Format version; default as numpy picks it: 1.0, 2.0 if the header is too long, 3.0 for non-latin-1 field names. */
  version?: NpyVersion;
}

/** A .npy file (C order) that numpy.load reads back as the same array. */
export function writeNpy(array: NpyNumericInput | NpyStructuredInput, options: NpyWriteOptions = {}): Uint8Array {
  checkShape(array.shape);
  const count = elementCount(array.shape);
  if (array.kind === 'numeric') {
    const t = parseScalarType(array.dtype, 'the array');
    if (array.data.length !== count) {
      fail('SHAPE_MISMATCH', `shape ${formatShape(array.shape)} needs ${count} values but ${array.data.length} were given`, {
        expected: count,
        found: array.data.length,
      });
    }
    const header = headerBytes(pythonStringRepr(canonicalTypeString(t)), array.shape, options.version);
    const out = new Uint8Array(header.length + count * t.size);
    out.set(header);
    encodeColumn(new DataView(out.buffer, header.length), 0, t.size, t, array.data, 'the array');
    return out;
  }

  const seen = new Set<string>();
  const fields = array.fields.map((f) => {
    if (f.name === '') fail('BAD_VALUE', 'a structured field needs a non-empty name');
    if (seen.has(f.name)) fail('BAD_VALUE', `field ${pythonStringRepr(f.name)} is given twice`, { field: f.name });
    seen.add(f.name);
    const column = array.columns[f.name];
    if (!column) fail('MISSING_FIELD', `field ${pythonStringRepr(f.name)} has no column of values`, { field: f.name });
    if (column.length !== count) {
      fail('SHAPE_MISMATCH', `field ${pythonStringRepr(f.name)} has ${column.length} values but shape ${formatShape(array.shape)} needs ${count}`, {
        field: f.name,
        expected: count,
        found: column.length,
      });
    }
    return { name: f.name, type: parseScalarType(f.dtype, `field ${pythonStringRepr(f.name)}`), column };
  });
  if (fields.length === 0) fail('BAD_VALUE', 'a structured array needs at least one field');
  const itemSize = fields.reduce((s, f) => s + f.type.size, 0);
  const header = headerBytes(structuredDescr(fields), array.shape, options.version);
  const out = new Uint8Array(header.length + count * itemSize);
  out.set(header);
  const view = new DataView(out.buffer, header.length);
  let offset = 0;
  for (const f of fields) {
    encodeColumn(view, offset, itemSize, f.type, f.column, `field ${pythonStringRepr(f.name)}`);
    offset += f.type.size;
  }
  return out;
}

function structuredDescr(fields: ReadonlyArray<{ name: string; type: ScalarType }>): string {
  return `[${fields.map((f) => `(${pythonStringRepr(f.name)}, ${pythonStringRepr(canonicalTypeString(f.type))})`).join(', ')}]`;
}

/**
 * The header alone of a structured 1-D .npy holding `count` records, for writers that
 * stream the records after it and rewrite the header with the final count: its length
 * does not depend on the count (numpy pads the growth axis the same way).
 */
export function structuredNpyHeader(fields: readonly NpyField[], count: number): Uint8Array {
  checkShape([count]);
  return headerBytes(structuredDescr(fields.map((f) => ({ name: f.name, type: parseScalarType(f.dtype, `field ${pythonStringRepr(f.name)}`) }))), [count], undefined);
}
