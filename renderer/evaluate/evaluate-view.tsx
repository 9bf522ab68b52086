// The Evaluate view: a dataset folder on the workbench's machine, checked before anything
// runs; mode(s), readout, window and workers; start with progress, stop, go on with a
// stopped evaluation; the results (accuracy per mode side by side, per class, confusion
// matrices, the per-sample table with disagreements), CSV export, any sample opened as a
// run in the Run view, and the project's past evaluations. The model evaluated is the
// one in the editor (saved as a model version when it changed), as for a run.

import { useMemo, useState } from 'react';
import type { CompileView, DeviceView, ModelSpec, RunStartedView, Shape3 } from '../../preload/api';
import { cameraState } from '../runs/camera-mapping';
import { formOf, mappingOfForm, type MappingForm } from '../runs/mapping-form';
import { MappingPanel } from '../runs/mapping-panel';
import { usePreview, type PreviewSource } from '../runs/use-event-preview';
import { errorText, useWorkbench } from '../app/workbench-api';
import { DatasetField } from './dataset-field';
import { downloadFile } from '../app/download';
import { DEFAULT_EVAL_FORM, parseEvalForm, type EvalForm } from './eval-form';
import { EvalProgress } from './eval-progress';
import { EvalResults } from './eval-results';
import { EvalSettings } from './eval-settings';
import { PastEvaluations } from './past-evaluations';
import { useEvaluation } from './use-evaluation';
import './evaluate.css';

export interface EvaluateViewProps {
  spec: ModelSpec;
  compile: CompileView | null;
  compilePending: boolean;
  projectPath: string | null;
  /** Where a sample opened as a run runs (the workspace's device). */
  device: DeviceView | null;
  /** A run is in progress (a sample cannot be opened as another one now). */
  runBusy: boolean;
  /** Starts the run (the request is `begin`) and shows it in the Run view. */
  onOpenRun(begin: () => Promise<RunStartedView>): Promise<unknown>;
}

/** Why Evaluate cannot be pressed now (null: it can). */
export function evaluateBlocker(p: { compile: CompileView | null; compilePending: boolean; projectPath: string | null; running: boolean }): string | null {
  if (p.projectPath === null) return 'Open or create a project first: evaluations are kept in it.';
  if (p.running) return 'An evaluation is running: stop it first, or wait for it to end.';
  if (!p.compile) return p.compilePending ? 'Compiling…' : 'The model has not compiled yet.';
  if (!p.compile.ok) return `The model does not compile${p.compile.error ? `: ${p.compile.error.message}` : ''}. Fix it in the Model tab.`;
  return null;
}

/** Why a sample cannot be opened as a run now (null: it can). */
export function openRunBlocker(device: DeviceView | null, runBusy: boolean): string | null {
  if (runBusy) return 'a run is in progress; stop it in the Run tab first.';
  if (!device) return 'select a device in the Devices panel (or add a virtual devkit).';
  if (!device.deployable) return `${device.id} cannot run models: ${device.reason ?? 'not deployable'}.`;
  if (device.status === 'busy' || device.status === 'disconnected') return `${device.id} is ${device.status}.`;
  return null;
}

