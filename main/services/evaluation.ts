// Evaluating a compiled model on a whole dataset: every sample in a pool of worker
// threads (tinypool, one simulator per thread), with progress, cancel, and memory bounded
// by the number of samples in flight (results are small rows; events never come back).
// Results go to `onSample` as they come (the CLI stores them in a project when asked) and
// samples already done are skipped, so a stopped evaluation can go on; it knows no transport.
// Mode 'both' runs each sample in chip semantics (the row's own result) and time-stepped
// (the row's `compared`), with the causes of a disagreement measured in the worker.

import type { InputMapping } from '../formats/events/input-mapping.js';
import Tinypool from 'tinypool';
import { availableParallelism } from 'node:os';
import type { CompileResult } from '../compiler/compile-types.js';
import { predict, summarise, type EvaluationSummary, type ReadoutRule } from '../sim/evaluation-metrics.js';
import type { SampleResult } from '../sim/sample-run.js';
import type { DisagreementCause } from '../sim/mode-disagreement.js';
import type { EvalMode, EvalTask, EvalTaskResult } from '../threads/eval-worker.js';
import { poolWorkerFile } from '../threads/pool-worker-file.js';
import type { EngineName } from '../threads/native-engine.js';
import type { Dataset, DatasetSample } from './dataset.js';
import { entryOf } from './run-inputs.js';
import { ServiceError } from './service-error.js';

export interface EvaluationOptions {
  mode: EvalMode;
  workers?: number;
  dtUs?: number;
  readout?: ReadoutRule;
  windowUs?: number | null;
  /** Camera recordings: mapped onto the model's input (see main/formats/events/input-mapping.ts). */
  mapping?: InputMapping;
  sensor?: { width: number; height: number };
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; samplesPerSecond: number; etaSeconds: number | null }) => void;
  /** Samples already evaluated (a resumed evaluation), by file: not run again, counted in the result. */
  done?: ReadonlyMap<string, SampleRow>;
  /** Called as each sample finishes (to store it); the next sample waits for it. */
  onSample?: (row: SampleRow) => void | Promise<void>;
  /** Where samples run: default a pool of worker threads here; the Redis queue for many machines. */
  runner?: SampleRunner;
  /** Simulator engine of every sample (absent: the fastest each worker has). */
  engine?: EngineName;
}

/** Runs one sample's task somewhere and gives its result. */
export interface SampleRunner {
  /** How many samples to keep in flight. */
  readonly lanes: number;
  /** Shown in results ("4 threads", "queue redis://..."). */
  readonly label: string;
  /** The settings shared by every sample, once, before the first `run`. */
  prepare?(base: Omit<EvalTask, 'path'>): Promise<void>;
  run(task: EvalTask, sample: DatasetSample): Promise<EvalTaskResult>;
  close(): Promise<void>;
}

/** The default runner: tinypool, one simulator per worker thread of this machine. */
export function threadPoolRunner(workers: number): SampleRunner {
  const pool = new Tinypool({ filename: poolWorkerFile(new URL('../threads/eval-worker.js', import.meta.url)), minThreads: workers, maxThreads: workers });
  return {
    lanes: workers,
    label: `${workers} worker thread${workers === 1 ? '' : 's'}`,
    run: async (task) => (await pool.run(task)) as EvalTaskResult,
    close: () => pool.destroy(),
  };
}

/** A prediction as a class name, or "channel N" for an output channel that is no class. */
export function predictedLabel(classes: readonly string[], predicted: number | null): string | null {
  return predicted === null ? null : (classes[predicted] ?? `channel ${predicted}`);
}

/** A sample's result in the second mode of a 'both' evaluation (the time-stepped one). */
export interface ModeOutcome {
  predicted: number | null;
  predictedLabel: string | null;
  exitCounts: number[];
  firstSpikeUs: number | null;
  synapticOps: number;
}

export interface SampleRow {
  file: string;
  label: string;
  labelIndex: number;
  predicted: number | null;
  predictedLabel: string | null;
  exitCounts: number[];
  firstSpikeUs: number | null;
  eventsIn: number;
  synapticOps: number;
  error?: string;
  /** Mode 'both': the time-stepped result beside this row's chip-semantics one. */
  compared?: ModeOutcome;
  /** Mode 'both': why the two modes predict differently; null when they agree. */
  causes?: DisagreementCause[] | null;
}

export interface EvaluationResult extends EvaluationSummary {
  mode: EvalMode;
  readout: ReadoutRule;
  workers: number;
  /** Where the samples ran, e.g. "2 worker threads" or "queue redis://lab-pc:6379". */
  runner: string;
  classes: string[];
  rows: SampleRow[];
  failed: number;
  wallMs: number;
  cancelled: boolean;
}

