// 64-bit integers from little-endian bytes (given as 32-bit word pairs) to exact float64
// values, shared by the .npy and safetensors readers. JavaScript numbers hold integers
// exactly up to ±(2^53 − 1); beyond that the caller's `unsafe` reports which element.

export function int64WordsToFloat64(words: Uint32Array, count: number, signed: boolean, unsafe: (index: number) => never): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const lo = words[2 * i]!;
    const hi = signed ? words[2 * i + 1]! | 0 : words[2 * i + 1]!;
    const v = hi * 4294967296 + lo;
    if (!Number.isSafeInteger(v)) unsafe(i);
    out[i] = v;
  }
  return out;
}
