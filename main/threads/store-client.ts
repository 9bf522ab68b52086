// Main-thread handle on the project store's worker thread: opens projects there and hands
// out ProjectStore objects whose calls are answered by the worker, so the app's main
// thread (IPC, the web host's sockets, device events) never waits for SQLite. Recorded
// batches are packed and moved to the worker without waiting for an answer; a recording
// that fails there comes back to the run as the same failure a local recorder reports.
// If the worker dies, every pending call and every run being recorded fails with a
// STORE_STOPPED error, and the next `open` starts a new worker.

import type { Worker } from 'node:worker_threads';
import { packBatch, unpackBatch, type SpikeBatch } from '../common/spike-batch.js';
import type { OpenProjectOptions } from '../store/project.js';
import type { ProjectEvaluations } from '../store/evaluations.js';
import { evaluationStoreOver, type EvaluationMethod, type ProjectStore, type ReplayHandle, type RunRecording } from '../store/project-store.js';
import type { ReplayEmit } from '../store/replay-session.js';
import type { RunEnding } from '../store/run-status.js';
import { spawnWorker } from './spawn-worker.js';
import { StoreThreadError, type FromStore, type StoreHandle, type StoreOp, type StoreOps, type ToStore } from './store-protocol.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
}

interface LiveRecording {
  fail(error: Error): void;
}

interface LiveReplay {
  emit: ReplayEmit;
  ended: () => void;
}

function stoppedError(detail: string): StoreThreadError {
  return new StoreThreadError({ name: 'StoreThreadStopped', code: 'STORE_STOPPED', message: `the project store thread stopped (${detail}); open the project again`, fields: {} });
}

export class StoreClient {
  private worker: Worker | null = null;
  /** Bumped per worker: a store opened in a worker that died cannot be used with the next one. */
  private generation = 0;
  private nextId = 1;
  private disposing = false;
  private drained: (() => void) | null = null;
  private readonly pending = new Map<number, Pending>();
  private readonly recordings = new Map<string, LiveRecording>();
  private readonly replays = new Map<string, LiveReplay>();

  /** Opens (or creates, with `options.create`) a project in the worker. */
  async open(path: string, options: OpenProjectOptions = {}): Promise<ProjectStore> {
    const opened = await this.call('open', path, options);
    return this.storeOf(opened.handle, opened.path, opened.interruptedOnOpen, this.generation);
  }

  /** Ends the worker after the calls already made (close your stores first). */
  async dispose(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.disposing = true;
    if (this.pending.size > 0) await new Promise<void>((r) => (this.drained = r));
    this.worker = null;
    await worker.terminate();
  }

  /**
   * Ends the store's thread at once, as a crash would: pending calls and runs being
   * recorded fail with STORE_STOPPED (what was committed stays). For a store that hangs,
   * and for the tests of what a crash leaves.
   */
  async stopThread(): Promise<void> {
    await this.worker?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    if (this.disposing) throw stoppedError('the workbench is shutting down');
    const worker = spawnWorker(new URL('./store-worker.js', import.meta.url));
    this.generation++;
    worker.on('message', (m: FromStore) => this.onMessage(m));
    worker.on('error', (e) => this.lost(worker, e instanceof Error ? e.message : String(e)));
    worker.on('exit', (code) => this.lost(worker, `exit code ${code}`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private call<K extends StoreOp>(op: K, ...args: Parameters<StoreOps[K]>): Promise<ReturnType<StoreOps[K]>> {
    let worker: Worker;
    try {
      worker = this.ensureWorker();
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const id = this.nextId++;
    if (this.pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ type: 'call', id, op, args } satisfies ToStore);
    });
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) {
      this.worker?.unref();
      this.drained?.();
    }
    return p;
  }

  private onMessage(m: FromStore): void {
    switch (m.type) {
      case 'reply': {
        const p = this.settle(m.id);
        if (m.ok) p?.resolve(m.value);
        else p?.reject(new StoreThreadError(m.error));
        break;
      }
      case 'recordingFailed':
        this.recordings.get(`${m.handle}:${m.runId}`)?.fail(new StoreThreadError(m.error));
        break;
      case 'replay':
        this.replays.get(m.replayId)?.emit(m.event);
        break;
      case 'replayDone':
        this.replays.get(m.replayId)?.ended();
        this.replays.delete(m.replayId);
        break;
    }
  }

