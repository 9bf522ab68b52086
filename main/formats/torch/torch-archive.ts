// The two containers torch.save writes, read down to one unpickled object plus its
// storages' bytes: the zip format (torch >= 1.6: ROOT/data.pkl, ROOT/data/KEY per storage,
// ROOT/version; TorchScript archives add ROOT/code/ and ROOT/constants.pkl) and the
// legacy format (a magic-number pickle, the protocol version, a sys-info dict, the
// object's pickle, the list of storage keys, then per storage an int64 element count and
// its raw bytes). Tensors are decoded from the storages here, each once: an aligned,
// contiguous float32 tensor is a view into the file's bytes, anything else one copy.

import { FormatError } from '../format-error.js';
import { bfloat16BitsToFloat32, halfBitsToFloat32 } from '../half-float.js';
import { int64WordsToFloat64 } from '../int64.js';
import { elementCount, formatShape, type Tensor, type TensorDType } from '../tensor.js';
import { GlobalTable, type StorageRef, type TensorRef } from './pickle-globals.js';
import { StorageTable, unpickle } from './unpickle.js';
import { looksLikeZip, ZipArchive } from './zip-archive.js';

export interface TorchArchive {
  container: 'zip' | 'legacy';
  /** A TorchScript archive (torch.jit.save): torch.load cannot read it, torch.jit.load can. */
  torchscript: boolean;
  /** The zip's top folder (the file stem for torch.save, "archive" for some writers). */
  archiveRoot: string | null;
  pickleProtocol: number | null;
  /** Every global the pickle named, in order of first use. */
  globals: string[];
  /** The unpickled object (Maps, arrays, TensorRefs, PickledObjects, numbers, strings). */
  root: unknown;
  storages: Map<string, StorageRef>;
  /** Each storage's bytes (views into the file). */
  storageBytes: Map<string, Uint8Array>;
}

const ITEM_SIZE: Readonly<Record<TensorDType, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1 };

// The legacy format's first pickle is the long 0x1950a86a20f9469cfc6c, written as LONG1 with 10 bytes.
const LEGACY_MAGIC = [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];

function fail(code: 'BAD_ARCHIVE' | 'TRUNCATED' | 'BAD_PICKLE' | 'SHAPE_MISMATCH' | 'BAD_MAGIC' | 'UNSAFE_INTEGER', message: string, details: Record<string, string | number> = {}): never {
  throw new FormatError('torch', code, message, details);
}

function legacyMagicAt(bytes: Uint8Array): number {
  if (bytes[0] !== 0x80) return -1;
  // PROTO n, then (protocol 4+) an optional 9-byte FRAME, then the magic long.
  for (const at of [2, 11]) {
    if (LEGACY_MAGIC.every((b, i) => bytes[at + i] === b)) return at + LEGACY_MAGIC.length;
  }
  return -1;
}

/** True for bytes torch.save could have written (either container). */
export function looksLikeTorchFile(bytes: Uint8Array): boolean {
  return looksLikeLegacy(bytes) || (looksLikeZip(bytes) && hasDataPickle(bytes));
}

export function looksLikeLegacy(bytes: Uint8Array): boolean {
  return legacyMagicAt(bytes) > 0;
}

function hasDataPickle(bytes: Uint8Array): boolean {
  try {
    return findRoot(new ZipArchive(bytes)) !== null;
  } catch {
    // A zip whose directory is damaged still looks like a torch file if data.pkl's name appears in it.
    const probe = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.byteLength, 4096)));
    return probe.includes('/data.pkl');
  }
}

function findRoot(zip: ZipArchive): string | null {
  for (const name of zip.entries.keys()) {
    const m = /^([^/]+)\/data\.pkl$/.exec(name);
    if (m) return m[1]!;
  }
  return null;
}

export function readTorchArchive(bytes: Uint8Array): TorchArchive {
  if (looksLikeZip(bytes)) return readZip(bytes);
  if (looksLikeLegacy(bytes)) return readLegacy(bytes);
  fail('BAD_MAGIC', 'not a torch.save file: it is neither a zip archive (torch >= 1.6) nor a legacy pickle with the torch magic number');
}

