// `dcnn export --nir OUT.nir MODEL --weights W --input-shape C,H,W [compile options]`:
// compiles the model like `dcnn compile` and writes the converted SNN as a NIR file
// (main/formats/nir/nir-export.ts). `dcnn export PROJECT RUN ...` (run streams) stays in
// project-runs.ts, which hands over here when it sees --nir.

import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compileModel } from '../../compiler/compile.js';
import { FormatError } from '../../formats/format-error.js';
import { exportNir } from '../../formats/nir/nir-export.js';
import { CliError, type CliIO } from '../cli-io.js';
import { COMPILE_OPTIONS, prepareCompile } from './compile.js';

export function wantsNirExport(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--nir' || a.startsWith('--nir='));
}

export async function exportNirCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...COMPILE_OPTIONS, nir: { type: 'string' } } });
  if (!values.nir) throw new CliError('--nir OUT.nir needs the output file name');
  const prepared = await prepareCompile({ ...values, model: positionals[0] }, io);
  const result = compileModel(prepared.request, { modelKind: prepared.kind });
  if (result.layers.length === 0) {
    throw new CliError(`${prepared.modelPath}: nothing to export, the model did not convert${result.error ? `: ${result.error.message}` : ''}`, 1);
  }
  let out;
  try {
    out = await exportNir(result);
  } catch (e) {
    if (e instanceof FormatError) throw new CliError(`${prepared.modelPath}: ${e.message}`, 1);
    throw e;
  }
  const path = resolve(io.cwd, values.nir);
  await writeFile(path, out.bytes);
  io.out(`wrote the converted SNN of ${prepared.modelPath} (${result.layers.length} chip layers) as NIR to ${path}`);
  for (const n of out.notes) io.out(`note: ${n}`);
  // Placement is not needed for a NIR file, but the user should know it failed.
  if (result.error) io.out(`warning: ${result.error.stage}: ${result.error.message}`);
  return 0;
}
