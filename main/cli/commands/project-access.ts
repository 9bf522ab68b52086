// Opening a project and naming one of its runs, for the commands over recorded runs.

import type { Project, RunInfo } from '../../store/project.js';
import { CliError, type CliIO } from '../cli-io.js';
import { openProjectForCli } from './run.js';

export function runId(text: string | undefined, what = 'RUN'): number {
  if (!text || !/^[0-9]+$/.test(text)) throw new CliError(`${what} must be a run id (a number from \`dcnn runs\`); got "${text ?? ''}"`);
  return Number(text);
}

export function requireRun(project: Project, id: number): RunInfo {
  const run = project.getRun(id);
  if (!run) throw new CliError(`run ${id} does not exist in ${project.meta.path} (runs: ${project.listRuns().map((r) => r.id).join(', ') || 'none'})`);
  return run;
}

export async function withProject<T>(path: string | undefined, io: CliIO, body: (p: Project) => Promise<T>, mode: 'view' | 'write' = 'view'): Promise<T> {
  if (!path) throw new CliError('the project file is required (e.g. exp.dcnnproj)');
  const project = openProjectForCli(path, io, mode);
  try {
    return await body(project);
  } finally {
    project.close();
  }
}
