// The project's evaluations, newest first: status, dataset, mode, samples done and
// accuracy per mode; each can be opened, and one that stopped can go on.

import { formatPercent } from '../../main/common/number-format';
import type { EvaluationListItemView } from '../../preload/api';
import { SHORT_MODE } from './eval-form';

function folderName(path: string): string {
  const parts = path.split(/[\\/]/).filter((x) => x !== '');
  return parts[parts.length - 1] ?? path;
}

export function PastEvaluations(p: { list: readonly EvaluationListItemView[]; shownId: number | null; onShow(id: number): void; onResume(id: number): void; canResume: boolean }) {
  return (
    <section className="eval-past" aria-label="Past evaluations">
      <h2>Evaluations of this project</h2>
      {p.list.length === 0 ? (
        <p className="quiet">None yet.</p>
      ) : (
        <ul className="eval-list">
          {p.list.map((e) => (
            <li key={e.id} className={e.id === p.shownId ? 'selected' : ''}>
              <button type="button" className="link" onClick={() => p.onShow(e.id)} aria-current={e.id === p.shownId ? 'true' : undefined} title={e.dataset}>
                #{e.id} <span className={`status ${e.status}`}>{e.active ? 'running' : e.status === 'running' ? 'cut short' : e.status}</span> {folderName(e.dataset)} ·{' '}
                {e.device !== null ? `on ${e.device}` : e.mode === 'both' ? 'both modes' : SHORT_MODE[e.mode]}
                <span className="num quiet">
                  {' '}
                  {e.done}/{e.sampleCount} · {e.accuracy.map((a) => formatPercent(a.accuracy)).join(' | ')}
                </span>
              </button>
              {e.status !== 'completed' && !e.active && (
                <button
                  type="button"
                  className="small-button"
                  disabled={!p.canResume || e.notResumable !== null}
                  title={e.notResumable ?? undefined}
                  onClick={() => p.onResume(e.id)}
                  aria-label={`Go on with evaluation ${e.id}`}
                >
                  Go on
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
