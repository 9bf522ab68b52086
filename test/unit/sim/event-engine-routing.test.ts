// Routing between cores (chip.md §8, §11, §14, §16): sum pooling, feature shift, monitors
// tapping pre-pooling spikes, two destinations, two sources in depth-first vs
// breadth-first order, the decimator, routing cycles. Expected values computed by hand.

import { describe, expect, it } from 'vitest';
import { decimatorDivisor } from '../../../main/sim/chip-behaviour.js';
import { SimConfigError } from '../../../main/sim/chip-loader.js';
import { EventEngine, SimulationRunawayError, type EventEngineOptions } from '../../../main/sim/event-engine.js';
import { batchFromEvents, eventsOfBatch, type SpikeBatch, type SpikeEvent } from '../../../main/common/spike-batch.js';
import { buildConfig, type TestCore } from './chip-config-builder.js';

function run(engine: EventEngine, events: SpikeEvent[]): SpikeEvent[] {
  const out: SpikeBatch[] = [];
  engine.process(batchFromEvents(events), (b) => out.push(b));
  return out.flatMap(eventsOfBatch);
}
const ev = (layer: number, channel: number, y: number, x: number, t = 0): SpikeEvent => ({ t, layer, channel, x, y });

/** A 1x1-kernel relay: every input event makes the neuron at the same position spike once (127 >= θ 127, back to 0). */
const relay = (core: number, input: [number, number, number], extra: Partial<TestCore> = {}): TestCore => ({
  core,
  input,
  outChannels: input[0],
  kernel: 1,
  weights: (f, c) => (f === c ? 127 : 0),
  threshold: 127,
  low: -127,
  ...extra,
});

