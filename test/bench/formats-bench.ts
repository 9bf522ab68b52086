// Micro benchmark of event-file throughput: parse (readEventFile) and write
// (writeEventFile) of a generated 2-million-event stream as CSV and as .npy. A benchmark,
// not a test: it asserts nothing about time. Run it alone with
// `npx tsx test/bench/formats-bench.ts`.

import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { readEventFile, writeEventFile, type EventFileFormat } from '../../main/formats/event-files.js';
import { allocateBatch, type SpikeBatch } from '../../main/common/spike-batch.js';

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
    rows.push({ name: `event ${format} parse (2M events, xytp)`, value: Math.round(EVENTS / readSeconds), unit: 'events/s' });
    rows.push({ name: `event ${format} write (2M events, xytp)`, value: Math.round(EVENTS / writeSeconds), unit: 'events/s' });
    rows.push({ name: `event ${format} file size (2M events)`, value: Math.round((bytes.length / EVENTS) * 100) / 100, unit: 'bytes/event' });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await runFormatsBench()) console.log(`${row.name}: ${row.value.toLocaleString('en-US')} ${row.unit}`);
}