  private lost(worker: Worker, detail: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    if (this.disposing) return;
    const error = stoppedError(detail);
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(error);
    for (const r of this.recordings.values()) r.fail(error);
    this.recordings.clear();
    for (const r of this.replays.values()) r.ended();
    this.replays.clear();
  }

  private storeOf(handle: StoreHandle, path: string, interruptedOnOpen: readonly number[], generation: number): ProjectStore {
    const usable = () => {
      if (generation !== this.generation || !this.worker) throw stoppedError('its worker ended');
    };
    const call = <K extends StoreOp>(op: K, ...args: Parameters<StoreOps[K]>): Promise<ReturnType<StoreOps[K]>> => {
      try {
        usable();
      } catch (e) {
        return Promise.reject(e as Error);
      }
      return this.call(op, ...args);
    };
    return {
      path,
      interruptedOnOpen,
      meta: () => call('meta', handle),
      listModelVersions: () => call('listModelVersions', handle),
      getModelVersion: (id) => call('getModelVersion', handle, id),
      modelWeights: (id) => call('modelWeights', handle, id),
      addModelVersion: (input) => call('addModelVersion', handle, input),
      listRuns: () => call('listRuns', handle),
      getRun: (id) => call('getRun', handle, id),
      startRun: async (input) => {
        // Timers and callbacks stay on this side of the thread; sizes and codecs cross.
        const { recording, ...rest } = input;
        const plain = recording
          ? {
              ...rest,
              recording: {
                ...(recording.chunkEvents !== undefined ? { chunkEvents: recording.chunkEvents } : {}),
                ...(recording.maxLatencyMs !== undefined ? { maxLatencyMs: recording.maxLatencyMs } : {}),
                ...(recording.codec !== undefined ? { codec: recording.codec } : {}),
              },
            }
          : rest;
        const runId = await call('startRun', handle, plain);
        return this.recordingOf(handle, runId, call);
      },
      recordingInfo: (runId, stream) => call('recordingInfo', handle, runId, stream),
      readRecording: async (runId, stream) => unpackBatch(await call('readRecording', handle, runId, stream)),
      writeRecordingFile: (runId, stream, path, options) => call('writeRecordingFile', handle, runId, stream, path, options),
      compareRuns: (a, b, stream, bins) => call('compareRuns', handle, a, b, stream, bins),
      startReplay: async (replayId, request, emit) => {
        let ended!: () => void;
        const done = new Promise<void>((r) => (ended = r));
        this.replays.set(replayId, { emit, ended });
        try {
          const { info, state } = await call('startReplay', handle, replayId, request);
          const replay: ReplayHandle = { replayId, control: (action) => call('controlReplay', replayId, action), done };
          return { handle: replay, info, state };
        } catch (e) {
          this.replays.delete(replayId);
          throw e;
        }
      },
      // The worker answers each method with that method's value (store-worker.ts calls it by name).
      evaluations: evaluationStoreOver(
        <M extends EvaluationMethod>(method: M, args: Parameters<ProjectEvaluations[M]>) => call('evaluations', handle, method, args) as Promise<ReturnType<ProjectEvaluations[M]>>,
      ),
      close: async () => {
        if (generation !== this.generation || !this.worker) return;
        await this.call('close', handle);
      },
    };
  }

  private recordingOf(handle: StoreHandle, runId: number, call: <K extends StoreOp>(op: K, ...args: Parameters<StoreOps[K]>) => Promise<ReturnType<StoreOps[K]>>): RunRecording {
    const key = `${handle}:${runId}`;
    let failure: Error | null = null;
    const listeners: Array<(e: unknown) => void> = [];
    const live: LiveRecording = {
      fail: (error) => {
        if (failure) return;
        failure = error;
        for (const l of listeners.splice(0)) l(error);
      },
    };
    this.recordings.set(key, live);
    const send = (stream: 'input' | 'output', batch: SpikeBatch) => {
      if (failure || batch.length === 0 || !this.worker) return;
      const events = packBatch(batch);
      this.worker.postMessage({ type: 'record', handle, runId, stream, events } satisfies ToStore, [events.buffer as ArrayBuffer]);
    };
    return {
      runId,
      recordInput: (batch) => send('input', batch),
      recordOutput: (batch) => send('output', batch),
      onRecordingFailed: (listener) => {
        if (failure) listener(failure);
        else listeners.push(listener);
      },
      finish: async (ending: RunEnding, counters: Record<string, unknown> = {}) => {
        try {
          return await call('finishRun', handle, runId, ending, counters);
        } finally {
          this.recordings.delete(key);
        }
      },
    };
  }
}
