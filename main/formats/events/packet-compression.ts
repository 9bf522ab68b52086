// Decompression of AEDAT4 packets: LZ4 frames through lz4js (or a faster LZ4 frame
// decompressor the caller injects, see PacketCodecs), Zstandard frames through fzstd.
// lz4js trusts its input (it sizes nothing, checks no bounds, offsets or checksums), so
// every LZ4 frame is walked here first, whichever decompressor then runs: magic,
// descriptor and its checksum, block sizes, and every block's sequences (literal runs
// inside the block, match offsets inside what was already decoded, the end-of-block rules
// of the LZ4 reference decoder). The walk gives the exact output size, so the output is
// sized exactly and a frame that would exceed the caller's limit is refused before any
// output is made; and a frame either walker and decompressor accept decodes the same with
// either decompressor (test/unit/formats/events/lz4-parity.test.ts). Anything that does
// not decompress cleanly becomes one Error with a reason; the caller wraps it.

/// <reference path="./lz4js.d.ts" />
import { decompress as zstdDecompress } from 'fzstd';
import lz4 from 'lz4js';
import xxh32 from 'lz4js/xxh32.js';

const LZ4_MAGIC = 0x184d2204;
const LZ4_BLOCK_MAX: Readonly<Record<number, number>> = { 4: 65536, 5: 262144, 6: 1048576, 7: 4194304 };
/** The reference decoder's end-of-block rules: the last 5 bytes are literals, no match starts in the last 12. */
const LAST_LITERALS = 5;
const MF_LIMIT = 12;

/**
 * Decompresses one whole LZ4 frame that checkLz4Frame accepted into exactly `size`
 * bytes (valid until its next call), throws when the frame does not decompress, or
 * returns null when it cannot run just now (lz4js then does the frame). Injected by the
 * caller (the threads side loads a WebAssembly build of the LZ4 reference library); the
 * domain never loads one itself.
 */
export type Lz4FrameDecompressor = (frame: Uint8Array, size: number) => Uint8Array | null;

/** Faster decompressors for the packet readers; absent ones fall back to the JavaScript libraries. */
export interface PacketCodecs {
  lz4Frame?: Lz4FrameDecompressor | undefined;
}

function u32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

/** What checkLz4Frame found: the exact decompressed size and the content checksum, when the frame has one. */
export interface Lz4FrameShape {
  size: number;
  contentChecksum: number | null;
}

/**
 * Walks the LZ4 block at src[ip..end) as the reference decoder would decode it into
 * `cap` bytes with `history` bytes of earlier output before it; returns its output size.
 */
function walkBlock(src: Uint8Array, ip: number, end: number, cap: number, history: number): number {
  if (ip === end) throw new Error('an LZ4 block is empty');
  // Positions count from the start of the history, so a match may reach back to 0.
  let pos = history;
  const litLimit = end - (2 + 1 + LAST_LITERALS);
  const posLimit = history + cap - MF_LIMIT;
  const matchLimit = history + cap - LAST_LITERALS;
  for (;;) {
    // Past `end` (a block that ends with a match) the token reads as undefined, i.e. 0,
    // and the literal check below refuses the block.
    const token = src[ip++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      let s: number;
      do {
        if (ip >= end) throw new Error('an LZ4 literal length runs past its block');
        s = src[ip++]!;
        lit += s;
      } while (s === 255);
    }
    const litEnd = ip + lit;
    pos += lit;
    if (litEnd > litLimit || pos > posLimit) {
      // Only the last sequence may come this close to either end, and it must end the block.
      if (litEnd !== end) throw new Error('an LZ4 block does not end with its last literals');
      if (pos - history > cap) throw new Error(`an LZ4 block decodes to more than the frame's ${cap}-byte block size`);
      return pos - history;
    }
    const offset = src[litEnd]! | (src[litEnd + 1]! << 8);
    ip = litEnd + 2;
    if (offset === 0 || offset > pos) throw new Error(`an LZ4 match points ${offset} bytes back, before the start of the data`);
    let ml = token & 15;
    if (ml === 15) {
      let s: number;
      do {
        if (ip > end - LAST_LITERALS) throw new Error('an LZ4 match length runs past its block');
        s = src[ip++]!;
        ml += s;
      } while (s === 255);
    }
    pos += ml + 4;
    if (pos > matchLimit) throw new Error('an LZ4 match runs into the last 5 bytes of its block, which must be literals');
  }
}

/**
 * Checks the LZ4 frame that is the whole of `src` as far as it can be without
 * decompressing it and returns its exact decompressed size; throws when the frame is
 * malformed or would decompress to more than `limit` bytes.
 */
