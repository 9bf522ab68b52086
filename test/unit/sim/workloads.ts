// Compiled inputs for simulator tests and the benchmark: the golden fixtures and the two
// benchmark workloads (model.py + weights.safetensors + raster.npy), compiled the way the
// product compiles them (conversion settings of the reference run, device speck2fdevkit).

import { readFileSync } from 'node:fs';
import type { ChipConfig } from '../../../main/chips/chip-config.js';
import { compileModel } from '../../../main/compiler/compile.js';
import type { CompileResult } from '../../../main/compiler/compile-types.js';
import { readNpy } from '../../../main/formats/npy.js';
import { readSafetensors } from '../../../main/formats/safetensors.js';
import type { Raster } from '../../../main/sim/raster-events.js';
import { BENCH_DIR, benchWorkloads, fixtureWeights, type BenchWorkload, type Fixture } from '../../helpers/fixtures.js';

export interface Compiled {
  config: ChipConfig;
  /** Core of each chip layer, model order. */
  ordering: number[];
  result: CompileResult;
}

function compiled(result: CompileResult, what: string): Compiled {
  if (!result.ok || !result.config || !result.placement) {
    throw new Error(`${what} did not compile: ${result.error ? `${result.error.stage}: ${result.error.message}` : 'no configuration'}`);
  }
  return { config: result.config, ordering: result.placement.ordering, result };
}

export function compileFixture(f: Fixture): Compiled {
  const conversion =
    f.kind === 'ann' && f.conversion ? { spikeThreshold: f.conversion.spike_threshold, minVMem: f.conversion.min_v_mem, reset: f.conversion.reset } : undefined;
  return compiled(
    compileModel({ source: f.model_text, weights: fixtureWeights(f), inputShape: f.input_shape, device: 'speck2fdevkit', ...(conversion ? { conversion } : {}) }),
    `fixture ${f.name}`,
  );
}

export type BenchName = 'lenet' | 'dvs128';

export interface LoadedWorkload extends Compiled {
  name: BenchName;
  meta: BenchWorkload;
  raster: Raster;
}

export function loadBenchWorkload(name: BenchName): LoadedWorkload {
  const meta = benchWorkloads()[name];
  const dir = `${BENCH_DIR}${name}/`;
  const py = readFileSync(`${dir}model.py`, 'utf8');
  const start = py.indexOf('nn.Sequential(');
  if (start < 0) throw new Error(`${dir}model.py holds no nn.Sequential(...)`);
  const weights = readSafetensors(readFileSync(`${dir}weights.safetensors`));
  const npy = readNpy(readFileSync(`${dir}raster.npy`));
  if (npy.kind !== 'numeric' || npy.shape.length !== 4) throw new Error(`${dir}raster.npy is not a [T, C, H, W] numeric array`);
  const raster: Raster = { shape: npy.shape as [number, number, number, number], data: npy.data };
  const c = compiled(compileModel({ source: py.slice(start), weights, inputShape: meta.input_shape, device: 'speck2fdevkit' }), `bench workload ${name}`);
  return { ...c, name, meta, raster };
}