describe('sum pooling and feature shift on the way to a destination', () => {
  it('TC-60: pooling 2 maps neuron (y 4, x 4) of an 8x8 map to input (y 2, x 2)', () => {
    const cfg = buildConfig([relay(0, [1, 8, 8], { destinations: [{ core: 3, pooling: 2 }] }), relay(3, [1, 4, 4], { monitor: true })]);
    expect(run(new EventEngine(cfg), [ev(0, 0, 4, 4, 9)])).toEqual([{ t: 9, layer: 3, channel: 0, x: 2, y: 2 }]);
  });

  it('pooling 4 and the floor-mode remainder: coordinates past the pooled map are dropped', () => {
    // 5x5 map, pooling 4 -> 1x1 destination input: (3, 3) -> (0, 0) passes, (4, 4) -> (1, 1) is dropped.
    const cfg = buildConfig([relay(0, [1, 5, 5], { destinations: [{ core: 1, pooling: 4 }] }), relay(1, [1, 1, 1], { monitor: true })]);
    const e = new EventEngine(cfg);
    expect(run(e, [ev(0, 0, 3, 3), ev(0, 0, 4, 4)])).toEqual([{ t: 0, layer: 1, channel: 0, x: 0, y: 0 }]);
    expect(e.counters().dropped.pooled_out_of_range).toBe(1);
    expect(e.counters().perCore[1]!.dropped).toBe(1);
  });

  it('feature_shift adds to the channel; channels past the destination input are dropped', () => {
    // Core 0 has 2 channels, shift 1 into a 2-channel core: channel 0 -> 1, channel 1 -> 2 (dropped).
    const cfg = buildConfig([relay(0, [2, 1, 1], { destinations: [{ core: 1, featureShift: 1 }] }), relay(1, [2, 1, 1], { monitor: true })]);
    const e = new EventEngine(cfg);
    expect(run(e, [ev(0, 0, 0, 0), ev(0, 1, 0, 0)]).map((o) => o.channel)).toEqual([1]);
    expect(e.counters().dropped.feature_shift).toBe(1);
    expect(e.warnings.map((w) => w.code)).toContain('FEATURE_SHIFT_OVERFLOW');
  });

  it('monitoring taps the neuron output before pooling (layer = core id)', () => {
    const cfg = buildConfig([relay(0, [1, 8, 8], { monitor: true, destinations: [{ core: 1, pooling: 2 }] }), relay(1, [1, 4, 4])]);
    const e = new EventEngine(cfg);
    expect(run(e, [ev(0, 0, 5, 3)])).toEqual([{ t: 0, layer: 0, channel: 0, x: 3, y: 5 }]);
    expect(e.warnings.map((w) => w.code)).toContain('MONITOR_POOLING');
  });

  it('two destinations, depth-first: each spike is followed through slot 0, then slot 1, before the next', () => {
    // Core 0 (2 neurons, 2 channels) -> cores 1 and 2, all monitored. One input event per channel.
    const cfg = buildConfig([
      relay(0, [2, 1, 1], { monitor: true, destinations: [{ core: 1 }, { core: 2 }] }),
      relay(1, [2, 1, 1], { monitor: true }),
      relay(2, [2, 1, 1], { monitor: true }),
    ]);
    const out = run(new EventEngine(cfg), [ev(0, 0, 0, 0), ev(0, 1, 0, 0)]);
    expect(out.map((o) => [o.layer, o.channel])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
  });
});

describe('two sources into one core: depth-first vs breadth-first (chip.md §16)', () => {
  // Input A (core 0) and input B (core 1) at the same time. A reaches core 3 through a relay
  // (core 2); B reaches it directly, on channel 1 (feature_shift 1). Core 3: +100 from
  // channel 0, −100 from channel 1, θ 100, floor −50.
  //   depth-first:   A -> 2 -> 3: 0 + 100 = 100 >= θ -> spike -> 0;  then B -> 3: 0 − 100 -> floor −50.
  //                  1 spike, V = −50.
  //   breadth-first: level 1: A and B; queue: [2 (from A), 3 (from B)]; 3 gets −100 -> −50 first,
  //                  then 2's spike: −50 + 100 = 50 < θ. 0 spikes, V = 50.
  const cfg = buildConfig([
    relay(0, [1, 1, 1], { destinations: [{ core: 2 }] }),
    relay(1, [1, 1, 1], { destinations: [{ core: 3, featureShift: 1 }] }),
    relay(2, [1, 1, 1], { destinations: [{ core: 3 }] }),
    { core: 3, input: [2, 1, 1], outChannels: 1, kernel: 1, weights: [100, -100], threshold: 100, low: -50, monitor: true },
  ]);
  const inputs = [ev(0, 0, 0, 0, 5), ev(1, 0, 0, 0, 5)];

  it('depth-first (default): 1 spike, V = −50', () => {
    const e = new EventEngine(cfg);
    expect(run(e, inputs)).toEqual([{ t: 5, layer: 3, channel: 0, x: 0, y: 0 }]);
    expect(e.readNeuronValue(3, 0)).toBe(-50);
  });

  it('breadth-first: no spike, V = 50', () => {
    const e = new EventEngine(cfg, { order: 'breadth-first' });
    expect(run(e, inputs)).toEqual([]);
    expect(e.readNeuronValue(3, 0)).toBe(50);
  });

  it('in a plain chain both orders give the same spikes', () => {
    const chain = buildConfig([
      { core: 0, input: [1, 4, 4], outChannels: 2, kernel: 2, weights: (f, c, ky, kx) => 40 + 10 * f - 5 * ky + kx, threshold: 90, low: -90, destinations: [{ core: 1 }] },
      { core: 1, input: [2, 3, 3], outChannels: 1, kernel: 3, weights: (_f, c, ky, kx) => (c === 0 ? 30 : -10) + ky * kx, threshold: 60, low: -60, monitor: true },
    ]);
    const inputs = Array.from({ length: 40 }, (_, i) => ev(0, 0, (i * 7) % 4, (i * 3) % 4, i));
    const count = (o: EventEngineOptions) => {
      const e = new EventEngine(chain, o);
      const out = run(e, inputs);
      return { n: out.length, state: Array.from(e.coreState(1).data) };
    };
    const df = count({});
    expect(df.n).toBeGreaterThan(0);
    expect(count({ order: 'breadth-first' })).toEqual(df);
  });
});

describe('output decimator (chip.md §14)', () => {
  it('N = 2^(code+1) by default; the overview table as an option', () => {
    expect([0, 1, 2, 7].map((c) => decimatorDivisor(c, 'power-of-two'))).toEqual([2, 4, 8, 256]);
    expect([0, 4, 5, 7].map((c) => decimatorDivisor(c, 'overview-table'))).toEqual([2, 32, 128, 512]);
    expect(() => decimatorDivisor(8, 'power-of-two')).toThrow(/0\.\.7/);
  });

  const cfg = (decimator: number) => buildConfig([relay(0, [1, 1, 1], { monitor: true, decimator, destinations: [{ core: 1 }] }), relay(1, [1, 1, 1], { monitor: true })]);
  const four = [1, 2, 3, 4].map((t) => ev(0, 0, 0, 0, t));

  it('code 0 passes every 2nd spike (last of each group of N by default) to monitor and destinations', () => {
    const e = new EventEngine(cfg(0));
    expect(run(e, four).map((o) => [o.layer, o.t])).toEqual([
      [0, 2],
      [1, 2],
      [0, 4],
      [1, 4],
    ]);
    expect(e.counters().dropped.decimator).toBe(2);
  });

  it("'first-of-n' passes spikes 1, N+1, ...; code 1 means N = 4", () => {
    const e = new EventEngine(cfg(1), { behaviour: { decimatorPass: 'first-of-n' } });
    expect(run(e, [...four, ...[5, 6].map((t) => ev(0, 0, 0, 0, t))]).map((o) => [o.layer, o.t])).toEqual([
      [0, 1],
      [1, 1],
      [0, 5],
      [1, 5],
    ]);
  });

  it('decimatorBeforeMonitor false: the monitor sees every spike, destinations the decimated stream', () => {
    const e = new EventEngine(cfg(0), { behaviour: { decimatorBeforeMonitor: false } });
    expect(run(e, four).map((o) => [o.layer, o.t])).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
      [0, 3],
      [0, 4],
      [1, 4],
    ]);
  });

  it('families without a decimator reject enabling it', () => {
    const c = buildConfig([relay(0, [1, 1, 1], { decimator: 0 })], { family: 'dynapcnn' });
    expect(() => new EventEngine(c)).toThrow(SimConfigError);
    expect(() => new EventEngine(c)).toThrow(/DYNAP-CNN has no output decimator/);
  });
});

