// The commands over a recorded project:
//   dcnn runs P [--json]                                   every run with status and counts
//   dcnn replay P RUN [--speed 1|10|max] [--from T] [--to T] [--stream output|input] [--events]
//   dcnn rerun P RUN (--model M --weights W [--input-shape ...] | --device ID [--recompile]) [--json]
//   dcnn compare P RUN_A RUN_B [--json]
//   dcnn export P RUN --stream input|output --out file.npy|file.csv|file.aedat4 [--sensor WxH]
//   dcnn import P FILE [--stream input|output] [--model-version N]

import { open, rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compileModel } from '../../compiler/compile.js';
import type { CompileResult } from '../../compiler/compile-types.js';
import { ServiceError } from '../../services/service-error.js';
import type { NewModelVersion } from '../../services/run-service.js';
import type { SpikeBatch, SpikeEvent } from '../../common/spike-batch.js';
import type { Project, RunInfo } from '../../store/project.js';
import { basename } from 'node:path';
import { detectEventFormat } from '../../formats/event-files.js';
import { readBytes } from '../../services/model-files.js';
import { createEventWriter } from '../../formats/events/event-writers.js';
import { localProjectStore } from '../../store/project-store.js';
import { aedat4Shape, exportRecording, importRecording, recordingAsCameraEvents } from '../../store/recording-files.js';
import { Replayer } from '../../store/replayer.js';
import { compareRuns } from '../../store/run-compare.js';
import { runsReport } from '../../store/runs-report.js';
import { RecordingDamagedError } from '../../store/recording-reader.js';
import { CliError, type CliIO } from '../cli-io.js';
import { withServices } from '../cli-services.js';
import { formatCompileResult, table } from '../compile-table.js';
import { parseSensorSize } from '../input-mapping-args.js';
import { formatRun, runJson } from '../run-report.js';
import { COMPILE_OPTIONS, prepareCompile } from './compile.js';
import { exportNirCommand, wantsNirExport } from './export-nir.js';
import { openProjectForCli, parseSlowClock } from './run.js';

function runId(text: string | undefined, what = 'RUN'): number {
  if (!text || !/^[0-9]+$/.test(text)) throw new CliError(`${what} must be a run id (a number from \`dcnn runs\`); got "${text ?? ''}"`);
  return Number(text);
}

function requireRun(project: Project, id: number): RunInfo {
  const run = project.getRun(id);
  if (!run) throw new CliError(`run ${id} does not exist in ${project.meta.path} (runs: ${project.listRuns().map((r) => r.id).join(', ') || 'none'})`);
  return run;
}

async function withProject<T>(path: string | undefined, io: CliIO, body: (p: Project) => Promise<T>, mode: 'view' | 'write' = 'view'): Promise<T> {
  if (!path) throw new CliError('the project file is required (e.g. exp.dcnnproj)');
  const project = openProjectForCli(path, io, mode);
  try {
    return await body(project);
  } finally {
    project.close();
  }
}

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

function parseTime(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!(v >= 0)) throw new CliError(`${flag} takes a time in µs (>= 0); got "${text}"`);
  return v;
}

export async function replayCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { speed: { type: 'string', default: '1' }, from: { type: 'string' }, to: { type: 'string' }, stream: { type: 'string', default: 'output' }, events: { type: 'boolean' } },
  });
  const speedText = values.speed;
  const speed = speedText === 'max' ? 'max' : Number(speedText);
  if (speed !== 'max' && !(speed > 0)) throw new CliError(`--speed must be a positive factor (1 = real time) or "max"; got "${speedText}"`);
  const stream = values.stream;
  if (stream !== 'input' && stream !== 'output') throw new CliError(`--stream must be input or output; got "${stream}"`);
  const id = runId(positionals[1]);
  return withProject(positionals[0], io, async (p) => {
    requireRun(p, id);
    const reader = p.openRecording(id, stream);
    io.out(`replaying the ${stream} of run ${id}: ${reader.count} events, ${reader.firstT ?? '-'} .. ${reader.lastT ?? '-'} µs, speed ${speed}`);
    const from = parseTime(values.from, '--from');
    const to = parseTime(values.to, '--to');
    let batches = 0;
    const replay = new Replayer(
      reader,
      (batch: SpikeBatch, progress) => {
        batches++;
        if (values.events) {
          for (let i = 0; i < batch.length; i++) io.out(`${batch.t[i]},${batch.layer[i]},${batch.channel[i]},${batch.x[i]},${batch.y[i]}`);
        } else {
          const perLayer = new Map<number, number>();
          for (let i = 0; i < batch.length; i++) perLayer.set(batch.layer[i]!, (perLayer.get(batch.layer[i]!) ?? 0) + 1);
          io.out(`t=${progress.timeUs} µs  +${batch.length} events  (${[...perLayer].map(([l, n]) => `layer ${l}: ${n}`).join(', ')})  total ${progress.delivered}`);
        }
      },
      { speed, ...(from !== undefined ? { fromUs: from } : {}), ...(to !== undefined ? { toUs: to } : {}) },
    );
    void io.interrupted?.then(() => replay.stop());
    replay.play();
    const end = await replay.done;
    io.out(`${end.state}: ${end.delivered} events in ${batches} batches`);
    if (end.state === 'failed') io.err(`dcnn replay: ${end.error instanceof Error ? end.error.message : String(end.error)}`);
    return end.state === 'failed' ? 1 : 0;
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

export async function compareCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, stream: { type: 'string', default: 'output' } } });
  const a = runId(positionals[1], 'RUN_A');
  const b = runId(positionals[2], 'RUN_B');
  const stream = values.stream;
  if (stream !== 'input' && stream !== 'output') throw new CliError(`--stream must be input or output; got "${stream}"`);
  return withProject(positionals[0], io, async (p) => {
    requireRun(p, a);
    requireRun(p, b);
    const c = compareRuns(p, a, b, stream);
    if (values.json) {
      io.out(JSON.stringify({ a, b, stream, events_a: c.eventsA, events_b: c.eventsB, per_layer: c.perLayer, per_channel: c.perChannel, first_divergence: c.firstDivergence }));
      return 0;
    }
    const lines = [`run ${a} vs run ${b} (${stream}): ${c.eventsA} vs ${c.eventsB} events`, ''];
    lines.push(table([['layer', `run ${a}`, `run ${b}`, 'diff'], ...c.perLayer.map((l) => [String(l.layer), String(l.a), String(l.b), String(l.b - l.a)])], ['r', 'r', 'r', 'r']));
    const differing = c.perChannel.filter((ch) => ch.a !== ch.b);
    lines.push('', differing.length ? `channels that differ: ${differing.map((ch) => `L${ch.layer}/c${ch.channel} ${ch.a}→${ch.b}`).join(', ')}` : 'every channel has the same count');
    const d = c.firstDivergence;
    const ev = (e: SpikeEvent | null) => (e ? `t=${e.t} layer ${e.layer} ch ${e.channel} (${e.x},${e.y})` : 'none (stream ended)');
    lines.push(d ? `first divergence at event ${d.index}: ${ev(d.a)} vs ${ev(d.b)}` : 'the streams are identical event for event');
    io.out(lines.join('\n'));
    return 0;
  });
}

