// Leak (bias) on slow-clock ticks (chip.md §9.3, §10; TC-63).

import { describe, expect, it } from 'vitest';
import { EventEngine } from '../../../main/sim/event-engine.js';
import { batchFromEvents, eventsOfBatch, type SpikeBatch, type SpikeEvent } from '../../../main/common/spike-batch.js';
import { buildConfig, type TestCore } from './chip-config-builder.js';

const unit = (over: Partial<TestCore>): TestCore => ({ core: 0, input: [1, 1, 1], outChannels: 1, kernel: 1, weights: [127], threshold: 127, low: -127, monitor: true, ...over });
const collect = () => {
  const out: SpikeBatch[] = [];
  return { emit: (b: SpikeBatch) => out.push(b), events: (): SpikeEvent[] => out.flatMap(eventsOfBatch) };
};

describe('TC-63 leak with floor', () => {
  it('bias −13 at 1 Hz from V 127: 114, 101, 88, ... down to −127, then it stays', () => {
    // TC-32 network: weight 127, bias −13, θ 127, low −127, V 127 everywhere.
    const e = new EventEngine(buildConfig([unit({ biases: [-13], initial: [127] })]), { slowClockHz: 1 });
    const readings: number[] = [];
    const sink = collect();
    for (let s = 1; s <= 22; s++) {
      e.advanceTo(s * 1_000_000, sink.emit);
      readings.push(e.readNeuronValue(0, 0));
    }
    // 127 − 13·k for k = 1..19 (−120 at k = 19); k = 20 would be −133 -> floor −127.
    const expected = [114, 101, 88, 75, 62, 49, 36, 23, 10, -3, -16, -29, -42, -55, -68, -81, -94, -107, -120, -127, -127, -127];
    expect(readings).toEqual(expected);
    expect(sink.events()).toEqual([]);
    expect(e.counters().ticks).toBe(22);
  });

  it('ticks are at k·1e6/f µs, k = 1, 2, ...: nothing at t = 0 or just before the first tick', () => {
    const e = new EventEngine(buildConfig([unit({ biases: [-13], initial: [127] })]), { slowClockHz: 4 });
    const sink = collect();
    e.advanceTo(249_999, sink.emit);
    expect(e.readNeuronValue(0, 0)).toBe(127);
    e.advanceTo(250_000, sink.emit);
    expect(e.readNeuronValue(0, 0)).toBe(114);
  });

  it('a positive bias drives the neuron over threshold: leak updates can spike', () => {
    // bias +50, θ 127: 50, 100, 150 -> spike at tick 3 -> 23, 73, 123, 173 -> spike at tick 6 -> 46.
    const e = new EventEngine(buildConfig([unit({ biases: [50] })]), { slowClockHz: 1 });
    const sink = collect();
    e.advanceTo(6_000_000, sink.emit);
    expect(sink.events()).toEqual([
      { t: 3_000_000, layer: 0, channel: 0, x: 0, y: 0 },
      { t: 6_000_000, layer: 0, channel: 0, x: 0, y: 0 },
    ]);
    expect(e.readNeuronValue(0, 0)).toBe(46);
  });

  it('leakCanSpike false: the bias accumulates without spikes', () => {
    const e = new EventEngine(buildConfig([unit({ biases: [50] })]), { slowClockHz: 1, behaviour: { leakCanSpike: false } });
    const sink = collect();
    e.advanceTo(6_000_000, sink.emit);
    expect(sink.events()).toEqual([]);
    expect(e.readNeuronValue(0, 0)).toBe(300);
  });

  it('ticks come before input events with an equal timestamp (default), or after them', () => {
    // V 120, bias −13, weight 10, θ 127; tick and input both at t = 1 s.
    // ticks-first: 107, then 117: no spike.  events-first: 130 -> spike -> 3, then −10.
    const cfg = buildConfig([unit({ weights: [10], biases: [-13], initial: [120] })]);
    const input = batchFromEvents([{ t: 1_000_000, layer: 0, channel: 0, x: 0, y: 0 }]);
    const first = new EventEngine(cfg, { slowClockHz: 1 });
    const a = collect();
    first.process(input, a.emit);
    expect(a.events()).toEqual([]);
    expect(first.readNeuronValue(0, 0)).toBe(117);
    const after = new EventEngine(cfg, { slowClockHz: 1, behaviour: { tickOrder: 'events-first' } });
    const b = collect();
    after.process(input, b.emit);
    after.advanceTo(1_000_000, b.emit);
    expect(b.events()).toHaveLength(1);
    expect(after.readNeuronValue(0, 0)).toBe(-10);
  });

  it('input events carry time: ticks between them are applied in order', () => {
    // bias −13 at 1 Hz, weight 10, V 0: t 0.5 s: +10 = 10; tick 1 s: −3; t 1.5 s: +10 = 7; tick 2 s: −6; t 2.5 s: 4.
    const e = new EventEngine(buildConfig([unit({ weights: [10], biases: [-13] })]), { slowClockHz: 1 });
    e.process(batchFromEvents([500_000, 1_500_000, 2_500_000].map((t) => ({ t, layer: 0, channel: 0, x: 0, y: 0 }))), () => {});
    expect(e.readNeuronValue(0, 0)).toBe(4);
    expect(e.counters().ticks).toBe(2);
  });

  it('without a slow clock biases do nothing, and the engine says so', () => {
    const e = new EventEngine(buildConfig([unit({ biases: [-13], initial: [127] })]));
    e.advanceTo(10_000_000, () => {});
    expect(e.readNeuronValue(0, 0)).toBe(127);
    expect(e.warnings.map((w) => w.code)).toContain('LEAK_WITHOUT_SLOW_CLOCK');
  });

  it('restartClock starts the tick schedule again at 0 (a new forward) and keeps the state', () => {
    const e = new EventEngine(buildConfig([unit({ biases: [-13], initial: [127] })]), { slowClockHz: 1 });
    e.advanceTo(2_000_000, () => {});
    expect(e.readNeuronValue(0, 0)).toBe(101);
    e.restartClock();
    e.advanceTo(1_000_000, () => {});
    expect(e.readNeuronValue(0, 0)).toBe(88);
  });

  it('a zero bias still runs the threshold check on Speck2f, but is killed on DYNAP-CNN', () => {
    // V 300 above θ 127 with bias 0: Speck2f -> the tick spikes it (300 − 127 = 173); DYNAP-CNN -> no update.
    const f = new EventEngine(buildConfig([unit({ biases: [0], initial: [300], leak: true })]), { slowClockHz: 1 });
    const a = collect();
    f.advanceTo(1_000_000, a.emit);
    expect(a.events()).toHaveLength(1);
    expect(f.readNeuronValue(0, 0)).toBe(173);
    const d = new EventEngine(buildConfig([unit({ biases: [0], initial: [300], leak: true })], { family: 'dynapcnn' }), { slowClockHz: 1 });
    const b = collect();
    d.advanceTo(1_000_000, b.emit);
    expect(b.events()).toHaveLength(0);
    expect(d.readNeuronValue(0, 0)).toBe(300);
  });

  it('without leak cores, long gaps cost nothing per tick but every tick is counted', () => {
    // 1 MHz clock, an event 10^9 µs later: 10^9 ticks counted, the one at the event's time included (ticks first).
    const e = new EventEngine(buildConfig([unit({})]), { slowClockHz: 1_000_000 });
    e.process(batchFromEvents([{ t: 1e9, layer: 0, channel: 0, x: 0, y: 0 }]), () => {});
    expect(e.counters().ticks).toBe(1e9);
    e.advanceTo(1e9 + 5, () => {});
    expect(e.counters().ticks).toBe(1e9 + 5);
  });
});
