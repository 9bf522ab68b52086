// Time-stepped mode, rule by rule, on hand-built configurations (MultiSpike, subtract /
// zero reset, floor, bias every step, pooling, chain walking).

import { describe, expect, it } from 'vitest';
import { SimConfigError } from '../../../main/sim/chip-loader.js';
import { TimestepEngine } from '../../../main/sim/timestep-engine.js';
import { buildConfig, type TestCore } from './chip-config-builder.js';

const unit = (over: Partial<TestCore> = {}): TestCore => ({ core: 0, input: [1, 1, 1], outChannels: 1, kernel: 1, weights: [100], threshold: 30, low: -50, ...over });
const counts = (cfg: ReturnType<typeof buildConfig>, data: number[], opts = {}) => {
  const e = new TimestepEngine(cfg, opts);
  const r = e.run({ shape: [data.length, 1, 1, 1], data });
  return { out: Array.from(r.outputs.data), totals: r.layerSpikeTotals, engine: e };
};

describe('time-stepped IAF', () => {
  it('MultiSpike and subtract: [1, 0, 2] inputs of weight 100, θ 30 -> 3, 0, 7 spikes', () => {
    // t0: v 100 -> trunc(100/30) = 3 -> v 10; t1: 10 -> 0; t2: 10 + 200 = 210 -> 7 -> 0.
    expect(counts(buildConfig([unit()]), [1, 0, 2]).out).toEqual([3, 0, 7]);
  });

  it('reset to zero: 3, 0, 6', () => {
    // t0: 100 -> 3 spikes -> 0; t2: 200 -> 6 -> 0.
    expect(counts(buildConfig([unit({ returnToZero: true })]), [1, 0, 2]).out).toEqual([3, 0, 6]);
  });

  it('floor at threshold_low; negative v never spikes', () => {
    // weight −100: −100 -> floor −50; the next −50 − 100 -> −50.
    const r = counts(buildConfig([unit({ weights: [-100] })]), [1, 1]);
    expect(r.out).toEqual([0, 0]);
  });

  it('bias is added every step on leak cores', () => {
    // bias 20, no input: 20, 40 -> 1 spike -> 10, 30 -> 1 spike -> 0.
    expect(counts(buildConfig([unit({ biases: [20] })]), [0, 0, 0]).out).toEqual([0, 1, 1]);
  });

  it('sum pooling of the exit core uses the pooling written in its first (disabled) slot', () => {
    // 2x2 map of relays (w 10, θ 10), pooling 2 -> one output pixel with the sum.
    const cfg = buildConfig([{ core: 0, input: [1, 2, 2], outChannels: 1, kernel: 1, weights: [10], threshold: 10, destinations: [{ core: 0, pooling: 2, enable: false }] }]);
    const r = new TimestepEngine(cfg).run({ shape: [1, 1, 2, 2], data: [1, 2, 0, 3] });
    expect(r.outputs.shape).toEqual([1, 1, 1, 1]);
    expect(Array.from(r.outputs.data)).toEqual([6]);
  });

  it('walks the chain from the entry core and reports totals per chain position', () => {
    // core 6 -> core 2 (pool 1); core 6: w 100 θ 30; core 2: w 10 θ 25.
    // t0: core 6: 3 spikes -> core 2: 30 -> 1 spike (v 5). t1: core 6 v 10 + 100 = 110 -> 3 -> core 2: 5 + 30 = 35 -> 1.
    const cfg = buildConfig([unit({ core: 6, destinations: [{ core: 2 }] }), unit({ core: 2, weights: [10], threshold: 25 })]);
    const r = counts(cfg, [1, 1]);
    expect(r.engine.chain).toEqual([6, 2]);
    expect(r.totals).toEqual([
      [3, 3],
      [1, 1],
    ]);
    expect(r.out).toEqual([1, 1]);
  });

  it('the state carries over between runs until reset', () => {
    const e = new TimestepEngine(buildConfig([unit()]));
    e.run({ shape: [1, 1, 1, 1], data: [1] }); // v 10 left
    expect(Array.from(e.run({ shape: [1, 1, 1, 1], data: [0.2] }).outputs.data)).toEqual([1]); // 10 + 20 = 30 -> 1
    e.resetStates();
    expect(Array.from(e.run({ shape: [1, 1, 1, 1], data: [0.2] }).outputs.data)).toEqual([0]);
  });

  it('a fork sends to both destinations and a merge core sums its sources in the same step', () => {
    // core 0 (w 100, θ 30) -> cores 1 and 2; core 1 (w 10, θ 25) -> core 2; core 2 (w 1, θ 4) takes 0's and 1's spikes.
    // t0: core 0: 100 -> 3 spikes (v 10) -> core 1: 30 -> 1 spike (v 5); core 2 input 3 + 1 = 4 -> 1 spike (v 0).
    // t1: core 0: 10 + 100 = 110 -> 3 (v 20); core 1: 5 + 30 = 35 -> 1 (v 10); core 2: 4 -> 1.
    const fork = buildConfig([
      unit({ destinations: [{ core: 1 }, { core: 2 }] }),
      unit({ core: 1, weights: [10], threshold: 25, destinations: [{ core: 2 }] }),
      unit({ core: 2, weights: [1], threshold: 4 }),
    ]);
    const e = new TimestepEngine(fork);
    const r = e.run({ shape: [2, 1, 1, 1], data: [1, 1] });
    expect(e.chain).toEqual([0, 1, 2]);
    expect(r.destinationTotals).toEqual([[[3, 3], [3, 3]], [[1, 1]], [[1, 1]]]);
    expect(Array.from(r.outputs.data)).toEqual([1, 1]);
    expect(r.exits.map((x) => x.core)).toEqual([2]);
  });

  it('several entry cores take the same raster (entryCores)', () => {
    const two = buildConfig([unit(), unit({ core: 1, weights: [40] })]);
    const r = new TimestepEngine(two, { entryCores: [0, 1] }).run({ shape: [1, 1, 1, 1], data: [1] });
    // core 0: 100 / 30 -> 3; core 1: 40 / 30 -> 1.
    expect(r.exits.map((x) => [x.core, Array.from(x.outputs.data)])).toEqual([[0, [3]], [1, [1]]]);
  });

  it('rejects cycles, ambiguous entries and rasters that do not fit the entry core', () => {
    const loop = buildConfig([unit({ destinations: [{ core: 1 }] }), unit({ core: 1, destinations: [{ core: 2 }] }), unit({ core: 2, destinations: [{ core: 1 }] })]);
    expect(() => new TimestepEngine(loop, { entryCore: 0 })).toThrow(/cores 1, 2 send events back in a cycle/);
    const two = buildConfig([unit(), unit({ core: 1 })]);
    expect(() => new TimestepEngine(two)).toThrow(SimConfigError);
    expect(() => new TimestepEngine(two)).toThrow(/cores 0, 1 receive no events/);
    expect(new TimestepEngine(two, { entryCore: 1 }).chain).toEqual([1]);
    expect(() => new TimestepEngine(buildConfig([unit()])).run({ shape: [1, 2, 1, 1], data: [0, 0] })).toThrow(/entry core 0 takes input \[1, 1, 1\]/);
  });

  it('DVS input: counts go through the DVS layer (merge, pooling 2) into its destination', () => {
    // merge + pool 2 on a 4x4 sensor patch -> 2x2 into core 3 (w 1, θ 100: no spikes; read the state via a 2nd step).
    const cfg = buildConfig([{ core: 3, input: [1, 2, 2], outChannels: 1, kernel: 1, weights: [10], threshold: 20, destinations: [{ core: 0, enable: false }] }], {
      dvs: { pass_sensor_events: true, merge: true, pooling: { x: 2, y: 2 }, cut: { x: 1, y: 1 }, destinations: [{ layer: 3, enable: true }, { layer: 0, enable: false }] },
    });
    const e = new TimestepEngine(cfg, { input: 'dvs' });
    expect(e.chain).toEqual([3]);
    // polarity 0 at (x 0, y 0) and polarity 1 at (x 1, y 1): both pool to (0, 0): input 2 -> 20 -> 1 spike.
    const data = new Array<number>(2 * 4 * 4).fill(0);
    data[0] = 1;
    data[16 + 4 + 1] = 1;
    expect(Array.from(e.run({ shape: [1, 2, 4, 4], data }).outputs.data)).toEqual([1, 0, 0, 0]);
  });
});
