// Micro benchmark of event-file throughput: parse (readEventFile) and write
// (writeEventFile) of a generated 2-million-event stream as CSV and as .npy, the same
// parse streamed in 1 MiB chunks (streamEventFile), and the whole streamed read of a
// file from the event-file worker (check pass, then batches: what a long `dcnn run`
// waits for before its device). A benchmark, not a test: it asserts nothing about time.
// Run it alone with `npx tsx test/bench/formats-bench.ts`.

import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAMERA_CHUNK_BYTES, readEventFile, streamEventFile, writeEventFile, type EventFileFormat } from '../../main/formats/event-files.js';
import { allocateBatch, type SpikeBatch } from '../../main/common/spike-batch.js';
import { openEventPathStream } from '../../main/threads/event-file-reader.js';

const EVENTS = 2_000_000;
const REPEATS = 3;

/** A DVS-like stream: 128x128, two polarities, increasing timestamps (deterministic). */
function generatedBatch(n: number): SpikeBatch {
  const b = allocateBatch(n);
  let seed = 12345;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 8;
  };
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += next() % 7;
    b.t[i] = t;
    b.x[i] = next() % 128;
    b.y[i] = next() % 128;
    b.channel[i] = next() % 2;
    b.layer[i] = 0;
  }
  return b;
}

/** Best of `REPEATS` runs, in seconds. */
function best(fn: () => void): number {
  let min = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, (performance.now() - t0) / 1000);
  }
  return min;
}

export async function runFormatsBench(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const batch = generatedBatch(EVENTS);
  const rows: Array<{ name: string; value: number; unit: string }> = [];
  for (const format of ['csv', 'npy'] as EventFileFormat[]) {
    let bytes: Uint8Array = new Uint8Array(0);
    const writeSeconds = best(() => {
      bytes = writeEventFile(batch, format, 'xytp');
    });
    let parsed = 0;
    const readSeconds = best(() => {
      parsed = readEventFile(bytes, format, { inputShape: [2, 128, 128] }).batch.length;
    });
    if (parsed !== EVENTS) throw new Error(`${format}: read back ${parsed} of ${EVENTS} events`);
    let streamed = 0;
    const streamSeconds = best(() => {
      streamed = 0;
      streamEventFile(format, { inputShape: [2, 128, 128] }, bytes.length, (push) => {
        for (let i = 0; i < bytes.length; i += CAMERA_CHUNK_BYTES) push(bytes.subarray(i, i + CAMERA_CHUNK_BYTES));
      }, { chunkEvents: 65536, emit: (b) => (streamed += b.length) });
    });
    if (streamed !== EVENTS) throw new Error(`${format}: streamed ${streamed} of ${EVENTS} events`);
    const dir = mkdtempSync(join(tmpdir(), 'dcnn-bench-'));
    try {
      const path = join(dir, `events.${format}`);
      writeFileSync(path, bytes);
      const t0 = performance.now();
      const opened = await openEventPathStream(path, format, { inputShape: [2, 128, 128] });
      if (opened.kind !== 'stream') throw new Error('expected a stream');
      let sent = 0;
      for await (const b of opened.stream.batches()) sent += b.length;
      const workerSeconds = (performance.now() - t0) / 1000;
      if (sent !== EVENTS) throw new Error(`${format}: the worker sent ${sent} of ${EVENTS} events`);
      rows.push({ name: `event ${format} streamed from the worker, check + send (2M events, incl. thread start)`, value: Math.round(EVENTS / workerSeconds), unit: 'events/s' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    rows.push({ name: `event ${format} parse (2M events, xytp)`, value: Math.round(EVENTS / readSeconds), unit: 'events/s' });
    rows.push({ name: `event ${format} parse streamed in 1 MiB chunks (2M events)`, value: Math.round(EVENTS / streamSeconds), unit: 'events/s' });
    rows.push({ name: `event ${format} write (2M events, xytp)`, value: Math.round(EVENTS / writeSeconds), unit: 'events/s' });
    rows.push({ name: `event ${format} file size (2M events)`, value: Math.round((bytes.length / EVENTS) * 100) / 100, unit: 'bytes/event' });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await runFormatsBench()) console.log(`${row.name}: ${row.value.toLocaleString('en-US')} ${row.unit}`);
}
