// Benchmark of the recording store: recording throughput (events/s through RunRecorder,
// as the runner feeds it), chunk encode/decode rates per codec, open + seek time in a
// 100-million-event recording, and file size per million events. A benchmark, not a
// test: it asserts nothing about time. Everything lives in a temporary folder that is
// deleted afterwards (the 100M-event project is about 0.5 GB). Run it alone with
// `npx tsx test/bench/store-bench.ts` (STORE_BENCH_EVENTS=10000000 for a shorter run).

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { allocateBatch, type SpikeBatch } from '../../main/common/spike-batch.js';
import { coreIsUsed } from '../../main/chips/chip-config.js';
import { EventEngine } from '../../main/sim/event-engine.js';
import { rasterToEvents } from '../../main/sim/raster-events.js';
import { CHUNK_CODECS, decodeChunk, encodeChunk } from '../../main/store/chunk-codec.js';
import { loadBenchWorkload } from '../unit/sim/workloads.js';
import { openProject, type Project } from '../../main/store/project.js';

type Row = { name: string; value: number; unit: string };

const BATCH = 8192;
const THROUGHPUT_EVENTS = 30_000_000;
const BIG_EVENTS = Number(process.env.STORE_BENCH_EVENTS ?? 100_000_000);
const SEEKS = 200;

/**
 * Simulator-like output, deterministic: each input event (every 0..19 µs) makes a burst
 * of 1..4 spikes with the input's timestamp (the simulator gives outputs their cause's
 * time) on one of three cores, at neighbouring positions of a 64x64 map, 32 channels.
 */
function simulatorLikeBatches(count: number): { batches: SpikeBatch[]; span: number } {
  let state = 0x9e3779b9;
  // xorshift32: no short-period low bits, unlike a power-of-two LCG.
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  let t = 0;
  let burst = 0;
  let layer = 0;
  let cx = 0;
  let cy = 0;
  const batches: SpikeBatch[] = [];
  for (let k = 0; k < count; k++) {
    const b = allocateBatch(BATCH);
    for (let i = 0; i < BATCH; i++) {
      if (burst === 0) {
        t += next() % 20;
        burst = 1 + (next() % 4);
        layer = next() % 3;
        cx = 1 + (next() % 62);
        cy = 1 + (next() % 62);
      }
      burst--;
      b.t[i] = t;
      b.layer[i] = layer;
      b.channel[i] = next() % 32;
      b.x[i] = cx - 1 + (next() % 3);
      b.y[i] = cy - 1 + (next() % 3);
    }
    batches.push(b);
  }
  return { batches, span: t + 1 };
}

/**
 * Feeds `total` events into a new run's output stream; returns seconds spent and how
 * much the process's resident memory grew from the first 10% of the run to its peak.
 */
