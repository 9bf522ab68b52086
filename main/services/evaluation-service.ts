// Dataset evaluations for the UI: list a dataset folder, evaluate the open project's model
// on it in the background (worker threads, progress and the end on the event bus), stop,
// go on with a stopped one, read back what the project keeps, and run one sample as a
// recorded run through the run launcher. Evaluations are the project's, with the same
// settings keys as `dcnn eval --project`, so either can go on with the other's. One
// evaluation runs at a time: it already takes every core. Paths go through the session's
// confinement (the web host's browser tab may only read under the folders it was given).

import { closeSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetView, EvalStartedView, EvalStartRequest, EvaluationListItemView, EvaluationView, EventPreviewView, InputMappingView, Shape3 } from '../../preload/api.js';
import { detectEventInputFormat, isCameraFormat } from '../formats/event-files.js';
import { previewEventFile } from './event-preview.js';
import { sliceBatch } from '../common/spike-batch.js';
import type { CompileResult } from '../compiler/compile-types.js';
import type { ProjectStore } from '../store/project-store.js';
import type { CompileService } from './compile-service.js';
import type { DeviceManager } from '../devices/device-manager.js';
import { boardRunner } from './board-runner.js';
import { datasetClasses, listDataset, pickSample, type Dataset, type DatasetSample } from './dataset.js';
import { defaultWorkers, evaluateDataset, exitFor, type SampleRow, type SampleRunner } from './evaluation.js';
import { evaluationCsv, rowOf, storedOf } from './evaluation-rows.js';
import { evaluationViewOf, listItemOf, notResumable, settingsOf, type EvaluationSettings } from './evaluation-view.js';
import type { EventBus } from './event-bus.js';
import { OUTSIDE_DATA_MESSAGE, type PathConfinement } from './path-confinement.js';
import type { ProjectSession } from './project-session.js';
import { requireCompiled, type Launched, type RunLauncher } from './run-launcher.js';
import { inputFromPath, type RunInput } from './run-inputs.js';
import type { RunListeners } from './run-service.js';
import { ServiceError } from './service-error.js';

/** Progress events at most this often (the last sample always reports). */
const PROGRESS_INTERVAL_MS = 200;

const DATASET_OUTSIDE_MESSAGE = 'datasets are read from the data folder and the folders dcnn web was started with: start it with --allow-dir naming the folder that holds the dataset';

interface ActiveEvaluation {
  abort: AbortController;
  done: Promise<void>;
}

export interface EvaluationServiceDeps {
  projects: ProjectSession;
  compiler: CompileService;
  launcher: RunLauncher;
  bus: EventBus;
  confinement: PathConfinement;
  devices: DeviceManager;
}

export class EvaluationService {
  private readonly active = new Map<number, ActiveEvaluation>();
  private starting = false;

  constructor(private readonly deps: EvaluationServiceDeps) {}

  /** The dataset's folder as this session may read it. */
  private datasetPath(path: string): string {
    try {
      return this.deps.confinement.check(path);
    } catch (e) {
      if (e instanceof ServiceError && e.code === 'PATH_OUTSIDE_DATA' && e.message === OUTSIDE_DATA_MESSAGE) throw new ServiceError('PATH_OUTSIDE_DATA', DATASET_OUTSIDE_MESSAGE);
      throw e;
    }
  }

  /** One sample of a dataset (a run's input picked by class and index), as this session may read it. */
  sample(dir: string, className: string, index: number): DatasetSample & { root: string } {
    const dataset = listDataset(this.datasetPath(dir));
    return { ...pickSample(dataset, className, index), root: dataset.root };
  }

  inspect(path: string): DatasetView {
    const dataset = listDataset(this.datasetPath(path));
    return { path: dataset.root, layout: dataset.layout, classes: datasetClasses(dataset), samples: dataset.samples.length, cameraSample: cameraSample(dataset)?.file ?? null };
  }

