// `dcnn eval --project P`: the evaluation kept in the project, sample by sample as they
// finish, and found again by the same model, dataset and settings so that a stopped or
// crashed evaluation goes on with the samples it has not done. Also the CSV of samples.

import { chipConfigToJson } from '../chips/chip-config-json.js';
import type { CompileResult } from '../compiler/compile-types.js';
import type { EvaluationResult, SampleRow } from '../services/evaluation.js';
import type { StoredSample } from '../store/evaluations.js';
import type { Project } from '../store/project.js';
import type { PreparedCompile } from './commands/compile.js';

export interface ProjectEvaluation {
  id: number;
  /** Samples found done in the project (not run again). */
  done: Map<string, SampleRow>;
  onSample(row: SampleRow): void;
  finish(result: EvaluationResult): void;
}

function rowOf(s: StoredSample, classes: readonly string[]): SampleRow {
  return {
    file: s.file,
    label: s.label,
    labelIndex: s.labelIndex,
    predicted: s.predicted,
    predictedLabel: s.predicted === null ? null : (classes[s.predicted] ?? `channel ${s.predicted}`),
    exitCounts: s.exitCounts,
    firstSpikeUs: s.firstSpikeUs,
    eventsIn: s.eventsIn,
    synapticOps: s.synapticOps,
    ...(s.error !== null ? { error: s.error } : {}),
  };
}

export function projectEvaluation(
  project: Project,
  input: { compiled: CompileResult; prepared: PreparedCompile; dataset: string; classes: readonly string[]; sampleCount: number; settings: Record<string, unknown>; fresh: boolean },
): ProjectEvaluation & { resumed: boolean } {
  const { compiled, prepared } = input;
  const version = project.addModelVersion({
    modelText: prepared.request.source,
    weights: prepared.weightsBytes,
    inputShape: [...prepared.request.inputShape],
    device: compiled.device,
    compileOptions: { inputShape: prepared.request.inputShape, ordering: prepared.request.ordering, monitorLayers: prepared.request.monitorLayers, conversion: prepared.request.conversion },
    configJson: JSON.stringify(chipConfigToJson(compiled.config!)),
    reuseIdentical: true,
  });
  const store = project.evaluations;
  const before = input.fresh ? null : store.unfinished(version.id, input.dataset, input.settings);
  const info = before ?? store.start({ modelVersionId: version.id, dataset: input.dataset, settings: input.settings, classes: input.classes, sampleCount: input.sampleCount });
  if (before) store.resume(before.id);
  const done = new Map(store.samples(info.id).map((s) => [s.file, rowOf(s, input.classes)] as const));
  return {
    id: info.id,
    resumed: before !== null,
    done,
    onSample: (r) =>
      store.addSample(info.id, {
        file: r.file,
        label: r.label,
        labelIndex: r.labelIndex,
        predicted: r.predicted,
        exitCounts: r.exitCounts,
        firstSpikeUs: r.firstSpikeUs,
        eventsIn: r.eventsIn,
        synapticOps: r.synapticOps,
        error: r.error ?? null,
      }),
    finish: (result) => store.finish(info.id, result.cancelled ? 'stopped' : 'completed'),
  };
}

function csvField(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One line per sample: file, label, prediction, counts per output channel. */
/** One CSV row per sample: file, label, predicted label, correct, timing, counts per exit channel. */
export function evaluationCsv(result: Pick<EvaluationResult, 'rows'>): string {
  const channels = Math.max(0, ...result.rows.map((r) => r.exitCounts.length));
  const head = ['file', 'label', 'predicted', 'correct', 'first_spike_us', 'events_in', 'synaptic_ops', 'error', ...Array.from({ length: channels }, (_, c) => `count_${c}`)];
  const lines = [head.join(',')];
  for (const r of result.rows) {
    const counts = Array.from({ length: channels }, (_, c) => String(r.exitCounts[c] ?? ''));
    lines.push(
      [
        csvField(r.file),
        csvField(r.label),
        csvField(r.predictedLabel ?? ''),
        r.error ? '' : String(r.predicted === r.labelIndex),
        r.firstSpikeUs === null ? '' : String(r.firstSpikeUs),
        String(r.eventsIn),
        String(r.synapticOps),
        csvField(r.error ?? ''),
        ...counts,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
