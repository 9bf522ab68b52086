// The fields around the model text: weights file (or seeded random weights), input shape
// and target chip. Bad field text is shown next to the field and never sent to compile.

import { useEffect, useId, useRef, useState } from 'react';
import type { DeviceTypeView, ModelSpec, Shape3 } from '../../preload/api';
import { errorText, useWorkbench } from '../app/workbench-api';
import { parseDimension } from '../project/model-spec';
import { uploadProblem } from '../app/upload-limit';

export interface ModelInputsProps {
  spec: ModelSpec;
  onSpec(update: (s: ModelSpec) => ModelSpec): void;
  chips: readonly DeviceTypeView[];
  weightsName: string | null;
  weightsSource: 'file' | 'random' | 'none' | null;
  onWeightsLoaded(id: string, name: string): void;
}

const DIMS = ['channels', 'height', 'width'] as const;

export function ModelInputs(p: ModelInputsProps) {
  const api = useWorkbench();
  const ids = { weights: useId(), chip: useId(), shape: useId() };
  const [text, setText] = useState<string[]>(p.spec.inputShape.map(String));
  const [shapeError, setShapeError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [weightsError, setWeightsError] = useState<string | null>(null);
  const filePicker = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setText(p.spec.inputShape.map(String));
    setShapeError(null);
  }, [p.spec.inputShape]);

  const editDim = (i: number, value: string) => {
    const next = [...text];
    next[i] = value;
    setText(next);
    const parsed = next.map((t, k) => parseDimension(t, `input ${DIMS[k]}`));
    const bad = parsed.find((x) => !x.ok);
    if (bad && !bad.ok) {
      setShapeError(bad.message);
      return;
    }
    setShapeError(null);
    const shape = parsed.map((x) => (x.ok ? x.value : 0)) as Shape3;
    p.onSpec((s) => ({ ...s, inputShape: shape }));
  };

  const pickWeights = async (file: File | undefined) => {
    if (!file) return;
    const problem = uploadProblem(file, 'Load the weights from the command line (dcnn compile --weights FILE), or save only the state_dict.');
    if (problem) {
      setWeightsError(problem);
      return;
    }
    setLoading(true);
    setWeightsError(null);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const info = await api['weights.load']({ name: file.name, bytes });
      // A checkpoint's tensors come from one of its entries: show which.
      p.onWeightsLoaded(info.id, info.checkpoint ? `${info.name} [${info.checkpoint.key}]` : info.name);
      p.onSpec((s) => ({ ...s, weightsId: info.id }));
    } catch (e) {
      setWeightsError(`${file.name}: ${errorText(e)}`);
    } finally {
      setLoading(false);
    }
  };

  const chipKnown = p.chips.some((c) => c.key === p.spec.chip);
  const weightsLabel = p.spec.weightsId === null ? `seeded random weights (seed ${p.spec.initSeed ?? 0})` : (p.weightsName ?? p.spec.weightsId);

  return (
    <section className="model-inputs" aria-label="Model inputs">
      <div className="field">
        <label htmlFor={ids.weights}>Weights</label>
        <div className="field-row">
          <span className="mono value" title={p.spec.weightsId ?? undefined} data-testid="weights-in-use">
            {weightsLabel}
          </span>
        </div>
        <div className="field-row">
          {/* The browser's own file field would say "No file chosen" while example or stored weights are in use: the line above names them. */}
          <input ref={filePicker} id={ids.weights} className="visually-hidden" type="file" accept=".safetensors,.pt,.pth,.ckpt,.bin" aria-label="Weights file (.safetensors or torch.save .pt)" tabIndex={-1} disabled={loading} onChange={(e) => void pickWeights(e.target.files?.[0])} />
          <button type="button" disabled={loading} onClick={() => filePicker.current?.click()}>
            Choose weights file…
          </button>
          {p.spec.weightsId !== null && (
            <button type="button" onClick={() => p.onSpec((s) => ({ ...s, weightsId: null, initSeed: s.initSeed ?? 1 }))}>
              Use random weights
            </button>
          )}
        </div>
        {loading && <p className="quiet">Reading weights…</p>}
        {weightsError && (
          <p className="field-error" role="alert">
            {weightsError}
          </p>
        )}
        {p.weightsSource === 'random' && p.spec.weightsId !== null && <p className="warn-text">The compile used random weights: the weights file did not bind.</p>}
      </div>
      <fieldset className="field">
        <legend id={ids.shape}>Input shape (C × H × W)</legend>
        <div className="field-row shape-row">
          {DIMS.map((d, i) => (
            <input
              key={d}
              className="num"
              inputMode="numeric"
              aria-label={`Input ${d}`}
              aria-invalid={shapeError !== null}
              value={text[i] ?? ''}
              onChange={(e) => editDim(i, e.target.value)}
              size={4}
            />
          ))}
        </div>
        {shapeError && (
          <p className="field-error" role="alert">
            {shapeError}
          </p>
        )}
      </fieldset>
      <div className="field">
        <label htmlFor={ids.chip}>Chip</label>
        <select id={ids.chip} value={p.spec.chip} onChange={(e) => p.onSpec((s) => ({ ...s, chip: e.target.value, ordering: 'auto' }))}>
          {!chipKnown && <option value={p.spec.chip}>{p.spec.chip}</option>}
          {p.chips.map((c) => (
            <option key={c.key} value={c.key}>
              {c.name} ({c.key})
            </option>
          ))}
        </select>
      </div>
    </section>
  );
}
