// Loads the golden fixtures (test/fixtures/sinabs, produced by the reference Python
// library) and the benchmark workloads (test/fixtures/bench) for tests and benchmarks.

import { readFileSync, readdirSync } from 'node:fs';
import { packageRoot } from '../../main/services/package-root.js';
import type { Tensor } from '../../main/formats/tensor.js';

// From the package root, so the same code works from sources and compiled (dist-bench/).
const ROOT = `${packageRoot()}/`;
export const FIXTURE_DIR = `${ROOT}test/fixtures/sinabs/`;
export const BENCH_DIR = `${ROOT}test/fixtures/bench/`;
export const EXAMPLES_DIR = `${ROOT}examples/`;

export interface JsonTensor {
  shape: number[];
  data: number[];
}

export interface FixtureLayer {
  index: number;
  conv: { in_channels: number; out_channels: number; kernel_size: [number, number]; stride: [number, number]; padding: [number, number] };
  input_shape: [number, number, number];
  neuron_shape: [number, number, number];
  pooling: [number, number][];
  output_shapes: [number, number, number][];
  destinations: number[];
  rescale_weights: number;
  discretization_scale: number;
  discretization_scale_parts: { weight: number | null; bias: number | null; threshold: number | null };
  weights: JsonTensor;
  biases: number[] | null;
  spike_threshold: number;
  min_v_mem: number;
  reset: 'subtract' | 'zero';
  spike_fn: string;
  memory: { kernel: number; neuron: number; bias: number };
  speck_layer_check: { ok: boolean; message: string; class?: string };
  float_weights?: JsonTensor;
  float_biases?: number[] | null;
  float_spike_threshold?: number;
  float_min_v_mem?: number;
}

export interface FixtureError {
  stage: string;
  class: string;
  module: string;
  message: string;
}

export interface Fixture {
  name: string;
  description: string;
  kind: 'ann' | 'snn';
  input_shape: [number, number, number];
  model: Array<Record<string, unknown> & { type: string }>;
  model_text: string;
  weights: Record<string, JsonTensor | { shape: number[]; data: number[] }>;
  conversion?: {
    spike_threshold: number;
    min_v_mem: number | null;
    reset: 'subtract' | 'zero';
    spike_fn: string;
    add_spiking_output: boolean;
    batch_size: number;
    text: string;
  };
  expected: {
    error: FixtureError | null;
    layers?: FixtureLayer[];
    memory_summary?: { kernel: number[]; neuron: number[]; bias: number[] };
    candidate_cores?: number[][];
    entry_layers?: number[];
    exit_layers?: number[];
    mapping?: Record<string, { chip_layers_ordering?: number[]; layer2core_map?: Record<string, number>; error?: FixtureError }>;
  };
  chip: { name: string; constraints: { core: number; kernel_memory: number; neuron_memory: number; bias_memory: number }[] };
  simulation?: {
    spike_fn: string;
    rasters: JsonTensor[];
    outputs: { dynapcnn_discretized: JsonTensor[]; dynapcnn_float: JsonTensor[]; snn: JsonTensor[] };
    layer_spike_totals: { dynapcnn_discretized: number[][][]; dynapcnn_float: number[][][] };
  };
  crosscheck_v2_0_3: {
    error: FixtureError | null;
    layers?: unknown[];
    mapping?: Record<string, { chip_layers_ordering?: number[]; error?: FixtureError }>;
    same_as_v3: boolean;
    differences: string[];
  };
}

export function fixtureNames(): string[] {
  const index = JSON.parse(readFileSync(FIXTURE_DIR + 'index.json', 'utf8')) as { cases: string[] };
  return index.cases;
}

const cache = new Map<string, Fixture>();

export function loadFixture(name: string): Fixture {
  let f = cache.get(name);
  if (!f) {
    f = JSON.parse(readFileSync(`${FIXTURE_DIR}${name}.json`, 'utf8')) as Fixture;
    cache.set(name, f);
  }
  return f;
}

/** The fixture's state_dict as tensors: every float is the exact float32 torch used. */
export function fixtureWeights(f: Fixture): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of Object.entries(f.weights)) {
    const isInt = name.endsWith('num_batches_tracked');
    out.set(name, {
      dtype: isInt ? 'I64' : 'F32',
      shape: t.shape,
      data: isInt ? Float64Array.from(t.data) : Float32Array.from(t.data, (v) => Math.fround(v)),
    });
  }
  return out;
}

export function allFixtureFiles(): string[] {
  return readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.json') && f !== 'index.json');
}

export interface BenchWorkload {
  input_shape: [number, number, number];
  time_bins: number;
  density: number;
  input_events: number;
  reference_exit_counts_timestep: number[];
}

export function benchWorkloads(): Record<'lenet' | 'dvs128', BenchWorkload> {
  return JSON.parse(readFileSync(BENCH_DIR + 'workloads.json', 'utf8')) as Record<'lenet' | 'dvs128', BenchWorkload>;
}
