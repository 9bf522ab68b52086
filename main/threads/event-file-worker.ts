// Worker-thread side of event-file import: parses one event file off the main thread and
// sends the packed events back as a transferred buffer. .npy / CSV are parsed whole;
// camera recordings (AEDAT, .bin, .dat, .raw) are decoded chunk by chunk — read from the
// file path in 1 MiB pieces when given a path, so a multi-GB recording is never in
// memory as bytes — with progress messages. Start it through event-file-reader.ts.

import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { CAMERA_CHUNK_BYTES, isCameraFormat, readCameraEvents, readEventFile, type EventFileContents, type EventInputFormat, type ReadEventFileOptions } from '../formats/event-files.js';
import { packBatch } from '../common/spike-batch.js';

export type EventFileJob = { format: EventInputFormat; options: ReadEventFileOptions } & ({ bytes: Uint8Array } | { path: string });

/** Messages back: progress (camera formats), then one result. */
export type EventFileWorkerMessage =
  | { type: 'progress'; bytes: number; total: number }
  | { type: 'done'; ok: true; events: ArrayBuffer; columns: EventFileContents['columns']; dropped: EventFileContents['dropped']; sorted: boolean; warnings: string[]; recording?: EventFileContents['recording'] }
  | { type: 'done'; ok: false; name: string; message: string };

if (!parentPort) throw new Error('event-file-worker.ts must run in a worker thread');
const port = parentPort;

/** At most this often (bytes between progress messages). */
const PROGRESS_EVERY = 8 * CAMERA_CHUNK_BYTES;

function readJob(job: EventFileJob): EventFileContents {
  if (!isCameraFormat(job.format)) {
    return readEventFile('bytes' in job ? job.bytes : new Uint8Array(readFileSync(job.path)), job.format, job.options);
  }
  let lastReport = 0;
  const progress = (bytes: number, total: number) => {
    if (bytes - lastReport >= PROGRESS_EVERY || bytes === total) {
      lastReport = bytes;
      port.postMessage({ type: 'progress', bytes, total } satisfies EventFileWorkerMessage);
    }
  };
  if ('bytes' in job) {
    const b = job.bytes;
    return readCameraEvents(job.format, job.options, (push) => {
      for (let i = 0; i < b.length; i += CAMERA_CHUNK_BYTES) {
        push(b.subarray(i, i + CAMERA_CHUNK_BYTES));
        progress(Math.min(b.length, i + CAMERA_CHUNK_BYTES), b.length);
      }
    });
  }
  const fd = openSync(job.path, 'r');
  try {
    const total = fstatSync(fd).size;
    // One read buffer for the whole file: decoders copy what they keep across chunks.
    const buffer = new Uint8Array(CAMERA_CHUNK_BYTES);
    return readCameraEvents(job.format, job.options, (push) => {
      let done = 0;
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, null);
        if (n === 0) break;
        push(buffer.subarray(0, n));
        done += n;
        progress(done, total);
      }
    });
  } finally {
    closeSync(fd);
  }
}

port.once('message', (job: EventFileJob) => {
  try {
    const read = readJob(job);
    const packed = packBatch(read.batch);
    const buffer = packed.buffer.byteLength === packed.byteLength ? (packed.buffer as ArrayBuffer) : packed.slice().buffer;
    const reply: EventFileWorkerMessage = {
      type: 'done',
      ok: true,
      events: buffer,
      columns: read.columns,
      dropped: read.dropped,
      sorted: read.sorted,
      warnings: read.warnings,
      ...(read.recording ? { recording: read.recording } : {}),
    };
    port.postMessage(reply, [buffer]);
  } catch (e) {
    port.postMessage({ type: 'done', ok: false, name: (e as Error).name, message: (e as Error).message } satisfies EventFileWorkerMessage);
  }
});
