// Choosing what a run feeds the chip: the example's own input, an event file (.npy or
// CSV, read here and sent as bytes), or a built-in generator (Poisson rate image,
// moving bar) with its duration, rate and seed.

import { useId } from 'react';
import type { ExampleModel, InputSource } from '../../preload/api';
import { uploadProblem } from '../app/upload-limit';

export interface InputChoice {
  kind: 'example' | 'file' | 'generator';
  file: { name: string; bytes: Uint8Array } | null;
  /** Why the chosen file cannot be used (too large to send), shown instead of running. */
  fileProblem?: string | null;
  /** Event files: sort rows out of time order / drop events outside the input, instead of refusing the file. */
  sort?: boolean;
  dropOutOfRange?: boolean;
  generator: 'poisson' | 'moving-bar';
  durationMs: string;
  rateHz: string;
  seed: string;
}

export const DEFAULT_INPUT: InputChoice = { kind: 'example', file: null, generator: 'poisson', durationMs: '100', rateHz: '200', seed: '1' };

/** The request's input, or why it cannot be built yet. */
export function inputSourceOf(c: InputChoice, example: ExampleModel | null): { ok: true; input: InputSource } | { ok: false; message: string } {
  if (c.kind === 'example') {
    if (!example) return { ok: false, message: 'This model has no example input: pick an event file or a generator.' };
    return { ok: true, input: { kind: 'example', exampleId: example.id } };
  }
  if (c.kind === 'file') {
    if (c.fileProblem) return { ok: false, message: c.fileProblem };
    if (!c.file) return { ok: false, message: 'Choose an event file (.npy or .csv).' };
    return { ok: true, input: { kind: 'file', name: c.file.name, bytes: c.file.bytes, ...(c.sort ? { sort: true } : {}), ...(c.dropOutOfRange ? { dropOutOfRange: true } : {}) } };
  }
  const d = Number(c.durationMs);
  const r = Number(c.rateHz);
  const s = Number(c.seed);
  if (!(Number.isFinite(d) && d > 0 && d <= 600_000)) return { ok: false, message: 'Duration must be between 0 and 600 000 ms.' };
  if (!(Number.isFinite(r) && r > 0 && r <= 1e6)) return { ok: false, message: 'Rate must be between 0 and 1 000 000 Hz.' };
  if (!Number.isInteger(s) || s < 0) return { ok: false, message: 'Seed must be a whole number ≥ 0.' };
  return { ok: true, input: { kind: 'generator', generator: c.generator, durationMs: d, rateHz: r, seed: s } };
}

export function InputSourcePicker(p: { choice: InputChoice; onChoice(c: InputChoice): void; example: ExampleModel | null; disabled: boolean }) {
  const name = useId();
  const c = p.choice;
  const set = (patch: Partial<InputChoice>) => p.onChoice({ ...c, ...patch });
  return (
    <fieldset className="field input-source" disabled={p.disabled}>
      <legend>Input</legend>
      <label className="radio">
        <input type="radio" name={name} checked={c.kind === 'example'} onChange={() => set({ kind: 'example' })} disabled={!p.example} />
        Example input {p.example?.inputName ? <span className="mono quiet">({p.example.inputName})</span> : <span className="quiet">(none for this model)</span>}
      </label>
      <label className="radio">
        <input type="radio" name={name} checked={c.kind === 'file'} onChange={() => set({ kind: 'file' })} />
        Event file
      </label>
      {c.kind === 'file' && (
        <div className="indent">
          <input
            type="file"
            accept=".npy,.csv,.txt"
            aria-label="Event file (.npy or .csv)"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (!f) return;
              const problem = uploadProblem(f, 'Run it from the command line instead: dcnn run --events FILE streams a file of any length.');
              if (problem) set({ file: null, fileProblem: problem });
              else set({ file: { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) }, fileProblem: null });
            }}
          />
          {c.file && <span className="mono quiet"> {c.file.name}</span>}
          {c.fileProblem && (
            <p className="field-error" role="alert">
              {c.fileProblem}
            </p>
          )}
          <label className="check">
            <input type="checkbox" checked={c.sort === true} onChange={(e) => set({ sort: e.target.checked })} />
            Sort events by time
          </label>
          <label className="check">
            <input type="checkbox" checked={c.dropOutOfRange === true} onChange={(e) => set({ dropOutOfRange: e.target.checked })} />
            Drop events outside the input
          </label>
        </div>
      )}
      <label className="radio">
        <input type="radio" name={name} checked={c.kind === 'generator'} onChange={() => set({ kind: 'generator' })} />
        Generator
      </label>
      {c.kind === 'generator' && (
        <div className="indent generator">
          <label>
            Pattern{' '}
            <select value={c.generator} onChange={(e) => set({ generator: e.target.value as InputChoice['generator'] })}>
              <option value="poisson">Poisson rate image</option>
              <option value="moving-bar">Moving bar</option>
            </select>
          </label>
          <label>
            Duration <input className="num" size={6} inputMode="numeric" value={c.durationMs} onChange={(e) => set({ durationMs: e.target.value })} /> ms
          </label>
          <label>
            Rate <input className="num" size={6} inputMode="numeric" value={c.rateHz} onChange={(e) => set({ rateHz: e.target.value })} /> Hz
          </label>
          <label>
            Seed <input className="num" size={4} inputMode="numeric" value={c.seed} onChange={(e) => set({ seed: e.target.value })} />
          </label>
        </div>
      )}
    </fieldset>
  );
}
