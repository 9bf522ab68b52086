// Discretization rules of conversion.md §7 (worked-example table, TC-28..TC-32).
import { describe, expect, it } from 'vitest';
import { roundHalfEven } from '../../../main/compiler/float32.js';
import { quantizeLayer, scaleFor } from '../../../main/compiler/quantize.js';

const f32a = (xs: number[]) => Float32Array.from(xs, Math.fround);

describe('round half to even (torch.round)', () => {
  it.each([
    [-63.5, -64],
    [62.5, 62],
    [2.5, 2],
    [0.5, 0],
    [1.5, 2],
    [-2.5, -2],
    [2.4999, 2],
    [-0.4, 0],
  ])('%d -> %d', (x, want) => expect(roundHalfEven(x) === want || (want === 0 && roundHalfEven(x) === 0)).toBe(true));
});

describe('worked examples of conversion.md §7', () => {
  it('W [1.0], θ 1, low -1 -> W 127, θ 127, low -127', () => {
    const q = quantizeLayer({ weights: f32a([1.0]), biases: null, spikeThreshold: 1, minVMem: -1 });
    expect(q.scale).toBe(127);
    expect(Array.from(q.weights)).toEqual([127]);
    expect([q.spikeThreshold, q.minVMem]).toEqual([127, -127]);
  });
  it('W [1.0, -0.5, 0.25, 0] -> [127, -64, 32, 0] (half to even at -63.5)', () => {
    const q = quantizeLayer({ weights: f32a([1.0, -0.5, 0.25, 0]), biases: null, spikeThreshold: 1, minVMem: -1 });
    expect(Array.from(q.weights)).toEqual([127, -64, 32, 0]);
  });
  it('W [-1.0, 0.5] -> negative side limits: s 128, W [-128, 64], θ 128', () => {
    const q = quantizeLayer({ weights: f32a([-1.0, 0.5]), biases: null, spikeThreshold: 1, minVMem: -1 });
    expect(q.scale).toBe(128);
    expect(Array.from(q.weights)).toEqual([-128, 64]);
    expect([q.spikeThreshold, q.minVMem]).toEqual([128, -128]);
  });
  it('bias-limited: s 63.5, W [32, -16], b [127, -64], θ 64, low -64', () => {
    const q = quantizeLayer({ weights: f32a([0.5, -0.25]), biases: f32a([2.0, -1.0]), spikeThreshold: 1, minVMem: -1 });
    expect(q.scaleParts).toMatchObject({ weight: 254, bias: 63.5, threshold: 32767 });
    expect(q.scale).toBe(63.5);
    expect(Array.from(q.weights)).toEqual([32, -16]);
    expect(Array.from(q.biases!)).toEqual([127, -64]);
    expect([q.spikeThreshold, q.minVMem]).toEqual([64, -64]);
  });
  it('min_v_mem None caps the scale at 1: W [2, 4, -2, 0, 1], low -32768', () => {
    const q = quantizeLayer({ weights: f32a([2.5, 3.5, -2.5, 0.5, 1.0]), biases: null, spikeThreshold: 10, minVMem: null });
    expect(q.scale).toBe(1);
    expect(Array.from(q.weights)).toEqual([2, 4, -2, 0, 1]);
    expect([q.spikeThreshold, q.minVMem]).toEqual([10, -32768]);
    expect(q.zeroedWeights).toBe(1);
  });
  it('tiny weights: threshold-limited s 32767, W [33, -66], θ 32767, low -32767', () => {
    const q = quantizeLayer({ weights: f32a([0.001, -0.002]), biases: null, spikeThreshold: 1, minVMem: -1 });
    expect(q.scale).toBe(32767);
    expect(Array.from(q.weights)).toEqual([33, -66]);
    expect([q.spikeThreshold, q.minVMem]).toEqual([32767, -32767]);
  });
  it('θ 2, low -0.5: s 508, W [127, -64], θ 1016, low -254', () => {
    const q = quantizeLayer({ weights: f32a([0.25, -0.125]), biases: null, spikeThreshold: 2, minVMem: -0.5 });
    expect(q.scale).toBe(508);
    expect(Array.from(q.weights)).toEqual([127, -64]);
    expect([q.spikeThreshold, q.minVMem]).toEqual([1016, -254]);
  });
  it('leak network with state (TC-32): W 127, b -13, θ 127, low -127, V 127', () => {
    const q = quantizeLayer({ weights: f32a([1.0]), biases: f32a([-0.1]), spikeThreshold: 1, minVMem: -1, state: f32a([1, 1, 1]) });
    expect(q.scale).toBe(127);
    expect(Array.from(q.weights)).toEqual([127]);
    expect(Array.from(q.biases!)).toEqual([-13]);
    expect(Array.from(q.state!)).toEqual([127, 127, 127]);
  });
});

describe('scale of one tensor', () => {
  it('all-zero tensor never limits (Infinity)', () => expect(scaleFor(f32a([0, 0]), 8)).toBe(Infinity));
  it('scaled tensor reaches one end of the 8-bit range (TC-29)', () => {
    for (const factor of [1, 20, 1 / 20, -20]) {
      const x = f32a([0.3, -0.7, 1.9, -2.2, 0.05].map((v) => v * factor));
      const s = scaleFor(x, 8);
      const scaled = Array.from(x, (v) => v * s);
      expect(Math.max(...scaled)).toBeLessThanOrEqual(127.0001);
      expect(Math.min(...scaled)).toBeGreaterThanOrEqual(-128.0001);
      expect(Math.abs(Math.max(...scaled) - 127) < 1e-3 || Math.abs(Math.min(...scaled) + 128) < 1e-3).toBe(true);
    }
  });
});