describe('routing cycles', () => {
  it('depth-first delivers a spike before the rest of the event’s updates, even back into the same core', () => {
    // Core 0: inputs c0 (external), c1 (its own channel-0 spikes, feature_shift 1); outputs f0, f1.
    // w[f0][c0] = 127, w[f1][c0] = −100, w[f0][c1] = 0, w[f1][c1] = 60; θ 100, floor −50.
    // Event (c0): f0: 127 -> spike -> 27; that spike comes back as c1 at once:
    //   f0: 27 + 0 = 27, f1: 0 + 60 = 60; then the event goes on: f1: 60 − 100 = −40.
    // Breadth-first updates the whole event first: f1: −100 -> −50; then the spike: −50 + 60 = 10.
    const cfg = buildConfig([
      { core: 0, input: [2, 1, 1], outChannels: 2, kernel: 1, weights: [127, 0, -100, 60], threshold: 100, low: -50, monitor: true, destinations: [{ core: 0, featureShift: 1 }] },
    ]);
    const df = new EventEngine(cfg);
    expect(df.warnings.map((w) => w.code)).toContain('ROUTING_CYCLE');
    expect(run(df, [ev(0, 0, 0, 0)])).toHaveLength(1);
    expect(Array.from(df.coreState(0).data)).toEqual([27, -40]);
    const bf = new EventEngine(cfg, { order: 'breadth-first' });
    run(bf, [ev(0, 0, 0, 0)]);
    expect(Array.from(bf.coreState(0).data)).toEqual([27, 10]);
  });

  it('a cycle that feeds itself forever stops with a runaway error', () => {
    // 127 − 100 = 27, +127 = 154 -> 54, +127 = 181 -> 81, ... every update spikes again.
    const cfg = buildConfig([{ core: 0, input: [1, 1, 1], outChannels: 1, kernel: 1, weights: [127], threshold: 100, destinations: [{ core: 0 }] }]);
    expect(() => run(new EventEngine(cfg, { maxEventsPerInput: 1000 }), [ev(0, 0, 0, 0)])).toThrow(SimulationRunawayError);
  });
});

describe('streaming', () => {
  it('consecutive chunks give the same output as one batch; only monitored events come out', () => {
    const chain = buildConfig([
      { core: 2, input: [1, 6, 6], outChannels: 3, kernel: 3, padding: 1, weights: (f, _c, ky, kx) => 20 + 9 * f + 3 * ky - 2 * kx, threshold: 70, low: -70, destinations: [{ core: 5, pooling: 2 }] },
      { core: 5, input: [3, 3, 3], outChannels: 2, kernel: 2, weights: (f, c) => 30 + 5 * c - 10 * f, threshold: 50, low: -50, monitor: true },
    ]);
    const inputs = Array.from({ length: 300 }, (_, i) => ev(2, 0, (i * 5) % 6, (i * 11) % 6, i * 10));
    const whole = run(new EventEngine(chain), inputs);
    expect(whole.length).toBeGreaterThan(10);
    expect(new Set(whole.map((o) => o.layer))).toEqual(new Set([5]));
    const e = new EventEngine(chain, { outputBatchSize: 7 });
    const pieces: SpikeEvent[] = [];
    for (let s = 0; s < inputs.length; s += 37) {
      e.process(batchFromEvents(inputs.slice(s, s + 37)), (b) => {
        expect(b.length).toBeLessThanOrEqual(7);
        pieces.push(...eventsOfBatch(b));
      });
    }
    expect(pieces).toEqual(whole);
  });

  it('shouldStop ends processing after the current event and reports how many were consumed', () => {
    const e = new EventEngine(buildConfig([relay(0, [1, 1, 1], { monitor: true })]));
    const inputs = batchFromEvents(Array.from({ length: 1000 }, (_, i) => ev(0, 0, 0, 0, i)));
    let polls = 0;
    const out: SpikeBatch[] = [];
    const n = e.process(inputs, (b) => out.push(b), { shouldStop: () => ++polls >= 2 });
    expect(n).toBe(512); // polled every 256 events: at 256 (no), at 512 (stop)
    expect(out.reduce((s, b) => s + b.length, 0)).toBe(512);
  });
});
