// The project as the services see it: every question and every write is asynchronous,
// so the same services work on a project in this thread (the CLI) and on one in the
// store's worker thread (the app and the web host, whose main thread must never wait for
// SQLite). `localProjectStore` is the in-thread form over a Project; the worker form is
// in main/threads/store-client.ts and answers the same calls with the same values.

import type { SpikeBatch } from '../common/spike-batch.js';
import type { ProjectEvaluations } from './evaluations.js';
import type { ModelVersion, ModelVersionInput, Project, ProjectMeta, RunInfo, StartRunInput } from './project.js';
import { readWholeRecording } from './recording-files.js';
import { writeRecordingFile, type RecordingFileOptions, type RecordingFileResult } from './recording-export.js';
import type { RecordingStream } from './recording-writer.js';
import { ReplaySession, type ReplayControl, type ReplayEmit, type ReplaySessionRequest, type ReplayStateView } from './replay-session.js';
import { compareRunsScoped, type ScopedComparison } from './run-compare-scope.js';
import type { RunEnding } from './run-status.js';

/** A run being recorded: batches go in as they come; `finish` records how it ended. */
export interface RunRecording {
  readonly runId: number;
  recordInput(batch: SpikeBatch): void;
  recordOutput(batch: SpikeBatch): void;
  /** Called once when a chunk cannot be saved (the run should stop: nothing more is kept). */
  onRecordingFailed(listener: (error: unknown) => void): void;
  /** The ending recorded (interrupted or failed instead, when the recording failed). */
  finish(ending: RunEnding, counters?: Record<string, unknown>): Promise<RunEnding>;
}

export interface RecordingInfo {
  runId: number;
  stream: RecordingStream;
  count: number;
  firstUs: number | null;
  lastUs: number | null;
}

/** A replay running next to the project it reads. */
export interface ReplayHandle {
  readonly replayId: string;
  control(action: ReplayControl): Promise<void>;
  /** Resolves when the replay has ended, stopped or failed (its last state has been emitted). */
  readonly done: Promise<void>;
}

/** The calls of the project's dataset evaluations (ProjectEvaluations), wherever the store lives. */
export const EVALUATION_METHODS = ['list', 'get', 'unfinished', 'start', 'resume', 'addSample', 'samples', 'finish'] as const;
export type EvaluationMethod = (typeof EVALUATION_METHODS)[number];
export type EvaluationCall = <M extends EvaluationMethod>(method: M, args: Parameters<ProjectEvaluations[M]>) => Promise<ReturnType<ProjectEvaluations[M]>>;
export type EvaluationStore = { [M in EvaluationMethod]: (...args: Parameters<ProjectEvaluations[M]>) => Promise<ReturnType<ProjectEvaluations[M]>> };

/** The evaluations' calls over one function that carries a call to where the project is. */
export function evaluationStoreOver(call: EvaluationCall): EvaluationStore {
  return {
    list: (...a) => call('list', a),
    get: (...a) => call('get', a),
    unfinished: (...a) => call('unfinished', a),
    start: (...a) => call('start', a),
    resume: (...a) => call('resume', a),
    addSample: (...a) => call('addSample', a),
    samples: (...a) => call('samples', a),
    finish: (...a) => call('finish', a),
  };
}

/** One evaluations call on a project in this thread (the store's worker uses it too). */
export function callEvaluations<M extends EvaluationMethod>(evaluations: ProjectEvaluations, method: M, args: Parameters<ProjectEvaluations[M]>): ReturnType<ProjectEvaluations[M]> {
  if (!EVALUATION_METHODS.includes(method)) throw new Error(`no evaluations call "${String(method)}"`);
  return (evaluations[method] as (...a: unknown[]) => ReturnType<ProjectEvaluations[M]>).apply(evaluations, args);
}

