// The fast LZ4 frame decompressor the AEDAT4 readers get from the threads that decode
// camera recordings: the LZ4 reference library built to WebAssembly (@foxglove/wasm-lz4,
// the build foxglove's MCAP readers use), 4-5x faster than lz4js. It is driven through
// the package's Emscripten module (dist/wasm-lz4.js, which the package ships; hence the
// exact version in package.json) rather than its `decompress` function, for two reasons
// measured here: that function shares one decompression context that stays stuck after
// any failed frame (every later frame then fails), and it mallocs, copies in and copies
// out on every call. Here each module instance has its own context and reused input and
// output buffers, the output is a view of the WebAssembly memory (valid until the next
// call, as packet-compression.ts's reader says of what it returns), and an instance that
// refused a frame is dropped and a fresh one made in the background from the module
// compiled once; until it is ready the readers use lz4js. WebAssembly cannot reach
// outside its memory, so a hostile frame can at worst fail. Frames reach it only after
// packet-compression.ts's checkLz4Frame has walked them.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Lz4FrameDecompressor, PacketCodecs } from '../formats/events/packet-compression.js';

interface WasmLz4Module {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _createDecompressionContext(): number;
  /** Decompresses the frame at src into dst; the bytes written, or -1. */
  _decompressFrame(context: number, dst: number, dstSize: number, src: number, srcSize: number): number;
  ready: Promise<unknown>;
}

/** The part of the WebAssembly JS API used here (typed locally to stay free of DOM typings). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => object;
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** Emscripten's hook for making the instance: given the imports, it hands the instance to `done`. */
type InstantiateWasm = (imports: object, done: (instance: object) => void) => object;
type ModuleFactory = (overrides: { instantiateWasm: InstantiateWasm }) => { then(resolve: (m: WasmLz4Module) => void, reject?: (e: unknown) => void): unknown };

/** Room kept after the output for the largest LZ4 block, so the library decodes in place. */
const BLOCK_SLACK = 4 * 1024 * 1024;

class WasmLz4Instance {
  private readonly context: number;
  private src = 0;
  private srcCap = 0;
  private dst = 0;
  private dstCap = 0;

  constructor(private readonly m: WasmLz4Module) {
    this.context = m._createDecompressionContext();
  }

  /**
   * The frame's `size` bytes as a view of the module's memory; 'refused' when the library
   * refused the frame, 'no-memory' when the module could not make room for it.
   */
  decompress(frame: Uint8Array, size: number): Uint8Array | 'refused' | 'no-memory' {
    const m = this.m;
    if (this.srcCap < frame.length) {
      if (this.src) m._free(this.src);
      this.srcCap = Math.max(frame.length, this.srcCap * 2, 65536);
      this.src = m._malloc(this.srcCap);
    }
    if (this.dstCap < size + BLOCK_SLACK) {
      if (this.dst) m._free(this.dst);
      this.dstCap = Math.max(size + BLOCK_SLACK, this.dstCap * 2);
      this.dst = m._malloc(this.dstCap);
    }
    if (!this.src || !this.dst) {
      // Start afresh next time (a smaller frame may fit again).
      if (this.src) m._free(this.src);
      if (this.dst) m._free(this.dst);
      this.src = this.dst = this.srcCap = this.dstCap = 0;
      return 'no-memory';
    }
    m.HEAPU8.set(frame, this.src);
    const n = m._decompressFrame(this.context, this.dst, this.dstCap, this.src, frame.length);
    if (n !== size) return 'refused';
    // HEAPU8 is read after the call: a memory growth replaces it.
    return m.HEAPU8.subarray(this.dst, this.dst + size);
  }
}

let factory: ModuleFactory | null = null;
let compiled: object | null = null;
let current: WasmLz4Instance | null = null;
let loading: Promise<WasmLz4Instance | null> | null = null;
let unavailable: string | null = null;

function instantiate(): Promise<WasmLz4Instance | null> {
  loading ??= new Promise<WasmLz4Instance | null>((resolve) => {
    try {
      if (!wasmApi) throw new Error('this JavaScript runtime has no WebAssembly');
      const api = wasmApi;
      const require = createRequire(import.meta.url);
      factory ??= require('@foxglove/wasm-lz4/dist/wasm-lz4.js') as ModuleFactory;
      compiled ??= new api.Module(readFileSync(require.resolve('@foxglove/wasm-lz4/dist/wasm-lz4.wasm')));
      const wasm = compiled;
      const instantiateWasm: InstantiateWasm = (imports, done) => {
        done(new api.Instance(wasm, imports));
        return {};
      };
      // The Emscripten module is thenable; `then` is called, never awaited, as the package's own index.js does.
      factory({ instantiateWasm }).then(
        (m) => {
          m.ready.then(
            () => resolve(new WasmLz4Instance(m)),
            (e: unknown) => ((unavailable = String(e)), resolve(null)),
          );
        },
        (e) => ((unavailable = String(e)), resolve(null)),
      );
    } catch (e) {
      unavailable = (e as Error).message;
      resolve(null);
    }
  }).then((instance) => {
    loading = null;
    current = instance;
    return instance;
  });
  return loading;
}

/** The decompressor: null (lz4js does the frame) while no instance is ready, or when the frame does not fit in its memory. */
const decompressWithWasm: Lz4FrameDecompressor = (frame, size) => {
  const instance = current;
  if (!instance) return null;
  const out = instance.decompress(frame, size);
  if (out === 'no-memory') return null;
  if (out !== 'refused') return out;
  // The library's context keeps the failed frame's state: this instance is done.
  current = null;
  void instantiate();
  throw new Error('the LZ4 reference decoder refused the frame');
};

/** Setting this environment variable to "off" leaves LZ4 to lz4js. */
export const WASM_LZ4_ENV = 'DCNN_WASM_LZ4';

/**
 * The packet codecs for camera readers in this thread: the WebAssembly LZ4 decoder once
 * it has loaded, none (lz4js) when it cannot load or DCNN_WASM_LZ4=off.
 */
export async function loadPacketCodecs(): Promise<PacketCodecs> {
  if (process.env[WASM_LZ4_ENV] === 'off') return {};
  const instance = current ?? (await instantiate());
  return instance ? { lz4Frame: decompressWithWasm } : {};
}

/** Why the WebAssembly LZ4 decoder is not in use, or null when it is (for `dcnn events info` and tests). */
export function wasmLz4Problem(): string | null {
  if (process.env[WASM_LZ4_ENV] === 'off') return `${WASM_LZ4_ENV}=off`;
  return current ? null : (unavailable ?? 'not loaded yet');
}
