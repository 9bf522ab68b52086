// "Dataset sample" as a run's input: a dataset folder on the workbench's machine (checked
// by the host, as the Evaluate view checks it), then a class and the index of a sample in
// it, as `dcnn run --dataset DIR --class C --index I` takes them.

import { useState } from 'react';
import type { DatasetView } from '../../preload/api';
import { errorText, useWorkbench } from '../app/workbench-api';

export interface DatasetSampleChoice {
  dir: string;
  className: string;
  index: string;
}

export const NO_DATASET_SAMPLE: DatasetSampleChoice = { dir: '', className: '', index: '0' };

/** The class's sample count when the folder was checked, for the index field's limit. */
export function samplesOf(dataset: DatasetView | null, className: string): number | null {
  return dataset?.classes.find((c) => c.name === className)?.samples ?? null;
}

export function DatasetSamplePicker(p: { choice: DatasetSampleChoice; onChoice(c: DatasetSampleChoice): void; disabled: boolean }) {
  const api = useWorkbench();
  const [dataset, setDataset] = useState<DatasetView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const c = p.choice;
  const check = async () => {
    setChecking(true);
    setError(null);
    try {
      const d = await api['eval.inspect']({ path: c.dir.trim() });
      setDataset(d);
      if (!d.classes.some((k) => k.name === c.className)) p.onChoice({ ...c, dir: c.dir.trim(), className: d.classes[0]?.name ?? '', index: '0' });
    } catch (e) {
      setDataset(null);
      setError(errorText(e));
    } finally {
      setChecking(false);
    }
  };
  const count = samplesOf(dataset, c.className);
  return (
    <div className="indent dataset-sample">
      <div className="field-row">
        <input
          className="mono"
          type="text"
          aria-label="Dataset folder"
          placeholder="/path/to/dataset (one folder per class)"
          value={c.dir}
          disabled={p.disabled}
          onChange={(e) => {
            p.onChoice({ ...c, dir: e.target.value });
            setDataset(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void check();
            }
          }}
        />
        <button type="button" disabled={p.disabled || checking || c.dir.trim() === ''} onClick={() => void check()}>
          {checking ? 'Checking…' : 'Check'}
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {dataset && (
        <div className="field-row">
          <label>
            Class{' '}
            <select value={c.className} disabled={p.disabled} onChange={(e) => p.onChoice({ ...c, className: e.target.value, index: '0' })}>
              {dataset.classes.map((k) => (
                <option key={k.name} value={k.name}>
                  {k.name} (channel {k.channel}, {k.samples} samples)
                </option>
              ))}
            </select>
          </label>
          <label>
            Sample{' '}
            <input
              className="num"
              size={4}
              inputMode="numeric"
              aria-label="Sample index in the class"
              value={c.index}
              disabled={p.disabled}
              onChange={(e) => p.onChoice({ ...c, index: e.target.value })}
            />
            {count !== null && <span className="quiet"> of 0–{count - 1}</span>}
          </label>
        </div>
      )}
    </div>
  );
}
