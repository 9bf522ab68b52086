// Reads an event file without blocking the calling thread: large files are parsed in a
// worker thread (the main process stays responsive while a 10-million-event file loads);
// small ones inline, where starting a thread would cost more than the parse. Camera
// recordings given by path are always read in the worker, chunk by chunk, with progress.

import { readEventFile, type EventFileContents, type EventInputFormat, type ReadEventFileOptions } from '../formats/event-files.js';
import { unpackBatch } from '../common/spike-batch.js';
import type { EventFileJob, EventFileWorkerMessage } from './event-file-worker.js';
import { spawnWorker } from './spawn-worker.js';

/** Files below this size are parsed on the calling thread. */
export const OFF_THREAD_BYTES = 4 * 1024 * 1024;

export class EventFileReadError extends Error {
  readonly code = 'BAD_EVENT_FILE';
}

export interface ReadProgress {
  bytes: number;
  total: number;
}

async function inWorker(job: EventFileJob, onProgress?: (p: ReadProgress) => void): Promise<EventFileContents> {
  const worker = spawnWorker(new URL('./event-file-worker.js', import.meta.url));
  try {
    const reply = await new Promise<Extract<EventFileWorkerMessage, { type: 'done' }>>((resolve, reject) => {
      worker.on('message', (m: EventFileWorkerMessage) => {
        if (m.type === 'progress') onProgress?.({ bytes: m.bytes, total: m.total });
        else resolve(m);
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the event-file reader thread ended (exit code ${code})`)));
      // A copy goes to the worker; the caller keeps its bytes.
      worker.postMessage(job);
    });
    if (!reply.ok) throw new EventFileReadError(reply.message);
    return {
      batch: unpackBatch(new Uint8Array(reply.events)),
      columns: reply.columns,
      dropped: reply.dropped,
      sorted: reply.sorted,
      warnings: reply.warnings,
      ...(reply.recording ? { recording: reply.recording } : {}),
    };
  } finally {
    await worker.terminate();
  }
}

export async function readEventFileOffThread(
  bytes: Uint8Array,
  format: EventInputFormat,
  options: ReadEventFileOptions = {},
  onProgress?: (p: ReadProgress) => void,
): Promise<EventFileContents> {
  if (bytes.byteLength < OFF_THREAD_BYTES) return readEventFile(bytes, format, options);
  return inWorker({ bytes, format, options }, onProgress);
}

/** Reads the file at `path` in a worker thread (camera recordings in 1 MiB chunks). */
export async function readEventPathOffThread(path: string, format: EventInputFormat, options: ReadEventFileOptions = {}, onProgress?: (p: ReadProgress) => void): Promise<EventFileContents> {
  return inWorker({ path, format, options }, onProgress);
}
