// What a replayed run was: shown in the Run tab's left pane while its recording is open, in
// place of the live run's setup (which describes the next run, not this one). Status in the
// run's own words, device, model version, input, what it monitored, when and how long.

import type { ModelVersionView, RunView } from '../../preload/api';
import { formatCount } from '../../main/common/number-format';
import { runDuration, STATUS_TEXT } from './runs-panel';

export function modelVersionText(id: number, versions: readonly ModelVersionView[]): string {
  const v = versions.find((x) => x.id === id);
  return v && v.name !== `version ${id}` ? `version ${id} (${v.name})` : `version ${id}`;
}

/** The input label without the mapping the label repeats (it has a line of its own). */
function inputName(r: RunView): string | null {
  const suffix = r.inputMapping ? ` (input mapping: ${r.inputMapping})` : null;
  return suffix && r.input?.endsWith(suffix) ? r.input.slice(0, -suffix.length) : r.input;
}

export function RunContext(p: { run: RunView; versions: readonly ModelVersionView[]; onBackToLive(): void }) {
  const r = p.run;
  const monitored = r.monitored.length > 0 ? r.monitored.map((m) => (m.layer === null ? 'DVS' : `chip layer ${m.layer} on core ${m.core}`)).join(', ') : r.monitorLayers ? `cores ${r.monitorLayers}` : 'not recorded';
  return (
    <section className="run-setup run-context" aria-label="Replayed run">
      <h2>Run #{r.id}</h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="context-status">
          <span className={`run-status ${r.status}`}>{STATUS_TEXT[r.status]}</span>
          {r.message ? <span className="quiet"> — {r.message}</span> : null}
        </dd>
        <dt>Device</dt>
        <dd className="mono">
          {r.device} <span className="quiet">({r.deviceType})</span>
        </dd>
        <dt>Model</dt>
        <dd data-testid="context-model">{modelVersionText(r.modelVersion, p.versions)}</dd>
        <dt>Input</dt>
        <dd data-testid="context-input">{inputName(r) ?? 'not recorded with this run'}</dd>
        {r.inputMapping && (
          <>
            <dt>Input mapping</dt>
            <dd data-testid="context-mapping">{r.inputMapping}</dd>
          </>
        )}
        <dt>Monitored</dt>
        <dd>{monitored}</dd>
        {r.parentRun !== null && (
          <>
            <dt>Re-run of</dt>
            <dd>run #{r.parentRun}</dd>
          </>
        )}
        <dt>Started</dt>
        <dd className="num">
          {new Date(r.started).toLocaleString()} {runDuration(r) && <span className="quiet">· {runDuration(r)}</span>}
        </dd>
        <dt>Events</dt>
        <dd className="num">
          {formatCount(r.eventsIn)} in · {formatCount(r.eventsOut)} out
        </dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={p.onBackToLive}>
          Back to live run
        </button>
      </div>
    </section>
  );
}
