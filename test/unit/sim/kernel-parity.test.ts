// The WebAssembly SIMD kernel must be indistinguishable from the JavaScript kernel:
// random chains (odd channel counts that leave SIMD padding lanes, strides, padding,
// pooling, both resets, states near saturation, many spikes) give the same monitored
// events, the same final states and the same counts with either kernel, in both orders.

import { describe, expect, it } from 'vitest';
import { EventEngine, type ProcessingOrder } from '../../../main/sim/event-engine.js';
import { wasmSimdAvailable } from '../../../main/sim/wasm-simd-kernel.js';
import { allocateBatch, concatBatches, packBatch, type SpikeBatch } from '../../../main/common/spike-batch.js';
import { buildConfig, type TestCore } from './chip-config-builder.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

function randomChain(seed: number) {
  const r = rng(seed);
  const n = 1 + r(3);
  const cores: TestCore[] = [];
  const pools: number[] = [];
  let shape: [number, number, number] = [1 + r(3), 6 + r(10), 6 + r(10)];
  const ids = [0, 1, 2, 3, 4, 5, 6, 7, 8].sort(() => r(3) - 1).slice(0, n);
  for (let i = 0; i < n; i++) {
    const k = 1 + r(4);
    const stride = 1 + r(2);
    const padding = r(Math.min(3, k));
    const F = 1 + r(20);
    const oh = Math.floor((shape[1] + 2 * padding - k) / stride) + 1;
    const ow = Math.floor((shape[2] + 2 * padding - k) / stride) + 1;
    if (oh < 2 || ow < 2) break;
    const pool = r(3) === 0 ? 2 : 1;
    const threshold = 20 + r(200);
    const nearTop = r(4) === 0;
    cores.push({
      core: ids[i]!,
      input: shape,
      outChannels: F,
      kernel: k,
      stride,
      padding,
      weights: () => (r(5) === 0 ? 0 : r(256) - 128),
      threshold: nearTop ? 32767 : threshold,
      low: -threshold - r(200),
      returnToZero: r(2) === 0,
      monitor: true,
      initial: Array.from({ length: F * oh * ow }, () => (nearTop ? 32700 + r(60) : r(2 * threshold) - threshold)),
      destinations: [{ core: 0, pooling: pool, enable: false }],
    });
    pools.push(pool);
    shape = [F, Math.floor(oh / pool), Math.floor(ow / pool)];
    if (shape[1] < 1 || shape[2] < 1) break;
  }
  // Chain the cores, each sending with its own pooling; the last one only monitors.
  for (let i = 0; i + 1 < cores.length; i++) cores[i]!.destinations = [{ core: cores[i + 1]!.core, pooling: pools[i]! }];
  const first = cores[0]!;
  const events = allocateBatch(3000);
  for (let e = 0; e < events.length; e++) {
    events.t[e] = e;
    events.layer[e] = first.core;
    events.channel[e] = r(first.input[0]);
    events.y[e] = r(first.input[1]);
    events.x[e] = r(first.input[2]);
  }
  return { config: buildConfig(cores), events, cores: cores.map((c) => c.core) };
}

function runWith(kernelImpl: 'js' | 'wasm-simd', order: ProcessingOrder, chain: ReturnType<typeof randomChain>) {
  const engine = new EventEngine(chain.config, { kernelImpl, order });
  const out: SpikeBatch[] = [];
  engine.process(chain.events, (b) => out.push(b));
  return {
    names: engine.kernelNames.filter((n) => n !== null),
    events: Buffer.from(packBatch(concatBatches(out))).toString('base64'),
    count: out.reduce((s, b) => s + b.length, 0),
    states: chain.cores.map((c) => Array.from(engine.coreState(c).data)),
    counters: engine.counters(),
  };
}

describe('WebAssembly SIMD kernel = JavaScript kernel', () => {
  it('SIMD is available in this runtime', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  for (let seed = 1; seed <= 24; seed++) {
    it(`random chain ${seed}`, () => {
      const chain = randomChain(seed);
      for (const order of ['depth-first', 'breadth-first'] as const) {
        const js = runWith('js', order, chain);
        const simd = runWith('wasm-simd', order, chain);
        expect(js.names.every((n) => n === 'js')).toBe(true);
        expect(simd.names.every((n) => n === 'wasm-simd')).toBe(true);
        expect(simd.count).toBe(js.count);
        expect(simd.events).toBe(js.events);
        expect(simd.states).toEqual(js.states);
        expect(simd.counters).toEqual(js.counters);
      }
    });
  }

  it('the random chains are busy enough to exercise spikes and both paths', () => {
    let spikes = 0;
    for (let seed = 1; seed <= 24; seed++) spikes += runWith('wasm-simd', 'depth-first', randomChain(seed)).count;
    expect(spikes).toBeGreaterThan(10_000);
  });
});
