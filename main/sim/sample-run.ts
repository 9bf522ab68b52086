// One sample of a dataset through a compiled chip configuration, in either mode: the
// chip's event-driven semantics (EventEngine) or the reference's time-stepped simulation
// of the quantized network (TimestepEngine, input binned at dtUs). It returns what a
// readout needs: the exit core's spikes per output channel, the time of the first exit
// spike, and the work done. Pure: events in, numbers out; the caller reads files.

import type { ChipConfig } from '../chips/chip-config.js';
import { EventEngine, type EventEngineOptions } from './event-engine.js';
import type { SimCounters } from './sim-counters.js';
import { binEvents } from './raster-events.js';
import type { SpikeBatch } from '../common/spike-batch.js';
import { TimestepEngine } from './timestep-engine.js';
import type { EventLoopBackend } from './event-loop-backend.js';
import type { TimestepBackend } from './timestep-backend.js';

export type SampleMode = 'event' | 'timestep';

export interface SampleEntry {
  /** Core (or LAYER_DVS) the input events are addressed to. */
  layer: number;
  /** [C, H, W] of the input. */
  shape: readonly [number, number, number];
  dvs: boolean;
}

export interface SampleResult {
  /** Exit spikes per output channel (after the exit core's pooling in time-stepped mode, its monitored neurons in event mode). */
  exitCounts: number[];
  /** Microseconds from the first input event to the first exit spike (null: none). */
  firstSpikeUs: number | null;
  /** Output channel of the first exit spike (time-stepped: the busiest channel of that step). */
  firstChannel: number | null;
  eventsIn: number;
  synapticOps: number;
}

/** Faster implementations to run a sample with (the native addon); absent: the TypeScript/WebAssembly engines. */
export interface SampleEngines {
  timestep?: TimestepBackend;
  eventLoop?: EventLoopBackend;
  kernelImpl?: 'auto' | 'js';
}

export function runSample(
  config: ChipConfig,
  exitCore: number,
  exitChannels: number,
  entry: SampleEntry,
  input: SpikeBatch,
  mode: SampleMode,
  dtUs: number,
  engines: SampleEngines = {},
): SampleResult {
  if (mode === 'event') {
    const options: EventEngineOptions = { ...(engines.eventLoop ? { native: engines.eventLoop } : {}), ...(engines.kernelImpl ? { kernelImpl: engines.kernelImpl } : {}) };
    const { counters: _counters, ...result } = runEventSample(config, exitCore, exitChannels, input, options);
    return result;
  }
  return runTimestepSample(config, exitChannels, entry, input, dtUs, engines.timestep);
}

/** Chip semantics with the engine's counters (drops by reason, spikes per core); `options` varies the not-established choices. */
export function runEventSample(config: ChipConfig, exitCore: number, exitChannels: number, input: SpikeBatch, options: EventEngineOptions = {}): SampleResult & { counters: SimCounters } {
  const counts = new Array<number>(exitChannels).fill(0);
  const t0 = input.length > 0 ? input.t[0]! : 0;
  const engine = new EventEngine(config, options);
  let first: number | null = null;
  let firstChannel: number | null = null;
  engine.process(input, (b) => {
    for (let i = 0; i < b.length; i++) {
      if (b.layer[i] !== exitCore) continue;
      const c = b.channel[i]!;
      if (c >= exitChannels) continue;
      counts[c]!++;
      if (first === null) {
        first = b.t[i]! - t0;
        firstChannel = c;
      }
    }
  });
  const counters = engine.counters();
  return { exitCounts: counts, firstSpikeUs: first, firstChannel, eventsIn: input.length, synapticOps: counters.synapticOps, counters };
}

/** The reference's time-stepped run of the quantized network, input binned at dtUs. */
export function runTimestepSample(config: ChipConfig, exitChannels: number, entry: SampleEntry, input: SpikeBatch, dtUs: number, backend?: TimestepBackend): SampleResult {
  const counts = new Array<number>(exitChannels).fill(0);
  const t0 = input.length > 0 ? input.t[0]! : 0;
  const last = input.length > 0 ? input.t[input.length - 1]! : t0;
  const bins = Math.floor((last - t0) / dtUs) + 1;
  const raster = binEvents(input, { layer: entry.layer, shape: entry.shape, bins, dtUs, t0 });
  const engine = new TimestepEngine(config, { ...(entry.dvs ? { input: 'dvs' as const } : {}), ...(backend ? { backend } : {}) });
  const r = engine.run(raster);
  const [T, C, H, W] = r.outputs.shape;
  let first: number | null = null;
  let firstChannel: number | null = null;
  for (let t = 0; t < T; t++) {
    let busiest = 0;
    for (let c = 0; c < C && c < exitChannels; c++) {
      let n = 0;
      for (let i = 0; i < H * W; i++) n += r.outputs.data[(t * C + c) * H * W + i]!;
      counts[c]! += n;
      if (first === null && n > busiest) {
        busiest = n;
        firstChannel = c;
      }
    }
    if (first === null && busiest > 0) first = t * dtUs;
  }
  return { exitCounts: counts, firstSpikeUs: first, firstChannel, eventsIn: input.length, synapticOps: r.synapticOps };
}
