// Camera-reader throughput, events per second: each reader decoding a synthetic recording
// of 4 million events (built from the format descriptions by test/helpers/event-recordings.ts)
// pushed in 1 MiB chunks as the event-file worker does; the real AEDAT4 and EVT 3.0 samples
// decoded over and over; and the whole read of AEDAT4 and EVT3 into the product's event
// layout (readEventFile: decode, polarity to channel, time shift). LZ4 AEDAT4 is timed both
// with the WebAssembly LZ4 decoder the event-file worker loads (main/threads/lz4-wasm.ts)
// and with the lz4js fallback. Issue 12's goal is 50 M events/s for AEDAT4 and EVT3. A benchmark, not a test: it checks the event counts and
// asserts nothing about time. Run it alone with `npx tsx test/bench/camera-bench.ts`.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { readEventFile } from '../../main/formats/event-files.js';
import { createCameraDecoder } from '../../main/formats/events/camera-formats.js';
import type { PacketCodecs } from '../../main/formats/events/packet-compression.js';
import { loadPacketCodecs } from '../../main/threads/lz4-wasm.js';
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
function decode(format: CameraFormat, bytes: Uint8Array, codecs: PacketCodecs): number {
  const d = createCameraDecoder(format, codecs);
  let n = 0;
  for (let i = 0; i < bytes.length; i += CHUNK) n += d.push(bytes.subarray(i, i + CHUNK)).length;
  return n + d.end().length;
}

/** The process's CPU time so far, in seconds (user + system). */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Best of REPEATS passes of `fn`, as events/s of wall time and of CPU time (the second
 * moves less when other work loads the machine); `fn` returns the events it handled,
 * which must be `expected`.
 */
function rates(what: string, expected: number, fn: () => number): { wall: number; cpu: number } {
  let wall = Infinity;
  let cpu = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    const c0 = cpuSeconds();
    const n = fn();
    const c = cpuSeconds() - c0;
    const s = (performance.now() - t0) / 1000;
    if (n !== expected) throw new Error(`${what}: ${n} events decoded, ${expected} expected`);
    wall = Math.min(wall, s);
    cpu = Math.min(cpu, c);
  }
  return { wall: expected / wall, cpu: expected / cpu };
}

function rate(what: string, expected: number, fn: () => number): number {
  return rates(what, expected, fn).wall;
}

export async function runCameraBench(): Promise<Row[]> {
  const wasm = await loadPacketCodecs();
  if (!wasm.lz4Frame) throw new Error('the WebAssembly LZ4 decoder did not load');
  const js: PacketCodecs = {};
  const big = syntheticEvents(EVENTS);
  const dvs128 = syntheticEvents(EVENTS, 128, 128);
  const files: Array<[string, CameraFormat, () => Uint8Array, PacketCodecs]> = [
    ['AEDAT 4.0, LZ4 (WebAssembly LZ4)', 'aedat4', () => aedat4(big, 'lz4'), wasm],
    ['AEDAT 4.0, LZ4 (lz4js)', 'aedat4', () => aedat4(big, 'lz4'), js],
    ['AEDAT 4.0, uncompressed', 'aedat4', () => aedat4(big, 'none'), js],
    ['EVT 3.0', 'evt3', () => evt3Raw(big), js],
    ['EVT 2.0', 'evt2', () => evt2Raw(big), js],
    ['Prophesee .dat', 'prophesee-dat', () => propheseeDat(big, { width: 640, height: 480 }), js],
    ['ATIS .bin', 'atis-bin', () => atisBin(syntheticEvents(EVENTS, 240, 180)), js],
    ['AEDAT 3.1', 'aedat3', () => aedat31(dvs128, 4096), js],
    ['AEDAT 2.0', 'aedat2', () => aedat2(dvs128), js],
  ];
  const rows: Row[] = [];
  const goal = new Set(['aedat4', 'evt3']);
  for (const [label, format, build, codecs] of files) {
    const bytes = build();
    const mb = bytes.length / (1024 * 1024);
    const name = `decode ${label} (${(EVENTS / 1e6).toFixed(0)} M synthetic events, ${mb.toFixed(0)} MiB)`;
    const r = rates(label, EVENTS, () => decode(format, bytes, codecs));
    rows.push({ name, value: r.wall / 1e6, unit: 'M events/s' });
    // The goal's formats also per second of CPU time.
    if (goal.has(format)) rows.push({ name: `${name}, per CPU second`, value: r.cpu / 1e6, unit: 'M events/s' });
  }
  const real = join(packageRoot(), 'test', 'fixtures', 'real', 'events');
  const realFiles = [
    ['tonic_sample.aedat4', 'aedat4', 111954, wasm, ' (WebAssembly LZ4)'],
    ['tonic_sample.aedat4', 'aedat4', 111954, js, ' (lz4js)'],
    ['expelliarmus_evt3_sample.raw', 'evt3', 219596, js, ''],
  ] as const;
  for (const [file, format, count, codecs, how] of realFiles) {
    const bytes = new Uint8Array(readFileSync(join(real, file)));
    const passes = 20;
    rows.push({
      name: `decode the real ${file}${how} (${count} events) ${passes} times`,
      value: rate(file, count * passes, () => {
        let n = 0;
        for (let k = 0; k < passes; k++) n += decode(format, bytes, codecs);
        return n;
      }) / 1e6,
      unit: 'M events/s',
    });
  }
  for (const [label, format, build, codecs] of [files[0]!, files[1]!, files[3]!]) {
    const bytes = build();
    rows.push({ name: `readEventFile ${label} to a spike batch (4 M events)`, value: rate(label, EVENTS, () => readEventFile(bytes, format, {}, codecs).batch.length) / 1e6, unit: 'M events/s' });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await runCameraBench()) process.stdout.write(`${r.name}: ${r.value.toPrecision(4)} ${r.unit}\n`);
}