function record(project: Project, total: number): { seconds: number; rssGrowth: number } {
  const { batches, span } = simulatorLikeBatches(64);
  const mv = project.addModelVersion({ modelText: 'bench', weights: null, inputShape: [32, 64, 64], device: 'speck2fdevkit', compileOptions: {}, configJson: '{}' });
  const recorder = project.startRun({ modelVersionId: mv.id, deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', monitorLayers: [0, 1, 2] });
  const t0 = performance.now();
  let n = 0;
  let rssAfterWarmup = 0;
  let rssPeak = 0;
  for (let k = 0; n < total; k++) {
    if (k % 256 === 0) {
      const rss = process.memoryUsage().rss;
      if (n >= total / 10 && rssAfterWarmup === 0) rssAfterWarmup = rss;
      rssPeak = Math.max(rssPeak, rss);
    }
    const b = batches[k % batches.length]!;
    // Each pass over the pre-made batches moves on in time so timestamps stay monotonic.
    if (k >= batches.length) {
      const t = b.t;
      for (let i = 0; i < BATCH; i++) t[i]! += span;
    }
    recorder.recordOutput(b);
    n += BATCH;
  }
  recorder.finish({ status: 'completed' });
  return { seconds: (performance.now() - t0) / 1000, rssGrowth: Math.max(0, rssPeak - rssAfterWarmup) };
}

function codecRows(): Row[] {
  const { batches } = simulatorLikeBatches(8);
  const chunk = allocateBatch(BATCH * 8);
  batches.forEach((b, i) => {
    chunk.t.set(b.t, i * BATCH);
    chunk.x.set(b.x, i * BATCH);
    chunk.y.set(b.y, i * BATCH);
    chunk.channel.set(b.channel, i * BATCH);
    chunk.layer.set(b.layer, i * BATCH);
  });
  const rows: Row[] = [];
  for (const codec of CHUNK_CODECS) {
    const reps = 60;
    let bytes: Uint8Array = new Uint8Array(0);
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) bytes = encodeChunk(chunk, codec).bytes;
    const t1 = performance.now();
    for (let r = 0; r < reps; r++) decodeChunk(codec, bytes, chunk.length);
    const t2 = performance.now();
    const events = reps * chunk.length;
    rows.push({ name: `codec ${codec}: bytes per event`, value: round(bytes.byteLength / chunk.length, 2), unit: 'B' });
    rows.push({ name: `codec ${codec}: encode`, value: Math.round(events / ((t1 - t0) / 1000)), unit: 'events/s' });
    rows.push({ name: `codec ${codec}: decode`, value: Math.round(events / ((t2 - t1) / 1000)), unit: 'events/s' });
  }
  return rows;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function fileBytes(path: string): number {
  let total = statSync(path).size;
  for (const side of ['-wal', '-shm']) {
    try {
      total += statSync(path + side).size;
    } catch {
      // no side file
    }
  }
  return total;
}

/**
 * Recording against the simulator's real output: the LeNet workload with every core
 * monitored (the most a run can produce), simulated in event mode, then its output
 * recorded. The ratio says how much faster recording is than the simulator produces.
 */
function simulatorOutputRows(dir: string): Row[] {
  const w = loadBenchWorkload('lenet');
  const config = structuredClone(w.config);
  config.cnn_layers.forEach((core) => (core.monitor_enable = coreIsUsed(core)));
  const engine = new EventEngine(config);
  const input = rasterToEvents(w.raster, w.ordering[0]!);
  const outputs: SpikeBatch[] = [];
  const t0 = performance.now();
  engine.process(input, (b) => outputs.push(b));
  const simSeconds = (performance.now() - t0) / 1000;
  const events = outputs.reduce((n, b) => n + b.length, 0);
  const project = openProject(join(dir, 'sim-output.dcnnproj'), { create: true });
  const version = project.addModelVersion({ modelText: 'lenet', weights: null, inputShape: [1, 28, 28], device: 'speck2fdevkit', compileOptions: {}, configJson: '{}' });
  const recorder = project.startRun({ modelVersionId: version.id, deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', monitorLayers: w.ordering });
  const t1 = performance.now();
  for (const b of outputs) recorder.recordOutput(b);
  recorder.finish({ status: 'completed' });
  const recordSeconds = (performance.now() - t1) / 1000;
  project.close();
  const simRate = events / simSeconds;
  const recordRate = events / recordSeconds;
  return [
    { name: `simulator output rate, LeNet workload with every core monitored (${events} events)`, value: Math.round(simRate), unit: 'events/s' },
    { name: 'recording throughput on that real simulator output', value: Math.round(recordRate), unit: 'events/s' },
    { name: 'recording speed / simulator output speed', value: round(recordRate / simRate, 1), unit: 'x' },
  ];
}

export async function runStoreBench(): Promise<Row[]> {
  const rows: Row[] = [];
  rows.push(...codecRows());
  const dir = mkdtempSync(join(tmpdir(), 'dcnn-store-bench-'));
  try {
    rows.push(...simulatorOutputRows(dir));
    // Recording throughput.
    const small = join(dir, 'throughput.dcnnproj');
    let project = openProject(small, { create: true });
    const { seconds } = record(project, THROUGHPUT_EVENTS);
    project.close();
    rows.push({ name: `recording throughput (${THROUGHPUT_EVENTS / 1e6}M simulator-like events)`, value: Math.round(THROUGHPUT_EVENTS / seconds), unit: 'events/s' });

    // The big recording: generated through the same writer, then reopened.
    const big = join(dir, 'big.dcnnproj');
    project = openProject(big, { create: true });
    const bigRun = record(project, BIG_EVENTS);
    project.close();
    rows.push({ name: `recording throughput (${BIG_EVENTS / 1e6}M events)`, value: Math.round(BIG_EVENTS / bigRun.seconds), unit: 'events/s' });
    rows.push({ name: `resident memory growth from 10% to the end of the ${BIG_EVENTS / 1e6}M recording`, value: round(bigRun.rssGrowth / 1e6, 1), unit: 'MB' });
    rows.push({ name: 'file size per million events', value: round(fileBytes(big) / (BIG_EVENTS / 1e6) / 1e6, 2), unit: 'MB' });

    const tOpen = performance.now();
    project = openProject(big);
    const reader = project.openRecording(1, 'output');
    const tOpened = performance.now();
    rows.push({ name: `open project + recording (${reader.count.toLocaleString('en-US')} events)`, value: round(tOpened - tOpen, 2), unit: 'ms' });
    const first = reader.firstT!;
    const last = reader.lastT!;
    let seed = 7;
    const times: number[] = [];
    for (let i = 0; i < SEEKS; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const target = first + ((seed >>> 8) / (1 << 24)) * (last - first);
      const t0 = performance.now();
      reader.seek(Math.floor(target));
      times.push(performance.now() - t0);
    }
    rows.push({ name: 'first seek after open', value: round(times[0]!, 2), unit: 'ms' });
    rows.push({ name: `seek, mean of ${SEEKS} random`, value: round(times.reduce((a, b) => a + b, 0) / SEEKS, 3), unit: 'ms' });
    rows.push({ name: `seek, slowest of ${SEEKS} random`, value: round(Math.max(...times), 2), unit: 'ms' });
    const tRead = performance.now();
    let events = 0;
    for (const batch of reader.read()) events += batch.length;
    rows.push({ name: 'read whole recording', value: Math.round(events / ((performance.now() - tRead) / 1000)), unit: 'events/s' });
    project.close();

    // Why open-time checks skip event data: a full quick_check reads every page.
    const db = new Database(big, { readonly: true });
    const tCheck = performance.now();
    db.pragma('quick_check');
    rows.push({ name: 'full PRAGMA quick_check of the big file (not done on open)', value: Math.round(performance.now() - tCheck), unit: 'ms' });
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await runStoreBench()) console.log(`${row.name}: ${row.value.toLocaleString('en-US')} ${row.unit}`);
}
