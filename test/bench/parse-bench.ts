// Micro benchmark of the model-text parser: warm parse time of the seed LeNet text
// (examples/lenet/model.py) and of a long generated model. A benchmark, not a test: it
// asserts nothing about time. Run it alone with `npx tsx test/bench/parse-bench.ts`.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseModel } from '../../main/compiler/parse/parse-model.js';
import { EXAMPLES_DIR } from '../helpers/fixtures.js';

/** Median time of one parse over `runs` runs after `warm` warm-up runs, in milliseconds. */
function medianMs(source: string, warm: number, runs: number): number {
  for (let i = 0; i < warm; i++) parseModel(source);
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    parseModel(source);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[runs >> 1]!;
}

function longModel(layers: number): string {
  const lines = ['import torch.nn as nn', 'import sinabs.layers as sl', '', 'model = nn.Sequential('];
  for (let i = 0; i < layers; i++) {
    lines.push(`    nn.Conv2d(${i + 1}, ${i + 2}, kernel_size=(3, 3), stride=1, padding=1, bias=False),  # layer ${i}`);
    lines.push('    sl.IAFSqueeze(spike_threshold=1.0, min_v_mem=-1.0, batch_size=1),');
  }
  lines.push(')');
  return lines.join('\n');
}

export async function runParseBench(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const lenet = readFileSync(EXAMPLES_DIR + 'lenet/model.py', 'utf8');
  const long = longModel(500);
  return [
    { name: 'parse LeNet model text (warm, median)', value: Math.round(medianMs(lenet, 2000, 2001) * 1000) / 1000, unit: 'ms' },
    { name: 'parse 1000-layer model text (warm, median)', value: Math.round(medianMs(long, 20, 21) * 100) / 100, unit: 'ms' },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await runParseBench()) console.log(`${row.name}: ${row.value} ${row.unit}`);
}
