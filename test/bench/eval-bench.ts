// Dataset evaluation throughput: LeNet (the seed model) on a generated dataset of 64
// samples (moving bars and Poisson blobs, the `dcnn eval` tests' generator), in event and
// time-stepped mode, on 1 worker thread and on one per core, as samples/s including the
// pool's start. The rows of every run are checked equal first (a fast wrong answer is no
// figure).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileModel } from '../../main/compiler/compile.js';
import { parseWeights } from '../../main/services/model-files.js';
import { listDataset } from '../../main/services/dataset.js';
import { evaluateDataset } from '../../main/services/evaluation.js';
import type { SampleMode } from '../../main/sim/sample-run.js';
import { EXAMPLES_DIR } from '../helpers/fixtures.js';
import { writeEvalDataset } from '../helpers/eval-dataset.js';

export async function runEvalBench(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const root = mkdtempSync(join(tmpdir(), 'dcnn-eval-bench-'));
  try {
    writeEvalDataset(root, { perClass: 32, firstSeed: 1, bar: { durationMs: 400, rateHz: 300 }, blob: { durationMs: 400, rateHz: 60 } });
    const dataset = listDataset(join(root, 'ds'));
    const weights = parseWeights(new Uint8Array(readFileSync(join(EXAMPLES_DIR, 'lenet', 'weights.safetensors'))), 'lenet weights');
    const compiled = compileModel({ source: readFileSync(join(EXAMPLES_DIR, 'lenet', 'model.py'), 'utf8'), weights, inputShape: [1, 28, 28], device: 'speck2fdevkit' });
    if (!compiled.ok) throw new Error(`LeNet did not compile: ${compiled.error?.message}`);
    const cores = availableParallelism();
    const rows: Array<{ name: string; value: number; unit: string }> = [];
    for (const mode of ['event', 'timestep'] as SampleMode[]) {
      let reference: string | null = null;
      for (const workers of [1, cores]) {
        const t0 = performance.now();
        const r = await evaluateDataset(compiled, dataset, { mode, workers });
        const s = (performance.now() - t0) / 1000;
        const fingerprint = JSON.stringify(r.rows.map((x) => [x.file, x.exitCounts]));
        if (reference !== null && fingerprint !== reference) throw new Error(`${mode}: ${workers} workers gave other rows than 1 worker`);
        reference = fingerprint;
        rows.push({ name: `LeNet, ${dataset.samples.length} samples, ${mode} mode, ${workers} worker${workers === 1 ? '' : 's'}`, value: dataset.samples.length / s, unit: 'samples/s' });
      }
    }
    return rows;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
