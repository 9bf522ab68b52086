// A WebAssembly SIMD version of the event kernel (core-kernel.ts `fastEventKernel`):
// eight output channels per instruction, with i16x8.add_sat_s doing exactly the chip's
// saturating 16-bit add. The module is assembled here from its opcodes (no toolchain, no
// file), compiled once, and instantiated per core over a memory that holds that core's
// state, weights, reach tables and spike list. Lanes that cross the threshold leave the
// vector path and get the scalar rule, so results are identical to the JS kernel.
// It serves only the default update rule (saturating state, no killed weights); the
// engine falls back to the JS kernels otherwise or when WebAssembly SIMD is missing.

import type { EventKernel } from './core-kernel.js';
import type { CoreRuntime } from './core-runtime.js';

/** Lane count: output channels handled per vector instruction. */
export const SIMD_LANES = 8;

// ---- a minimal assembler ------------------------------------------------------------

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const str = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

const I32 = 0x7f;
const V128 = 0x7b;
const VOID = 0x40;
const op = {
  block: [0x02, VOID],
  loop: [0x03, VOID],
  if: [0x04, VOID],
  else: [0x05],
  end: [0x0b],
  br: (l: number) => [0x0c, ...uleb(l)],
  brIf: (l: number) => [0x0d, ...uleb(l)],
  select: [0x1b],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  const: (v: number) => [0x41, ...sleb(v)],
  load: (offset = 0) => [0x28, 2, ...uleb(offset)],
  load16s: (offset = 0) => [0x2e, 1, ...uleb(offset)],
  store: (offset = 0) => [0x36, 2, ...uleb(offset)],
  store16: (offset = 0) => [0x3b, 1, ...uleb(offset)],
  ltS: [0x48],
  geS: [0x4e],
  geU: [0x4f],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  shl: [0x74],
  shrU: [0x76],
  v128Load: [0xfd, ...uleb(0x00), 4, 0],
  v128Store: [0xfd, ...uleb(0x0b), 4, 0],
  i16x8Splat: [0xfd, ...uleb(0x10)],
  i16x8GeS: [0xfd, ...uleb(0x35)],
  v128AnyTrue: [0xfd, ...uleb(0x53)],
  i16x8AddSatS: [0xfd, ...uleb(0x8f)],
  i16x8MaxS: [0xfd, ...uleb(0x98)],
};

// Descriptor (i32 fields, byte offsets into the core's memory), written once per core.
const D = { state: 0, weights: 4, weightsPerInput: 8, rowStart: 12, rowW: 16, rowS: 20, colStart: 24, colW: 28, colS: 32, strideBytes: 36, thr: 40, low: 44, rtz: 48, spikes: 52 } as const;
const DESCRIPTOR_BYTES = 64;

// Locals: params 0..3 = desc, c, y, x.
const L = { desc: 0, c: 1, y: 2, x: 3, st: 4, wc: 5, rowW: 6, rowS: 7, colW: 8, colS: 9, r: 10, r1: 11, q: 12, q0: 13, q1: 14, fsb: 15, thr: 16, low: 17, rtz: 18, spikes: 19, n: 20, wr: 21, sr: 22, sp: 23, wp: 24, end: 25, lane: 26, val: 27, colStart: 28, vthr: 29, vlow: 30, v: 31 } as const;
const I32_LOCALS = 25;
const V128_LOCALS = 3;

