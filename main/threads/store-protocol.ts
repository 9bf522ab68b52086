// Messages between the main thread and the project store's worker (store-worker.ts). A
// call names an operation of StoreOps with its arguments and gets one reply; batches of
// a run being recorded go one way, without replies (their failure comes back as a
// `recordingFailed` message); replays send their batches and states as they play.
// Errors cross as plain data and are rebuilt with the same name, message and code.

import type { ModelVersion, ModelVersionInput, OpenProjectOptions, ProjectMeta, RunInfo, StartRunInput } from '../store/project.js';
import type { ProjectEvaluations } from '../store/evaluations.js';
import type { EvaluationMethod, RecordingInfo } from '../store/project-store.js';
import type { RecordingFileOptions, RecordingFileResult } from '../store/recording-export.js';
import type { RecordingStream, RecordingWriterOptions } from '../store/recording-writer.js';
import type { ReplayControl, ReplayEvent, ReplaySessionRequest, ReplayStateView } from '../store/replay-session.js';
import type { ScopedComparison } from '../store/run-compare-scope.js';
import type { RunEnding } from '../store/run-status.js';

/** One open project in the worker. */
export type StoreHandle = number;

/** What a project opened in the worker can do; every operation but `open` names its project. */
export interface StoreOps {
  open(path: string, options: OpenProjectOptions): { handle: StoreHandle; path: string; interruptedOnOpen: number[] };
  meta(h: StoreHandle): ProjectMeta;
  listModelVersions(h: StoreHandle): ModelVersion[];
  getModelVersion(h: StoreHandle, id: number): ModelVersion | null;
  modelWeights(h: StoreHandle, id: number): Uint8Array | null;
  addModelVersion(h: StoreHandle, input: ModelVersionInput): ModelVersion;
  listRuns(h: StoreHandle): RunInfo[];
  getRun(h: StoreHandle, id: number): RunInfo | null;
  /** Starts recording a run; returns its id. */
  startRun(h: StoreHandle, input: Omit<StartRunInput, 'recording'> & { recording?: Pick<RecordingWriterOptions, 'chunkEvents' | 'maxLatencyMs' | 'codec'> }): number;
  finishRun(h: StoreHandle, runId: number, ending: RunEnding, counters: Record<string, unknown>): RunEnding;
  recordingInfo(h: StoreHandle, runId: number, stream: RecordingStream): RecordingInfo;
  /** The packed events (main/common/spike-batch.ts layout). */
  readRecording(h: StoreHandle, runId: number, stream: RecordingStream): Uint8Array;
  /** Writes a recording to a file on disk chunk by chunk (the worker answers it asynchronously: HDF5's library loads on first use). */
  writeRecordingFile(h: StoreHandle, runId: number, stream: RecordingStream, path: string, options: RecordingFileOptions): RecordingFileResult;
  compareRuns(h: StoreHandle, runA: number, runB: number, stream: RecordingStream | undefined, timelineBins: number | undefined): ScopedComparison;
  startReplay(h: StoreHandle, replayId: string, request: ReplaySessionRequest): { info: RecordingInfo; state: ReplayStateView };
  controlReplay(replayId: string, action: ReplayControl): void;
  evaluations<M extends EvaluationMethod>(h: StoreHandle, method: M, args: Parameters<ProjectEvaluations[M]>): ReturnType<ProjectEvaluations[M]>;
  close(h: StoreHandle): void;
}

export type StoreOp = keyof StoreOps;

export interface StoreErrorData {
  name: string;
  message: string;
  code?: string;
  /** The error's own data fields (which run, which path, ...), when they are plain values. */
  fields: Record<string, unknown>;
}

export type ToStore = { type: 'call'; id: number; op: StoreOp; args: unknown[] } | { type: 'record'; handle: StoreHandle; runId: number; stream: RecordingStream; events: Uint8Array };

export type FromStore =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: StoreErrorData }
  | { type: 'recordingFailed'; handle: StoreHandle; runId: number; error: StoreErrorData }
  | { type: 'replay'; replayId: string; event: ReplayEvent }
  | { type: 'replayDone'; replayId: string };

function plain(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  return Array.isArray(value) && value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
}

export function errorData(e: unknown): StoreErrorData {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(e)) if (key !== 'name' && key !== 'message' && key !== 'stack' && plain(value)) fields[key] = value;
  const code = (e as { code?: unknown }).code;
  return { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}), fields };
}

/** An error thrown in the store's worker, as the main thread sees it: same name, message, code and data fields. */
export class StoreThreadError extends Error {
  readonly code: string | undefined;
  readonly fields: Record<string, unknown>;
  constructor(data: StoreErrorData) {
    super(data.message);
    this.name = data.name;
    this.code = data.code;
    this.fields = data.fields;
    Object.assign(this, data.fields);
  }
}