export function checkLz4Frame(src: Uint8Array, limit: number): Lz4FrameShape {
  if (src.length < 7 || u32(src, 0) !== LZ4_MAGIC) throw new Error('no LZ4 frame magic (04 22 4D 18)');
  const flg = src[4]!;
  const bd = src[5]!;
  if ((flg & 0xc0) !== 0x40) throw new Error(`LZ4 frame version ${(flg >> 6) & 3}, expected 1`);
  if (flg & 0x01) throw new Error('LZ4 frames with a dictionary id are not supported');
  if (flg & 0x10) throw new Error('LZ4 frames with block checksums are not supported');
  if (flg & 0x02 || bd & 0x8f) throw new Error('the LZ4 frame descriptor has reserved bits set');
  const max = LZ4_BLOCK_MAX[(bd >> 4) & 7];
  if (max === undefined) throw new Error(`LZ4 block size code ${(bd >> 4) & 7} is not 4..7`);
  const independent = (flg & 0x20) !== 0;
  const hasContentSize = (flg & 0x08) !== 0;
  const descriptorEnd = 6 + (hasContentSize ? 8 : 0);
  if (src.length < descriptorEnd + 1) throw new Error('the LZ4 frame ends inside its descriptor');
  if (((xxh32.hash(0, src, 4, descriptorEnd - 4) >>> 8) & 0xff) !== src[descriptorEnd]) throw new Error('the LZ4 frame descriptor checksum does not match');
  let i = descriptorEnd + 1;
  let size = 0;
  for (;;) {
    if (i + 4 > src.length) throw new Error('the LZ4 frame ends before its end mark');
    const raw = u32(src, i);
    i += 4;
    if (raw === 0) break;
    const blockSize = raw & 0x7fffffff;
    if (blockSize === 0) throw new Error('an LZ4 block of 0 bytes');
    if (blockSize > max) throw new Error(`an LZ4 block of ${blockSize} bytes exceeds the frame's ${max}-byte block size`);
    if (i + blockSize > src.length) throw new Error('an LZ4 block runs past the end of the packet');
    const out = raw & 0x80000000 ? blockSize : walkBlock(src, i, i + blockSize, max, independent ? 0 : size);
    i += blockSize;
    size += out;
    if (size > limit) throw new Error(`the LZ4 frame would decompress to more than ${limit} bytes`);
  }
  let contentChecksum: number | null = null;
  if (flg & 0x04) {
    if (i + 4 > src.length) throw new Error('the LZ4 frame ends inside its content checksum');
    contentChecksum = u32(src, i);
    i += 4;
  }
  if (i !== src.length) throw new Error(`${src.length - i} bytes follow the LZ4 frame`);
  if (hasContentSize) {
    const lo = u32(src, 6);
    const hi = u32(src, 10);
    if (lo !== size || hi !== 0) throw new Error(`the LZ4 frame says it holds ${hi * 4294967296 + lo} bytes but its blocks hold ${size}`);
  }
  return { size, contentChecksum };
}

/**
 * Decompresses LZ4 frames, each checked by checkLz4Frame first, with the injected
 * decompressor when there is one and lz4js otherwise. lz4js writes into a scratch buffer
 * kept between calls, so what `decompress` returns is valid until its next call.
 */
export class Lz4FrameReader {
  private scratch = new Uint8Array(0);

  constructor(private readonly fast?: Lz4FrameDecompressor) {}

  decompress(src: Uint8Array, limit: number): Uint8Array {
    const { size, contentChecksum } = checkLz4Frame(src, limit);
    const out = this.fast?.(src, size);
    if (out) {
      if (out.length !== size) throw new Error(`the LZ4 frame decompressed to ${out.length} bytes, not the ${size} its blocks hold`);
      return out;
    }
    if (this.scratch.length < size) this.scratch = new Uint8Array(Math.min(limit, Math.max(size, this.scratch.length * 2)));
    const dst = this.scratch.subarray(0, size);
    const n = lz4.decompressFrame(src, dst);
    if (n !== size) throw new Error(`the LZ4 frame decompressed to ${n} bytes, not the ${size} its blocks hold`);
    if (contentChecksum !== null && xxh32.hash(0, dst, 0, size) !== contentChecksum) throw new Error('the LZ4 content checksum does not match');
    return dst;
  }
}

export function decompressZstd(src: Uint8Array, limit: number): Uint8Array {
  // The frame header's content size, when given, is checked before fzstd allocates it.
  if (src.length < 6 || u32(src, 0) !== 0xfd2fb528) throw new Error('no Zstandard frame magic (28 B5 2F FD)');
  const fhd = src[4]!;
  const fcsFlag = fhd >> 6;
  const single = (fhd & 0x20) !== 0;
  const didSize = [0, 1, 2, 4][fhd & 3]!;
  const fcsSize = fcsFlag === 0 ? (single ? 1 : 0) : [0, 2, 4, 8][fcsFlag]!;
  const pos = 5 + (single ? 0 : 1) + didSize;
  if (fcsSize > 0 && pos + fcsSize <= src.length) {
    let size = 0;
    for (let k = fcsSize - 1; k >= 0; k--) size = size * 256 + src[pos + k]!;
    if (fcsSize === 2) size += 256;
    if (size > limit) throw new Error(`the Zstandard frame says it holds ${size} bytes, more than the ${limit}-byte limit`);
  }
  return zstdDecompress(src);
}
