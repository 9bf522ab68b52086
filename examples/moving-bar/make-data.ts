// Writes the moving-bar data set that train.py learns from, made by the workbench's own
// input generator (main/sim/input-generators.ts, the 'moving-bar' generator a run can use):
// a bar sweeping right, left, down or up over a 2x16x16 input (ON events at its leading
// edge on channel 0, OFF events at its trailing edge on channel 1), with the generator's
// free parameters varied per sample: seed, duration (the sweep's speed) and rate.
//
//   npx tsx examples/moving-bar/make-data.ts [OUT_DIR]      (default: /tmp/moving-bar-data)
//
// OUT_DIR/train.npy, OUT_DIR/test.npy      uint8 rasters [N, T_MAX, 2, 16, 16], 1 ms bins
// OUT_DIR/train-labels.npy, test-labels.npy  int32 [N, 3]: class, duration ms, seed
// OUT_DIR/test-events/<class>/<seed>.npy   the test samples as event files (t, x, y, p),
//                                          a `dcnn eval --dataset` folder (classes.txt
//                                          fixes channel i = class i)
// Training seeds and test seeds never overlap (train: 1..., test: 500001...).
//
// It also writes the example's own inputs (the same generator, settings below):
// examples/moving-bar/input.npy                 the bar moving down, the example's input
// examples/moving-bar/samples/<class>/1.npy     one sample per class, with classes.txt: a
//                                               dataset for `dcnn eval --dataset`

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeEventFile } from '../../main/formats/event-files.js';
import { writeNpy } from '../../main/formats/npy.js';
import { BAR_DIRECTIONS, movingBar, seededUniform } from '../../main/sim/input-generators.js';

export const SHAPE = [2, 16, 16] as const;
export const T_MAX = 200;
const TRAIN_PER_CLASS = 300;
const TEST_PER_CLASS = 100;
const TRAIN_SEED0 = 1;
const TEST_SEED0 = 500_001;

/** Duration (ms) and rate (Hz) of sample `seed`: drawn from the seed, within the ranges trained on. */
export function sampleSettings(seed: number): { durationMs: number; rateHz: number } {
  const r = seededUniform(seed * 7919 + 13);
  return { durationMs: 60 + Math.floor(r() * 141), rateHz: 150 + Math.floor(r() * 851) };
}

function split(name: string, perClass: number, seed0: number, out: string, events: boolean): void {
  const [C, H, W] = SHAPE;
  const n = perClass * BAR_DIRECTIONS.length;
  const frame = C * H * W;
  const rasters = new Uint8Array(n * T_MAX * frame);
  const labels = new Int32Array(n * 3);
  let i = 0;
  for (let k = 0; k < perClass; k++) {
    for (let label = 0; label < BAR_DIRECTIONS.length; label++, i++) {
      const direction = BAR_DIRECTIONS[label]!;
      const seed = seed0 + k * BAR_DIRECTIONS.length + label;
      const { durationMs, rateHz } = sampleSettings(seed);
      const batch = movingBar({ shape: SHAPE, durationMs, rateHz, seed, layer: 0, direction });
      for (let e = 0; e < batch.length; e++) {
        const bin = Math.floor(batch.t[e]! / 1000);
        if (bin >= T_MAX) continue;
        const at = i * T_MAX * frame + bin * frame + (batch.channel[e]! * H + batch.y[e]!) * W + batch.x[e]!;
        rasters[at] = Math.min(255, rasters[at]! + 1);
      }
      labels.set([label, durationMs, seed], i * 3);
      if (events) {
        const dir = join(out, `${name}-events`, direction);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${seed}.npy`), writeEventFile(batch, 'npy', 'xytp'));
      }
    }
  }
  writeFileSync(join(out, `${name}.npy`), writeNpy({ kind: 'numeric', dtype: '|u1', shape: [n, T_MAX, C, H, W], data: rasters }));
  writeFileSync(join(out, `${name}-labels.npy`), writeNpy({ kind: 'numeric', dtype: '<i4', shape: [n, 3], data: labels }));
  if (events) writeFileSync(join(out, `${name}-events`, 'classes.txt'), `${BAR_DIRECTIONS.join('\n')}\n`);
  console.log(`${name}: ${n} samples (${perClass} per class), seeds ${seed0}..${seed0 + n - 1}`);
}

/** The example's inputs: 100 ms sweeps at 500 Hz, seed 1. */
export const EXAMPLE_INPUT = { durationMs: 100, rateHz: 500, seed: 1 } as const;

function exampleInputs(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const direction of BAR_DIRECTIONS) {
    const batch = movingBar({ shape: SHAPE, ...EXAMPLE_INPUT, layer: 0, direction });
    const bytes = writeEventFile(batch, 'npy', 'xytp');
    mkdirSync(join(here, 'samples', direction), { recursive: true });
    writeFileSync(join(here, 'samples', direction, '1.npy'), bytes);
    if (direction === 'down') writeFileSync(join(here, 'input.npy'), bytes);
  }
  writeFileSync(join(here, 'samples', 'classes.txt'), `${BAR_DIRECTIONS.join('\n')}\n`);
}

const out = process.argv[2] ?? '/tmp/moving-bar-data';
mkdirSync(out, { recursive: true });
split('train', TRAIN_PER_CLASS, TRAIN_SEED0, out, false);
split('test', TEST_PER_CLASS, TEST_SEED0, out, true);
exampleInputs();
