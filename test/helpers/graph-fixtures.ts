// Loads the graph golden fixtures (test/fixtures/sinabs-graph, recorded by running sinabs
// v3.1.3 on non-sequential models; README there) for the graph compiler and simulator tests.

import { readFileSync } from 'node:fs';
import { packageRoot } from '../../main/services/package-root.js';
import type { Tensor } from '../../main/formats/tensor.js';
import type { FixtureLayer, JsonTensor } from './fixtures.js';

export const GRAPH_FIXTURE_DIR = `${packageRoot()}/test/fixtures/sinabs-graph/`;

export interface GraphFixtureError {
  stage: 'from_model' | 'conversion' | 'mapping' | 'config';
  class: string;
  module: string;
  message: string;
}

export interface GraphFixtureLayer extends FixtureLayer {
  modules: { conv: string; neuron: string; pooling: string[][] };
}

export interface GraphConfigDestination {
  slot: number;
  layer: number;
  enable: boolean;
  pooling: number;
}

export interface GraphFixtureCore {
  core: number;
  layer: number;
  destinations: GraphConfigDestination[];
  monitor_enable: boolean;
  dimensions: unknown;
  return_to_zero: boolean;
  threshold_high: number;
  threshold_low: number;
  leak_enable: boolean;
}

type Keyed<T> = Record<string, T>;

export interface GraphFixture {
  name: string;
  kind: 'ann' | 'snn';
  input_shape: [number, number, number];
  dvs_input: true | null;
  model_text: string;
  weights: Record<string, JsonTensor>;
  conversion?: { spike_threshold: number; min_v_mem: number | null; reset: 'subtract' | 'zero'; add_spiking_output: boolean };
  expected: {
    error: GraphFixtureError | null;
    layers?: GraphFixtureLayer[] | null;
    dvs_layer: null | {
      input_shape: number[];
      pooling: number[];
      pooling_module: string | null;
      merge_polarities: boolean;
      disable_pixel_array: boolean;
      crop: { top: number; bottom: number; left: number; right: number };
      destinations: number[];
    };
    edges?: Array<[number | 'input' | 'dvs', number | 'dvs']> | null;
    destination_map?: Keyed<number[]> | null;
    entry_layers?: Array<number | 'dvs'> | null;
    exit_layers?: number[] | null;
    memory_summary?: { kernel: Keyed<number>; neuron: Keyed<number>; bias: Keyed<number> } | null;
    candidate_cores?: Keyed<number[]> | null;
    layer2core_map?: Keyed<number> | null;
    config?: null | {
      cores: GraphFixtureCore[];
      dvs_layer: Record<string, unknown>;
      feature_shift_written: boolean;
      derived_destinations: Keyed<GraphConfigDestination[]>;
    };
    layer_index_hash_dependence: { stable: boolean };
  };
  simulation?: {
    rasters: JsonTensor[];
    outputs: {
      dynapcnn_discretized: Array<Array<{ layer: number; destination: number; spikes: JsonTensor }> | null>;
      dynapcnn_discretized_nary_merge?: Array<Array<{ layer: number; destination: number; spikes: JsonTensor }> | null>;
    };
    layer_spike_totals: { dynapcnn_discretized: Array<Keyed<Keyed<number[]>> | null>; dynapcnn_discretized_nary_merge?: Array<Keyed<Keyed<number[]>> | null> };
    errors: Keyed<unknown>;
  };
}

export function graphFixtureNames(): string[] {
  return (JSON.parse(readFileSync(GRAPH_FIXTURE_DIR + 'index.json', 'utf8')) as { cases: string[] }).cases;
}

const cache = new Map<string, GraphFixture>();

export function loadGraphFixture(name: string): GraphFixture {
  let f = cache.get(name);
  if (!f) {
    f = JSON.parse(readFileSync(`${GRAPH_FIXTURE_DIR}${name}.json`, 'utf8')) as GraphFixture;
    cache.set(name, f);
  }
  return f;
}

/** The state_dict as float32 tensors (v_mem buffers of shape [0] are not in the fixtures). */
export function graphFixtureWeights(f: GraphFixture): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of Object.entries(f.weights)) {
    out.set(name, { dtype: 'F32', shape: t.shape, data: Float32Array.from(t.data, (v) => Math.fround(v)) });
  }
  return out;
}
