// Types for the parts of lz4js (an untyped CommonJS package) that packet-compression.ts uses.
declare module 'lz4js' {
  /** Decompresses one LZ4 frame into `dst`; returns the number of bytes written. */
  export function decompressFrame(src: Uint8Array, dst: Uint8Array): number;
  /** Compresses `src` to one LZ4 frame (64 KiB blocks, no checksums). */
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
  const lz4js: { decompressFrame: typeof decompressFrame; compress: typeof compress };
  export default lz4js;
}