export function EvaluateView(p: EvaluateViewProps) {
  const api = useWorkbench();
  const [state, actions] = useEvaluation(p.projectPath);
  const [form, setForm] = useState<EvalForm>(DEFAULT_EVAL_FORM);
  const [touched, setTouched] = useState(false);
  const [opening, setOpening] = useState<string | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  const parsed = parseEvalForm(form, p.device);
  const running = state.running !== null;
  const blocker = evaluateBlocker({ compile: p.compile, compilePending: p.compilePending, projectPath: p.projectPath, running });
  const problem = touched && !parsed.ok ? { field: parsed.field, message: parsed.message } : null;
  const datasetOk = state.dataset?.view !== null && state.dataset?.view !== undefined && state.dataset.path === form.dataset.trim();

  // Camera recordings: the input mapping, previewed on the dataset's first recording.
  const [mappingEdit, setMappingEdit] = useState<{ path: string; form: MappingForm } | null>(null);
  const checkedPath = datasetOk ? state.dataset!.path : null;
  // Edits belong to the dataset they were made on: another one starts from the host's fit.
  const mappingForm = mappingEdit && mappingEdit.path === checkedPath ? mappingEdit.form : null;
  const cameraFile = datasetOk ? state.dataset!.view!.cameraSample : null;
  const source = useMemo<PreviewSource | null>(
    () => (checkedPath && cameraFile ? { preview: (inputShape, mapping) => api['eval.previewSample']({ dataset: checkedPath, inputShape, ...(mapping ? { mapping } : {}) }) } : null),
    [api, checkedPath, cameraFile],
  );
  const dvsShape = p.compile?.dvs?.inputShape;
  const inputShape: Shape3 = dvsShape ? [2, dvsShape[1], dvsShape[2]] : p.spec.inputShape;
  const edited = mappingForm ? mappingOfForm(mappingForm) : null;
  const preview = usePreview(source, inputShape, edited ? (Object.keys(edited.errors).length > 0 ? null : edited.mapping) : undefined);
  const camera = source ? cameraState(preview, edited) : null;
  const mappingBlocker =
    camera?.state === 'pending'
      ? 'Previewing the input mapping on the first recording…'
      : camera?.state === 'camera' && Object.keys(camera.errors).length > 0
        ? `The input mapping has a problem: ${Object.values(camera.errors).join('; ')}`
        : null;

  const check = () => {
    const path = form.dataset.trim();
    if (path !== '') void actions.inspect(path);
  };
  const start = async () => {
    setTouched(true);
    if (!parsed.ok || blocker) return;
    // The host lists the folder again when it starts; checking here first shows the classes and any problem beside the field.
    if (!datasetOk && !(await actions.inspect(parsed.request.dataset))) return;
    if (mappingBlocker) return;
    const mapping = camera?.state === 'camera' ? { mapping: camera.mapping, ...(camera.sensor ? { sensor: camera.sensor } : {}) } : {};
    await actions.start({ spec: p.spec, ...parsed.request, ...mapping });
  };
  const openSample = async (file: string) => {
    const shown = state.shown;
    const deviceId = p.device?.id;
    if (!shown || !deviceId) return;
    setOpening(file);
    setOpenError(null);
    try {
      await p.onOpenRun(() => api['eval.openSample']({ evaluationId: shown.id, file, deviceId }));
    } catch (e) {
      setOpenError(`${file} could not be opened as a run: ${errorText(e)}`);
    } finally {
      setOpening(null);
    }
  };
  const exportCsv = async () => {
    const shown = state.shown;
    if (!shown) return;
    try {
      const csv = await api['eval.csv']({ evaluationId: shown.id });
      downloadFile(csv.name, csv.text, 'text/csv');
    } catch (e) {
      setOpenError(`The CSV could not be made: ${errorText(e)}`);
    }
  };

  return (
    <div className="evaluate-tab">
      <section className="eval-setup" aria-label="Evaluation setup">
        <h2>Evaluate on a dataset</h2>
        <DatasetField
          path={form.dataset}
          onPath={(dataset) => setForm((f) => ({ ...f, dataset }))}
          onCheck={check}
          dataset={state.dataset}
          disabled={running}
          problem={problem?.field === 'dataset' ? problem.message : null}
        />
        {camera?.state === 'camera' && preview.preview && (
          <MappingPanel form={mappingForm ?? formOf(preview.preview.suggested)} onForm={(f) => checkedPath && setMappingEdit({ path: checkedPath, form: f })} errors={camera.errors} state={preview} inputShape={inputShape} hostOnly />
        )}
        {source && preview.error && !preview.preview && (
          <p className="field-error" role="alert">
            {preview.error}
          </p>
        )}
        <EvalSettings form={form} onForm={(u) => setForm((f) => ({ ...f, ...u }))} disabled={running} problem={problem} device={p.device} />
        <div className="actions">
          <button type="button" className="primary" disabled={blocker !== null || mappingBlocker !== null || state.busy} onClick={() => void start()}>
            Evaluate
          </button>
          <button type="button" disabled={!running || state.busy} onClick={() => void actions.stop()}>
            Stop
          </button>
        </div>
        {(blocker ?? mappingBlocker) && !running && <p className="quiet why">{blocker ?? mappingBlocker}</p>}
        {state.running && <EvalProgress running={state.running} progress={state.progress} />}
        {state.ended && !state.running && (
          <p className={`run-summary ${state.ended.status === 'failed' ? 'failed' : state.ended.status}`} role="status" data-testid="eval-ended">
            Evaluation #{state.ended.evaluationId} {state.ended.status}
            {state.ended.message ? `: ${state.ended.message}` : ''}
            {state.ended.status !== 'completed' ? ' — the samples done are kept; Go on evaluates the rest.' : ''}
          </p>
        )}
        {state.error && (
          <p className="field-error" role="alert">
            {state.error}{' '}
            <button type="button" className="link" onClick={actions.dismissError}>
              Dismiss
            </button>
          </p>
        )}
        <PastEvaluations list={state.list} shownId={state.shown?.id ?? null} onShow={(id) => void actions.show(id)} onResume={(id) => void actions.resume(id)} canResume={!running && !state.busy} />
      </section>
      <section className="eval-results" aria-label="Evaluation results">
        {openError && (
          <p className="field-error" role="alert">
            {openError}
          </p>
        )}
        {state.shown ? (
          <EvalResults
            view={state.shown}
            onExport={() => void exportCsv()}
            onResume={() => void actions.resume(state.shown!.id)}
            canResume={!running && !state.busy}
            onOpenSample={(file) => void openSample(file)}
            openBlocker={openRunBlocker(p.device, p.runBusy)}
            opening={opening}
          />
        ) : (
          <p className="quiet pad">
            {running
              ? 'The results show here when the evaluation ends.'
              : 'Choose a dataset folder and press Evaluate, or open an evaluation of this project on the left. Every sample runs through the model in the editor, on every core.'}
          </p>
        )}
      </section>
    </div>
  );
}
