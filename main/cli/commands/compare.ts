// `dcnn compare P RUN_A RUN_B [--stream output|input] [--json]`: the same stream of two
// runs, over the chip layers both recorded (see main/store/run-compare-scope.ts).

import { parseArgs } from 'node:util';
import { compareRunsScoped } from '../../store/run-compare-scope.js';
import { ChipLayers } from '../chip-layers.js';
import { CliError, type CliIO } from '../cli-io.js';
import { compareJson, formatCompare } from '../compare-report.js';
import { requireRun, runId, withProject } from './project-access.js';

export async function compareCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, stream: { type: 'string', default: 'output' } } });
  const a = runId(positionals[1], 'RUN_A');
  const b = runId(positionals[2], 'RUN_B');
  const stream = values.stream;
  if (stream !== 'input' && stream !== 'output') throw new CliError(`--stream must be input or output; got "${stream}"`);
  return withProject(positionals[0], io, async (p) => {
    const namesA = ChipLayers.ofRun(requireRun(p, a));
    const namesB = ChipLayers.ofRun(requireRun(p, b));
    const j = compareJson(compareRunsScoped(p, a, b, stream), namesA, namesB);
    io.out(values.json ? JSON.stringify(j) : formatCompare(j));
    return 0;
  });
}
