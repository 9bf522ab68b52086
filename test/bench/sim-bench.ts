// Simulator benchmark on the two fixed workloads (test/fixtures/bench: lenet, dvs128):
// wall time, input events/s and synaptic operations/s in event mode (depth-first and
// breadth-first) and time-stepped mode, plus one synthetic single-core workload that
// measures the event kernel alone (WebAssembly SIMD and JavaScript). The time-stepped exit counts are checked against the
// reference on every run (a benchmark of wrong results is worthless).
// Run: npx tsx test/bench/sim-bench.ts   (or through runSimBench()).

import { pathToFileURL } from 'node:url';
import { EventEngine, type ProcessingOrder } from '../../main/sim/event-engine.js';
import { rasterToEvents } from '../../main/sim/raster-events.js';
import { allocateBatch, type SpikeBatch } from '../../main/common/spike-batch.js';
import { TimestepEngine } from '../../main/sim/timestep-engine.js';
import { buildConfig } from '../unit/sim/chip-config-builder.js';
import { loadBenchWorkload, type LoadedWorkload } from '../unit/sim/workloads.js';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
}

const REPEATS = 3;

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs `fn` once to warm up, then REPEATS times; returns the median wall time and the last result. */
function timed<T>(fn: () => T): { ms: number; result: T } {
  let result = fn();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    result = fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), result };
}

function eventMode(w: LoadedWorkload, order: ProcessingOrder, input: SpikeBatch): BenchFigure[] {
  const { ms, result } = timed(() => {
    const engine = new EventEngine(w.config, { order });
    let out = 0;
    engine.process(input, (b) => (out += b.length));
    return { counters: engine.counters(), out };
  });
  const p = `${w.name} event ${order}`;
  return [
    { name: `${p} wall`, value: ms, unit: 'ms' },
    { name: `${p} input events/s`, value: input.length / (ms / 1000), unit: 'events/s' },
    { name: `${p} synaptic ops/s`, value: result.counters.synapticOps / (ms / 1000), unit: 'synops/s' },
    { name: `${p} synaptic ops`, value: result.counters.synapticOps, unit: 'synops' },
    { name: `${p} monitored events`, value: result.out, unit: 'events' },
  ];
}

function timestepMode(w: LoadedWorkload): BenchFigure[] {
  const { ms, result } = timed(() => new TimestepEngine(w.config).run(w.raster));
  const [, C, H, W] = result.outputs.shape;
  const perChannel = new Array<number>(C).fill(0);
  result.outputs.data.forEach((v, i) => (perChannel[Math.floor(i / (H * W)) % C]! += v));
  if (JSON.stringify(perChannel) !== JSON.stringify(w.meta.reference_exit_counts_timestep)) {
    throw new Error(`${w.name}: time-stepped exit counts ${JSON.stringify(perChannel)} differ from the reference ${JSON.stringify(w.meta.reference_exit_counts_timestep)}`);
  }
  const p = `${w.name} timestep`;
  return [
    { name: `${p} wall`, value: ms, unit: 'ms' },
    { name: `${p} input events/s`, value: w.meta.input_events / (ms / 1000), unit: 'events/s' },
    { name: `${p} synaptic ops/s`, value: result.synapticOps / (ms / 1000), unit: 'synops/s' },
  ];
}

/** One core, Conv 16->32 3x3 pad 1 on 32x32, 400k random events: the event kernel alone. */
function kernelWorkload(kernelImpl: 'wasm-simd' | 'js'): BenchFigure[] {
  const config = buildConfig([
    { core: 0, input: [16, 32, 32], outChannels: 32, kernel: 3, padding: 1, weights: (f, c, ky, kx) => ((f * 7 + c * 3 + ky * 5 + kx) % 9) - 4, threshold: 400, low: -400, monitor: true },
  ]);
  const n = 400_000;
  const input = allocateBatch(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    input.t[i] = i;
    input.layer[i] = 0;
    input.channel[i] = s % 16;
    input.x[i] = (s >>> 8) % 32;
    input.y[i] = (s >>> 16) % 32;
  }
  const { ms, result } = timed(() => {
    const engine = new EventEngine(config, { kernelImpl });
    engine.process(input, () => {});
    return engine.counters();
  });
  return [
    { name: `single core ${kernelImpl} kernel synaptic ops/s`, value: result.synapticOps / (ms / 1000), unit: 'synops/s' },
    { name: `single core ${kernelImpl} kernel input events/s`, value: n / (ms / 1000), unit: 'events/s' },
  ];
}

export async function runSimBench(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  for (const name of ['lenet', 'dvs128'] as const) {
    const w = loadBenchWorkload(name);
    const input = rasterToEvents(w.raster, w.ordering[0]!, { dt: 1e-3 });
    if (input.length !== w.meta.input_events) throw new Error(`${name}: ${input.length} input events, workloads.json says ${w.meta.input_events}`);
    figures.push(...eventMode(w, 'depth-first', input), ...eventMode(w, 'breadth-first', input), ...timestepMode(w));
  }
  figures.push(...kernelWorkload('wasm-simd'), ...kernelWorkload('js'));
  return figures;
}

function format(f: BenchFigure): string {
  const v = f.value >= 1e6 ? `${(f.value / 1e6).toFixed(1)} M` : f.value >= 1e3 ? `${(f.value / 1e3).toFixed(1)} k` : f.value.toFixed(1);
  return `${f.name.padEnd(48)} ${v} ${f.unit}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of await runSimBench()) console.log(format(f));
}
