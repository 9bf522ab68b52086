// Worker-thread side of event-file import: parses one event file off the main thread and
// sends the packed events back as a transferred buffer. .npy / CSV are parsed whole;
// camera recordings (AEDAT, .bin, .dat, .raw) are decoded chunk by chunk — read from the
// file path in 1 MiB pieces when given a path, so a multi-GB recording is never in
// memory as bytes — with progress messages. Start it through event-file-reader.ts.
//
// A stream job reads a file of any length in bounded memory: a first pass checks every
// event and counts them (errors come before anything is sent), a second sends batches,
// each only when the reader has granted one (a credit counter in shared memory: the
// worker's parse is synchronous, so it waits with Atomics.wait, not for a message).
// AEDAT4's LZ4 packets go through the WebAssembly LZ4 decoder (lz4-wasm.ts), loaded before
// the job starts; lz4js when it cannot load.

import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import {
  CAMERA_CHUNK_BYTES,
  isCameraFormat,
  readCameraEvents,
  readEventFile,
  streamEventFile,
  type ChunkFeed,
  type EventFileContents,
  type EventFileSummary,
  type EventInputFormat,
  type ReadEventFileOptions,
} from '../formats/event-files.js';
import type { PacketCodecs } from '../formats/events/packet-compression.js';
import { packBatch, type SpikeBatch } from '../common/spike-batch.js';
import { loadPacketCodecs } from './lz4-wasm.js';

export type EventFileJob = { format: EventInputFormat; options: ReadEventFileOptions } & (
  | { bytes: Uint8Array }
  | { path: string }
  /** Stream the file: `control` is an Int32Array's buffer, [0] batches granted, [1] non-zero to stop. */
  | { path: string; stream: { chunkEvents: number; control: SharedArrayBuffer } }
);

/** Messages back: progress, then one result ('done'); a stream job sends 'scanned', its batches and 'end' instead. */
export type EventFileWorkerMessage =
  | { type: 'progress'; bytes: number; total: number }
  | { type: 'done'; ok: true; events: ArrayBuffer; columns: EventFileContents['columns']; dropped: EventFileContents['dropped']; sorted: boolean; warnings: string[]; recording?: EventFileContents['recording'] }
  | { type: 'done'; ok: false; name: string; message: string }
  | { type: 'scanned'; summary: EventFileSummary; count: number; firstUs: number | null; lastUs: number | null }
  | { type: 'batch'; events: ArrayBuffer }
  | { type: 'end'; count: number };

export const CONTROL_GRANTED = 0;
export const CONTROL_STOP = 1;

if (!parentPort) throw new Error('event-file-worker.ts must run in a worker thread');
const port = parentPort;

/** At most this often (bytes between progress messages). */
const PROGRESS_EVERY = 8 * CAMERA_CHUNK_BYTES;

/** Progress messages for a file of `total` bytes, at most every PROGRESS_EVERY bytes. */
function progressReporter(): (bytes: number, total: number) => void {
  let lastReport = 0;
  return (bytes, total) => {
    if (bytes - lastReport >= PROGRESS_EVERY || bytes === total) {
      lastReport = bytes;
      port.postMessage({ type: 'progress', bytes, total } satisfies EventFileWorkerMessage);
    }
  };
}

/** Reads the open file from its start in CAMERA_CHUNK_BYTES pieces, into one reused buffer (readers copy what they keep). */
function fileFeed(fd: number, total: number, progress: (bytes: number, total: number) => void): ChunkFeed {
  const buffer = new Uint8Array(CAMERA_CHUNK_BYTES);
  return (push) => {
    let done = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, done);
      if (n === 0) break;
      push(buffer.subarray(0, n));
      done += n;
      progress(done, total);
    }
  };
}

