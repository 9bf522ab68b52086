// One set of rules for compile and device: weights that are NaN or infinite, and a
// configuration the device's own checks refuse (a threshold that quantizes to 0), are
// compile errors naming the layer and the reason, not an "ok" compile and a failed run.

import { describe, expect, it } from 'vitest';
import { compileModel } from '../../../main/compiler/compile.js';
import type { Tensor } from '../../../main/formats/tensor.js';

const SOURCE = 'nn.Sequential(nn.Conv2d(1, 2, 3, bias=True), nn.ReLU())';

function weights(w: number[], b: number[]): Map<string, Tensor> {
  return new Map<string, Tensor>([
    ['0.weight', { dtype: 'F32', shape: [2, 1, 3, 3], data: Float32Array.from(w) }],
    ['0.bias', { dtype: 'F32', shape: [2], data: Float32Array.from(b) }],
  ]);
}

const GOOD = Array.from({ length: 18 }, (_, i) => (i % 5) / 10 - 0.2);

describe('compile refuses what the device would refuse', () => {
  it('a sound model compiles', () => {
    const r = compileModel({ source: SOURCE, weights: weights(GOOD, [0.1, -0.1]), inputShape: [1, 8, 8], device: 'speck2fdevkit' });
    expect(r.error).toBeNull();
    expect(r.ok).toBe(true);
  });

  it('a NaN weight is an error naming the layer, how many and where', () => {
    const w = [...GOOD];
    w[4] = NaN;
    w[9] = NaN;
    const r = compileModel({ source: SOURCE, weights: weights(w, [0.1, -0.1]), inputShape: [1, 8, 8], device: 'speck2fdevkit' });
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ stage: 'weights', code: 'NON_FINITE_WEIGHTS', layer: 0 });
    expect(r.error!.message).toBe('Chip layer 0 has 2 weights that are NaN or infinite (the first at index 4, value NaN); they cannot be quantized.');
    expect(r.config).toBeNull();
  });

  it('an infinite bias likewise', () => {
    const r = compileModel({ source: SOURCE, weights: weights(GOOD, [Infinity, 0]), inputShape: [1, 8, 8], device: 'speck2fdevkit' });
    expect(r.error).toMatchObject({ code: 'NON_FINITE_WEIGHTS', layer: 0 });
    expect(r.error!.message).toContain('1 biases that are NaN or infinite (the first at index 0, value Infinity)');
  });

  it('spike_threshold 0.001 with a weight of 1 quantizes the threshold to 0: refused at compile, as the device refuses it', () => {
    // The scale is 127 / max|w| = 127 (the largest weight is 1), so the threshold 0.001 * 127 = 0.127 rounds to 0.
    const w = GOOD.map((v, i) => (i === 0 ? 1 : v));
    const r = compileModel({ source: SOURCE, weights: weights(w, [0.1, -0.1]), inputShape: [1, 8, 8], device: 'speck2fdevkit', conversion: { spikeThreshold: 0.001 } });
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ stage: 'config', code: 'DEVICE_WOULD_REFUSE' });
    expect(r.error!.message).toMatch(/threshold_high 0 must be positive/);
  });
});