function kernelBody(): number[] {
  const g = op.get;
  const s = op.set;
  const field = (f: number) => [...g(L.desc), ...op.load(f)];
  const code: number[] = [
    // Load the descriptor.
    ...field(D.state), ...s(L.st),
    ...field(D.weights), ...g(L.c), ...field(D.weightsPerInput), ...op.mul, ...op.add, ...s(L.wc),
    ...field(D.rowW), ...s(L.rowW),
    ...field(D.rowS), ...s(L.rowS),
    ...field(D.colW), ...s(L.colW),
    ...field(D.colS), ...s(L.colS),
    ...field(D.strideBytes), ...s(L.fsb),
    ...field(D.thr), ...s(L.thr),
    ...field(D.low), ...s(L.low),
    ...field(D.rtz), ...s(L.rtz),
    ...field(D.spikes), ...s(L.spikes),
    ...field(D.colStart), ...s(L.colStart),
    ...g(L.thr), ...op.i16x8Splat, ...s(L.vthr),
    ...g(L.low), ...op.i16x8Splat, ...s(L.vlow),
    // r = rowStart[y], r1 = rowStart[y + 1]; q0 = colStart[x], q1 = colStart[x + 1]
    ...field(D.rowStart), ...g(L.y), ...op.const(2), ...op.shl, ...op.add, ...s(L.r),
    ...g(L.r), ...op.load(4), ...s(L.r1),
    ...g(L.r), ...op.load(0), ...s(L.r),
    ...g(L.colStart), ...g(L.x), ...op.const(2), ...op.shl, ...op.add, ...s(L.q0),
    ...g(L.q0), ...op.load(4), ...s(L.q1),
    ...g(L.q0), ...op.load(0), ...s(L.q0),
    ...op.const(0), ...s(L.n),
    ...op.block, ...op.loop, // rows
    ...g(L.r), ...g(L.r1), ...op.geS, ...op.brIf(1),
    ...g(L.wc), ...g(L.rowW), ...g(L.r), ...op.const(2), ...op.shl, ...op.add, ...op.load(), ...op.add, ...s(L.wr),
    ...g(L.st), ...g(L.rowS), ...g(L.r), ...op.const(2), ...op.shl, ...op.add, ...op.load(), ...op.add, ...s(L.sr),
    ...g(L.q0), ...s(L.q),
    ...op.block, ...op.loop, // columns
    ...g(L.q), ...g(L.q1), ...op.geS, ...op.brIf(1),
    ...g(L.wr), ...g(L.colW), ...g(L.q), ...op.const(2), ...op.shl, ...op.add, ...op.load(), ...op.add, ...s(L.wp),
    ...g(L.sr), ...g(L.colS), ...g(L.q), ...op.const(2), ...op.shl, ...op.add, ...op.load(), ...op.add, ...s(L.sp),
    ...g(L.sp), ...g(L.fsb), ...op.add, ...s(L.end),
    ...op.block, ...op.loop, // 8 channels at a time
    ...g(L.sp), ...g(L.end), ...op.geU, ...op.brIf(1),
    ...g(L.sp), ...op.v128Load, ...g(L.wp), ...op.v128Load, ...op.i16x8AddSatS, ...s(L.v),
    ...g(L.v), ...g(L.vthr), ...op.i16x8GeS, ...op.v128AnyTrue,
    ...op.if,
    // Some lane reached the threshold: store the sums, then the scalar rule per lane.
    ...g(L.sp), ...g(L.v), ...op.v128Store,
    ...op.const(0), ...s(L.lane),
    ...op.loop,
    ...g(L.sp), ...g(L.lane), ...op.const(1), ...op.shl, ...op.add, ...op.load16s(), ...s(L.val),
    ...g(L.val), ...g(L.thr), ...op.geS,
    ...op.if,
    // spikes[n++] = state index (elements) = (sp − st) / 2 + lane
    ...g(L.spikes), ...g(L.n), ...op.const(2), ...op.shl, ...op.add,
    ...g(L.sp), ...g(L.st), ...op.sub, ...op.const(1), ...op.shrU, ...g(L.lane), ...op.add,
    ...op.store(),
    ...g(L.n), ...op.const(1), ...op.add, ...s(L.n),
    // val = rtz ? 0 : val − thr
    ...op.const(0), ...g(L.val), ...g(L.thr), ...op.sub, ...g(L.rtz), ...op.select, ...s(L.val),
    ...op.end,
    // floor
    ...g(L.val), ...g(L.low), ...op.ltS,
    ...op.if, ...g(L.low), ...s(L.val), ...op.end,
    ...g(L.sp), ...g(L.lane), ...op.const(1), ...op.shl, ...op.add, ...g(L.val), ...op.store16(),
    ...g(L.lane), ...op.const(1), ...op.add, ...s(L.lane),
    ...g(L.lane), ...op.const(SIMD_LANES), ...op.ltS, ...op.brIf(0),
    ...op.end, // lane loop
    ...op.else,
    ...g(L.sp), ...g(L.v), ...g(L.vlow), ...op.i16x8MaxS, ...op.v128Store,
    ...op.end, // if
    ...g(L.sp), ...op.const(16), ...op.add, ...s(L.sp),
    ...g(L.wp), ...op.const(16), ...op.add, ...s(L.wp),
    ...op.br(0),
    ...op.end, ...op.end, // channels
    ...g(L.q), ...op.const(1), ...op.add, ...s(L.q),
    ...op.br(0),
    ...op.end, ...op.end, // columns
    ...g(L.r), ...op.const(1), ...op.add, ...s(L.r),
    ...op.br(0),
    ...op.end, ...op.end, // rows
    ...g(L.n),
    ...op.end,
  ];
  const locals = [...uleb(2), ...uleb(I32_LOCALS), I32, ...uleb(V128_LOCALS), V128];
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

function moduleBytes(): Uint8Array {
  const type = section(1, [...uleb(1), 0x60, ...uleb(4), I32, I32, I32, I32, ...uleb(1), I32]);
  const imports = section(2, [...uleb(1), ...str('env'), ...str('mem'), 0x02, 0x00, ...uleb(1)]);
  const funcs = section(3, [...uleb(1), ...uleb(0)]);
  const exports = section(7, [...uleb(1), ...str('event'), 0x00, ...uleb(0)]);
  const code = section(10, [...uleb(1), ...kernelBody()]);
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...imports, ...funcs, ...exports, ...code]);
}

