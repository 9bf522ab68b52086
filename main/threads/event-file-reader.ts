// Reads an event file without blocking the calling thread: large files are parsed in a
// worker thread (the main process stays responsive while a 10-million-event file loads);
// small ones inline, where starting a thread would cost more than the parse.

import { readEventFile, type EventFileContents, type EventFileFormat, type ReadEventFileOptions } from '../formats/event-files.js';
import { unpackBatch } from '../sim/spike-batch.js';
import { spawnWorker } from './spawn-worker.js';

/** Files below this size are parsed on the calling thread. */
export const OFF_THREAD_BYTES = 4 * 1024 * 1024;

export class EventFileReadError extends Error {}

export async function readEventFileOffThread(bytes: Uint8Array, format: EventFileFormat, options: ReadEventFileOptions = {}): Promise<EventFileContents> {
  if (bytes.byteLength < OFF_THREAD_BYTES) return readEventFile(bytes, format, options);
  const worker = spawnWorker(new URL('./event-file-worker.js', import.meta.url));
  try {
    const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the event-file reader thread ended (exit code ${code})`)));
      // A copy goes to the worker; the caller keeps its bytes.
      worker.postMessage({ bytes, format, options });
    });
    if (!reply.ok) throw new EventFileReadError(String(reply.message));
    return {
      batch: unpackBatch(new Uint8Array(reply.events as ArrayBuffer)),
      columns: reply.columns as EventFileContents['columns'],
      dropped: reply.dropped as EventFileContents['dropped'],
      sorted: reply.sorted as boolean,
      warnings: reply.warnings as string[],
    };
  } finally {
    await worker.terminate();
  }
}
