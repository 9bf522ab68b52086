// Compile benchmark: the whole pipeline (parse, weights binding, conversion, quantization,
// placement, configuration) warm and in-process, median of many runs, for the seed LeNet,
// the largest 9-core fixture and the 5-core dvs128 workload. Figures only; no assertions.
// Run: npx tsx test/bench/compile-bench.ts

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { compileModel } from '../../main/compiler/compile.js';
import type { CompileRequest } from '../../main/compiler/compile-types.js';
import { readSafetensors } from '../../main/formats/safetensors.js';
import { BENCH_DIR, EXAMPLES_DIR, fixtureWeights, loadFixture } from '../helpers/fixtures.js';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeCompile(request: CompileRequest, runs: number): number {
  for (let i = 0; i < 20; i++) compileModel(request);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = compileModel(request);
    times.push(performance.now() - t0);
    if (!r.ok) throw new Error(`benchmark model failed to compile: ${r.error?.message}`);
  }
  return median(times);
}

export async function runCompileBench(): Promise<BenchRow[]> {
  const lenet: CompileRequest = {
    source: readFileSync(`${EXAMPLES_DIR}lenet/model.py`, 'utf8'),
    weights: readSafetensors(new Uint8Array(readFileSync(`${EXAMPLES_DIR}lenet/weights.safetensors`))),
    inputShape: [1, 28, 28],
    device: 'speck2fdevkit',
  };
  const tight = loadFixture('tight_mapping');
  const tightRequest: CompileRequest = { source: tight.model_text, weights: fixtureWeights(tight), inputShape: tight.input_shape, device: 'speck2fdevkit' };
  const dvs: CompileRequest = {
    source: readFileSync(`${BENCH_DIR}dvs128/model.py`, 'utf8'),
    weights: readSafetensors(new Uint8Array(readFileSync(`${BENCH_DIR}dvs128/weights.safetensors`))),
    inputShape: [2, 128, 128],
    device: 'speck2fdevkit',
  };
  return [
    { name: 'compile seed LeNet (5 chip layers, 122k weights), warm median', value: timeCompile(lenet, 200), unit: 'ms' },
    { name: 'compile tight_mapping fixture (6 chip layers, 9-core), warm median', value: timeCompile(tightRequest, 100), unit: 'ms' },
    { name: 'compile dvs128 workload (5 chip layers, 2x128x128), warm median', value: timeCompile(dvs, 100), unit: 'ms' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await runCompileBench()) console.log(`${r.name}: ${r.value.toFixed(3)} ${r.unit}`);
}
