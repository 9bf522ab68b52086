// The entries of a zip archive read from its central directory, as torch.save writes
// them (stored entries, 64-byte aligned data, zip64 records past 4 GiB). Stored entries
// are handed out as views into the caller's bytes, never copied; deflated entries (a
// re-zipped checkpoint, TorchScript code files) are inflated with fflate. It does not
// check CRCs (a damaged tensor shows up as wrong numbers, as with torch.load), handle
// multi-disk archives or encryption, or open files.

import { inflateSync } from 'fflate';
import { FormatError } from '../format-error.js';

export interface ZipEntry {
  readonly name: string;
  /** 0 = stored, 8 = deflate. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  /** Byte offset of the entry's data (after its local header) in the archive. */
  readonly dataOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

function fail(message: string, details: Record<string, number | string> = {}): never {
  throw new FormatError('torch', 'BAD_ARCHIVE', message, details);
}

export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function u64(view: DataView, at: number): number {
  const v = view.getUint32(at, true) + view.getUint32(at + 4, true) * 4294967296;
  if (!Number.isSafeInteger(v)) fail(`zip field at byte ${at} holds ${v}, beyond what can be addressed; the archive is damaged`, { offset: at });
  return v;
}

export class ZipArchive {
  readonly entries = new Map<string, ZipEntry>();
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.readDirectory();
  }

  private readDirectory(): void {
    const { bytes, view } = this;
    const n = bytes.byteLength;
    // The end record is 22 bytes plus a comment of at most 65535 bytes.
    let eocd = -1;
    for (let i = n - 22; i >= Math.max(0, n - 22 - 65535); i--) {
      if (view.getUint32(i, true) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      fail(`no zip end-of-central-directory record in the last ${Math.min(n, 65557)} bytes: the file is cut off (torch.save did not finish, or the download stopped) — save or copy it again`, { bytes: n });
    }
    let count = view.getUint16(eocd + 10, true);
    let cdSize = view.getUint32(eocd + 12, true);
    let cdOffset = view.getUint32(eocd + 16, true);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const loc = eocd - 20;
      if (loc < 0 || view.getUint32(loc, true) !== ZIP64_LOCATOR_SIG) fail('the zip end record points to zip64 records that are missing; the archive is damaged', { offset: eocd });
      const z64 = u64(view, loc + 8);
      if (z64 + 56 > n || view.getUint32(z64, true) !== ZIP64_EOCD_SIG) fail(`the zip64 end record expected at byte ${z64} is not there; the archive is damaged`, { offset: z64 });
      count = u64(view, z64 + 32);
      cdSize = u64(view, z64 + 40);
      cdOffset = u64(view, z64 + 48);
    }
    if (cdOffset + cdSize > n) {
      fail(`the zip central directory (bytes ${cdOffset}..${cdOffset + cdSize}) lies beyond the end of the ${n}-byte file: the file is cut off — save or copy it again`, { offset: cdOffset, bytes: n });
    }
    let p = cdOffset;
    const decoder = new TextDecoder('utf-8');
    for (let i = 0; i < count; i++) {
      if (p + 46 > cdOffset + cdSize || view.getUint32(p, true) !== CENTRAL_SIG) fail(`zip central directory entry ${i} at byte ${p} is damaged`, { offset: p, entry: i });
      const method = view.getUint16(p + 10, true);
      let compressedSize = view.getUint32(p + 20, true);
      let size = view.getUint32(p + 24, true);
      const nameLen = view.getUint16(p + 28, true);
      const extraLen = view.getUint16(p + 30, true);
      const commentLen = view.getUint16(p + 32, true);
      let localOffset = view.getUint32(p + 42, true);
      const end = p + 46 + nameLen + extraLen + commentLen;
      if (end > cdOffset + cdSize) fail(`zip central directory entry ${i} at byte ${p} runs past the directory`, { offset: p, entry: i });
      const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLen));
      // zip64 extended information: only the fields whose 32-bit slot is saturated, in this order.
      let e = p + 46 + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const id = view.getUint16(e, true);
        const len = view.getUint16(e + 2, true);
        if (id === 0x0001) {
          let f = e + 4;
          const take = (): number => {
            if (f + 8 > e + 4 + len) fail(`zip64 field of entry "${name}" is too short`, { offset: e });
            const v = u64(view, f);
            f += 8;
            return v;
          };
          if (size === 0xffffffff) size = take();
          if (compressedSize === 0xffffffff) compressedSize = take();
          if (localOffset === 0xffffffff) localOffset = take();
        }
        e += 4 + len;
      }
      if (localOffset + 30 > n || view.getUint32(localOffset, true) !== LOCAL_SIG) {
        fail(`zip entry "${name}": its local header at byte ${localOffset} is missing or damaged; the file is cut off or damaged`, { entry: name, offset: localOffset });
      }
      const dataOffset = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
      if (dataOffset + compressedSize > n) {
        fail(`zip entry "${name}" needs bytes ${dataOffset}..${dataOffset + compressedSize} but the file has ${n}: it is cut off — save or copy it again`, { entry: name, offset: dataOffset, bytes: n });
      }
      if (method !== 0 && method !== 8) fail(`zip entry "${name}" uses compression method ${method}; only stored (0) and deflate (8) entries can be read`, { entry: name, method });
      if (method === 0 && compressedSize !== size) fail(`zip entry "${name}" is stored but its sizes differ (${compressedSize} vs ${size}); the archive is damaged`, { entry: name });
      this.entries.set(name, { name, method, compressedSize, size, dataOffset });
      p = end;
    }
  }

  /** The entry's bytes: a view into the archive for stored entries, inflated once for deflated ones. */
  read(name: string): Uint8Array {
    const e = this.entries.get(name);
    if (!e) fail(`zip entry "${name}" is not in the archive`, { entry: name });
    const raw = this.bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
    if (e.method === 0) return raw;
    // Deflate expands at most about 1032:1; a larger stated size is a damaged header, not a reason to allocate it.
    if (e.size > e.compressedSize * 1032 + 1024) fail(`zip entry "${name}" claims to inflate ${e.compressedSize} bytes to ${e.size}; the archive is damaged`, { entry: name });
    let out: Uint8Array;
    try {
      out = inflateSync(raw, { out: new Uint8Array(e.size) });
    } catch (err) {
      fail(`zip entry "${name}" does not inflate (${(err as Error).message}); the archive is damaged`, { entry: name });
    }
    if (out.byteLength !== e.size) fail(`zip entry "${name}" inflates to ${out.byteLength} bytes, its header says ${e.size}; the archive is damaged`, { entry: name });
    return out;
  }
}
