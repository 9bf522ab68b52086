// Decompression of AEDAT4 packets: LZ4 frames through lz4js, Zstandard frames through
// fzstd. lz4js trusts its input (it sizes its output from the frame's claims and never
// checks bounds), so the frame is walked here first: magic, descriptor, block sizes, and
// an upper bound of the output that must stay under the caller's limit. Anything that
// does not decompress cleanly becomes one Error with a reason; the caller wraps it.

/// <reference path="./lz4js.d.ts" />
import { decompress as zstdDecompress } from 'fzstd';
import lz4 from 'lz4js';

const LZ4_MAGIC = 0x184d2204;
const LZ4_BLOCK_MAX: Readonly<Record<number, number>> = { 4: 65536, 5: 262144, 6: 1048576, 7: 4194304 };

function u32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

/** The largest output the LZ4 frame in `src` can produce; throws when the frame is malformed. */
export function lz4FrameBound(src: Uint8Array, limit: number): number {
  if (src.length < 7 || u32(src, 0) !== LZ4_MAGIC) throw new Error('no LZ4 frame magic (04 22 4D 18)');
  const flg = src[4]!;
  if ((flg & 0xc0) !== 0x40) throw new Error(`LZ4 frame version ${(flg >> 6) & 3}, expected 1`);
  if (flg & 0x01) throw new Error('LZ4 frames with a dictionary id are not supported');
  const bd = src[5]!;
  const max = LZ4_BLOCK_MAX[(bd >> 4) & 7];
  if (max === undefined) throw new Error(`LZ4 block size code ${(bd >> 4) & 7} is not 4..7`);
  let i = 6 + (flg & 0x08 ? 8 : 0) + 1;
  const blockSum = (flg & 0x10) !== 0;
  let bound = 0;
  for (;;) {
    if (i + 4 > src.length) throw new Error('the LZ4 frame ends before its end mark');
    const raw = u32(src, i);
    i += 4;
    if (raw === 0) break;
    const size = raw & 0x7fffffff;
    if (size > max) throw new Error(`an LZ4 block of ${size} bytes exceeds the frame's ${max}-byte block size`);
    i += size + (blockSum ? 4 : 0);
    if (i > src.length) throw new Error('an LZ4 block runs past the end of the packet');
    bound += raw & 0x80000000 ? size : max;
    if (bound > limit) throw new Error(`the LZ4 frame would decompress to more than ${limit} bytes`);
  }
  return bound;
}

export function decompressLz4(src: Uint8Array, limit: number): Uint8Array {
  const bound = lz4FrameBound(src, limit);
  const dst = new Uint8Array(bound);
  const n = lz4.decompressFrame(src, dst);
  if (!Number.isInteger(n) || n < 0 || n > bound) throw new Error('the LZ4 data is corrupt (its matches point outside the output)');
  return dst.subarray(0, n);
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
