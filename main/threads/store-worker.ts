// Worker-thread side of the project store: owns the SQLite connections of the projects
// the app has open, their run recorders and their replays, and answers StoreOps calls in
// the order they come, so a call made after a run's `finishRun` sees the run ended. The
// main thread talks to it only through StoreClient (store-client.ts).

import { parentPort } from 'node:worker_threads';
import { packBatch, unpackBatch } from '../common/spike-batch.js';
import { openProject, type Project } from '../store/project.js';
import { callEvaluations, openReplaySession, recordingInfoOf } from '../store/project-store.js';
import { writeRecordingFile } from '../store/recording-export.js';
import { readWholeRecording } from '../store/recording-files.js';
import type { ReplaySession } from '../store/replay-session.js';
import { compareRunsScoped } from '../store/run-compare-scope.js';
import type { RunRecorder } from '../store/run-recorder.js';
import { errorData, type FromStore, type StoreHandle, type StoreOp, type StoreOps, type ToStore } from './store-protocol.js';

if (!parentPort) throw new Error('store-worker.ts must run in a worker thread (use StoreClient)');
const port = parentPort;
const post = (msg: FromStore, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

const projects = new Map<StoreHandle, Project>();
const recorders = new Map<string, RunRecorder>();
const replays = new Map<string, { handle: StoreHandle; session: ReplaySession }>();
let nextHandle = 1;

function projectOf(h: StoreHandle): Project {
  const p = projects.get(h);
  if (!p) throw new Error(`project handle ${h} is not open in the store thread (it was closed)`);
  return p;
}

const runKey = (h: StoreHandle, runId: number) => `${h}:${runId}`;

function recorderOf(h: StoreHandle, runId: number): RunRecorder {
  const r = recorders.get(runKey(h, runId));
  if (!r) throw new Error(`run ${runId} is not being recorded in this project`);
  return r;
}

const ops: { [K in StoreOp]: (...args: Parameters<StoreOps[K]>) => ReturnType<StoreOps[K]> | Promise<ReturnType<StoreOps[K]>> } = {
  open(path, options) {
    const project = openProject(path, options);
    const handle = nextHandle++;
    projects.set(handle, project);
    return { handle, path: project.path, interruptedOnOpen: [...project.interruptedOnOpen] };
  },
  meta: (h) => projectOf(h).meta,
  listModelVersions: (h) => projectOf(h).listModelVersions(),
  getModelVersion: (h, id) => projectOf(h).getModelVersion(id),
  modelWeights: (h, id) => projectOf(h).modelWeights(id),
  addModelVersion: (h, input) => projectOf(h).addModelVersion(input),
  listRuns: (h) => projectOf(h).listRuns(),
  getRun: (h, id) => projectOf(h).getRun(id),
  startRun(h, input) {
    const recorder = projectOf(h).startRun(input);
    const key = runKey(h, recorder.runId);
    recorders.set(key, recorder);
    recorder.onRecordingFailed((error) => post({ type: 'recordingFailed', handle: h, runId: recorder.runId, error: errorData(error) }));
    return recorder.runId;
  },
  finishRun(h, runId, ending, counters) {
    const recorder = recorderOf(h, runId);
    recorders.delete(runKey(h, runId));
    return recorder.finish(ending, counters);
  },
  recordingInfo: (h, runId, stream) => recordingInfoOf(projectOf(h), runId, stream),
  readRecording: (h, runId, stream) => packBatch(readWholeRecording(projectOf(h), runId, stream)),
  writeRecordingFile: (h, runId, stream, path, options) => writeRecordingFile(projectOf(h), runId, stream, path, options),
  compareRuns: (h, a, b, stream, bins) => compareRunsScoped(projectOf(h), a, b, stream, bins ? { timelineBins: bins } : {}),
  startReplay(h, replayId, request) {
    const { session, info } = openReplaySession(projectOf(h), replayId, request, (event) =>
      post({ type: 'replay', replayId, event }, event.kind === 'spikes' ? [event.spikes.buffer as ArrayBuffer] : []),
    );
    replays.set(replayId, { handle: h, session });
    void session.done.then(() => {
      replays.delete(replayId);
      post({ type: 'replayDone', replayId });
    });
    return { info, state: session.start() };
  },
  controlReplay(replayId, action) {
    const replay = replays.get(replayId);
    if (!replay) throw Object.assign(new Error(`replay ${replayId} has ended or does not exist; start it again`), { code: 'UNKNOWN_REPLAY' });
    replay.session.control(action);
  },
  evaluations: (h, method, args) => callEvaluations(projectOf(h).evaluations, method, args),
  close(h) {
    for (const r of replays.values()) if (r.handle === h) r.session.stop();
    for (const key of [...recorders.keys()]) if (key.startsWith(`${h}:`)) recorders.delete(key);
    projects.get(h)?.close();
    projects.delete(h);
  },
};

// Only the recording's packed events are made here and nowhere else; other bytes (weights
// read by SQLite) are copied, not moved.
function transferOf(op: StoreOp, value: unknown): ArrayBuffer[] {
  return op === 'readRecording' && value instanceof Uint8Array ? [value.buffer as ArrayBuffer] : [];
}

port.on('message', (msg: ToStore) => {
  if (msg.type === 'record') {
    const recorder = recorders.get(runKey(msg.handle, msg.runId));
    // A batch for a run already finished or failed is dropped: the failure was reported once.
    if (!recorder || recorder.failure !== null) return;
    try {
      const batch = unpackBatch(msg.events);
      if (msg.stream === 'input') recorder.recordInput(batch);
      else recorder.recordOutput(batch);
    } catch (e) {
      post({ type: 'recordingFailed', handle: msg.handle, runId: msg.runId, error: errorData(e) });
    }
    return;
  }
  try {
    const fn = ops[msg.op] as (...args: unknown[]) => unknown;
    const value = fn(...msg.args);
    if (value instanceof Promise) {
      value.then(
        (v: unknown) => post({ type: 'reply', id: msg.id, ok: true, value: v }),
        (e: unknown) => post({ type: 'reply', id: msg.id, ok: false, error: errorData(e) }),
      );
      return;
    }
    post({ type: 'reply', id: msg.id, ok: true, value }, transferOf(msg.op, value));
  } catch (e) {
    post({ type: 'reply', id: msg.id, ok: false, error: errorData(e) });
  }
});
