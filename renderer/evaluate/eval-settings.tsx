// Mode(s), readout rule and window, and worker threads of an evaluation.

import type { DeviceView, EvalModeChoice, ReadoutChoice } from '../../preload/api';
import { boardBlocker, MODE_LABELS, READOUT_LABELS, type EvalForm } from './eval-form';

export function EvalSettings(p: {
  form: EvalForm;
  onForm(update: Partial<EvalForm>): void;
  disabled: boolean;
  problem: { field: string; message: string } | null;
  /** The device selected in the Devices panel: a board can run the samples instead of the simulator. */
  device: DeviceView | null;
}) {
  const board = boardBlocker(p.device);
  const onBoard = p.form.onBoard;
  return (
    <>
      <fieldset className="field" disabled={p.disabled}>
        <legend>Run on</legend>
        <label className="radio">
          <input type="radio" name="eval-on" checked={!onBoard} onChange={() => p.onForm({ onBoard: false })} /> The simulator, on every core
        </label>
        <label className="radio">
          <input type="radio" name="eval-on" checked={onBoard} disabled={board !== null && !onBoard} aria-describedby="eval-on-help" onChange={() => p.onForm({ onBoard: true })} />{' '}
          {p.device && !p.device.virtual ? `The board ${p.device.id}${p.device.serial ? ` · ${p.device.serial}` : ''}` : 'A board'}
        </label>
        <span id="eval-on-help" className="quiet small">
          {board ?? 'one sample at a time through samna; the board decides the semantics (event mode), and its states are reset before each sample'}
        </span>
        {p.problem?.field === 'board' && <p className="field-error">{p.problem.message}</p>}
      </fieldset>
      <fieldset className="field" disabled={p.disabled || onBoard}>
        <legend>Mode</legend>
        {(Object.keys(MODE_LABELS) as EvalModeChoice[]).map((m) => (
          <label className="radio" key={m}>
            <input type="radio" name="eval-mode" value={m} checked={onBoard ? m === 'event' : p.form.mode === m} onChange={() => p.onForm({ mode: m })} /> {MODE_LABELS[m]}
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
        <NumberField id="eval-window" label="Window (ms)" help="from each sample's first event; empty: the whole sample" field="windowMs" inputMode="decimal" placeholder="all" {...p} />
        {p.form.mode !== 'event' && !onBoard && <NumberField id="eval-dt" label="Time step (µs)" help="the time-stepped mode bins the input at this step" field="dtUs" {...p} />}
        {!onBoard && <NumberField id="eval-workers" label="Workers" help="threads; empty: one per core" field="workers" placeholder="auto" {...p} />}
      </div>
      {p.problem && p.problem.field !== 'dataset' && p.problem.field !== 'board' && <p className="field-error">{p.problem.message}</p>}
    </>
  );
}

type NumberKey = 'windowMs' | 'dtUs' | 'workers';

/** One number of the settings: label, field, and the help line it is described by. */
function NumberField(p: {
  id: string;
  label: string;
  help: string;
  field: NumberKey;
  inputMode?: 'numeric' | 'decimal';
  placeholder?: string;
  form: EvalForm;
  onForm(update: Partial<EvalForm>): void;
  disabled: boolean;
  problem: { field: string; message: string } | null;
}) {
  return (
    <>
      <label htmlFor={p.id}>{p.label}</label>
      <input
        id={p.id}
        className="num"
        inputMode={p.inputMode ?? 'numeric'}
        value={p.form[p.field]}
        placeholder={p.placeholder}
        disabled={p.disabled}
        aria-invalid={p.problem?.field === p.field}
        aria-describedby={`${p.id}-help`}
        onChange={(e) => p.onForm({ [p.field]: e.target.value })}
      />
      <span id={`${p.id}-help`} className="quiet small">
        {p.help}
      </span>
    </>
  );
}
