// The commands over a recorded project (replay, compare and export have their own modules):
//   dcnn runs P [--json]                                   every run with status and counts
//   dcnn rerun P RUN (--model M --weights W [--input-shape ...] | --device ID [--recompile]) [--json]
//   dcnn import P FILE [--stream input|output] [--model-version N] [--sort] [--drop-out-of-range]

import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compileModel } from '../../compiler/compile.js';
import type { CompileResult } from '../../compiler/compile-types.js';
import { ServiceError } from '../../services/service-error.js';
import type { NewModelVersion } from '../../services/run-service.js';
import { detectEventFormat } from '../../formats/event-files.js';
import { readBytes } from '../../services/model-files.js';
import { localProjectStore } from '../../store/project-store.js';
import { importRecording } from '../../store/recording-files.js';
import { runsReport } from '../../store/runs-report.js';
import { CliError, type CliIO } from '../cli-io.js';
import { withServices } from '../cli-services.js';
import { formatCompileResult, table } from '../compile-table.js';
import { formatRun, runJson } from '../run-report.js';
import { COMPILE_OPTIONS, prepareCompile } from './compile.js';
import { requireRun, runId, withProject } from './project-access.js';
import { parseSlowClock } from './run.js';

export async function runsCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } });
  return withProject(positionals[0], io, async (p) => {
    const report = runsReport(p);
    if (values.json) {
      io.out(JSON.stringify(report));
      return 0;
    }
    if (report.runs.length === 0) {
      io.out(`${p.meta.path}: no runs yet`);
      return 0;
    }
    const rows = [['run', 'status', 'device', 'model', 'started', 'ended', 'events in', 'events out']];
    for (const r of report.runs) rows.push([String(r.id), r.status, r.device, String(r.model_version), r.started, r.ended ?? '', String(r.events_in), String(r.events_out)]);
    io.out(table(rows, ['r', 'l', 'l', 'r', 'l', 'l', 'r', 'r']));
    const interrupted = p.interruptedOnOpen;
    if (interrupted.length > 0) io.out(`\nmarked interrupted on open (the process recording them had ended): runs ${interrupted.join(', ')}`);
    return 0;
  });
}

export async function rerunCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...COMPILE_OPTIONS,
      model: { type: 'string' },
      device: { type: 'string' },
      recompile: { type: 'boolean' },
      'slow-clock': { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!values.model && !values.device) throw new CliError('give --model M.py (with --weights) to re-run through another model, or --device ID for another device, or both');
  const id = runId(positionals[1]);
  const slowClockHz = parseSlowClock(values['slow-clock']);
  return withProject(positionals[0], io, async (project) => {
    const source = requireRun(project, id);
    return withServices(io, { dataDir: values['data-dir'] }, async (services) => {
      const device = services.devices.resolve(values.device ?? source.deviceId);
      let model: { compiled: CompileResult; version: NewModelVersion } | undefined;
      if (values.model) {
        const version = project.getModelVersion(source.modelVersionId)!;
        const prepared = await prepareCompile({ ...values, model: values.model, device: device.type, 'input-shape': values['input-shape'] ?? version.inputShape.join(',') }, io);
        const r = prepared.request;
        const compiled = compileModel(r, { modelKind: prepared.kind });
        if (!compiled.ok) {
          io.err(formatCompileResult(compiled, { model: values.model, weights: prepared.weightsLabel }));
          return 1;
        }
        model = { compiled, version: { source: r.source, weights: prepared.weightsBytes, compileOptions: { inputShape: r.inputShape, ordering: r.ordering, monitorLayers: r.monitorLayers, conversion: r.conversion } } };
      }
      const { handle } = await services.launcher
        .rerun(localProjectStore(project), id, {
          deviceId: device.id,
          ...(model ? { model } : {}),
          ...(values.recompile ? { recompile: true } : {}),
          ...(slowClockHz !== undefined ? { deploy: { slowClockHz } } : {}),
        })
        .catch((e: unknown) => {
          if (e instanceof ServiceError && e.code === 'NEEDS_RECOMPILE') throw new CliError(e.message);
          throw e;
        });
      void io.interrupted?.then(() => handle.stop());
      const summary = await handle.done;
      const j = runJson(summary, device.id, true);
      io.out(values.json ? JSON.stringify({ ...j, parent_run: id }) : `re-run of run ${id}\n${formatRun(j)}`);
      return summary.status === 'completed' ? 0 : 1;
    });
  }, 'write');
}

export async function importCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { stream: { type: 'string', default: 'input' }, 'model-version': { type: 'string' }, sort: { type: 'boolean' }, 'drop-out-of-range': { type: 'boolean' } },
  });
  const stream = values.stream;
  if (stream !== 'input' && stream !== 'output') throw new CliError(`--stream must be input or output; got "${stream}"`);
  if (!positionals[1]) throw new CliError('the event file (.npy or .csv) to import is required');
  const path = resolve(io.cwd, positionals[1]);
  const bytes = await readBytes(path, 'event file');
  return withProject(positionals[0], io, async (p) => {
    const versions = p.listModelVersions();
    const wanted = values['model-version'] !== undefined ? runId(values['model-version'], '--model-version') : versions[versions.length - 1]?.id;
    if (wanted === undefined || !p.getModelVersion(wanted)) {
      throw new CliError(`the project has ${versions.length ? `model versions ${versions.map((v) => v.id).join(', ')}` : 'no model version yet (run a model with --project first)'}; pick one with --model-version`);
    }
    let result;
    try {
      const readOptions = { ...(values.sort ? { sort: true } : {}), ...(values['drop-out-of-range'] ? { dropOutOfRange: true } : {}) };
      result = importRecording(p, { bytes, format: detectEventFormat(path, bytes), fileName: basename(path), modelVersionId: wanted, stream, readOptions });
    } catch (e) {
      throw new CliError(`${path}: ${(e as Error).message}`);
    }
    for (const w of result.warnings) io.err(`warning: ${w}`);
    io.out(`imported ${result.events} events from ${path} as the ${stream} of run ${result.run.id} (model version ${wanted})`);
    return 0;
  }, 'write');
}