  /** The dataset's first camera recording under a mapping, as the Run tab previews a file. */
  async previewSample(req: { dataset: string; inputShape: Shape3; mapping?: InputMappingView; sensor?: { width: number; height: number } }): Promise<EventPreviewView> {
    const dataset = listDataset(this.datasetPath(req.dataset));
    const sample = cameraSample(dataset);
    if (!sample) throw new ServiceError('BAD_INPUT_MAPPING', `the samples of ${dataset.root} are .npy / CSV event files: they are sent as they are, with no input mapping`);
    const bytes = new Uint8Array(await readFile(this.datasetPath(sample.path)));
    return previewEventFile({ name: sample.file, bytes, inputShape: req.inputShape, ...(req.mapping ? { mapping: hostMapping(req.mapping) } : {}), ...(req.sensor ? { sensor: req.sensor } : {}) });
  }

  async start(req: EvalStartRequest): Promise<EvalStartedView> {
    return this.exclusively(async () => {
      const dataset = listDataset(this.datasetPath(req.dataset));
      const project = this.deps.projects.require();
      const compiled = await this.compile(req.spec);
      exitFor(compiled, dataset);
      if (req.deviceId !== undefined) this.boardFor(req.deviceId, compiled, req.mode);
      if (req.mapping && !cameraSample(dataset)) throw new ServiceError('BAD_INPUT_MAPPING', `an input mapping applies to camera recordings; the samples of ${dataset.root} are .npy / CSV event files, sent as they are`);
      const version = await this.deps.projects.versionFor(req.spec);
      const settings: EvaluationSettings = {
        mode: req.mode,
        readout: req.readout,
        dtUs: req.dtUs ?? 1000,
        windowUs: req.windowUs,
        // Stored as `dcnn eval --project` stores it, so either can go on with the other's.
        mapping: req.mapping ? hostMapping(req.mapping) : null,
        sensor: req.sensor ?? null,
        ...(req.deviceId !== undefined ? { device: req.deviceId } : {}),
      };
      const before = req.fresh ? null : await project.evaluations.unfinished(version.id, dataset.root, { ...settings });
      const id = before
        ? before.id
        : (await project.evaluations.start({ modelVersionId: version.id, dataset: dataset.root, settings: { ...settings }, classes: dataset.classes, sampleCount: dataset.samples.length })).id;
      if (before) await project.evaluations.resume(id);
      return this.run(project, id, compiled, dataset, settings, req.workers);
    });
  }

  async resume(evaluationId: number, workers?: number): Promise<EvalStartedView> {
    return this.exclusively(async () => {
      const project = this.deps.projects.require();
      const info = await this.info(project, evaluationId);
      if (info.status === 'completed') throw new ServiceError('NOT_RESUMABLE', `evaluation ${evaluationId} is complete: start a new one to evaluate again`);
      const reason = notResumable(info, false);
      if (reason) throw new ServiceError('NOT_RESUMABLE', `evaluation ${evaluationId} cannot go on here: ${reason}`);
      const dataset = listDataset(this.datasetPath(info.dataset));
      const version = await project.getModelVersion(info.modelVersionId);
      if (!version) throw new ServiceError('UNKNOWN_MODEL_VERSION', `model version ${info.modelVersionId} of evaluation ${evaluationId} is not in this project`);
      const compiled = await this.compile(await this.deps.projects.specOf(version));
      exitFor(compiled, dataset);
      const settings = settingsOf(info);
      if (settings.device !== undefined) this.boardFor(settings.device, compiled, settings.mode);
      await project.evaluations.resume(evaluationId);
      return this.run(project, evaluationId, compiled, dataset, settings, workers);
    });
  }

  /** Stops a running evaluation after the samples in flight (they are kept); nothing to do for one that is not running. */
  stop(evaluationId: number): void {
    this.active.get(evaluationId)?.abort.abort();
  }

  async list(): Promise<EvaluationListItemView[]> {
    const project = this.deps.projects.require();
    const all = await project.evaluations.list();
    const items = await Promise.all(all.map(async (info) => listItemOf(info, await project.evaluations.samples(info.id), this.active.has(info.id))));
    return items.reverse();
  }

