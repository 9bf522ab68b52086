// Mode(s), readout rule and window, and worker threads of an evaluation.

import type { EvalModeChoice, ReadoutChoice } from '../../preload/api';
import { MODE_LABELS, READOUT_LABELS, type EvalForm } from './eval-form';

export function EvalSettings(p: { form: EvalForm; onForm(update: Partial<EvalForm>): void; disabled: boolean; problem: { field: string; message: string } | null }) {
  const invalid = (field: keyof EvalForm) => p.problem?.field === field;
  return (
    <>
      <fieldset className="field" disabled={p.disabled}>
        <legend>Mode</legend>
        {(Object.keys(MODE_LABELS) as EvalModeChoice[]).map((m) => (
          <label className="radio" key={m}>
            <input type="radio" name="eval-mode" value={m} checked={p.form.mode === m} onChange={() => p.onForm({ mode: m })} /> {MODE_LABELS[m]}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="eval-readout">Readout</label>
        <select id="eval-readout" value={p.form.readout} disabled={p.disabled} onChange={(e) => p.onForm({ readout: e.target.value as ReadoutChoice })}>
          {(Object.keys(READOUT_LABELS) as ReadoutChoice[]).map((r) => (
            <option key={r} value={r}>
              {READOUT_LABELS[r]}
            </option>
          ))}
        </select>
      </div>
      <div className="field eval-numbers">
        <label htmlFor="eval-window">Window (ms)</label>
        <input
          id="eval-window"
          className="num"
          inputMode="decimal"
          value={p.form.windowMs}
          placeholder="all"
          disabled={p.disabled}
          aria-invalid={invalid('windowMs')}
          aria-describedby="eval-window-help"
          onChange={(e) => p.onForm({ windowMs: e.target.value })}
        />
        <span id="eval-window-help" className="quiet small">
          from each sample's first event; empty: the whole sample
        </span>
        {p.form.mode !== 'event' && (
          <>
            <label htmlFor="eval-dt">Time step (µs)</label>
            <input
              id="eval-dt"
              className="num"
              inputMode="numeric"
              value={p.form.dtUs}
              disabled={p.disabled}
              aria-invalid={invalid('dtUs')}
              aria-describedby="eval-dt-help"
              onChange={(e) => p.onForm({ dtUs: e.target.value })}
            />
            <span id="eval-dt-help" className="quiet small">
              the time-stepped mode bins the input at this step
            </span>
          </>
        )}
        <label htmlFor="eval-workers">Workers</label>
        <input
          id="eval-workers"
          className="num"
          inputMode="numeric"
          value={p.form.workers}
          placeholder="auto"
          disabled={p.disabled}
          aria-invalid={invalid('workers')}
          aria-describedby="eval-workers-help"
          onChange={(e) => p.onForm({ workers: e.target.value })}
        />
        <span id="eval-workers-help" className="quiet small">
          threads; empty: one per core
        </span>
      </div>
      {p.problem && p.problem.field !== 'dataset' && <p className="field-error">{p.problem.message}</p>}
    </>
  );
}
