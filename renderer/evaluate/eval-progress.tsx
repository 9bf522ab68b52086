// How far the running evaluation is: samples done of all, samples/s, time left.

import { formatRate } from '../../main/common/number-format';
import type { EvaluationState } from './use-evaluation';

function formatEta(seconds: number | null): string {
  if (seconds === null) return 'estimating time left…';
  if (seconds < 60) return `${Math.ceil(seconds)} s left`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.ceil(seconds - 60 * m)} s left`;
}

export function EvalProgress(p: { running: NonNullable<EvaluationState['running']>; progress: EvaluationState['progress'] }) {
  const done = p.progress?.done ?? p.running.resumed;
  const total = p.progress?.total ?? p.running.total;
  return (
    <div className="progress-line eval-progress" role="status" aria-live="polite">
      <progress max={Math.max(1, total)} value={done} aria-label="Samples evaluated" />
      <span className="num" data-testid="eval-progress">
        evaluation #{p.running.id}: {done} / {total} samples · {formatRate(p.progress?.samplesPerSecond ?? 0, 'samples/s')} · {formatEta(p.progress?.etaSeconds ?? null)} · {p.running.workers} worker
        {p.running.workers === 1 ? '' : 's'}
        {p.running.resumed > 0 ? ` · ${p.running.resumed} done before` : ''}
      </span>
    </div>
  );
}
