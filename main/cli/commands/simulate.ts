// `dcnn simulate MODEL --weights W --input-shape C,H,W --raster R.npy [--mode event|timestep]
//  [--dt-us 1000] [--order depth-first|breadth-first] [--engine native|wasm|js] [--json]`
// Runs a raster through the quantized model, in the reference's time-stepped mode or in
// the chip's event-driven mode (in a worker thread), and prints the exit layer's spike
// counts per time bin and every layer's spike totals per bin (the fixtures' `simulation`
// block). Event-mode outputs are binned by timestamp onto the same [T, C, H, W] grid.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compileModel } from '../../compiler/compile.js';
import type { CompileResult } from '../../compiler/compile-types.js';
import { readBytes } from '../../services/model-files.js';
import { rasterFromNpy } from '../../services/raster-input.js';
import { entryOf } from '../../services/run-inputs.js';
import { rasterToEvents, type Raster } from '../../sim/raster-events.js';
import type { SpikeBatch } from '../../common/spike-batch.js';
import { TimestepEngine } from '../../sim/timestep-engine.js';
import type { ResolvedEngine } from '../../threads/native-engine.js';
import { SimulationClient } from '../../threads/simulation-client.js';
import { chooseEngine } from '../args.js';
import { CliError, type CliIO } from '../cli-io.js';
import { formatCompileResult, table } from '../compile-table.js';
import { COMPILE_OPTIONS, prepareCompile } from './compile.js';

export interface SimulationReport {
  mode: 'event' | 'timestep';
  outputs: { shape: number[]; data: number[] };
  layer_spike_totals: number[][];
  cores: number[];
  synaptic_ops: number;
  input_events: number;
  /** What simulated: 'native', 'wasm' (WebAssembly SIMD kernels) or 'js'. */
  engine: string;
  /** The simulation alone (no start-up, compile or file reading). */
  wall_ms: number;
}

/** The engine names users give (`--engine`), from what the engines call themselves. */
function engineLabel(name: string): string {
  return name === 'wasm-simd' ? 'wasm' : name === 'js-general' ? 'js' : name;
}

export function timestepSimulation(compiled: CompileResult, raster: Raster, chosen: ResolvedEngine = { name: 'js', native: null, kernelImpl: 'js' }): SimulationReport {
  const t0 = performance.now();
  const engine = new TimestepEngine(compiled.config!, { ...(compiled.dvs ? { input: 'dvs' as const } : {}), ...(chosen.native ? { backend: chosen.native } : {}) });
  const r = engine.run(raster);
  const wallMs = performance.now() - t0;
  let events = 0;
  for (let i = 0; i < raster.data.length; i++) events += raster.data[i]!;
  return {
    mode: 'timestep',
    outputs: { shape: [...r.outputs.shape], data: Array.from(r.outputs.data) },
    layer_spike_totals: r.layerSpikeTotals,
    cores: r.chain,
    synaptic_ops: r.synapticOps,
    input_events: events,
    // The time-stepped mode has no WebAssembly version: without the native engine it is JavaScript.
    engine: engine.engine,
    wall_ms: wallMs,
  };
}

/**
 * Event-mode simulation binned as it streams: per chip layer the spikes per time bin, and
 * the exit layer's output raster (after its pooling). Output events are counted and
 * dropped at once, so memory does not grow with the output of all layers.
 */
export async function eventSimulation(
  compiled: CompileResult,
  raster: Raster,
  dtUs: number,
  order: 'depth-first' | 'breadth-first',
  chosen?: ResolvedEngine,
): Promise<SimulationReport> {
  const entry = entryOf(compiled);
  const input = rasterToEvents(raster, entry.layer, { dt: dtUs / 1e6 });
  const T = raster.shape[0];
  const ordering = compiled.placement!.ordering;
  const layerOfCore = new Map(ordering.map((core, i) => [core, i]));
  const perLayer = compiled.layers.map(() => new Array<number>(T).fill(0));
  const exitIndex = compiled.layers.length - 1;
  const exit = compiled.layers[exitIndex]!;
  const exitCore = ordering[exitIndex]!;
  const [C, H, W] = exit.outputShape;
  const p = exit.pooling;
  const out = new Float64Array(T * C * H * W);
  const count = (b: SpikeBatch) => {
    for (let i = 0; i < b.length; i++) {
      const layer = layerOfCore.get(b.layer[i]!);
      const bin = Math.floor(b.t[i]! / dtUs);
      if (layer === undefined || bin < 0 || bin >= T) continue;
      perLayer[layer]![bin]!++;
      if (b.layer[i] !== exitCore) continue;
      // Monitored events are pre-pooling; the exit output is after the exit core's pooling.
      const c = b.channel[i]!;
      const y = Math.floor(b.y[i]! / p);
      const x = Math.floor(b.x[i]! / p);
      if (c < C && y < H && x < W) out[((bin * C + c) * H + y) * W + x]!++;
    }
  };
  const client = await SimulationClient.start(compiled.config!, { order, ...(chosen ? { engine: chosen.name } : {}) });
  const engine = engineLabel(client.engine.name);
  let stats;
  try {
    stats = (await client.forward(input, { onOutput: count })).stats;
  } finally {
    await client.close();
  }
  return {
    mode: 'event',
    outputs: { shape: [T, C, H, W], data: Array.from(out) },
    layer_spike_totals: perLayer,
    cores: [...ordering],
    synaptic_ops: stats.synapticOps,
    input_events: input.length,
    engine,
    // Measured around the forward pass (the worker's start and the configuration load are not in it).
    wall_ms: stats.wallMs,
  };
}

