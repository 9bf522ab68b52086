// One core, rule by rule (chip.md §9.2, §15, §16; TC-58, TC-59, TC-61, TC-62). Every
// expected number is computed by hand in the comments next to it.

import { describe, expect, it } from 'vitest';
import type { ChipConfig } from '../../../main/chips/chip-config.js';
import { EventEngine, type EventEngineOptions } from '../../../main/sim/event-engine.js';
import { batchFromEvents, eventsOfBatch, type SpikeBatch, type SpikeEvent } from '../../../main/common/spike-batch.js';
import { buildConfig, type TestCore } from './chip-config-builder.js';

/** w[ky][kx] = 10·ky + kx + 1: [[1, 2, 3], [11, 12, 13], [21, 22, 23]] */
const ramp = (_f: number, _c: number, ky: number, kx: number) => 10 * ky + kx + 1;

function run(engine: EventEngine, events: SpikeEvent[]): SpikeEvent[] {
  const out: SpikeBatch[] = [];
  engine.process(batchFromEvents(events), (b) => out.push(b));
  return out.flatMap(eventsOfBatch);
}

const ev = (layer: number, channel: number, y: number, x: number, t = 0): SpikeEvent => ({ t, layer, channel, x, y });

function single(core: Partial<TestCore> & Pick<TestCore, 'input' | 'outChannels' | 'kernel' | 'weights' | 'threshold'>, family?: 'speck2f' | 'dynapcnn') {
  return buildConfig([{ core: 0, monitor: true, ...core }], family ? { family } : {});
}