export async function exportCommand(argv: string[], io: CliIO): Promise<number> {
  if (wantsNirExport(argv)) return exportNirCommand(argv, io);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { stream: { type: 'string', default: 'output' }, out: { type: 'string' }, columns: { type: 'string', default: 'layered' }, sensor: { type: 'string' } },
  });
  const id = runId(positionals[1]);
  const stream = values.stream;
  if (stream !== 'input' && stream !== 'output') throw new CliError(`--stream must be input or output; got "${stream}"`);
  if (!values.out) throw new CliError('--out FILE.npy, FILE.csv or FILE.aedat4 is required');
  const columns = values.columns;
  if (columns !== 'layered' && columns !== 'xytp') throw new CliError(`--columns must be layered or xytp; got "${columns}"`);
  const path = resolve(io.cwd, values.out);
  const sensor = parseSensorSize(values.sensor);
  if (path.toLowerCase().endsWith('.aedat4')) return withProject(positionals[0], io, async (p) => exportAedat4(p, id, stream, path, sensor, io));
  const format = path.endsWith('.csv') ? 'csv' : path.endsWith('.npy') ? 'npy' : null;
  if (!format) throw new CliError(`--out must end in .npy, .csv or .aedat4; got ${values.out}`);
  return withProject(positionals[0], io, async (p) => {
    requireRun(p, id);
    let bytes: Uint8Array;
    try {
      bytes = exportRecording(p, id, stream, format, columns);
    } catch (e) {
      // Nothing is written: an export with a hole would pass for the whole recording.
      throw new CliError((e as Error).message, e instanceof RecordingDamagedError ? 1 : 2);
    }
    await writeFile(path, bytes);
    io.out(`wrote the ${stream} of run ${id} (${p.openRecording(id, stream).count} events) to ${path}`);
    return 0;
  });
}

/** A run's stream as AEDAT 4.0, written chunk by chunk (to OUT.partial, renamed when whole). */
async function exportAedat4(p: Project, id: number, stream: 'input' | 'output', path: string, sensor: { width: number; height: number } | undefined, io: CliIO): Promise<number> {
  requireRun(p, id);
  let shape;
  try {
    shape = aedat4Shape(p, id, stream);
  } catch (e) {
    throw new CliError((e as Error).message, e instanceof RecordingDamagedError ? 1 : 2);
  }
  const size = sensor ?? { width: shape.width, height: shape.height };
  if (size.width < shape.width || size.height < shape.height) throw new CliError(`--sensor ${size.width}x${size.height} is smaller than the events (x up to ${shape.width - 1}, y up to ${shape.height - 1})`);
  const writer = createEventWriter('aedat4', { sensor: size, source: `run ${id} (${stream}) of ${basename(p.path)}` });
  const partial = `${path}.partial`;
  const out = await open(partial, 'w');
  let done = false;
  try {
    await out.write(writer.start());
    for (const block of recordingAsCameraEvents(p, id, stream)) for (const piece of writer.add(block)) await out.write(piece);
    await out.close();
    await rename(partial, path);
    done = true;
  } catch (e) {
    throw new CliError((e as Error).message, e instanceof RecordingDamagedError ? 1 : 2);
  } finally {
    if (!done) {
      await out.close().catch(() => undefined);
      await rm(partial, { force: true });
    }
  }
  io.out(`wrote the ${stream} of run ${id} (${p.openRecording(id, stream).count} events, ${size.width}x${size.height}) to ${path}`);
  return 0;
}

export async function importCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { stream: { type: 'string', default: 'input' }, 'model-version': { type: 'string' } } });
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
      result = importRecording(p, { bytes, format: detectEventFormat(path, bytes), fileName: basename(path), modelVersionId: wanted, stream });
    } catch (e) {
      throw new CliError(`${path}: ${(e as Error).message}`);
    }
    for (const w of result.warnings) io.err(`warning: ${w}`);
    io.out(`imported ${result.events} events from ${path} as the ${stream} of run ${result.run.id} (model version ${wanted})`);
    return 0;
  }, 'write');
}
