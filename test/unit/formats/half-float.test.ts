// binary16 / bfloat16 conversions. Expected values are the IEEE 754 definitions worked out
// by hand: half = (-1)^s * 2^(e-15) * (1 + m/1024), subnormal = m * 2^-24; bfloat16 is
// the top 16 bits of a float32.
import { describe, expect, it } from 'vitest';
import { bfloat16BitsToFloat32, float64ToHalfBits, halfBitsToFloat32 } from '../../../main/formats/half-float.js';

function half(bits: number): number {
  return halfBitsToFloat32(Uint16Array.of(bits))[0]!;
}

function float32Bits(v: Float32Array, i = 0): number {
  return new Uint32Array(v.buffer, v.byteOffset, v.length)[i]!;
}

describe('binary16 decodes exactly to float32', () => {
  it('normal numbers', () => {
    expect(half(0x3c00)).toBe(1);
    expect(half(0xc000)).toBe(-2);
    expect(half(0x7bff)).toBe(65504); // largest half
    expect(half(0x3555)).toBe(0.333251953125); // 2^-2 * (1 + 341/1024)
    expect(half(0x3bff)).toBe(0.99951171875); // 2^-1 * (1 + 1023/1024)
    expect(half(0x0400)).toBe(2 ** -14); // smallest normal
  });

  it('subnormals', () => {
    expect(half(0x0001)).toBe(2 ** -24);
    expect(half(0x0002)).toBe(2 ** -23);
    expect(half(0x03ff)).toBe(1023 * 2 ** -24);
    expect(half(0x8001)).toBe(-(2 ** -24));
  });

  it('signed zeros, infinities and NaN (payload kept)', () => {
    expect(Object.is(half(0x0000), 0)).toBe(true);
    expect(Object.is(half(0x8000), -0)).toBe(true);
    expect(half(0x7c00)).toBe(Infinity);
    expect(half(0xfc00)).toBe(-Infinity);
    expect(half(0x7e00)).toBeNaN();
    const nan = halfBitsToFloat32(Uint16Array.of(0x7c01, 0xfe00));
    // mantissa bits move up by 13: 0x001 -> 0x002000, 0x200 -> 0x400000
    expect(float32Bits(nan, 0)).toBe(0x7f802000);
    expect(float32Bits(nan, 1)).toBe(0xffc00000);
  });
});

describe('bfloat16 decodes exactly to float32', () => {
  it('is the top half of the float32 bit pattern', () => {
    const v = bfloat16BitsToFloat32(Uint16Array.of(0x3f80, 0x4049, 0xc2f7, 0x7f80, 0xff80, 0x0001, 0x8000));
    expect(v[0]).toBe(1);
    expect(v[1]).toBe(3.140625); // 2 * (1 + 73/128)
    expect(v[2]).toBe(-123.5); // -64 * (1 + 119/128)
    expect(v[3]).toBe(Infinity);
    expect(v[4]).toBe(-Infinity);
    expect(v[5]).toBe(2 ** -133); // float32 subnormal 0x00010000 = 2^16 * 2^-149
    expect(Object.is(v[6], -0)).toBe(true);
    const nan = bfloat16BitsToFloat32(Uint16Array.of(0x7fc1));
    expect(nan[0]).toBeNaN();
    expect(float32Bits(nan)).toBe(0x7fc10000);
  });
});

describe('float64 encodes to binary16 with round-to-nearest-even', () => {
  it('exact values', () => {
    expect(float64ToHalfBits(1)).toBe(0x3c00);
    expect(float64ToHalfBits(-2)).toBe(0xc000);
    expect(float64ToHalfBits(65504)).toBe(0x7bff);
    expect(float64ToHalfBits(2 ** -14)).toBe(0x0400);
    expect(float64ToHalfBits(2 ** -24)).toBe(0x0001);
    expect(float64ToHalfBits(0)).toBe(0x0000);
    expect(float64ToHalfBits(-0)).toBe(0x8000);
  });

  it('rounds to nearest, ties to even', () => {
    expect(float64ToHalfBits(0.1)).toBe(0x2e66); // 0.0999755859375 is nearest
    expect(float64ToHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie between m=0 and m=1 -> 0
    expect(float64ToHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie between m=1 and m=2 -> 2
    expect(float64ToHalfBits(2 - 2 ** -11)).toBe(0x4000); // tie rounds up into the next binade
    expect(float64ToHalfBits(2 ** -25)).toBe(0x0000); // tie between 0 and the smallest subnormal
    expect(float64ToHalfBits(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 units
    expect(float64ToHalfBits(2 ** -14 - 2 ** -25)).toBe(0x0400); // largest subnormal + half unit -> smallest normal
  });

  it('rounds once, from the float64 value (no double rounding through float32)', () => {
    // 1 + 2^-11 + 2^-40 is just above the tie; via float32 the 2^-40 would be lost first.
    expect(float64ToHalfBits(1 + 2 ** -11 + 2 ** -40)).toBe(0x3c01);
  });

  it('overflows to infinity from 65520 on, keeps NaN', () => {
    expect(float64ToHalfBits(65519.99)).toBe(0x7bff);
    expect(float64ToHalfBits(65520)).toBe(0x7c00);
    expect(float64ToHalfBits(-1e9)).toBe(0xfc00);
    expect(float64ToHalfBits(Infinity)).toBe(0x7c00);
    expect(float64ToHalfBits(NaN)).toBe(0x7e00);
  });
});
