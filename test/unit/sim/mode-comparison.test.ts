// Both modes on one sample, and why they disagree, on single-core chips small enough to
// follow every neuron update by hand. The expected counts are worked out in the comments
// from the update rule (chip.md §9.2) and the time-stepped rule (trunc(v/θ) per step).

import { describe, expect, it } from 'vitest';
import { batchFromEvents, eventsOfBatch, type SpikeEvent } from '../../../main/common/spike-batch.js';
import { reverseWithinSteps, runBothModes } from '../../../main/sim/mode-comparison.js';
import { buildConfig } from './chip-config-builder.js';

const entry = { layer: 0, shape: [3, 1, 1] as [number, number, number], dvs: false };
const oneStep = { dtUs: 1_000_000, readout: 'count' as const, coreOrder: [0] };

function events(channels: readonly number[]): SpikeEvent[] {
  return channels.map((channel, t) => ({ t, layer: 0, channel, x: 0, y: 0 }));
}

describe('reverseWithinSteps', () => {
  it("reverses the events of each time step and gives them the step's first timestamp", () => {
    const input = batchFromEvents([
      { t: 0, layer: 0, channel: 0, x: 0, y: 0 },
      { t: 400, layer: 0, channel: 1, x: 0, y: 0 },
      { t: 999, layer: 0, channel: 2, x: 0, y: 0 },
      { t: 1000, layer: 0, channel: 3, x: 1, y: 0 },
      { t: 2500, layer: 0, channel: 4, x: 2, y: 0 },
      { t: 2600, layer: 0, channel: 5, x: 3, y: 0 },
    ]);
    // Steps of 1000 µs from t = 0: {0, 400, 999}, {1000}, {2500, 2600}.
    expect(eventsOfBatch(reverseWithinSteps(input, 1000))).toEqual([
      { t: 0, layer: 0, channel: 2, x: 0, y: 0 },
      { t: 0, layer: 0, channel: 1, x: 0, y: 0 },
      { t: 0, layer: 0, channel: 0, x: 0, y: 0 },
      { t: 1000, layer: 0, channel: 3, x: 1, y: 0 },
      { t: 2500, layer: 0, channel: 5, x: 3, y: 0 },
      { t: 2500, layer: 0, channel: 4, x: 2, y: 0 },
    ]);
  });
});

describe('runBothModes: causes of a disagreement', () => {
  it('names saturation when the 16-bit state is clipped on its way past threshold_high', () => {
    // θ = 32767. Output 0 takes weight 127 from input 0; output 1 takes 127 from input 1
    // and 1 from input 2.
    const config = buildConfig([{ core: 0, input: [3, 1, 1], outChannels: 2, kernel: 1, weights: [127, 0, 0, 0, 127, 1], threshold: 32767, monitor: true }]);
    // Input 0: 1033 events. Chip: 258 events reach 32766, the 259th sums to 32893, clipped
    // to 32767, spikes and leaves 0: one spike per 259 events, 3 spikes (777 events).
    // Time-stepped: 1033·127 = 131191 in one step, trunc(131191 / 32767) = 4 spikes.
    // Input 1 then 2, four times (258 + 1 events): 258·127 + 1 = 32767 exactly, never
    // clipped: 4 spikes in both modes.
    const block = [...new Array<number>(258).fill(1), 2];
    const input = batchFromEvents(events([...new Array<number>(1033).fill(0), ...block, ...block, ...block, ...block]));
    const r = runBothModes(config, { core: 0, channels: 2 }, entry, input, oneStep);
    expect(r.event.exitCounts).toEqual([3, 4]);
    expect(r.timestep.exitCounts).toEqual([4, 4]);
    // Chip: channel 1 (4 > 3); time-stepped: a tie, the lower channel 0. A wrap-around
    // state turns the 259th sum into -32643 instead of a spike, so core 0 spikes
    // differently; reversing the step gives output 1 the 1 first (1 + 32766 = 32767, still exact).
    expect(r.causes).toEqual([{ kind: 'saturation', core: 0 }]);
  });

  it('names ordering when the order of events inside one time step decides the prediction', () => {
    // θ = 10, threshold_low = -5. Output 0: +10 from input 0, -10 from input 1; output 1: +10 from input 2.
    const config = buildConfig([{ core: 0, input: [3, 1, 1], outChannels: 2, kernel: 1, weights: [10, -10, 0, 0, 0, 10], threshold: 10, low: -5, monitor: true }]);
    // Chip, order 0, 1, 2: output 0 spikes at +10 (back to 0), then -10 is floored at -5;
    // output 1 spikes: [1, 1], channel 0 on the tie. Time-stepped: output 0 sums
    // 10 - 10 = 0, no spike: [0, 1], channel 1. Reversed (2, 1, 0): output 0 goes to -5,
    // then +10 gives 5, no spike: [0, 1], channel 1.
    const r = runBothModes(config, { core: 0, channels: 2 }, entry, batchFromEvents(events([0, 1, 2])), oneStep);
    expect(r.event.exitCounts).toEqual([1, 1]);
    expect(r.timestep.exitCounts).toEqual([0, 1]);
    expect(r.causes).toEqual([{ kind: 'ordering', predicted: 1 }]);
  });

  it('names the events the output decimator dropped, which the time-stepped mode keeps', () => {
    // θ = 10, weight 10: every input event is one spike of its output. Decimator code 0:
    // one spike in 2 passes (the 2nd, 4th, ...), counted over the core.
    const config = buildConfig([{ core: 0, input: [3, 1, 1], outChannels: 2, kernel: 1, weights: [10, 0, 0, 0, 10, 0], threshold: 10, monitor: true, decimator: 0 }]);
    // Inputs 0, 1, 0, 1, 0: spikes of outputs 0, 1, 0, 1, 0; the 2nd and 4th pass, both
    // output 1: [0, 2], channel 1; 3 dropped. Time-stepped: [3, 2], channel 0. The
    // sequence reads the same reversed, and nothing overflows.
    const r = runBothModes(config, { core: 0, channels: 2 }, entry, batchFromEvents(events([0, 1, 0, 1, 0])), oneStep);
    expect(r.event.exitCounts).toEqual([0, 2]);
    expect(r.timestep.exitCounts).toEqual([3, 2]);
    expect(r.causes).toEqual([{ kind: 'dropped_events', reason: 'decimator', events: 3 }]);
  });

  it('runs no probes and names no cause when the modes agree', () => {
    const config = buildConfig([{ core: 0, input: [3, 1, 1], outChannels: 2, kernel: 1, weights: [10, 0, 0, 0, 10, 0], threshold: 10, monitor: true }]);
    // [2, 1] in both modes: channel 0.
    const r = runBothModes(config, { core: 0, channels: 2 }, entry, batchFromEvents(events([0, 1, 0])), oneStep);
    expect(r.event.exitCounts).toEqual([2, 1]);
    expect(r.timestep.exitCounts).toEqual([2, 1]);
    expect(r.causes).toBeNull();
  });
});