// Every rule is checked with both built-in kernels: JavaScript and WebAssembly SIMD.
for (const kernelImpl of ['js', 'wasm-simd'] as const) {
  const make = (config: ChipConfig, options: EventEngineOptions = {}) => new EventEngine(config, { kernelImpl, ...options });

  describe(`kernel ${kernelImpl}`, () => {
    describe('event-driven convolution', () => {
      it('one event reaches exactly the neurons whose window covers it (cross-correlation, no flip)', () => {
        // Input 1x4x4, kernel 3, stride 1, no padding -> 2x2 map. Event at (y 1, x 2):
        // oy = y − ky: ky 0 -> 1, ky 1 -> 0 (ky 2 -> −1 out); ox = x − kx: kx 1 -> 1, kx 2 -> 0 (kx 0 -> 2 out).
        // (0,0) gets w[1][2] = 13, (0,1) w[1][1] = 12, (1,0) w[0][2] = 3, (1,1) w[0][1] = 2.
        // Channel 1 has the negated kernel.
        const e = make(
          single({ input: [1, 4, 4], outChannels: 2, kernel: 3, weights: (f, c, ky, kx) => (f === 0 ? 1 : -1) * ramp(f, c, ky, kx), threshold: 1000 }),
        );
        expect(run(e, [ev(0, 0, 1, 2)])).toEqual([]);
        expect(Array.from(e.coreState(0).data)).toEqual([13, 12, 3, 2, -13, -12, -3, -2]);
        expect(e.counters().synapticOps).toBe(8);
      });

      it('stride 2 with padding 1: border and corner events', () => {
        // Input 5x5, k 3, s 2, p 1 -> 3x3 map. out·2 − 1 + k = in.
        // (y 0, x 4): ky = 1 − 2·oy -> oy 0 (ky 1); kx = 5 − 2·ox -> ox 2 (kx 1): one update, w[1][1] = 12 at (0, 2).
        // (y 3, x 3): ky = 4 − 2·oy -> oy 1 (ky 2), oy 2 (ky 0); same for x:
        //   (1,1) w[2][2] = 23, (1,2) w[2][0] = 21, (2,1) w[0][2] = 3, (2,2) w[0][0] = 1.
        const e = make(single({ input: [1, 5, 5], outChannels: 1, kernel: 3, stride: 2, padding: 1, weights: ramp, threshold: 1000 }));
        run(e, [ev(0, 0, 0, 4)]);
        expect(Array.from(e.coreState(0).data)).toEqual([0, 0, 12, 0, 0, 0, 0, 0, 0]);
        run(e, [ev(0, 0, 3, 3)]);
        expect(Array.from(e.coreState(0).data)).toEqual([0, 0, 12, 0, 23, 21, 0, 3, 1]);
        expect(e.counters().synapticOps).toBe(5);
      });

      it('TC-58: (2 out, 2 in, 3x3) all ones on 5x5, event (c 0, y 2, x 2) -> 18 neuron updates', () => {
        const e = make(single({ input: [2, 5, 5], outChannels: 2, kernel: 3, weights: () => 1, threshold: 100 }));
        run(e, [ev(0, 0, 2, 2)]);
        expect(e.counters().synapticOps).toBe(18);
        expect(e.counters().perCore[0]!.eventsIn).toBe(1);
      });

      it('events outside the input map are dropped and counted', () => {
        const e = make(single({ input: [1, 4, 4], outChannels: 1, kernel: 1, weights: [1], threshold: 10 }));
        run(e, [ev(0, 0, 4, 0), ev(0, 1, 0, 0), ev(5, 0, 0, 0), ev(12, 0, 0, 0)]);
        const c = e.counters();
        expect(c.dropped.input_out_of_range).toBe(2);
        expect(c.dropped.unused_core).toBe(1);
        expect(c.dropped.invalid_layer).toBe(1);
        expect(c.eventsIn).toBe(4);
        expect(c.synapticOps).toBe(0);
      });
    });

    describe('integrate and fire (chip.md §9.2)', () => {
      const unit = (over: Partial<TestCore>) => single({ input: [1, 1, 1], outChannels: 1, kernel: 1, weights: [1], threshold: 5, ...over });

      it('TC-59 integer analogue: θ 5, subtract, 6 updates of +1 -> 1 spike, V = 1', () => {
        const e = make(unit({}));
        const out = run(e, [0, 1, 2, 3, 4, 5].map((t) => ev(0, 0, 0, 0, t)));
        expect(out).toEqual([{ t: 4, layer: 0, channel: 0, x: 0, y: 0 }]); // the 5th update reaches V = 5 = θ
        expect(e.readNeuronValue(0, 0)).toBe(1);
      });

      it('TC-61 one spike per update: V far above θ gives one spike and stays above, silently', () => {
        // weight 127, θ 50: 127 -> spike -> 77 (still >= θ, no second spike); 77 + 127 = 204 -> spike -> 154.
        // Two spikes, where the time-step MultiSpike of the sum 254 would give trunc(254 / 50) = 5.
        const e = make(unit({ weights: [127], threshold: 50, low: -127 }));
        expect(run(e, [ev(0, 0, 0, 0, 0)])).toHaveLength(1);
        expect(e.readNeuronValue(0, 0)).toBe(77);
        expect(run(e, [ev(0, 0, 0, 0, 1)])).toHaveLength(1);
        expect(e.readNeuronValue(0, 0)).toBe(154);
      });

      it('TC-61 with return_to_zero: 2 spikes, V = 0', () => {
        const e = make(unit({ weights: [127], threshold: 50, low: -127, returnToZero: true }));
        expect(run(e, [ev(0, 0, 0, 0, 0), ev(0, 0, 0, 0, 1)])).toHaveLength(2);
        expect(e.readNeuronValue(0, 0)).toBe(0);
      });

      it('subtract vs reset-to-zero after a spike', () => {
        // V 0 + 9 = 9 >= θ 5: subtract -> 4, zero -> 0.
        const sub = make(unit({ weights: [9] }));
        run(sub, [ev(0, 0, 0, 0)]);
        expect(sub.readNeuronValue(0, 0)).toBe(4);
        const zero = make(unit({ weights: [9], returnToZero: true }));
        run(zero, [ev(0, 0, 0, 0)]);
        expect(zero.readNeuronValue(0, 0)).toBe(0);
      });

      it('threshold_low is a floor', () => {
        // 0 − 100 = −100 < −50 -> −50; again -> −50.
        const e = make(unit({ weights: [-100], threshold: 100, low: -50 }));
        run(e, [ev(0, 0, 0, 0)]);
        expect(e.readNeuronValue(0, 0)).toBe(-50);
        run(e, [ev(0, 0, 0, 0)]);
        expect(e.readNeuronValue(0, 0)).toBe(-50);
      });

      it('saturates at 32767 before the threshold check', () => {
        // V 32757 + 100 = 32857 -> 32767 >= θ 32767 -> spike -> 32767 − 32767 = 0 (without saturation: 90).
        const e = make(unit({ weights: [100], threshold: 32767, initial: [32757] }));
        expect(run(e, [ev(0, 0, 0, 0)])).toHaveLength(1);
        expect(e.readNeuronValue(0, 0)).toBe(0);
      });

      it('saturates at −32768', () => {
        // V −32700 − 100 = −32800 -> −32768 (floor −32768 leaves it there).
        const e = make(unit({ weights: [-100], threshold: 1000, low: -32768, initial: [-32700] }));
        run(e, [ev(0, 0, 0, 0)]);
        expect(e.readNeuronValue(0, 0)).toBe(-32768);
      });

      it("stateOverflow 'wrap' wraps like a 16-bit register instead", () => {
        // −32700 − 100 = −32800 wraps to 32736 >= θ 1000 -> spike -> 31736.
        const e = make(unit({ weights: [-100], threshold: 1000, low: -32768, initial: [-32700] }), { behaviour: { stateOverflow: 'wrap' } });
        expect(run(e, [ev(0, 0, 0, 0)])).toHaveLength(1);
        expect(e.readNeuronValue(0, 0)).toBe(31736);
      });

      it('a zero weight still runs the threshold check on Speck2f (late spike of a neuron above θ)', () => {
        const e = make(unit({ weights: [0], threshold: 100, initial: [300] }));
        expect(run(e, [ev(0, 0, 0, 0)])).toHaveLength(1);
        expect(e.readNeuronValue(0, 0)).toBe(200);
        expect(e.counters().synapticOps).toBe(1);
      });

      it('on DYNAP-CNN (kill bits) a zero weight makes no update at all', () => {
        const e = make(single({ input: [1, 1, 1], outChannels: 1, kernel: 1, weights: [0], threshold: 100, initial: [300] }, 'dynapcnn'));
        expect(run(e, [ev(0, 0, 0, 0)])).toHaveLength(0);
        expect(e.readNeuronValue(0, 0)).toBe(300);
        expect(e.counters().synapticOps).toBe(0);
      });

      it('kill bits from the configuration are honoured, also for non-zero weights', () => {
        // f0 weight 7 killed by its kill bit, f1 weight 7 live: only f1 changes.
        const cfg = single({ input: [1, 1, 1], outChannels: 2, kernel: 1, weights: [7, 7], weightKill: [1, 0], threshold: 100 }, 'dynapcnn');
        const e = make(cfg);
        run(e, [ev(0, 0, 0, 0)]);
        expect(Array.from(e.coreState(0).data)).toEqual([0, 7]);
        // 'always-update' ignores kill bits.
        const all = make(cfg, { behaviour: { zeroWeightUpdate: 'always-update' } });
        run(all, [ev(0, 0, 0, 0)]);
        expect(Array.from(all.coreState(0).data)).toEqual([7, 7]);
      });

      it('TC-62: weight 127 = θ 127 fires exactly once; outputs inherit the input timestamp', () => {
        const cfg = single({ input: [1, 1, 1], outChannels: 1, kernel: 1, weights: [127], threshold: 127, low: -127 });
        const e = make(cfg);
        expect(run(e, [ev(0, 0, 0, 0, 0)])).toEqual([{ t: 0, layer: 0, channel: 0, x: 0, y: 0 }]);
        expect(run(e, [ev(0, 0, 0, 0, 1_000_000)])).toEqual([{ t: 1_000_000, layer: 0, channel: 0, x: 0, y: 0 }]);
      });
    });

    describe('update order within one event (chip.md §16: channel, then row, then column)', () => {
      it('monitored spikes of one event come out in that order', () => {
        // 3x3 input, k 2 -> 2x2 map, 2 channels, all weights 127 >= θ 100: the event at (1, 1)
        // reaches all 8 neurons and each spikes once.
        const e = make(single({ input: [1, 3, 3], outChannels: 2, kernel: 2, weights: () => 127, threshold: 100 }));
        const out = run(e, [ev(0, 0, 1, 1, 7)]);
        expect(out.map((o) => [o.channel, o.y, o.x])).toEqual([
          [0, 0, 0],
          [0, 0, 1],
          [0, 1, 0],
          [0, 1, 1],
          [1, 0, 0],
          [1, 0, 1],
          [1, 1, 0],
          [1, 1, 1],
        ]);
        expect(out.every((o) => o.t === 7 && o.layer === 0)).toBe(true);
      });
    });

    describe('reading and resetting state', () => {
      it('readNeuronValue uses the chip.md §15 address of the neuron map (TC-56 shape 16x32x32)', () => {
        // initial V[f][y][x] = 1000·f + 32·y + x; address 1077 = (c 5, x 3, y 2) -> 5067.
        const initial = Array.from({ length: 16 * 32 * 32 }, (_, i) => {
          const f = Math.floor(i / 1024);
          return 1000 * f + (i % 1024);
        });
        const e = make(single({ input: [1, 32, 32], outChannels: 16, kernel: 1, weights: () => 1, threshold: 32767, initial }));
        expect(e.readNeuronValue(0, 1077)).toBe(5067);
        expect(() => e.readNeuronValue(1, 0)).toThrow(/core 1 holds no layer/);
      });

      it('resetStates zeroes every neuron (devices.md §5.4); restoreInitialStates goes back to the configuration', () => {
        const e = make(single({ input: [1, 1, 2], outChannels: 1, kernel: 1, weights: [3], threshold: 100, initial: [5, 6] }));
        run(e, [ev(0, 0, 0, 1)]);
        expect(Array.from(e.coreState(0).data)).toEqual([5, 9]);
        e.resetStates();
        expect(Array.from(e.coreState(0).data)).toEqual([0, 0]);
        e.restoreInitialStates();
        expect(Array.from(e.coreState(0).data)).toEqual([5, 6]);
      });
    });
  });
}