  async view(evaluationId: number): Promise<EvaluationView> {
    const project = this.deps.projects.require();
    const info = await this.info(project, evaluationId);
    return evaluationViewOf(info, await project.evaluations.samples(evaluationId), this.active.has(evaluationId));
  }

  async csv(evaluationId: number): Promise<{ name: string; text: string }> {
    const project = this.deps.projects.require();
    const info = await this.info(project, evaluationId);
    const rows = (await project.evaluations.samples(evaluationId)).map((s) => rowOf(s, info.classes));
    return { name: `evaluation-${evaluationId}.csv`, text: evaluationCsv({ rows }) };
  }

  /** One sample of the evaluation run again on `deviceId` as a recorded run, with the evaluation's model version and window. */
  async openSample(evaluationId: number, file: string, deviceId: string, listeners: RunListeners): Promise<Launched> {
    const project = this.deps.projects.require();
    const info = await this.info(project, evaluationId);
    const samples = await project.evaluations.samples(evaluationId);
    if (!samples.some((s) => s.file === file)) throw new ServiceError('BAD_DATASET', `evaluation ${evaluationId} has no sample ${file} (it holds ${samples.length} samples)`);
    const path = this.datasetPath(join(info.dataset, file));
    const version = await project.getModelVersion(info.modelVersionId);
    if (!version) throw new ServiceError('UNKNOWN_MODEL_VERSION', `model version ${info.modelVersionId} of evaluation ${evaluationId} is not in this project`);
    const compiled = await this.compile(await this.deps.projects.specOf(version));
    const { windowUs, mapping, sensor } = settingsOf(info);
    return this.deps.launcher.launch({
      project,
      deviceId,
      compiled,
      modelVersion: version.id,
      listeners,
      // Read as the evaluation's workers read it, so the run sees the events the row was scored on.
      input: async (c) => ({
        ...windowed(await inputFromPath(c, path, { sort: true, dropOutOfRange: true, ...(mapping ? { mapping } : {}), ...(sensor ? { sensor } : {}) }), windowUs),
        label: `${file} (sample of evaluation ${evaluationId})`,
      }),
    });
  }

