// Simulator benchmark on the two fixed workloads (test/fixtures/bench: lenet, dvs128):
// wall time, input events/s and synaptic operations/s in event mode (depth-first and
// breadth-first) and time-stepped mode, plus one synthetic single-core workload that
// measures the event kernel alone (WebAssembly SIMD and JavaScript). The time-stepped exit counts are checked against the
// reference on every run (a benchmark of wrong results is worthless).
// Then the engines side by side (native addon, WebAssembly SIMD, JavaScript) in both
// modes on both workloads, as ratios to the WebAssembly engine and, for the time-stepped
// mode, to the reference's published figures (test/fixtures/bench/README.md, a copy of
// the shared bench README); the native results are checked equal to the others' first.
// Run: npx tsx test/bench/sim-bench.ts   (or through runSimBench()).

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { nativeEngineStatus, nativeSimBackend, type NativeSimBackend } from '../../main/threads/native-engine.js';
import { BENCH_DIR } from '../helpers/fixtures.js';
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

const REPEATS = 5;

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

/** The reference's one-thread time-stepped figure per workload (ms), from the bench README's table. */
function referenceFigures(): Record<'lenet' | 'dvs128', number> {
  const text = readFileSync(`${BENCH_DIR}README.md`, 'utf8');
  const figure = (name: string) => {
    const m = new RegExp(`\\| \`${name}/\` \\| (\\d+(?:\\.\\d+)?) ms \\|`).exec(text);
    if (!m) throw new Error(`${BENCH_DIR}README.md has no reference figure for ${name}`);
    return Number(m[1]);
  };
  return { lenet: figure('lenet'), dvs128: figure('dvs128') };
}

/** Same numbers from every engine, or the comparison is void. */
function sameResult(what: string, a: unknown, b: unknown): void {
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${what}: the native engine's result differs from the TypeScript engine's`);
}

/** Native vs WebAssembly vs JavaScript in both modes, and the time-stepped mode vs the reference. */
function engineComparison(w: LoadedWorkload, input: SpikeBatch, native: NativeSimBackend, referenceMs: number): BenchFigure[] {
  const figures: BenchFigure[] = [];
  const ts = timed(() => new TimestepEngine(w.config).run(w.raster));
  const tsNative = timed(() => new TimestepEngine(w.config, { backend: native }).run(w.raster));
  sameResult(`${w.name} timestep`, Array.from(ts.result.outputs.data), Array.from(tsNative.result.outputs.data));
  const p = `${w.name} timestep`;
  figures.push(
    { name: `${p} native wall`, value: tsNative.ms, unit: 'ms' },
    { name: `${p} js wall`, value: ts.ms, unit: 'ms' },
    { name: `${p} reference wall (bench README)`, value: referenceMs, unit: 'ms' },
    { name: `${p} native speed-up over js`, value: ts.ms / tsNative.ms, unit: 'x' },
    { name: `${p} native speed-up over reference (>1: faster)`, value: referenceMs / tsNative.ms, unit: 'x' },
  );
  for (const order of ['depth-first', 'breadth-first'] as const) {
    const run = (options: ConstructorParameters<typeof EventEngine>[1]) =>
      timed(() => {
        const engine = new EventEngine(w.config, { order, ...options });
        let out = 0;
        engine.process(input, (b) => (out += b.length));
        return { engine: engine.engine, counters: engine.counters(), out };
      });
    const wasm = run({});
    const js = run({ kernelImpl: 'js' });
    const nat = run({ native });
    if (nat.result.engine !== 'native') throw new Error(`${w.name}: the native event loop declined the workload`);
    sameResult(`${w.name} event ${order}`, [wasm.result.counters, wasm.result.out], [nat.result.counters, nat.result.out]);
    const q = `${w.name} event ${order}`;
    figures.push(
      { name: `${q} native wall`, value: nat.ms, unit: 'ms' },
      { name: `${q} wasm wall`, value: wasm.ms, unit: 'ms' },
      { name: `${q} js wall`, value: js.ms, unit: 'ms' },
      { name: `${q} native speed-up over wasm`, value: wasm.ms / nat.ms, unit: 'x' },
      { name: `${q} native speed-up over js`, value: js.ms / nat.ms, unit: 'x' },
    );
  }
  return figures;
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
  const native = nativeSimBackend();
  if (!native) {
    process.stdout.write(`  (native engine not compared: it is ${nativeEngineStatus().reason}; npm run build:native)\n`);
    return figures;
  }
  const reference = referenceFigures();
  for (const name of ['lenet', 'dvs128'] as const) {
    const w = loadBenchWorkload(name);
    figures.push(...engineComparison(w, rasterToEvents(w.raster, w.ordering[0]!, { dt: 1e-3 }), native, reference[name]));
  }
  return figures;
}

function format(f: BenchFigure): string {
  const v = f.value >= 1e6 ? `${(f.value / 1e6).toFixed(1)} M` : f.value >= 1e3 ? `${(f.value / 1e3).toFixed(1)} k` : f.value.toFixed(1);
  return `${f.name.padEnd(48)} ${v} ${f.unit}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of await runSimBench()) console.log(format(f));
}
