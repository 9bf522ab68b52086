// Hand-written torch.save files for tests and the benchmark: a small protocol-2 pickle
// assembler (the opcodes torch.save emits, spelled out) and a stored zip writer laying out
// ARCHIVE/data.pkl, ARCHIVE/data/KEY (64-byte aligned, as torch does) and ARCHIVE/version.
// It encodes nothing the reader under test provides: the layout is written from the
// format as observed in the real files (test/fixtures/real/models).

/** Pickle opcodes (protocol 2). */
export const OP = {
  PROTO: 0x80,
  STOP: 0x2e,
  MARK: 0x28,
  TUPLE: 0x74,
  EMPTY_TUPLE: 0x29,
  EMPTY_DICT: 0x7d,
  EMPTY_LIST: 0x5d,
  SETITEMS: 0x75,
  SETITEM: 0x73,
  REDUCE: 0x52,
  BUILD: 0x62,
  NEWOBJ: 0x81,
  BINPERSID: 0x51,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  NONE: 0x4e,
  APPEND: 0x61,
} as const;

export class PickleWriter {
  private readonly parts: number[] = [];

  op(...codes: number[]): this {
    this.parts.push(...codes);
    return this;
  }

  global(module: string, name: string): this {
    this.parts.push(0x63, ...Array.from(`${module}\n${name}\n`, (c) => c.charCodeAt(0)));
    return this;
  }

  str(s: string): this {
    const b = new TextEncoder().encode(s);
    this.parts.push(0x58, b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff, b.length >>> 24, ...b);
    return this;
  }

  int(v: number): this {
    if (v >= 0 && v < 256) this.parts.push(0x4b, v);
    else if (v >= -0x80000000 && v < 0x80000000) this.parts.push(0x4a, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
    else {
      // LONG1 with 8 bytes, little-endian two's complement (values here are positive and < 2^53).
      const lo = v % 4294967296;
      const hi = Math.floor(v / 4294967296);
      this.parts.push(0x8a, 8, lo & 0xff, (lo >>> 8) & 0xff, (lo >>> 16) & 0xff, lo >>> 24, hi & 0xff, (hi >>> 8) & 0xff, (hi >>> 16) & 0xff, hi >>> 24);
    }
    return this;
  }

  float(v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, false);
    this.parts.push(0x47, ...b);
    return this;
  }

  tuple(values: readonly number[]): this {
    this.op(OP.MARK);
    for (const v of values) this.int(v);
    return this.op(OP.TUPLE);
  }

  /** An empty OrderedDict (the backward-hooks argument and friends). */
  orderedDict(): this {
    return this.global('collections', 'OrderedDict').op(OP.EMPTY_TUPLE, OP.REDUCE);
  }

  /** torch._utils._rebuild_tensor_v2(persistent storage, offset, size, stride, False, OrderedDict()). */
  tensor(t: { storageType?: string; key: string; numel: number; offset?: number; shape: readonly number[]; stride?: readonly number[] }): this {
    this.global('torch._utils', '_rebuild_tensor_v2').op(OP.MARK);
    this.op(OP.MARK).str('storage').global('torch', t.storageType ?? 'FloatStorage').str(t.key).str('cpu').int(t.numel).op(OP.TUPLE, OP.BINPERSID);
    this.int(t.offset ?? 0).tuple(t.shape).tuple(t.stride ?? rowMajorStride(t.shape)).op(OP.NEWFALSE).orderedDict();
    return this.op(OP.TUPLE, OP.REDUCE);
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export function rowMajorStride(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1]! * shape[d + 1]!;
  return s;
}

export interface HandTensor {
  name: string;
  shape: readonly number[];
  storageType?: string;
  /** Storage bytes (little-endian values). */
  data: Uint8Array;
  itemSize?: number;
}

/** protocol-2 pickle of an OrderedDict state_dict whose tensor i lives in storage "i". */
export function stateDictPickle(tensors: readonly HandTensor[]): Uint8Array {
  const w = new PickleWriter().op(OP.PROTO, 2).orderedDict().op(OP.MARK);
  tensors.forEach((t, i) => {
    w.str(t.name).tensor({ storageType: t.storageType ?? 'FloatStorage', key: String(i), numel: t.data.byteLength / (t.itemSize ?? 4), shape: t.shape });
  });
  return w.op(OP.SETITEMS, OP.STOP).bytes();
}

let crcTable: Uint32Array | null = null;
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A stored (uncompressed) zip; each entry's data starts on a 64-byte boundary, padded through the local header's extra field. */
export function storedZip(entries: ReadonlyArray<{ name: string; data: Uint8Array }>): Uint8Array {
  const enc = new TextEncoder();
  let size = 0;
  const layout = entries.map((e) => {
    const name = enc.encode(e.name);
    const headerEnd = size + 30 + name.length + 4;
    const pad = (64 - (headerEnd % 64)) % 64;
    const local = size;
    size = headerEnd + pad + e.data.byteLength;
    return { ...e, nameBytes: name, pad, local, crc: crc32(e.data) };
  });
  const cdStart = size;
  const cdSize = layout.reduce((s, e) => s + 46 + e.nameBytes.length, 0);
  const out = new Uint8Array(size + cdSize + 22);
  const v = new DataView(out.buffer);
  for (const e of layout) {
    let p = e.local;
    v.setUint32(p, 0x04034b50, true);
    v.setUint16(p + 4, 20, true);
    v.setUint32(p + 14, e.crc, true);
    v.setUint32(p + 18, e.data.byteLength, true);
    v.setUint32(p + 22, e.data.byteLength, true);
    v.setUint16(p + 26, e.nameBytes.length, true);
    v.setUint16(p + 28, 4 + e.pad, true);
    out.set(e.nameBytes, p + 30);
    p += 30 + e.nameBytes.length;
    v.setUint16(p, 0x4246, true); // "FB", the padding field id torch uses
    v.setUint16(p + 2, e.pad, true);
    out.set(e.data, p + 4 + e.pad);
  }
  let p = cdStart;
  for (const e of layout) {
    v.setUint32(p, 0x02014b50, true);
    v.setUint16(p + 4, 20, true);
    v.setUint16(p + 6, 20, true);
    v.setUint32(p + 16, e.crc, true);
    v.setUint32(p + 20, e.data.byteLength, true);
    v.setUint32(p + 24, e.data.byteLength, true);
    v.setUint16(p + 28, e.nameBytes.length, true);
    v.setUint32(p + 42, e.local, true);
    out.set(e.nameBytes, p + 46);
    p += 46 + e.nameBytes.length;
  }
  v.setUint32(p, 0x06054b50, true);
  v.setUint16(p + 8, layout.length, true);
  v.setUint16(p + 10, layout.length, true);
  v.setUint32(p + 12, cdSize, true);
  v.setUint32(p + 16, cdStart, true);
  return out;
}

/** A zip-format torch.save file of `pickle` plus the storages "0", "1", ... */
export function torchZip(pickle: Uint8Array, storages: readonly Uint8Array[], root = 'archive'): Uint8Array {
  return storedZip([
    { name: `${root}/data.pkl`, data: pickle },
    ...storages.map((data, i) => ({ name: `${root}/data/${i}`, data })),
    { name: `${root}/version`, data: new TextEncoder().encode('3\n') },
  ]);
}

export function f32Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}
