// Choosing what a run feeds the chip: the example's own input, an event file (.npy, CSV
// or a camera recording, read here and sent as bytes; picked or dropped on the Run tab),
// a sample of a dataset folder on the workbench's machine (by class and index), or a
// built-in generator (Poisson rate image, moving bar) with its duration, rate and seed. A camera recording's input mapping is edited in mapping-panel.tsx and goes with it.

import { useId, type ReactNode } from 'react';
import type { ExampleModel, InputMappingView, InputSource } from '../../preload/api';
import { uploadProblem } from '../app/upload-limit';
import { DatasetSamplePicker, NO_DATASET_SAMPLE, type DatasetSampleChoice } from './dataset-sample';
import type { FieldErrors, MappingForm } from './mapping-form';

/** What the workbench reads as input events: .npy, CSV and the camera recordings' formats. */
export const EVENT_FILE_EXTENSIONS = ['.npy', '.csv', '.txt', '.aedat4', '.aedat', '.bin', '.dat', '.raw'] as const;

const TOO_LARGE_INSTEAD = 'Run it from the command line instead: dcnn run --events FILE streams a file of any length.';

/** The choice a picked or dropped file makes: read into the page, or refused (too large, not an event file) with why. */
export async function chosenEventFile(f: File): Promise<Pick<InputChoice, 'file' | 'fileProblem' | 'mapping'>> {
  const ext = /\.[^.]+$/.exec(f.name)?.[0]?.toLowerCase() ?? '';
  if (!(EVENT_FILE_EXTENSIONS as readonly string[]).includes(ext)) {
    return { file: null, fileProblem: `${f.name} is not an event file the workbench reads (${EVENT_FILE_EXTENSIONS.join(' ')}).`, mapping: null };
  }
  const problem = uploadProblem(f, TOO_LARGE_INSTEAD);
  if (problem) return { file: null, fileProblem: problem, mapping: null };
  return { file: { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) }, fileProblem: null, mapping: null };
}

/** A camera recording's mapping as the Run tab has it: still being looked at, or its fields with their errors. */
export type CameraMappingState =
  | { state: 'pending' }
  | {
      state: 'camera';
      mapping: InputMappingView;
      errors: FieldErrors;
      /** The size the preview mapped against when the file names none (the events' extent): the run maps against the same. */
      sensor?: { width: number; height: number };
    };

export interface InputChoice {
  kind: 'example' | 'file' | 'dataset' | 'generator';
  file: { name: string; bytes: Uint8Array } | null;
  /** A sample of a dataset folder on the workbench's machine. */
  dataset?: DatasetSampleChoice;
  /** Why the chosen file cannot be used (too large to send), shown instead of running. */
  fileProblem?: string | null;
  /** Event files: sort rows out of time order / drop events outside the input, instead of refusing the file. */
  sort?: boolean;
  dropOutOfRange?: boolean;
  /** A camera recording's mapping fields as edited; null: the host's fit of the sensor to the model. */
  mapping?: MappingForm | null;
  generator: 'poisson' | 'moving-bar';
  durationMs: string;
  rateHz: string;
  seed: string;
}

export const DEFAULT_INPUT: InputChoice = { kind: 'example', file: null, generator: 'poisson', durationMs: '100', rateHz: '200', seed: '1' };

/** The request's input, or why it cannot be built yet. */
export function inputSourceOf(c: InputChoice, example: ExampleModel | null, camera: CameraMappingState | null = null): { ok: true; input: InputSource } | { ok: false; message: string } {
  if (c.kind === 'example') {
    if (!example) return { ok: false, message: 'This model has no example input: pick an event file or a generator.' };
    return { ok: true, input: { kind: 'example', exampleId: example.id } };
  }
  if (c.kind === 'file') {
    if (c.fileProblem) return { ok: false, message: c.fileProblem };
    if (!c.file) return { ok: false, message: 'Choose an event file (.npy, .csv or a camera recording), or drop one on the Run tab.' };
    if (camera?.state === 'pending') return { ok: false, message: `Reading ${c.file.name}…` };
    const errors = camera ? Object.values(camera.errors) : [];
    if (errors.length > 0) return { ok: false, message: `Fix the input mapping: ${errors[0]}` };
    const mapping = camera?.state === 'camera' && Object.keys(camera.mapping).length > 0 ? { mapping: camera.mapping, ...(camera.sensor ? { sensor: camera.sensor } : {}) } : {};
    return { ok: true, input: { kind: 'file', name: c.file.name, bytes: c.file.bytes, ...(c.sort ? { sort: true } : {}), ...(c.dropOutOfRange ? { dropOutOfRange: true } : {}), ...mapping } };
  }
  if (c.kind === 'dataset') {
    const ds = c.dataset ?? NO_DATASET_SAMPLE;
    if (ds.dir.trim() === '') return { ok: false, message: 'Type the dataset folder (on the workbench\'s machine) and press Check.' };
    if (ds.className === '') return { ok: false, message: 'Check the dataset folder, then pick a class.' };
    if (!/^\d+$/.test(ds.index.trim())) return { ok: false, message: 'The sample index must be a whole number ≥ 0.' };
    return { ok: true, input: { kind: 'dataset', dir: ds.dir.trim(), className: ds.className, index: Number(ds.index.trim()) } };
  }
  const d = Number(c.durationMs);
  const r = Number(c.rateHz);
  const s = Number(c.seed);
  if (!(Number.isFinite(d) && d > 0 && d <= 600_000)) return { ok: false, message: 'Duration must be between 0 and 600 000 ms.' };
  if (!(Number.isFinite(r) && r > 0 && r <= 1e6)) return { ok: false, message: 'Rate must be between 0 and 1 000 000 Hz.' };
  if (!Number.isInteger(s) || s < 0) return { ok: false, message: 'Seed must be a whole number ≥ 0.' };
  return { ok: true, input: { kind: 'generator', generator: c.generator, durationMs: d, rateHz: r, seed: s } };
}

export function InputSourcePicker(p: { choice: InputChoice; onChoice(c: InputChoice): void; example: ExampleModel | null; disabled: boolean; children?: ReactNode }) {
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
            accept={EVENT_FILE_EXTENSIONS.join(',')}
            aria-label="Event file (.npy, .csv or a camera recording)"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (!f) return;
              set(await chosenEventFile(f));
            }}
          />
          {c.file ? <span className="mono quiet" data-testid="event-file-name"> {c.file.name}</span> : <p className="quiet small">or drop a file on the Run tab (.npy, CSV, AEDAT, .bin, .dat, .raw)</p>}
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
          {p.children}
        </div>
      )}
      <label className="radio">
        <input type="radio" name={name} checked={c.kind === 'dataset'} onChange={() => set({ kind: 'dataset' })} />
        Dataset sample
      </label>
      {c.kind === 'dataset' && <DatasetSamplePicker choice={c.dataset ?? NO_DATASET_SAMPLE} onChoice={(dataset) => set({ dataset })} disabled={p.disabled} />}
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
