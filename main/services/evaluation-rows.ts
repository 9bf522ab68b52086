// An evaluation's sample rows as the evaluation makes them and as the project keeps them,
// both ways, and as the CSV `dcnn eval --csv`, `dcnn evals --csv` and the Evaluate view's
// export write. One conversion for every reader, so a resumed evaluation, `dcnn evals`
// and the UI see the very rows the run produced.

import type { StoredSample } from '../store/evaluations.js';
import { predictedLabel, type SampleRow } from './evaluation.js';

export function storedOf(r: SampleRow): StoredSample {
  return {
    file: r.file,
    label: r.label,
    labelIndex: r.labelIndex,
    predicted: r.predicted,
    exitCounts: r.exitCounts,
    firstSpikeUs: r.firstSpikeUs,
    eventsIn: r.eventsIn,
    synapticOps: r.synapticOps,
    error: r.error ?? null,
    compared: r.compared
      ? { predicted: r.compared.predicted, exitCounts: r.compared.exitCounts, firstSpikeUs: r.compared.firstSpikeUs, synapticOps: r.compared.synapticOps, causes: r.causes ?? null }
      : null,
  };
}

export function rowOf(s: StoredSample, classes: readonly string[]): SampleRow {
  return {
    file: s.file,
    label: s.label,
    labelIndex: s.labelIndex,
    predicted: s.predicted,
    predictedLabel: predictedLabel(classes, s.predicted),
    exitCounts: s.exitCounts,
    firstSpikeUs: s.firstSpikeUs,
    eventsIn: s.eventsIn,
    synapticOps: s.synapticOps,
    ...(s.error !== null ? { error: s.error } : {}),
    ...(s.compared
      ? {
          compared: {
            predicted: s.compared.predicted,
            predictedLabel: predictedLabel(classes, s.compared.predicted),
            exitCounts: s.compared.exitCounts,
            firstSpikeUs: s.compared.firstSpikeUs,
            synapticOps: s.compared.synapticOps,
          },
          causes: s.compared.causes,
        }
      : {}),
  };
}

function csvField(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * One CSV row per sample: file, label, predicted label, correct, timing, work, counts per
 * exit channel; an evaluation in both modes adds the time-stepped prediction, whether it
 * is correct, its synaptic operations, whether the modes disagree and why.
 */
export function evaluationCsv(result: { rows: readonly SampleRow[] }): string {
  const channels = Math.max(0, ...result.rows.map((r) => r.exitCounts.length));
  const both = result.rows.some((r) => r.compared !== undefined);
  const head = ['file', 'label', 'predicted', 'correct', 'first_spike_us', 'events_in', 'synaptic_ops', 'error', ...Array.from({ length: channels }, (_, c) => `count_${c}`)];
  if (both) head.push('timestep_predicted', 'timestep_correct', 'timestep_synaptic_ops', 'disagree', 'causes');
  const lines = [head.join(',')];
  for (const r of result.rows) {
    const counts = Array.from({ length: channels }, (_, c) => String(r.exitCounts[c] ?? ''));
    const fields = [
      csvField(r.file),
      csvField(r.label),
      csvField(r.predictedLabel ?? ''),
      r.error ? '' : String(r.predicted === r.labelIndex),
      r.firstSpikeUs === null ? '' : String(r.firstSpikeUs),
      String(r.eventsIn),
      String(r.synapticOps),
      csvField(r.error ?? ''),
      ...counts,
    ];
    if (both) {
      const c = r.compared;
      fields.push(
        csvField(c?.predictedLabel ?? ''),
        c ? String(c.predicted === r.labelIndex) : '',
        c ? String(c.synapticOps) : '',
        c ? String(c.predicted !== r.predicted) : '',
        csvField((r.causes ?? []).map((x) => x.kind).join(' ')),
      );
    }
    lines.push(fields.join(','));
  }
  return `${lines.join('\n')}\n`;
}
