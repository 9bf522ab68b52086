// `npm run demo`: the main job on the built-in defaults — the seed LeNet compiled for a
// Speck2f devkit and placed (printed as a table), then its example input run through
// the model on the virtual devkit sim-speck2fdevkit:0 (monitored counts and prediction).

import { examplePath } from '../../services/package-root.js';
import type { CliIO } from '../cli-io.js';
import { compileCommand } from './compile.js';
import { runCommand } from './run.js';

export async function demoCommand(argv: string[], io: CliIO): Promise<number> {
  const model = [examplePath('lenet', 'model.py'), '--weights', examplePath('lenet', 'weights.safetensors'), '--input-shape', '1,28,28'];
  const compiled = await compileCommand([...model, '--device', 'speck2fdevkit'], io);
  if (compiled !== 0) return compiled;
  io.out('\nRunning examples/lenet/input.npy through it on the virtual devkit sim-speck2fdevkit:0 …\n');
  return runCommand([...model, '--device', 'sim-speck2fdevkit:0', '--events', examplePath('lenet', 'input.npy'), '--monitor', 'all', ...argv], io);
}
