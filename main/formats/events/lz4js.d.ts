// Types for the parts of lz4js (an untyped CommonJS package) that packet-compression.ts uses.
declare module 'lz4js' {
  /** Decompresses one LZ4 frame into `dst`; returns the number of bytes written. */
  export function decompressFrame(src: Uint8Array, dst: Uint8Array): number;
  /** Compresses `src` to one LZ4 frame (64 KiB blocks, no checksums). */
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
  const lz4js: { decompressFrame: typeof decompressFrame; compress: typeof compress };
  export default lz4js;
}

// lz4js's own xxHash32 (the frame descriptor's and the content checksum).
declare module 'lz4js/xxh32.js' {
  /** xxHash32 of src[index..index+len) with `seed`, as an unsigned 32-bit number. */
  export function hash(seed: number, src: Uint8Array, index: number, len: number): number;
  const xxh32: { hash: typeof hash };
  export default xxh32;
}
