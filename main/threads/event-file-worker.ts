// Worker-thread side of event-file import: parses one .npy / CSV event file off the main
// thread (a 10-million-event file takes about a second) and sends the packed events back
// as a transferred buffer. Start it through readEventFileOffThread.

import { parentPort } from 'node:worker_threads';
import { readEventFile, type EventFileFormat, type ReadEventFileOptions } from '../formats/event-files.js';
import { packBatch } from '../sim/spike-batch.js';

export interface EventFileJob {
  bytes: Uint8Array;
  format: EventFileFormat;
  options: ReadEventFileOptions;
}

if (!parentPort) throw new Error('event-file-worker.ts must run in a worker thread');
const port = parentPort;

port.once('message', (job: EventFileJob) => {
  try {
    const read = readEventFile(job.bytes, job.format, job.options);
    const packed = packBatch(read.batch);
    const buffer = packed.buffer.byteLength === packed.byteLength ? (packed.buffer as ArrayBuffer) : packed.slice().buffer;
    port.postMessage({ ok: true, events: buffer, columns: read.columns, dropped: read.dropped, sorted: read.sorted, warnings: read.warnings }, [buffer]);
  } catch (e) {
    port.postMessage({ ok: false, name: (e as Error).name, message: (e as Error).message });
  }
});