/** Exit spikes per output channel over all bins. */
export function exitChannelCounts(report: SimulationReport): number[] {
  const [T, C, H, W] = report.outputs.shape as [number, number, number, number];
  const counts = new Array<number>(C).fill(0);
  for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) counts[c]! += report.outputs.data[((t * C + c) * H * W) + i]!;
  return counts;
}

export function argmax(values: readonly number[]): number | null {
  let best: number | null = null;
  values.forEach((v, i) => {
    if (v > 0 && (best === null || v > values[best]!)) best = i;
  });
  return best;
}

export async function simulateCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...COMPILE_OPTIONS,
      raster: { type: 'string' },
      mode: { type: 'string', default: 'event' },
      'dt-us': { type: 'string', default: '1000' },
      order: { type: 'string', default: 'depth-first' },
      engine: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const mode = values.mode;
  if (mode !== 'event' && mode !== 'timestep') throw new CliError(`--mode must be "event" or "timestep"; got "${mode}"`);
  const order = values.order;
  if (order !== 'depth-first' && order !== 'breadth-first') throw new CliError(`--order must be "depth-first" or "breadth-first"; got "${order}"`);
  const dtUs = Number(values['dt-us']);
  if (!(dtUs > 0)) throw new CliError(`--dt-us must be a positive number of microseconds; got "${values['dt-us']}"`);
  if (!values.raster) throw new CliError('--raster R.npy is required: a [T, C, H, W] array of spike counts');
  const chosen = chooseEngine(values.engine);
  const prepared = await prepareCompile({ ...values, model: positionals[0], monitor: mode === 'event' ? 'all' : values.monitor }, io);
  const compiled = compileModel(prepared.request, { modelKind: prepared.kind });
  if (!compiled.ok) {
    io.err(formatCompileResult(compiled, { model: prepared.modelPath, weights: prepared.weightsLabel }));
    return 1;
  }
  const rasterPath = resolve(io.cwd, values.raster);
  const bytes = await readBytes(rasterPath, 'raster file');
  const inputShape = compiled.dvs ? compiled.dvs.inputShape : compiled.layers[0]!.inputShape;
  const raster = rasterFromNpy(bytes, rasterPath, inputShape);
  const report = mode === 'timestep' ? timestepSimulation(compiled, raster, chosen) : await eventSimulation(compiled, raster, dtUs, order, chosen);
  if (values.json) {
    io.out(JSON.stringify(report));
    return 0;
  }
  const counts = exitChannelCounts(report);
  const rows = [['chip layer', 'core', 'spikes sent']];
  report.layer_spike_totals.forEach((perBin, i) => rows.push([String(i), String(report.cores[i] ?? ''), String(perBin.reduce((a, b) => a + b, 0))]));
  io.out(
    [
      `${mode === 'event' ? `event-driven (${order})` : 'time-stepped (reference)'} simulation of ${prepared.modelPath} on ${compiled.device}`,
      `input: ${report.input_events} events in ${raster.shape[0]} bins of ${dtUs} µs · ${report.wall_ms.toFixed(1)} ms (${report.engine} engine) · ${(report.synaptic_ops / Math.max(1e-9, report.wall_ms / 1000) / 1e6).toFixed(1)} M synaptic ops/s`,
      '',
      table(rows, ['r', 'r', 'r']),
      '',
      `exit spikes per channel: ${counts.join(' ')}`,
      `predicted class: ${argmax(counts) ?? 'none (no exit spikes)'}`,
    ].join('\n'),
  );
  return 0;
}
