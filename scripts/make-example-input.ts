// Writes examples/lenet/input.npy: a Poisson rate image (a bright ring with a filled centre,
// 1x28x28, 200 ms, peak 150 Hz, seed 7) as a structured x, y, t, p event array — the
// example input a new user can run through the seed model at once. Deterministic.
//   npx tsx scripts/make-example-input.ts
import { writeFileSync } from 'node:fs';
import { writeEventFile } from '../main/formats/event-files.js';
import { poissonRateImage } from '../main/sim/input-generators.js';

const batch = poissonRateImage({ shape: [1, 28, 28], durationMs: 200, rateHz: 150, seed: 7, layer: 0 });
writeFileSync(new URL('../examples/lenet/input.npy', import.meta.url), writeEventFile(batch, 'npy', 'xytp'));
console.log(`examples/lenet/input.npy: ${batch.length} events`);
