// Small builders for hand-written byte fixtures in the format tests: ASCII text,
// little/big-endian integers and concatenation. They encode nothing format-specific, so
// the tests spell out every header and padding themselves.

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

export function spaces(n: number): Uint8Array {
  return new Uint8Array(n).fill(0x20);
}

export function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function u16le(...values: number[]): number[] {
  return values.flatMap((v) => [v & 0xff, (v >> 8) & 0xff]);
}

export function u16be(...values: number[]): number[] {
  return values.flatMap((v) => [(v >> 8) & 0xff, v & 0xff]);
}

export function u32le(...values: number[]): number[] {
  return values.flatMap((v) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]);
}

/** 64-bit little-endian of a non-negative integer below 2^53, or of a bigint (two's complement). */
export function u64le(...values: (number | bigint)[]): number[] {
  return values.flatMap((v) => {
    let b = BigInt.asUintN(64, BigInt(v));
    const out: number[] = [];
    for (let i = 0; i < 8; i++) {
      out.push(Number(b & 0xffn));
      b >>= 8n;
    }
    return out;
  });
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Run `fn`, expecting it to throw; returns the error for closer checks. */
export function thrown(fn: () => unknown): Error & { code?: string; details?: Record<string, unknown>; format?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error & { code?: string; details?: Record<string, unknown>; format?: string };
  }
  throw new Error('expected an error, but none was thrown');
}