function outcomeOf(r: SampleResult, readout: ReadoutRule, classes: readonly string[]): ModeOutcome {
  const predicted = predict(r, readout);
  return { predicted, predictedLabel: predictedLabel(classes, predicted), exitCounts: r.exitCounts, firstSpikeUs: r.firstSpikeUs, synapticOps: r.synapticOps };
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** The exit layer that answers the dataset's classes; throws what does not fit (before anything is stored or run). */
export function exitFor(compiled: CompileResult, dataset: Pick<Dataset, 'classes'>): { layer: number; core: number; channels: number; ordering: number[] } {
  if (!compiled.ok || !compiled.config || !compiled.placement) throw new ServiceError('COMPILE_FAILED', `the model does not compile: ${compiled.error?.message ?? 'unknown error'}`);
  const layer = compiled.layers.length - 1;
  const channels = compiled.layers[layer]!.neuronShape[0];
  if (dataset.classes.length > channels) {
    throw new ServiceError(
      'BAD_DATASET',
      `the dataset has ${dataset.classes.length} classes but the model's exit layer has ${channels} output channels: channel i answers class i (${dataset.classes.join(', ')})`,
    );
  }
  return { layer, core: compiled.placement.ordering[layer]!, channels, ordering: [...compiled.placement.ordering] };
}

export async function evaluateDataset(compiled: CompileResult, dataset: Dataset, options: EvaluationOptions): Promise<EvaluationResult> {
  const exit = exitFor(compiled, dataset);
  const exitCore = exit.core;
  const exitChannels = exit.channels;
  const entry = entryOf(compiled);
  const workers = Math.max(1, Math.min(options.workers ?? defaultWorkers(), Math.max(1, dataset.samples.length - (options.done?.size ?? 0))));
  const readout = options.readout ?? 'count';
  const base: Omit<EvalTask, 'path'> = {
    config: compiled.config!,
    exitCore,
    exitChannels,
    entry: { layer: entry.layer, shape: entry.shape, dvs: compiled.dvs !== null },
    mode: options.mode,
    ...(options.mode === 'both' ? { readout, coreOrder: exit.ordering } : {}),
    dtUs: options.dtUs ?? 1000,
    windowUs: options.windowUs ?? null,
    ...(options.mapping ? { mapping: options.mapping } : {}),
    ...(options.sensor ? { sensor: options.sensor } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
  };
  const runner = options.runner ?? threadPoolRunner(workers);
  const t0 = performance.now();
  const rows: SampleRow[] = new Array<SampleRow>(dataset.samples.length);
  const todo: number[] = [];
  dataset.samples.forEach((s, i) => {
    const before = options.done?.get(s.file);
    if (before) rows[i] = before;
    else todo.push(i);
  });
  const resumed = dataset.samples.length - todo.length;
  let done = 0;
  let next = 0;
  const report = () => {
    const elapsed = (performance.now() - t0) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    options.onProgress?.({ done: resumed + done, total: dataset.samples.length, samplesPerSecond: rate, etaSeconds: rate > 0 ? (todo.length - done) / rate : null });
  };
  // Each lane keeps one sample in flight, so memory does not grow with the dataset.
  const lane = async () => {
    while (next < todo.length && !options.signal?.aborted) {
      const i = todo[next++]!;
      const s = dataset.samples[i]!;
      const r = await runner.run({ ...base, path: s.path }, s);
      const row: SampleRow = r.ok
        ? {
            file: s.file,
            label: s.label,
            labelIndex: s.labelIndex,
            predicted: null,
            predictedLabel: null,
            exitCounts: r.exitCounts,
            firstSpikeUs: r.firstSpikeUs,
            eventsIn: r.eventsIn,
            synapticOps: r.synapticOps,
          }
        : { file: s.file, label: s.label, labelIndex: s.labelIndex, predicted: null, predictedLabel: null, exitCounts: [], firstSpikeUs: null, eventsIn: 0, synapticOps: 0, error: r.error };
      if (r.ok) {
        row.predicted = predict(r, readout);
        row.predictedLabel = predictedLabel(dataset.classes, row.predicted);
        if (r.compared) {
          row.compared = outcomeOf(r.compared, readout, dataset.classes);
          row.causes = r.causes ?? null;
        }
      }
      rows[i] = row;
      await options.onSample?.(row);
      done++;
      report();
    }
  };
  try {
    await runner.prepare?.(base);
    await Promise.all(Array.from({ length: runner.lanes }, lane));
  } finally {
    await runner.close();
  }
  const finished = rows.filter((r): r is SampleRow => r !== undefined);
  const evaluated = finished.filter((r) => r.error === undefined);
  return {
    ...summarise(dataset.classes, evaluated),
    mode: options.mode,
    readout,
    workers: options.runner ? runner.lanes : workers,
    runner: runner.label,
    classes: dataset.classes,
    rows: finished,
    failed: finished.length - evaluated.length,
    wallMs: performance.now() - t0,
    cancelled: options.signal?.aborted === true && finished.length < dataset.samples.length,
  };
}