function readZip(bytes: Uint8Array): TorchArchive {
  const zip = new ZipArchive(bytes);
  const root = findRoot(zip);
  if (root === null) {
    fail('BAD_ARCHIVE', `a zip archive without a data.pkl record (entries: ${[...zip.entries.keys()].slice(0, 6).join(', ')}${zip.entries.size > 6 ? ', …' : ''}): not written by torch.save`);
  }
  const byteorder = zip.entries.has(`${root}/byteorder`) ? new TextDecoder().decode(zip.read(`${root}/byteorder`)).trim() : 'little';
  if (byteorder !== 'little') fail('BAD_ARCHIVE', `the archive's storages are ${byteorder}-endian; load and save it again on a little-endian machine`, { byteorder });
  const torchscript = zip.entries.has(`${root}/constants.pkl`) || [...zip.entries.keys()].some((n) => n.startsWith(`${root}/code/`));
  const globals = new GlobalTable();
  const storages = new StorageTable();
  const pickled = unpickle(zip.read(`${root}/data.pkl`), globals, storages, `${root}/data.pkl`);
  const storageBytes = new Map<string, Uint8Array>();
  for (const [key, s] of storages.byKey) {
    const entry = `${root}/data/${key}`;
    if (!zip.entries.has(entry)) fail('BAD_ARCHIVE', `storage ${key} is used by the pickle but the archive has no record ${entry}; the file is damaged`, { storage: key });
    const data = zip.read(entry);
    const need = s.numel * ITEM_SIZE[s.dtype];
    if (data.byteLength < need) {
      fail('TRUNCATED', `storage ${key} (${s.storageType}, ${s.numel} elements) needs ${need} bytes, its record has ${data.byteLength}; the file is damaged`, { storage: key, expectedBytes: need, foundBytes: data.byteLength });
    }
    storageBytes.set(key, data);
  }
  return { container: 'zip', torchscript, archiveRoot: root, pickleProtocol: pickled.protocol, globals: globals.seen, root: pickled.value, storages: storages.byKey, storageBytes };
}

function readLegacy(bytes: Uint8Array): TorchArchive {
  const globals = new GlobalTable();
  const storages = new StorageTable();
  let at = legacyMagicAt(bytes);
  const next = (what: string) => {
    const r = unpickle(bytes.subarray(at), globals, storages, what);
    const start = at;
    at += r.end;
    return { ...r, start };
  };
  const version = next('the protocol-version pickle').value;
  if (version !== 1001) fail('BAD_ARCHIVE', `legacy torch file with protocol version ${String(version)}; only 1001 (torch 0.4 to 1.5) is read`, { version: String(version) });
  const sysInfo = next('the sys-info pickle').value;
  if (sysInfo instanceof Map && sysInfo.get('little_endian') === false) fail('BAD_ARCHIVE', 'the file was saved on a big-endian machine; load and save it again on a little-endian one');
  const main = next('the object pickle');
  const keys = next('the storage-key list').value;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) fail('BAD_PICKLE', 'the storage-key list after the object pickle is not a list of names; the file is damaged');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const storageBytes = new Map<string, Uint8Array>();
  for (const key of keys as string[]) {
    const s = storages.byKey.get(key);
    if (!s) fail('BAD_ARCHIVE', `storage ${key} is listed after the pickle but no tensor uses it; the file is damaged`, { storage: key });
    if (at + 8 > bytes.byteLength) fail('TRUNCATED', `the file ends at byte ${bytes.byteLength}, before storage ${key}'s length field; it is cut off — save it again`, { storage: key, offset: at });
    const numel = view.getUint32(at, true) + view.getUint32(at + 4, true) * 4294967296;
    const nbytes = numel * ITEM_SIZE[s.dtype];
    if (!Number.isSafeInteger(nbytes) || at + 8 + nbytes > bytes.byteLength) {
      fail('TRUNCATED', `storage ${key} (${s.storageType}, ${numel} elements) needs ${nbytes} bytes from byte ${at + 8}, but the file has ${bytes.byteLength - at - 8} left; it is cut off — save it again`, { storage: key, expectedBytes: nbytes, offset: at + 8 });
    }
    if (numel < s.numel) fail('SHAPE_MISMATCH', `storage ${key} holds ${numel} elements, the pickle says ${s.numel}; the file is damaged`, { storage: key });
    storageBytes.set(key, bytes.subarray(at + 8, at + 8 + nbytes));
    at += 8 + nbytes;
  }
  for (const key of storages.byKey.keys()) {
    if (!storageBytes.has(key)) fail('BAD_ARCHIVE', `storage ${key} is used by the pickle but missing from the storage list; the file is damaged`, { storage: key });
  }
  return { container: 'legacy', torchscript: false, archiveRoot: null, pickleProtocol: main.protocol, globals: globals.seen, root: main.value, storages: storages.byKey, storageBytes };
}

