// The Runs panel: every run of the project, newest first, with status, length and device.
// Activating one opens its recording in the Run tab.

import type { ModelVersionView, RunView } from '../../preload/api';
import { formatMicros } from '../../main/common/number-format';

export function runDuration(r: RunView): string {
  if (!r.ended) return r.status === 'running' ? 'running' : '';
  const ms = Date.parse(r.ended) - Date.parse(r.started);
  return Number.isFinite(ms) && ms >= 0 ? formatMicros(ms * 1000) : '';
}

export const STATUS_TEXT: Record<RunView['status'], string> = { running: 'running', completed: 'done', stopped: 'stopped', interrupted: 'interrupted', failed: 'failed' };

export function RunsPanel(props: { runs: readonly RunView[]; versions: readonly ModelVersionView[]; selected: number | null; liveRunId: number | null; error: string | null; onOpen(id: number): void }) {
  return (
    <section className="panel runs" aria-label="Runs">
      <h2>Runs</h2>
      {props.error && (
        <p className="field-error" role="alert">
          {props.error}
        </p>
      )}
      {props.runs.length === 0 && !props.error && <p className="quiet">No runs yet. Deploy the model from the Run tab.</p>}
      <ul className="run-list">
        {props.runs.map((r) => (
          <li key={r.id}>
            <button
              type="button"
              className={`run-item ${r.status} ${props.selected === r.id ? 'selected' : ''}`}
              aria-pressed={props.selected === r.id}
              onClick={() => props.onOpen(r.id)}
              title={[r.message ?? r.reason, r.input ? `input: ${r.input}` : null].filter(Boolean).join(' · ') || undefined}
              data-run={r.id}
            >
              <span className="run-id num">#{r.id}</span>
              <span className={`run-status ${r.status}`}>{STATUS_TEXT[r.status]}</span>
              <span className="run-len num">{runDuration(r)}</span>
              <span className="run-device mono">{r.device}</span>
              {props.liveRunId === r.id && <span className="live-tag">live</span>}
              <span className="run-what quiet">
                v{r.modelVersion} · {r.input ?? 'input not recorded'}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
