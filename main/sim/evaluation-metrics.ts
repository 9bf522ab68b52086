// What a lab user reads off an evaluation: the prediction of each sample under a readout
// rule, then accuracy, per-class accuracy and the confusion matrix. Pure arithmetic over
// per-sample results; it runs nothing.

export type ReadoutRule = 'count' | 'first';

export interface ReadoutInput {
  exitCounts: readonly number[];
  firstChannel: number | null;
}

/** `count`: the channel with most exit spikes (the lowest index on a tie); `first`: the channel that spiked first. Null: no exit spike. */
export function predict(result: ReadoutInput, rule: ReadoutRule): number | null {
  if (rule === 'first') return result.firstChannel;
  let best: number | null = null;
  result.exitCounts.forEach((n, c) => {
    if (n > 0 && (best === null || n > result.exitCounts[best]!)) best = c;
  });
  return best;
}

export interface EvaluationSummary {
  samples: number;
  correct: number;
  accuracy: number;
  /** Per class: samples, correct, accuracy (NaN-free: 0 samples gives accuracy null). */
  perClass: Array<{ label: string; samples: number; correct: number; accuracy: number | null }>;
  /** confusion[true][predicted]; the last column counts samples with no prediction. */
  confusion: number[][];
  /** Samples without any exit spike. */
  silent: number;
}

export function summarise(classes: readonly string[], rows: ReadonlyArray<{ labelIndex: number; predicted: number | null }>): EvaluationSummary {
  const k = classes.length;
  const confusion = classes.map(() => new Array<number>(k + 1).fill(0));
  let correct = 0;
  let silent = 0;
  for (const r of rows) {
    const col = r.predicted === null || r.predicted >= k ? k : r.predicted;
    confusion[r.labelIndex]![col]!++;
    if (r.predicted === r.labelIndex) correct++;
    if (r.predicted === null) silent++;
  }
  const perClass = classes.map((label, i) => {
    const samples = confusion[i]!.reduce((a, b) => a + b, 0);
    const ok = confusion[i]![i]!;
    return { label, samples, correct: ok, accuracy: samples > 0 ? ok / samples : null };
  });
  return { samples: rows.length, correct, accuracy: rows.length > 0 ? correct / rows.length : 0, perClass, confusion, silent };
}