/** The part of the WebAssembly JS API used here (present in Node and browsers; typed locally to stay free of DOM typings). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let compiled: object | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is not available. */
function simdModule(): object | null {
  if (compiled === undefined) {
    try {
      const bytes = moduleBytes();
      compiled = wasmApi && wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export function wasmSimdAvailable(): boolean {
  return simdModule() !== null;
}

/**
 * Moves the core's state and spike list into a fresh WebAssembly memory and returns an
 * EventKernel running the SIMD code on it, or null when the core cannot use it (SIMD
 * missing, f stride not a multiple of 8, or killed weights).
 */
export function attachWasmSimdKernel(core: CoreRuntime): EventKernel | null {
  const mod = simdModule();
  if (!mod || core.Fs % SIMD_LANES !== 0 || core.weightKill !== null) return null;
  const align = (n: number) => Math.ceil(n / 16) * 16;
  let top = DESCRIPTOR_BYTES;
  const take = (bytes: number) => {
    const at = top;
    top = align(top + bytes);
    return at;
  };
  const stateAt = take(core.state.length * 2);
  const weightsAt = take(core.weights.length * 2);
  const spikesAt = take(core.spikes.length * 4);
  const rowStartAt = take(core.rowStart.length * 4);
  const rowWAt = take(core.rowWeight.length * 4);
  const rowSAt = take(core.rowState.length * 4);
  const colStartAt = take(core.colStart.length * 4);
  const colWAt = take(core.colWeight.length * 4);
  const colSAt = take(core.colState.length * 4);
  const memory = new wasmApi!.Memory({ initial: Math.max(1, Math.ceil(top / 65536)) });
  const buf = memory.buffer;
  new Int16Array(buf, weightsAt, core.weights.length).set(core.weights);
  new Int32Array(buf, rowStartAt, core.rowStart.length).set(core.rowStart);
  new Int32Array(buf, rowWAt, core.rowWeight.length).set(core.rowWeight.map((v) => v * 2));
  new Int32Array(buf, rowSAt, core.rowState.length).set(core.rowState.map((v) => v * 2));
  new Int32Array(buf, colStartAt, core.colStart.length).set(core.colStart);
  new Int32Array(buf, colWAt, core.colWeight.length).set(core.colWeight.map((v) => v * 2));
  new Int32Array(buf, colSAt, core.colState.length).set(core.colState.map((v) => v * 2));
  const desc = new Int32Array(buf, 0, DESCRIPTOR_BYTES / 4);
  desc[D.state / 4] = stateAt;
  desc[D.weights / 4] = weightsAt;
  desc[D.weightsPerInput / 4] = core.weightsPerInput * 2;
  desc[D.rowStart / 4] = rowStartAt;
  desc[D.rowW / 4] = rowWAt;
  desc[D.rowS / 4] = rowSAt;
  desc[D.colStart / 4] = colStartAt;
  desc[D.colW / 4] = colWAt;
  desc[D.colS / 4] = colSAt;
  desc[D.strideBytes / 4] = core.Fs * 2;
  desc[D.thr / 4] = core.thrHigh;
  desc[D.low / 4] = core.thrLow;
  desc[D.rtz / 4] = core.returnToZero ? 1 : 0;
  desc[D.spikes / 4] = spikesAt;
  core.moveState(new Int16Array(buf, stateAt, core.state.length));
  core.moveSpikes(new Int32Array(buf, spikesAt, core.spikes.length));
  const instance = new wasmApi!.Instance(mod, { env: { mem: memory } });
  const event = instance.exports['event'] as (desc: number, c: number, y: number, x: number) => number;
  const F = core.F;
  return (k, c, y, x) => {
    k.updates += (k.rowStart[y + 1]! - k.rowStart[y]!) * (k.colStart[x + 1]! - k.colStart[x]!) * F;
    return event(0, c, y, x);
  };
}