  /** Stops every running evaluation and waits for them to end (the project keeps what they did). */
  async dispose(): Promise<void> {
    for (const a of this.active.values()) a.abort.abort();
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  private async exclusively<T>(fn: () => Promise<T>): Promise<T> {
    if (this.starting || this.active.size > 0) {
      throw new ServiceError('EVALUATION_RUNNING', `evaluation ${[...this.active.keys()].join(', ') || 'another one'} is running and takes every core: stop it first, or wait for it to end`);
    }
    this.starting = true;
    try {
      return await fn();
    } finally {
      this.starting = false;
    }
  }

  private async info(project: ProjectStore, evaluationId: number) {
    const info = await project.evaluations.get(evaluationId);
    if (!info) {
      const ids = (await project.evaluations.list()).map((e) => e.id);
      throw new ServiceError('UNKNOWN_EVALUATION', `evaluation ${evaluationId} is not in this project (evaluations: ${ids.join(', ') || 'none'})`);
    }
    return info;
  }

  /**
   * The runner of an evaluation on a device, after the checks `dcnn eval --device` makes:
   * the device is there and takes models, is of the type the model is compiled for, and
   * the mode is event (the board, not a simulator mode, decides what happens).
   */
  private boardFor(deviceId: string, compiled: CompileResult, mode: EvaluationSettings['mode']): SampleRunner {
    const device = this.deps.devices.resolve(deviceId);
    if (!device.deployable) throw new ServiceError('NOT_DEPLOYABLE', `${device.id} cannot take a model: ${device.reason ?? 'not deployable'}`);
    if (device.type !== compiled.device) {
      throw new ServiceError('DEVICE_TYPE_MISMATCH', `the model is compiled for ${compiled.device}, and ${device.id} is a ${device.type}: choose a ${compiled.device} device, or set the chip to ${device.type}`);
    }
    if (mode !== 'event') throw new ServiceError('BAD_SETTING', `on ${device.id} the board decides the semantics: evaluate it in event mode, and the simulator for both modes`);
    const holder = `eval-${device.id}`;
    return boardRunner({ id: device.id, open: () => this.deps.devices.open(device.id, { runId: holder }), release: () => this.deps.devices.release(device.id, holder) });
  }

  private async compile(spec: EvalStartRequest['spec']): Promise<CompileResult> {
    const { result, view } = await this.deps.compiler.compileAsync(spec);
    return requireCompiled(result, spec.chip, view.error?.message);
  }

  private async run(project: ProjectStore, id: number, compiled: CompileResult, dataset: Dataset, settings: EvaluationSettings, workers: number | undefined): Promise<EvalStartedView> {
    const inDataset = new Set(dataset.samples.map((s) => s.file));
    const done = new Map<string, SampleRow>();
    for (const s of await project.evaluations.samples(id)) if (inDataset.has(s.file)) done.set(s.file, rowOf(s, dataset.classes));
    const runner = settings.device !== undefined ? this.boardFor(settings.device, compiled, settings.mode) : undefined;
    const lanes = runner ? runner.lanes : Math.max(1, Math.min(workers ?? defaultWorkers(), Math.max(1, dataset.samples.length - done.size)));
    const abort = new AbortController();
    const bus = this.deps.bus;
    let last = 0;
    const finished = evaluateDataset(compiled, dataset, {
      mode: settings.mode,
      readout: settings.readout,
      dtUs: settings.dtUs,
      windowUs: settings.windowUs,
      ...(settings.mapping ? { mapping: settings.mapping } : {}),
      ...(settings.sensor ? { sensor: settings.sensor } : {}),
      workers: lanes,
      ...(runner ? { runner } : {}),
      signal: abort.signal,
      done,
      onSample: (row) => project.evaluations.addSample(id, storedOf(row)),
      onProgress: (p) => {
        const now = performance.now();
        if (now - last < PROGRESS_INTERVAL_MS && p.done < p.total) return;
        last = now;
        bus.emit('eval.progress', { evaluationId: id, ...p });
      },
    })
      .then(async (r) => {
        const status = r.cancelled ? 'stopped' : 'completed';
        await project.evaluations.finish(id, status);
        bus.emit('eval.ended', { evaluationId: id, status, message: r.failed > 0 ? `${r.failed} samples could not be read; they are listed with their error` : null });
      })
      .catch(async (e: unknown) => {
        // The samples done are stored; the evaluation can go on once the cause is fixed.
        await project.evaluations.finish(id, 'stopped').catch(() => undefined);
        bus.emit('eval.ended', { evaluationId: id, status: 'failed', message: e instanceof Error ? e.message : String(e) });
      })
      .finally(() => this.active.delete(id));
    this.active.set(id, { abort, done: finished });
    return { evaluationId: id, total: dataset.samples.length, resumedSamples: done.size, workers: lanes };
  }
}

/** The first sample whose content is a camera recording (the dataset's format is taken from it). */
function cameraSample(dataset: Dataset): DatasetSample | null {
  const first = dataset.samples[0];
  if (!first) return null;
  const head = new Uint8Array(64 * 1024);
  let n = 0;
  try {
    const fd = openSync(first.path, 'r');
    try {
      n = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    return isCameraFormat(detectEventInputFormat(first.file, head.subarray(0, n))) ? first : null;
  } catch {
    // An unreadable first sample is that sample's error when it is evaluated.
    return null;
  }
}

/** Evaluations map on the host: the samples go through the simulator's input, not a chip's DVS layer. */
function hostMapping(m: InputMappingView): InputMappingView {
  const { dvsLayer: _onChip, ...host } = m;
  return host;
}

function windowed(input: RunInput, windowUs: number | null): RunInput {
  if (windowUs === null || !('batch' in input) || input.batch.length === 0) return input;
  const { batch } = input;
  const end = batch.t[0]! + windowUs;
  let n = 0;
  while (n < batch.length && batch.t[n]! < end) n++;
  return { ...input, batch: sliceBatch(batch, 0, n) };
}
