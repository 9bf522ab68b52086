import { describe, expect, it } from 'vitest';
import { addressLayout, decodeNeuronAddress, encodeNeuronAddress } from '../../../main/sim/neuron-address.js';

describe('neuron address (chip.md §15, TC-56)', () => {
  it('(16, 32, 32): (x 3, y 2, c 5) -> 2·512 + 3·16 + 5 = 1077, and back', () => {
    const shape = { c: 16, h: 32, w: 32 };
    expect(encodeNeuronAddress(shape, { c: 5, x: 3, y: 2 })).toBe(1077);
    expect(decodeNeuronAddress(shape, 1077)).toEqual({ c: 5, x: 3, y: 2 });
  });

  it('(16, 32, 32): every neuron round-trips', () => {
    const shape = { c: 16, h: 32, w: 32 };
    const seen = new Set<number>();
    for (let c = 0; c < 16; c++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) {
          const a = encodeNeuronAddress(shape, { c, x, y });
          seen.add(a);
          expect(decodeNeuronAddress(shape, a)).toEqual({ c, x, y });
        }
    expect(seen.size).toBe(16 * 32 * 32);
  });

  it('(1, 4, 4): (x 3, y 1) -> 7 (no channel bits)', () => {
    expect(encodeNeuronAddress({ c: 1, h: 4, w: 4 }, { c: 0, x: 3, y: 1 })).toBe(7);
  });

  it('(2, 16, 16): (x 1, y 1, c 0) -> 34', () => {
    expect(encodeNeuronAddress({ c: 2, h: 16, w: 16 }, { c: 0, x: 1, y: 1 })).toBe(34);
  });

  it('W > H is flagged: (2, 8, 16) maps (x 8, y 0) and (x 0, y 1) both to 16', () => {
    const shape = { c: 2, h: 8, w: 16 };
    expect(addressLayout(shape).ambiguous).toBe(true);
    expect(addressLayout({ c: 2, h: 16, w: 8 }).ambiguous).toBe(false);
    expect(encodeNeuronAddress(shape, { c: 0, x: 8, y: 0 })).toBe(16);
    expect(encodeNeuronAddress(shape, { c: 0, x: 0, y: 1 })).toBe(16);
  });

  it('rejects maps needing more than 18 address bits and neurons outside the map', () => {
    expect(() => addressLayout({ c: 1024, h: 64, w: 64 })).toThrow(/22 address bits/);
    expect(() => encodeNeuronAddress({ c: 2, h: 4, w: 4 }, { c: 2, x: 0, y: 0 })).toThrow(/outside the map/);
  });
});