function withFile<T>(path: string, use: (fd: number, total: number) => T): T {
  const fd = openSync(path, 'r');
  try {
    return use(fd, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}

function readJob(job: EventFileJob, codecs: PacketCodecs): EventFileContents {
  if (!isCameraFormat(job.format)) {
    return readEventFile('bytes' in job ? job.bytes : new Uint8Array(readFileSync(job.path)), job.format, job.options);
  }
  const progress = progressReporter();
  if ('bytes' in job) {
    const b = job.bytes;
    return readCameraEvents(
      job.format,
      job.options,
      (push) => {
        for (let i = 0; i < b.length; i += CAMERA_CHUNK_BYTES) {
          push(b.subarray(i, i + CAMERA_CHUNK_BYTES));
          progress(Math.min(b.length, i + CAMERA_CHUNK_BYTES), b.length);
        }
      },
      codecs,
    );
  }
  const format = job.format;
  return withFile(job.path, (fd, total) => readCameraEvents(format, job.options, fileFeed(fd, total, progress), codecs));
}

class Stopped extends Error {}

/** Blocks until the reader grants a batch (or says stop). */
function takeGrant(control: Int32Array): void {
  for (;;) {
    if (Atomics.load(control, CONTROL_STOP) !== 0) throw new Stopped();
    const granted = Atomics.load(control, CONTROL_GRANTED);
    if (granted > 0) {
      if (Atomics.compareExchange(control, CONTROL_GRANTED, granted, granted - 1) === granted) return;
      continue;
    }
    Atomics.wait(control, CONTROL_GRANTED, granted, 1000);
  }
}

function postDone(read: EventFileContents): void {
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
}

function streamJob(path: string, format: EventInputFormat, options: ReadEventFileOptions, chunkEvents: number, control: Int32Array, codecs: PacketCodecs): void {
  withFile(path, (fd, total) => {
    let count = 0;
    let firstUs: number | null = null;
    let lastUs: number | null = null;
    const summary = streamEventFile(
      format,
      options,
      total,
      fileFeed(fd, total, progressReporter()),
      {
        chunkEvents,
        emit: (b: SpikeBatch) => {
          if (firstUs === null) firstUs = b.t[0]!;
          lastUs = b.t[b.length - 1]!;
          count += b.length;
        },
      },
      codecs,
    );
    if (summary.needsSort) {
      // Putting the events in order needs all of them: the file is read whole after all.
      postDone(readJob({ path, format, options }, codecs));
      return;
    }
    const shift = summary.recording?.timeShift ?? 0;
    port.postMessage({ type: 'scanned', summary, count, firstUs: firstUs === null ? null : firstUs - shift, lastUs: lastUs === null ? null : lastUs - shift } satisfies EventFileWorkerMessage);
    let sent = 0;
    streamEventFile(
      format,
      options,
      total,
      fileFeed(fd, total, () => {}),
      {
        chunkEvents,
        timeShift: shift,
        emit: (b: SpikeBatch) => {
          takeGrant(control);
          const packed = packBatch(b);
          const buffer = packed.buffer as ArrayBuffer;
          sent += b.length;
          port.postMessage({ type: 'batch', events: buffer } satisfies EventFileWorkerMessage, [buffer]);
        },
      },
      codecs,
    );
    if (sent !== count) throw new Error(`the file changed while it was read: ${count} events when checked, ${sent} when sent`);
    port.postMessage({ type: 'end', count: sent } satisfies EventFileWorkerMessage);
  });
}

port.once('message', async (job: EventFileJob) => {
  try {
    const codecs = isCameraFormat(job.format) ? await loadPacketCodecs() : {};
    if ('stream' in job) streamJob(job.path, job.format, job.options, job.stream.chunkEvents, new Int32Array(job.stream.control), codecs);
    else postDone(readJob(job, codecs));
  } catch (e) {
    if (e instanceof Stopped) return;
    port.postMessage({ type: 'done', ok: false, name: (e as Error).name, message: (e as Error).message } satisfies EventFileWorkerMessage);
  }
});
