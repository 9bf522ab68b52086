// Messages between SimulationClient (main thread) and sim-worker.ts (worker thread).
// Event batches travel as packed ArrayBuffers (spike-batch.ts layout, transferred, never
// copied on the way); cancellation travels through a shared Int32 flag so a worker busy
// inside a chunk sees it without waiting for its message queue.

import type { ChipConfig } from '../chips/chip-config.js';
import type { ChipBehaviour } from '../sim/chip-behaviour.js';
import type { SimIssue } from '../sim/chip-loader.js';
import type { ProcessingOrder } from '../sim/event-engine.js';
import type { SimCounters } from '../sim/sim-counters.js';
import type { EngineName } from './native-engine.js';
import { BYTES_PER_EVENT, packBatch, unpackBatch, type SpikeBatch } from '../common/spike-batch.js';

/** What configures the engine in the worker (EventEngineOptions that can cross threads). */
export interface EngineSettings {
  order?: ProcessingOrder;
  behaviour?: Partial<ChipBehaviour>;
  slowClockHz?: number | null;
  maxEventsPerInput?: number;
  kernelImpl?: 'auto' | 'js' | 'wasm-simd';
  /** 'native', 'wasm' or 'js' (native-engine.ts resolveEngine); absent: the fastest available. */
  engine?: EngineName;
}

/** Index in the shared control array: id of the run to cancel (0 = none). */
export const CONTROL_CANCEL_RUN = 0;

export type ToWorker =
  | { type: 'load'; config: ChipConfig; settings: EngineSettings; control: SharedArrayBuffer }
  | { type: 'begin'; runId: number }
  | { type: 'chunk'; runId: number; seq: number; events: ArrayBuffer }
  | { type: 'end'; runId: number }
  | { type: 'cancel'; runId: number }
  | { type: 'request'; reqId: number; op: 'readNeuron'; core: number; address: number }
  | { type: 'request'; reqId: number; op: 'resetStates' }
  | { type: 'request'; reqId: number; op: 'advanceTo'; timeUs: number }
  | { type: 'request'; reqId: number; op: 'counters' };

export interface WorkerError {
  name: string;
  message: string;
  issues?: SimIssue[];
}

export type FromWorker =
  | { type: 'loaded'; warnings: SimIssue[]; engine: string; nativeDeclined: string | null }
  | { type: 'loadFailed'; error: WorkerError }
  | { type: 'output'; runId: number; events: ArrayBuffer }
  | { type: 'progress'; runId: number; eventsIn: number; eventsOut: number; timeUs: number }
  | { type: 'chunkDone'; runId: number; seq: number }
  | { type: 'runDone'; runId: number; counters: SimCounters; cancelled: boolean; error?: WorkerError }
  | { type: 'reply'; reqId: number; value?: unknown; outputs?: ArrayBuffer[]; error?: WorkerError };

/** The batch as one packed buffer that may be transferred (a copy unless it already is one). */
export function transferableBatch(batch: SpikeBatch): ArrayBuffer {
  const n = batch.length;
  const buf = batch.t.buffer as ArrayBuffer;
  if (batch.t.byteOffset === 0 && batch.t.length === n && buf.byteLength === n * BYTES_PER_EVENT) return buf;
  return packBatch(batch).buffer as ArrayBuffer;
}

export function batchOfBuffer(events: ArrayBuffer): SpikeBatch {
  return unpackBatch(new Uint8Array(events));
}

export function errorOf(e: unknown): WorkerError {
  if (e instanceof Error) {
    const issues = (e as { issues?: unknown }).issues;
    return { name: e.name, message: e.message, ...(Array.isArray(issues) ? { issues: issues as SimIssue[] } : {}) };
  }
  return { name: 'Error', message: String(e) };
}
