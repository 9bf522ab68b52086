// The small generated dataset the `dcnn eval` tests use: a folder per class under
// ROOT/ds, "bar" samples from the moving-bar generator and "blob" samples from the
// Poisson rate image, on LeNet's 1x28x28 input, seeded so every run writes the same files.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeEventFile } from '../../main/formats/event-files.js';
import { movingBar, poissonRateImage } from '../../main/sim/input-generators.js';

export interface EvalDatasetOptions {
  perClass: number;
  /** Sample i of a class uses seed firstSeed + i. */
  firstSeed: number;
  bar: { durationMs: number; rateHz: number };
  blob: { durationMs: number; rateHz: number };
}

/** Writes ROOT/ds/{bar,blob}/s<i>.npy; returns the files relative to ROOT/ds, bar first. */
export function writeEvalDataset(root: string, o: EvalDatasetOptions): string[] {
  const shape = [1, 28, 28] as const;
  const files: string[] = [];
  for (const [cls, make] of [
    ['bar', (seed: number) => movingBar({ shape, ...o.bar, seed, layer: 0 })],
    ['blob', (seed: number) => poissonRateImage({ shape, ...o.blob, seed, layer: 0 })],
  ] as const) {
    mkdirSync(join(root, 'ds', cls), { recursive: true });
    for (let i = 0; i < o.perClass; i++) {
      const file = `${cls}/s${i}.npy`;
      writeFileSync(join(root, 'ds', file), writeEventFile(make(o.firstSeed + i), 'npy', 'xytp'));
      files.push(file);
    }
  }
  return files;
}
