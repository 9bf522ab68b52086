// Reads an event file without blocking the calling thread: large files are parsed in a
// worker thread (the main process stays responsive while a 10-million-event file loads);
// small ones inline, where starting a thread would cost more than the parse. Camera
// recordings given by path are always read in the worker, chunk by chunk, with progress.
// Files of any length can be streamed instead (openEventPathStream): checked whole
// first, then sent batch by batch, never more than a few batches ahead of the consumer.

import { readEventFile, type EventFileContents, type EventFileSummary, type EventInputFormat, type ReadEventFileOptions } from '../formats/event-files.js';
import { unpackBatch, type SpikeBatch } from '../common/spike-batch.js';
import type { EventStream } from '../common/event-stream.js';
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

type Done = Extract<EventFileWorkerMessage, { type: 'done' }>;

function contentsOf(reply: Done): EventFileContents {
  if (!reply.ok) throw new EventFileReadError(reply.message);
  return {
    batch: unpackBatch(new Uint8Array(reply.events)),
    columns: reply.columns,
    dropped: reply.dropped,
    sorted: reply.sorted,
    warnings: reply.warnings,
    ...(reply.recording ? { recording: reply.recording } : {}),
  };
}

async function inWorker(job: EventFileJob, onProgress?: (p: ReadProgress) => void, signal?: AbortSignal): Promise<EventFileContents> {
  const worker = spawnWorker(new URL('./event-file-worker.js', import.meta.url));
  try {
    const reply = await new Promise<Done>((resolve, reject) => {
      worker.on('message', (m: EventFileWorkerMessage) => {
        if (m.type === 'progress') onProgress?.({ bytes: m.bytes, total: m.total });
        else if (m.type === 'done') resolve(m);
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the event-file reader thread ended (exit code ${code})`)));
      if (signal?.aborted) reject(new Error('the read was cancelled'));
      signal?.addEventListener('abort', () => reject(new Error('the read was cancelled')), { once: true });
      // A copy goes to the worker; the caller keeps its bytes.
      worker.postMessage(job);
    });
    return contentsOf(reply);
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
export async function readEventPathOffThread(path: string, format: EventInputFormat, options: ReadEventFileOptions = {}, onProgress?: (p: ReadProgress) => void, signal?: AbortSignal): Promise<EventFileContents> {
  return inWorker({ path, format, options }, onProgress, signal);
}

/** What opening a file as a stream gives: a stream, or (when its events must be sorted) the whole contents. */
export type OpenedEventFile = { kind: 'stream'; summary: EventFileSummary; stream: FileEventStream } | { kind: 'whole'; contents: EventFileContents };

export interface FileEventStream extends EventStream {
  /** Batches read ahead of the consumer and waiting (at most the window). */
  queued(): number;
}

export interface StreamOptions {
  /** Events per batch (default 65536). */
  chunkEvents?: number;
  /** Batches the worker may read ahead of the consumer (default 4). */
  window?: number;
  /** Aborting while the file is being checked ends the worker at once. */
  signal?: AbortSignal;
}

type StreamMessage = Exclude<EventFileWorkerMessage, { type: 'progress' | 'scanned' }> | { type: 'failed'; message: string };

/**
 * Checks the file at `path` in a worker thread (every event, as readEventFile would: an
 * error comes here, before anything is sent) and returns a stream of its events, read
 * again batch by batch as they are consumed: memory stays at a few batches whatever the
 * file's length. A file whose events must be sorted first comes back whole. Progress is
 * that of the checking pass.
 */
export async function openEventPathStream(
  path: string,
  format: EventInputFormat,
  options: ReadEventFileOptions = {},
  onProgress?: (p: ReadProgress) => void,
  streamOptions: StreamOptions = {},
): Promise<OpenedEventFile> {
  const chunkEvents = streamOptions.chunkEvents ?? 65536;
  const window = streamOptions.window ?? 4;
  const control = new Int32Array(new SharedArrayBuffer(8));
  const worker = spawnWorker(new URL('./event-file-worker.js', import.meta.url));
  const queue: StreamMessage[] = [];
  let wake: (() => void) | null = null;
  const enqueue = (m: StreamMessage) => {
    queue.push(m);
    wake?.();
  };
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    Atomics.store(control, 1, 1);
    Atomics.notify(control, 0);
    void worker.terminate();
  };
  const grant = (n: number) => {
    Atomics.add(control, 0, n);
    Atomics.notify(control, 0);
  };
  const opened = await new Promise<OpenedEventFile>((resolve, reject) => {
    let scanned = false;
    worker.on('message', (m: EventFileWorkerMessage) => {
      if (m.type === 'progress') {
        if (!scanned) onProgress?.({ bytes: m.bytes, total: m.total });
      } else if (m.type === 'scanned') {
        scanned = true;
        resolve({ kind: 'stream', summary: m.summary, stream: makeStream(m) });
      } else if (!scanned) {
        if (m.type === 'done') {
          try {
            resolve({ kind: 'whole', contents: contentsOf(m) });
          } catch (e) {
            reject(e as Error);
          }
        }
      } else {
        enqueue(m.type === 'done' && !m.ok ? { type: 'failed', message: m.message } : m);
      }
    });
    worker.once('error', (e) => (scanned ? enqueue({ type: 'failed', message: e.message }) : reject(e)));
    worker.once('exit', (code) => {
      const message = `the event-file reader thread ended (exit code ${code})`;
      if (!scanned) reject(new Error(message));
      else if (!closed) enqueue({ type: 'failed', message });
    });
    const signal = streamOptions.signal;
    if (signal?.aborted) reject(new Error('the read was cancelled'));
    signal?.addEventListener('abort', () => reject(new Error('the read was cancelled')), { once: true });
    worker.postMessage({ path, format, options, stream: { chunkEvents, control: control.buffer as SharedArrayBuffer } } satisfies EventFileJob);
  }).catch((e: unknown) => {
    close();
    throw e;
  });
  if (opened.kind === 'whole') close();
  return opened;

  function makeStream(m: Extract<EventFileWorkerMessage, { type: 'scanned' }>): FileEventStream {
    let used = false;
    const next = async (): Promise<StreamMessage> => {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      wake = null;
      return queue.shift()!;
    };
    return {
      total: m.count,
      firstUs: m.firstUs,
      lastUs: m.lastUs,
      close,
      queued: () => queue.filter((q) => q.type === 'batch').length,
      batches: () => ({
        async *[Symbol.asyncIterator](): AsyncGenerator<SpikeBatch> {
          if (used) throw new Error('an event stream can be read once');
          used = true;
          if (closed) throw new Error('the event stream was closed before it was read');
          grant(window);
          try {
            for (;;) {
              const msg = await next();
              if (msg.type === 'end') return;
              if (msg.type === 'batch') {
                yield unpackBatch(new Uint8Array(msg.events));
                grant(1);
              } else {
                throw new EventFileReadError(`${path}: ${msg.type === 'failed' ? msg.message : 'unexpected reply from the reader thread'}`);
              }
            }
          } finally {
            close();
          }
        },
      }),
    };
  }
}
