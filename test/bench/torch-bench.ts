// Opening a 100 MB torch.save checkpoint: time, and memory held afterwards. The file is built
// here (a stored zip of a hand-written protocol-2 pickle of a state_dict plus 25 raw float32
// storages of 4 MB), written to a temporary file and opened the way `dcnn compile --weights`
// does (read the file, recognise it, decode the tensors). Float32 tensors are views into
// the file's bytes, so the array-buffer memory after opening stays at one copy of the
// file; the benchmark checks that, and the values, but asserts nothing about time.
// Run it alone with `npx tsx test/bench/torch-bench.ts`.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readWeightsFile } from '../../main/services/model-files.js';
import { stateDictPickle, torchZip } from '../helpers/torch-files.js';

const TENSORS = 25;
const ELEMENTS = 1 << 20; // 4 MiB of float32 each: 100 MiB of storages
const REPEATS = 3;

// A full collection before each measurement, so garbage of the previous round does not count
// (the flag set at run time gives `gc` without starting node with --expose-gc).
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function valueAt(tensor: number, j: number): number {
  return tensor * 100_000 + (j % 100_000);
}

function buildCheckpoint(): Uint8Array {
  const storages: Uint8Array[] = [];
  const tensors = [];
  for (let i = 0; i < TENSORS; i++) {
    const values = new Float32Array(ELEMENTS);
    // Value j of tensor i is an integer below 2^24, exact in float32: spot checks are exact.
    for (let j = 0; j < ELEMENTS; j++) values[j] = valueAt(i, j);
    const data = new Uint8Array(values.buffer);
    storages.push(data);
    tensors.push({ name: `layers.${i}.weight`, shape: [1024, 32, 32], data });
  }
  return torchZip(stateDictPickle(tensors), storages, 'checkpoint');
}

export async function runTorchBench(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const dir = mkdtempSync(join(tmpdir(), 'torch-bench-'));
  const path = join(dir, 'checkpoint.pt');
  let fileBytes = 0;
  {
    const file = buildCheckpoint();
    fileBytes = file.byteLength;
    writeFileSync(path, file);
  }
  const mb = (n: number): number => Math.round((n / 2 ** 20) * 10) / 10;
  try {
    let bestSeconds = Infinity;
    let heldAfter = 0;
    let rssGrowth = 0;
    for (let r = 0; r < REPEATS; r++) {
      gc();
      const before = process.memoryUsage();
      const t0 = performance.now();
      const w = await readWeightsFile(path);
      bestSeconds = Math.min(bestSeconds, (performance.now() - t0) / 1000);
      gc();
      const after = process.memoryUsage();
      heldAfter = after.arrayBuffers - before.arrayBuffers;
      rssGrowth = after.rss - before.rss;
      // Correctness of what was timed: every tensor, its shape, values at both ends.
      if (w.tensors.size !== TENSORS) throw new Error(`read ${w.tensors.size} of ${TENSORS} tensors`);
      let fileBuffer: ArrayBufferLike | null = null;
      for (let i = 0; i < TENSORS; i++) {
        const t = w.tensors.get(`layers.${i}.weight`)!;
        if (t.shape.join(',') !== '1024,32,32' || t.data.length !== ELEMENTS) throw new Error(`tensor ${i} has shape [${t.shape.join(', ')}]`);
        if (t.data[0] !== valueAt(i, 0) || t.data[ELEMENTS - 1] !== valueAt(i, ELEMENTS - 1)) throw new Error(`tensor ${i} has wrong values`);
        fileBuffer ??= t.data.buffer;
        if (t.data.buffer !== fileBuffer) throw new Error(`tensor ${i} is a copy, not a view of the file's bytes`);
      }
      // One copy of the file is held (the read), nothing more: allow 10% for the pickle and bookkeeping.
      if (heldAfter > fileBytes * 1.1) throw new Error(`opening held ${mb(heldAfter)} MiB of array buffers for a ${mb(fileBytes)} MiB file: more than one copy`);
    }
    return [
      { name: `open torch.save checkpoint (${mb(fileBytes)} MiB, ${TENSORS} float32 tensors)`, value: Math.round(bestSeconds * 1000), unit: 'ms' },
      { name: 'open torch.save checkpoint throughput', value: Math.round(mb(fileBytes) / bestSeconds), unit: 'MiB/s' },
      { name: 'array buffers held after opening', value: mb(heldAfter), unit: 'MiB' },
      { name: 'array buffers held / file size', value: Math.round((heldAfter / fileBytes) * 100) / 100, unit: 'x' },
      { name: 'rss growth after opening', value: mb(rssGrowth), unit: 'MiB' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await runTorchBench()) process.stdout.write(`${r.name}: ${r.value} ${r.unit}\n`);
}