/** The tensor's values: bounds checked against its storage, decoded once. */
export function decodeTensor(archive: TorchArchive, ref: TensorRef, name: string): Tensor {
  const s = ref.storage;
  const item = ITEM_SIZE[s.dtype];
  const shape = [...ref.size];
  const count = elementCount(shape);
  const src = archive.storageBytes.get(s.key);
  if (!src) fail('BAD_ARCHIVE', `tensor "${name}" uses storage ${s.key}, which the file does not hold`, { tensor: name, storage: s.key });
  let last = ref.offset;
  for (let d = 0; d < shape.length; d++) last += (shape[d]! - 1) * ref.stride[d]!;
  const needBytes = count === 0 ? 0 : (last + 1) * item;
  if (needBytes > src.byteLength) {
    fail('SHAPE_MISMATCH', `tensor "${name}" (${s.dtype} ${formatShape(shape)}, offset ${ref.offset}, stride ${formatShape(ref.stride)}) needs ${needBytes} bytes, its storage ${s.key} has ${src.byteLength}; the file is damaged`, {
      tensor: name,
      storage: s.key,
      expectedBytes: needBytes,
      foundBytes: src.byteLength,
    });
  }
  const contiguous = isContiguous(shape, ref.stride);
  let raw: Uint8Array;
  if (contiguous || count === 0) {
    raw = src.subarray(ref.offset * item, (ref.offset + count) * item);
    if (s.dtype === 'F32' && (raw.byteOffset & 3) === 0) {
      return { dtype: 'F32', shape, data: new Float32Array(raw.buffer, raw.byteOffset, count) };
    }
  } else {
    // Zero strides (expanded tensors) may describe far more values than the storage holds.
    const outBytes = count * item;
    if (outBytes > Math.max(src.byteLength * 64, 1 << 26)) {
      fail('SHAPE_MISMATCH', `tensor "${name}" (${s.dtype} ${formatShape(shape)}) would expand its ${src.byteLength}-byte storage to ${outBytes} bytes; the file is damaged`, { tensor: name, expectedBytes: outBytes });
    }
    raw = gather(src, item, ref.offset, shape, ref.stride, count);
  }
  return decodeBytes(raw, s.dtype, shape, count, name);
}

function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expect = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expect) return false;
    expect *= shape[d]!;
  }
  return true;
}

/** Row-major copy of a strided view, element by element. */
function gather(src: Uint8Array, item: number, offset: number, shape: readonly number[], stride: readonly number[], count: number): Uint8Array {
  const out = new Uint8Array(count * item);
  const index = new Array<number>(shape.length).fill(0);
  let at = offset;
  for (let i = 0; i < count; i++) {
    out.set(src.subarray(at * item, at * item + item), i * item);
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]!++;
      at += stride[d]!;
      if (index[d]! < shape[d]!) break;
      at -= stride[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return out;
}

function aligned(raw: Uint8Array): ArrayBuffer {
  const buf = new ArrayBuffer(raw.byteLength);
  new Uint8Array(buf).set(raw);
  return buf;
}

function decodeBytes(raw: Uint8Array, dtype: TensorDType, shape: number[], count: number, name: string): Tensor {
  switch (dtype) {
    case 'F32':
      return { dtype, shape, data: new Float32Array(aligned(raw)) };
    case 'F64':
      return { dtype, shape, data: Float32Array.from(new Float64Array(aligned(raw))) };
    case 'F16':
      return { dtype, shape, data: halfBitsToFloat32(new Uint16Array(aligned(raw))) };
    case 'BF16':
      return { dtype, shape, data: bfloat16BitsToFloat32(new Uint16Array(aligned(raw))) };
    case 'I32':
      return { dtype, shape, data: Float64Array.from(new Int32Array(aligned(raw))) };
    case 'U32':
      return { dtype, shape, data: Float64Array.from(new Uint32Array(aligned(raw))) };
    case 'I16':
      return { dtype, shape, data: Float64Array.from(new Int16Array(aligned(raw))) };
    case 'U16':
      return { dtype, shape, data: Float64Array.from(new Uint16Array(aligned(raw))) };
    case 'I8':
      return { dtype, shape, data: Float64Array.from(new Int8Array(aligned(raw))) };
    case 'U8':
      return { dtype, shape, data: Float64Array.from(raw) };
    case 'BOOL':
      return { dtype, shape, data: Float64Array.from(raw, (b) => (b !== 0 ? 1 : 0)) };
    case 'I64':
    case 'U64':
      return {
        dtype,
        shape,
        data: int64WordsToFloat64(new Uint32Array(aligned(raw)), count, dtype === 'I64', (i) =>
          fail('UNSAFE_INTEGER', `tensor "${name}" (${dtype}) holds a value beyond ±2^53 at flat index ${i}, which cannot be represented exactly`, { tensor: name, index: i }),
        ),
      };
  }
}