export interface ProjectStore {
  readonly path: string;
  /** Runs the open marked interrupted because their writer had died. */
  readonly interruptedOnOpen: readonly number[];
  meta(): Promise<ProjectMeta>;
  listModelVersions(): Promise<ModelVersion[]>;
  getModelVersion(id: number): Promise<ModelVersion | null>;
  modelWeights(id: number): Promise<Uint8Array | null>;
  addModelVersion(input: ModelVersionInput): Promise<ModelVersion>;
  listRuns(): Promise<RunInfo[]>;
  getRun(id: number): Promise<RunInfo | null>;
  startRun(input: StartRunInput): Promise<RunRecording>;
  recordingInfo(runId: number, stream: RecordingStream): Promise<RecordingInfo>;
  /** Every event of a recording as one batch (memory: the whole recording). */
  readRecording(runId: number, stream: RecordingStream): Promise<SpikeBatch>;
  /** A recording written to a file on disk chunk by chunk (.npy, CSV, AEDAT4, HDF5), in the thread holding the project. */
  writeRecordingFile(runId: number, stream: RecordingStream, path: string, options: RecordingFileOptions): Promise<RecordingFileResult>;
  /** Over the chip layers both runs recorded, with `timelineBins` bins of counts over time when asked. */
  compareRuns(runA: number, runB: number, stream?: RecordingStream, timelineBins?: number): Promise<ScopedComparison>;
  startReplay(replayId: string, request: ReplaySessionRequest, emit: ReplayEmit): Promise<{ handle: ReplayHandle; info: RecordingInfo; state: ReplayStateView }>;
  /** Dataset evaluations and their per-sample rows. */
  readonly evaluations: EvaluationStore;
  close(): Promise<void>;
}

export function recordingInfoOf(project: Project, runId: number, stream: RecordingStream): RecordingInfo {
  const reader = project.openRecording(runId, stream);
  return { runId, stream, count: reader.count, firstUs: reader.firstT, lastUs: reader.lastT };
}

/** A replay session and its events, for the store that holds the project (this thread or the worker). */
export function openReplaySession(project: Project, replayId: string, request: ReplaySessionRequest, emit: ReplayEmit): { session: ReplaySession; info: RecordingInfo } {
  const info = recordingInfoOf(project, request.runId, request.stream);
  const session = new ReplaySession(replayId, project.openRecording(request.runId, request.stream), request, emit);
  return { session, info };
}

/** The store over a Project opened in this thread. */
export function localProjectStore(project: Project): ProjectStore {
  const resolved = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(e as Error);
    }
  };
  return {
    path: project.path,
    interruptedOnOpen: project.interruptedOnOpen,
    meta: () => resolved(() => project.meta),
    listModelVersions: () => resolved(() => project.listModelVersions()),
    getModelVersion: (id) => resolved(() => project.getModelVersion(id)),
    modelWeights: (id) => resolved(() => project.modelWeights(id)),
    addModelVersion: (input) => resolved(() => project.addModelVersion(input)),
    listRuns: () => resolved(() => project.listRuns()),
    getRun: (id) => resolved(() => project.getRun(id)),
    startRun: (input) =>
      resolved(() => {
        const recorder = project.startRun(input);
        return {
          runId: recorder.runId,
          recordInput: (b) => recorder.recordInput(b),
          recordOutput: (b) => recorder.recordOutput(b),
          onRecordingFailed: (l) => recorder.onRecordingFailed(l),
          finish: (ending, counters) => resolved(() => recorder.finish(ending, counters)),
        } satisfies RunRecording;
      }),
    recordingInfo: (runId, stream) => resolved(() => recordingInfoOf(project, runId, stream)),
    readRecording: (runId, stream) => resolved(() => readWholeRecording(project, runId, stream)),
    writeRecordingFile: (runId, stream, path, options) => writeRecordingFile(project, runId, stream, path, options),
    compareRuns: (a, b, stream, bins) => resolved(() => compareRunsScoped(project, a, b, stream, bins ? { timelineBins: bins } : {})),
    startReplay: (replayId, request, emit) =>
      resolved(() => {
        const { session, info } = openReplaySession(project, replayId, request, emit);
        const state = session.start();
        return { handle: { replayId, control: (action) => resolved(() => session.control(action)), done: session.done }, info, state };
      }),
    evaluations: evaluationStoreOver((method, args) => resolved(() => callEvaluations(project.evaluations, method, args))),
    close: () => resolved(() => project.close()),
  };
}
