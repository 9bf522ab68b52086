// An evaluation's rows scored per mode: one summary for a single-mode evaluation, two
// side by side (chip semantics, time-stepped) for mode 'both' with how often and why
// they disagree. The CLI (dcnn eval, dcnn evals) and the Evaluate view score the same
// rows with this one function, so they cannot differ. Failed samples are counted apart.

import { summarise, type EvaluationSummary } from '../sim/evaluation-metrics.js';
import { summariseAgreement, type ModeAgreement } from '../sim/mode-disagreement.js';
import type { SampleMode } from '../sim/sample-run.js';
import type { EvalMode } from '../threads/eval-worker.js';
import type { SampleRow } from './evaluation.js';

export interface ModeScore extends EvaluationSummary {
  mode: SampleMode;
}

export interface EvaluationScores {
  modes: ModeScore[];
  /** Mode 'both' only. */
  agreement: ModeAgreement | null;
  failed: number;
}

export function scoreRows(classes: readonly string[], mode: EvalMode, rows: readonly SampleRow[]): EvaluationScores {
  const scored = rows.filter((r) => r.error === undefined);
  const failed = rows.length - scored.length;
  if (mode !== 'both') return { modes: [{ mode, ...summarise(classes, scored) }], agreement: null, failed };
  const paired = scored.filter((r): r is SampleRow & { compared: NonNullable<SampleRow['compared']> } => r.compared !== undefined);
  return {
    modes: [
      { mode: 'event', ...summarise(classes, paired) },
      {
        mode: 'timestep',
        ...summarise(
          classes,
          paired.map((r) => ({ labelIndex: r.labelIndex, predicted: r.compared.predicted })),
        ),
      },
    ],
    agreement: summariseAgreement(paired.map((r) => ({ labelIndex: r.labelIndex, predicted: r.predicted, comparedPredicted: r.compared.predicted, causes: r.causes ?? null }))),
    failed,
  };
}

/** The samples whose prediction changes between the modes, in row order. */
export function disagreeingRows(rows: readonly SampleRow[]): SampleRow[] {
  return rows.filter((r) => r.error === undefined && r.compared !== undefined && r.compared.predicted !== r.predicted);
}
