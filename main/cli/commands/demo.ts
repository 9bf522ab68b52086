// `npm run demo`: the main job on the built-in default — the seed LeNet compiled for a
// Speck2f devkit and placed, printed as a table.

import { examplePath } from '../../services/package-root.js';
import type { CliIO } from '../cli-io.js';
import { compileCommand } from './compile.js';

export async function demoCommand(_argv: string[], io: CliIO): Promise<number> {
  return compileCommand(
    [examplePath('lenet', 'model.py'), '--weights', examplePath('lenet', 'weights.safetensors'), '--input-shape', '1,28,28', '--device', 'speck2fdevkit'],
    io,
  );
}
