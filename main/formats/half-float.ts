// Conversions between IEEE 754 binary16 (F16, numpy 'f2'), bfloat16 (BF16) and the
// float32/float64 values JavaScript computes with. Every binary16 and bfloat16 value is
// exactly representable in float32, so decoding is exact, bit for bit (subnormals,
// infinities and NaN payloads included). Encoding rounds to nearest, ties to even.
// Nothing here knows about files: the readers hand in 16-bit patterns.

let halfToFloatBits: Uint32Array | undefined;

function halfBitsToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return sign | 0x7f800000 | (mant << 13); // inf / NaN, payload kept
  if (exp !== 0) return sign | ((exp - 15 + 127) << 23) | (mant << 13);
  if (mant === 0) return sign; // ±0
  // Subnormal half: value = mant * 2^-24; normalise so the leading 1 becomes implicit.
  let e = -14;
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e -= 1;
  }
  return sign | ((e + 127) << 23) | ((mant & 0x3ff) << 13);
}

/** float32 bit patterns of all 65536 half values, built once (256 KiB) on first use. */
function halfTable(): Uint32Array {
  if (!halfToFloatBits) {
    halfToFloatBits = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) halfToFloatBits[h] = halfBitsToFloatBits(h) >>> 0;
  }
  return halfToFloatBits;
}

/** Decode binary16 bit patterns into float32 (exact). */
export function halfBitsToFloat32(src: Uint16Array): Float32Array {
  const table = halfTable();
  const out = new Float32Array(src.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < src.length; i++) bits[i] = table[src[i]!]!;
  return out;
}

/** Decode bfloat16 bit patterns into float32 (exact: bfloat16 is the top half of a float32). */
export function bfloat16BitsToFloat32(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < src.length; i++) bits[i] = src[i]! << 16;
  return out;
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5 || (d === 0.5 && f % 2 === 1)) return f + 1;
  return f;
}

/**
 * binary16 bit pattern nearest to `v` (ties to even), rounded directly from the float64
 * value so no double rounding through float32 happens. NaN becomes the quiet NaN 0x7e00.
 */
export function float64ToHalfBits(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  // 65520 is halfway between the largest half (65504) and 2^16: ties to even go up to inf.
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) {
    // Subnormal range: units of 2^-24; a result of 1024 is the smallest normal, whose
    // bit pattern 0x0400 follows on naturally.
    return sign | roundHalfEven(a * 2 ** 24);
  }
  let e = Math.floor(Math.log2(a));
  // log2 can be off by one ulp near powers of two; fix the exponent exactly.
  if (2 ** e > a) e -= 1;
  else if (2 ** (e + 1) <= a) e += 1;
  let q = roundHalfEven(a * 2 ** (10 - e) - 1024);
  if (q === 1024) {
    q = 0;
    e += 1;
  }
  return sign | ((e + 15) << 10) | q;
}
