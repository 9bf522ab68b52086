// `dcnn check PROJECT.dcnnproj [--json]`: verifies a whole project (SQLite integrity_check
// and every recorded chunk: checksum and decoding) and lists what is damaged with its run,
// stream and time range. Exit 0 when sound, 1 when anything is damaged. Opens the project
// to view only, so it works on read-only copies and never changes the file.

import { parseArgs } from 'node:util';
import { checkProject, projectIsSound } from '../../store/project-check.js';
import { CliError, type CliIO } from '../cli-io.js';
import { openProjectForCli } from './run.js';

export async function checkCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (!positionals[0]) throw new CliError('the project file to check is required (e.g. exp.dcnnproj)');
  const project = openProjectForCli(positionals[0], io, 'view');
  try {
    const r = checkProject(project);
    const sound = projectIsSound(r);
    if (values.json) {
      io.out(
        JSON.stringify({
          ok: sound,
          integrity: r.integrity,
          runs: r.runs,
          chunks: r.chunks,
          checksummed: r.checksummed,
          events: r.events,
          damaged: r.damaged.map((d) => ({ run: d.runId, stream: d.stream, chunk: d.seq, t_first: d.range?.tFirst ?? null, t_last: d.range?.tLast ?? null, events: d.range?.count ?? null, detail: d.detail })),
        }),
      );
      return sound ? 0 : 1;
    }
    const integrity = r.integrity.length === 1 && r.integrity[0] === 'ok' ? 'ok' : `${r.integrity.length} problems: ${r.integrity.slice(0, 5).join('; ')}`;
    io.out(`${project.path}: SQLite integrity check ${integrity}`);
    io.out(`${r.runs} runs, ${r.chunks} chunks (${r.checksummed} with checksums), ${r.events} events read back`);
    for (const d of r.damaged) io.out(`damaged: ${d.message}`);
    io.out(sound ? 'the project is sound' : `the project is damaged: ${r.damaged.length} chunks cannot be read${integrity === 'ok' ? '' : ', and its file structure has problems'}`);
    return sound ? 0 : 1;
  } finally {
    project.close();
  }
}
