// `npm run bench`: every benchmark of the workbench in one run, printed as a table and
// written to test-results/bench.json. Benchmarks report figures; they assert nothing about
// time (machines here are shared and noisy), only that what they time is correct.

import { mkdirSync, writeFileSync } from 'node:fs';
import { runCameraBench } from './camera-bench.js';
import { runCompileBench } from './compile-bench.js';
import { runFormatsBench } from './formats-bench.js';
import { runParseBench } from './parse-bench.js';
import { runSamnaBench } from './samna-bench.js';
import { runEvalBench } from './eval-bench.js';
import { runSimBench } from './sim-bench.js';
import { runStoreBench } from './store-bench.js';
import { runTorchBench } from './torch-bench.js';
import { runWebSocketBench } from './websocket-bench.js';

interface Row {
  name: string;
  value: number;
  unit: string;
}

const suites: Array<[string, () => Promise<Row[]>]> = [
  ['compiler', runCompileBench],
  ['parser', runParseBench],
  ['simulator', runSimBench],
  ['store', runStoreBench],
  ['event files', runFormatsBench],
  ['camera readers', runCameraBench],
  ['torch files', runTorchBench],
  ['web host', runWebSocketBench],
  ['samna bridge', runSamnaBench],
  ['evaluation', runEvalBench],
];

const only = process.argv.slice(2);
const results: Record<string, Row[]> = {};
for (const [name, run] of suites) {
  if (only.length > 0 && !only.includes(name.split(' ')[0]!)) continue;
  process.stdout.write(`\n== ${name}\n`);
  const t0 = performance.now();
  const rows = await run();
  results[name] = rows;
  for (const r of rows) process.stdout.write(`  ${r.name}: ${r.value >= 100 ? r.value.toFixed(0) : r.value.toPrecision(4)} ${r.unit}\n`);
  process.stdout.write(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}
mkdirSync('test-results', { recursive: true });
writeFileSync('test-results/bench.json', JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 1));
process.stdout.write('\nfigures written to test-results/bench.json\n');
