// Camera-reader throughput, events per second: each reader decoding a synthetic recording
// of 4 million events (built from the format descriptions by test/helpers/event-recordings.ts)
// pushed in 1 MiB chunks as the event-file worker does; the real AEDAT4 and EVT 3.0 samples
// decoded over and over; and the whole read of AEDAT4 and EVT3 into the product's event
// layout (readEventFile: decode, polarity to channel, time shift). Issue 12's goal is 50 M
// events/s for AEDAT4 and EVT3. A benchmark, not a test: it checks the event counts and
// asserts nothing about time. Run it alone with `npx tsx test/bench/camera-bench.ts`.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { readEventFile } from '../../main/formats/event-files.js';
import { createCameraDecoder } from '../../main/formats/events/camera-formats.js';
import type { CameraFormat } from '../../main/formats/events/event-decoder.js';
import { packageRoot } from '../../main/services/package-root.js';
import { aedat2, aedat31, aedat4, atisBin, evt2Raw, evt3Raw, propheseeDat, syntheticEvents } from '../helpers/event-recordings.js';

const EVENTS = 4_000_000;
const REPEATS = 3;
const CHUNK = 1 << 20;

interface Row {
  name: string;
  value: number;
  unit: string;
}

/** Events decoded from `bytes` in CHUNK pieces (one decoder per pass, as one file read). */
function decode(format: CameraFormat, bytes: Uint8Array): number {
  const d = createCameraDecoder(format);
  let n = 0;
  for (let i = 0; i < bytes.length; i += CHUNK) n += d.push(bytes.subarray(i, i + CHUNK)).length;
  return n + d.end().length;
}

/** Best of REPEATS passes of `fn`, as events/s; `fn` returns the events it handled, which must be `expected`. */
function rate(what: string, expected: number, fn: () => number): number {
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    const n = fn();
    const s = (performance.now() - t0) / 1000;
    if (n !== expected) throw new Error(`${what}: ${n} events decoded, ${expected} expected`);
    best = Math.min(best, s);
  }
  return expected / best;
}

export async function runCameraBench(): Promise<Row[]> {
  const big = syntheticEvents(EVENTS);
  const dvs128 = syntheticEvents(EVENTS, 128, 128);
  const files: Array<[string, CameraFormat, () => Uint8Array]> = [
    ['AEDAT 4.0, LZ4', 'aedat4', () => aedat4(big, 'lz4')],
    ['AEDAT 4.0, uncompressed', 'aedat4', () => aedat4(big, 'none')],
    ['EVT 3.0', 'evt3', () => evt3Raw(big)],
    ['EVT 2.0', 'evt2', () => evt2Raw(big)],
    ['Prophesee .dat', 'prophesee-dat', () => propheseeDat(big, { width: 640, height: 480 })],
    ['ATIS .bin', 'atis-bin', () => atisBin(syntheticEvents(EVENTS, 240, 180))],
    ['AEDAT 3.1', 'aedat3', () => aedat31(dvs128, 4096)],
    ['AEDAT 2.0', 'aedat2', () => aedat2(dvs128)],
  ];
  const rows: Row[] = [];
  for (const [label, format, build] of files) {
    const bytes = build();
    const mb = bytes.length / (1024 * 1024);
    rows.push({ name: `decode ${label} (${(EVENTS / 1e6).toFixed(0)} M synthetic events, ${mb.toFixed(0)} MiB)`, value: rate(label, EVENTS, () => decode(format, bytes)) / 1e6, unit: 'M events/s' });
  }
  const real = join(packageRoot(), 'test', 'fixtures', 'real', 'events');
  for (const [file, format, count] of [['tonic_sample.aedat4', 'aedat4', 111954], ['expelliarmus_evt3_sample.raw', 'evt3', 219596]] as const) {
    const bytes = new Uint8Array(readFileSync(join(real, file)));
    const passes = 20;
    rows.push({
      name: `decode the real ${file} (${count} events) ${passes} times`,
      value: rate(file, count * passes, () => {
        let n = 0;
        for (let k = 0; k < passes; k++) n += decode(format, bytes);
        return n;
      }) / 1e6,
      unit: 'M events/s',
    });
  }
  for (const [label, format, build] of [files[0]!, files[2]!]) {
    const bytes = build();
    rows.push({ name: `readEventFile ${label} to a spike batch (4 M events)`, value: rate(label, EVENTS, () => readEventFile(bytes, format).batch.length) / 1e6, unit: 'M events/s' });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await runCameraBench()) process.stdout.write(`${r.name}: ${r.value.toPrecision(4)} ${r.unit}\n`);
}
