// A worker of the evaluation pool (tinypool): reads one sample's event file and runs it
// through the chip configuration it is given, in the mode asked, and returns the exit
// spikes (in 'both' modes: of each, and why they disagree when they do). One simulator
// per worker thread; nothing is shared between samples.

import { readFileSync } from 'node:fs';
import type { ChipConfig } from '../chips/chip-config.js';
import { detectEventInputFormat, readEventFile } from '../formats/event-files.js';
import { runSample, type SampleEntry, type SampleMode, type SampleResult } from '../sim/sample-run.js';
import { resolveEngine, type EngineName } from './native-engine.js';
import { runBothModes } from '../sim/mode-comparison.js';
import type { DisagreementCause } from '../sim/mode-disagreement.js';
import type { ReadoutRule } from '../sim/evaluation-metrics.js';
import { sliceBatch, type SpikeBatch } from '../common/spike-batch.js';
import type { InputMapping } from '../formats/events/input-mapping.js';
import type { PacketCodecs } from '../formats/events/packet-compression.js';
import { loadPacketCodecs } from './lz4-wasm.js';

// AEDAT4's LZ4 packets through the WebAssembly decoder once it has loaded (the same bytes
// as lz4js, which reads the samples that come before).
let codecs: PacketCodecs = {};
void loadPacketCodecs().then((c) => (codecs = c));

export interface EvalTask {
  config: ChipConfig;
  exitCore: number;
  exitChannels: number;
  entry: SampleEntry;
  path: string;
  /** 'both': chip semantics (the row's own result) and the time-stepped mode beside it. */
  mode: EvalMode;
  /** Mode 'both': the rule that decides whether the two modes disagree, and the cores along the chain. */
  readout?: ReadoutRule;
  coreOrder?: number[];
  dtUs: number;
  /** Only the first `windowUs` µs of the sample (from its first event) are fed; null: all. */
  windowUs: number | null;
  /** Camera recordings: the input mapping (window, crop, downsample, polarity, refractory) and the sensor size. */
  mapping?: InputMapping;
  sensor?: { width: number; height: number };
  /** The sample's bytes when it comes from elsewhere (the Redis queue); `path` then only names it. */
  bytes?: Uint8Array;
  /** Simulator engine ('native', 'wasm', 'js'); absent: the fastest this worker has. */
  engine?: EngineName;
}

export type EvalMode = SampleMode | 'both';

/** What the second mode of a 'both' evaluation gave, and why the modes disagree (null: they agree). */
export interface ComparedResult {
  compared: SampleResult;
  causes: DisagreementCause[] | null;
}

export type EvalTaskResult = (SampleResult & Partial<ComparedResult> & { ok: true; warnings: string[]; wallMs: number }) | { ok: false; error: string };

export default function evaluateSample(task: EvalTask): EvalTaskResult {
  if (task.bytes) return evaluateSampleBytes(task, task.path, task.bytes);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(task.path));
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  return evaluateSampleBytes(task, task.path, bytes);
}

/** One sample given as bytes (`name` tells its format by extension): the queue's workers get samples this way. */
/** A sample's events as the model takes them: read, mapped, sorted, cut to the window. Throws on a bad file. */
export function readSampleInput(task: Omit<EvalTask, 'path'>, name: string, bytes: Uint8Array): { input: SpikeBatch; warnings: string[] } {
  const read = readEventFile(bytes, detectEventInputFormat(name, bytes), {
    inputShape: task.entry.shape,
    layer: task.entry.layer,
    sort: true,
    dropOutOfRange: true,
    ...(task.mapping ? { mapping: task.mapping } : {}),
    ...(task.sensor ? { sensor: task.sensor } : {}),
  }, codecs);
  let input = read.batch;
  if (task.windowUs !== null && input.length > 0) {
    const end = input.t[0]! + task.windowUs;
    let n = 0;
    while (n < input.length && input.t[n]! < end) n++;
    input = sliceBatch(input, 0, n);
  }
  return { input, warnings: read.warnings };
}

export function evaluateSampleBytes(task: Omit<EvalTask, 'path'>, name: string, bytes: Uint8Array): EvalTaskResult {
  const t0 = performance.now();
  try {
    const read = readSampleInput(task, name, bytes);
    const input = read.input;
    const chosen = resolveEngine(task.engine);
    const engines = chosen.native ? { timestep: chosen.native, eventLoop: chosen.native } : { kernelImpl: chosen.kernelImpl };
    if (task.mode === 'both') {
      const both = runBothModes(task.config, { core: task.exitCore, channels: task.exitChannels }, task.entry, input, {
        dtUs: task.dtUs,
        readout: task.readout ?? 'count',
        coreOrder: task.coreOrder ?? [task.exitCore],
        engines,
      });
      return { ok: true, ...both.event, compared: both.timestep, causes: both.causes, warnings: read.warnings, wallMs: performance.now() - t0 };
    }
    const r = runSample(task.config, task.exitCore, task.exitChannels, task.entry, input, task.mode, task.dtUs, engines);
    return { ok: true, ...r, warnings: read.warnings, wallMs: performance.now() - t0 };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
