// One sample in both modes: chip semantics (the evaluated run) and the time-stepped
// reference. When their predictions differ, two more chip-semantics runs measure why:
// one with a 16-bit wrap-around state (it differs from the saturating run only where the
// state left its range) and one with the input reversed inside every time step (the
// time-stepped mode sums a step, so only the chip can see that order). Samples that
// agree cost the two runs only. Pure: events in, numbers out.

import type { ChipConfig } from '../chips/chip-config.js';
import { allocateBatch, type SpikeBatch } from '../common/spike-batch.js';
import { predict, type ReadoutRule } from './evaluation-metrics.js';
import { attributeDisagreement, type DisagreementCause } from './mode-disagreement.js';
import { runEventSample, runTimestepSample, type SampleEngines, type SampleEntry, type SampleResult } from './sample-run.js';
import type { EventEngineOptions } from './event-engine.js';

export interface BothModesResult {
  event: SampleResult;
  timestep: SampleResult;
  /** Null when both modes predict the same. */
  causes: DisagreementCause[] | null;
}

/**
 * The input with the events of each time step (bins of dtUs from the first event, as the
 * time-stepped mode bins them) in reverse order, all at the step's first timestamp so
 * time still never goes backwards.
 */
export function reverseWithinSteps(input: SpikeBatch, dtUs: number): SpikeBatch {
  const n = input.length;
  const out = allocateBatch(n);
  if (n === 0) return out;
  const t0 = input.t[0]!;
  let start = 0;
  while (start < n) {
    const bin = Math.floor((input.t[start]! - t0) / dtUs);
    let end = start + 1;
    while (end < n && Math.floor((input.t[end]! - t0) / dtUs) === bin) end++;
    for (let k = 0; k < end - start; k++) {
      const from = end - 1 - k;
      const to = start + k;
      out.t[to] = input.t[start]!;
      out.x[to] = input.x[from]!;
      out.y[to] = input.y[from]!;
      out.channel[to] = input.channel[from]!;
      out.layer[to] = input.layer[from]!;
    }
    start = end;
  }
  return out;
}

const spikesPerCore = (r: { counters: { perCore: ReadonlyArray<{ spikesOut: number }> } }) => r.counters.perCore.map((c) => c.spikesOut);

export function runBothModes(
  config: ChipConfig,
  exit: { core: number; channels: number },
  entry: SampleEntry,
  input: SpikeBatch,
  options: { dtUs: number; readout: ReadoutRule; coreOrder: readonly number[]; engines?: SampleEngines },
): BothModesResult {
  const engines = options.engines ?? {};
  const eventOptions: EventEngineOptions = { ...(engines.eventLoop ? { native: engines.eventLoop } : {}), ...(engines.kernelImpl ? { kernelImpl: engines.kernelImpl } : {}) };
  const chip = runEventSample(config, exit.core, exit.channels, input, eventOptions);
  const timestep = runTimestepSample(config, exit.channels, entry, input, options.dtUs, engines.timestep);
  const { counters, ...event } = chip;
  const predicted = predict(event, options.readout);
  if (predicted === predict(timestep, options.readout)) return { event, timestep, causes: null };
  const wrapped = runEventSample(config, exit.core, exit.channels, input, { ...eventOptions, behaviour: { stateOverflow: 'wrap' } });
  const reordered = runEventSample(config, exit.core, exit.channels, reverseWithinSteps(input, options.dtUs), eventOptions);
  const causes = attributeDisagreement({
    coreOrder: options.coreOrder,
    run: { dropped: counters.dropped, coreSpikes: spikesPerCore(chip), predicted },
    wrapped: { coreSpikes: spikesPerCore(wrapped) },
    reordered: { predicted: predict(reordered, options.readout) },
  });
  return { event, timestep, causes };
}
