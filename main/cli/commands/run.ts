// `dcnn run MODEL --weights W --input-shape C,H,W --device sim-speck2fdevkit:0 --events input.npy|.csv|.aedat4|.aedat|.dat|.bin|.raw
//  [input mapping options] [--dvs-layer] [--monitor -1|all|0,2] [--project exp.dcnnproj] [--out out.npy] [--slow-clock HZ] [--engine native|wasm|js] [--json]`
// Deploys the model to a device, streams the event file through it and prints what the
// monitored layers produced; with --project the run and both streams are recorded.

import { runProgressReporter } from '../run-progress.js';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compileModel } from '../../compiler/compile.js';
import { writeEventFile } from '../../formats/event-files.js';
import { listDataset, pickSample, type DatasetSample } from '../../services/dataset.js';
import { inputEventCount, inputFromPath } from '../../services/run-inputs.js';
import { localProjectStore } from '../../store/project-store.js';
import { concatBatches, type SpikeBatch } from '../../common/spike-batch.js';
import { openProject, ProjectWriteError, type Project } from '../../store/project.js';
import { chooseEngine } from '../args.js';
import { CliError, type CliIO } from '../cli-io.js';
import { withServices } from '../cli-services.js';
import { formatCompileResult } from '../compile-table.js';
import { INPUT_MAPPING_OPTIONS, parseInputMapping, parseSensorSize } from '../input-mapping-args.js';
import { describeDvsLayerFields } from '../../formats/events/dvs-layer-fit.js';
import { formatRun, runJson } from '../run-report.js';
import { COMPILE_OPTIONS, prepareCompile } from './compile.js';

function datasetSample(io: CliIO, dir: string, className: string | undefined, indexText: string): DatasetSample {
  if (className === undefined) throw new CliError('--dataset needs --class C (a class name, or its output channel number) and optionally --index I (default 0)');
  const index = Number(indexText);
  if (!/^\d+$/.test(indexText)) throw new CliError(`--index must be a whole number >= 0; got "${indexText}"`);
  try {
    return pickSample(listDataset(resolve(io.cwd, dir)), className, index);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/**
 * Opens a project for a command: 'create' and 'write' need to save runs; 'view' opens
 * read-write when it can (so runs of a dead writer are settled) and otherwise read-only
 * (a read-only folder, a full disk).
 */
export function openProjectForCli(path: string, io: CliIO, mode: 'create' | 'write' | 'view'): Project {
  const full = resolve(io.cwd, path);
  try {
    try {
      return openProject(full, { create: mode === 'create' });
    } catch (e) {
      if (mode === 'view' && e instanceof ProjectWriteError) return openProject(full, { readOnly: true });
      throw e;
    }
  } catch (e) {
    if (e instanceof ProjectWriteError) throw new CliError(`the run cannot be recorded: ${e.reason}`, 1);
    throw new CliError((e as Error).message);
  }
}

export function parseSlowClock(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const hz = Number(text);
  if (!(hz > 0)) throw new CliError(`--slow-clock must be a positive frequency in Hz; got "${text}"`);
  return hz;
}

/** Runs of at least this many input events print progress lines. */
const PROGRESS_FROM_EVENTS = 1_000_000;

export async function runCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...COMPILE_OPTIONS,
      device: { type: 'string', default: 'sim-speck2fdevkit:0' },
      events: { type: 'string' },
      project: { type: 'string' },
      out: { type: 'string' },
      'slow-clock': { type: 'string' },
      order: { type: 'string' },
      engine: { type: 'string' },
      'data-dir': { type: 'string' },
      python: { type: 'string' },
      json: { type: 'boolean' },
      sort: { type: 'boolean' },
      'drop-out-of-range': { type: 'boolean' },
      ...INPUT_MAPPING_OPTIONS,
      'dvs-layer': { type: 'boolean' },
      dataset: { type: 'string' },
      class: { type: 'string' },
      index: { type: 'string', default: '0' },
    },
  });
  // --dvs-layer: the mapping runs on the chip's DVS layer where it fits (else on the host, saying why).
  const given = parseInputMapping(values);
  const mapping = values['dvs-layer'] ? { ...given, dvsLayer: true } : given;
  const sensor = parseSensorSize(values.sensor);
  const sample = values.dataset !== undefined ? datasetSample(io, values.dataset, values.class, values.index) : null;
  if (sample && values.events) throw new CliError('give --events FILE or --dataset DIR --class C [--index I], not both');
  if (!values.events && !sample) throw new CliError('--events FILE (.npy, .csv, or a camera recording: .aedat4 .aedat .dat .bin .raw), or --dataset DIR --class C [--index I], is required: the input events to send');
  const order = values.order;
  if (order !== undefined && order !== 'depth-first' && order !== 'breadth-first') throw new CliError(`--order must be depth-first or breadth-first; got "${order}"`);
  const slowClockHz = parseSlowClock(values['slow-clock']);
  // Checked before anything is deployed; only virtual devkits simulate, a board ignores it.
  const engine = values.engine !== undefined ? chooseEngine(values.engine).name : undefined;
  return withServices(io, { dataDir: values['data-dir'], python: values.python }, async (services) => {
    const device = (() => {
      try {
        return services.devices.resolve(values.device);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
    })();
    const prepared = await prepareCompile({ ...values, model: positionals[0], device: device.type }, io);
    const compiled = compileModel(prepared.request, { modelKind: prepared.kind });
    if (!compiled.ok) {
      io.err(formatCompileResult(compiled, { model: prepared.modelPath, weights: prepared.weightsLabel }));
      return 1;
    }
    const eventsPath = sample ? sample.path : resolve(io.cwd, values.events!);
    if (sample) io.err(`sample ${values.index} of class "${sample.label}" (output channel ${sample.labelIndex}): ${sample.file}`);
    let shown = 0;
    const readOptions = { ...(values.sort ? { sort: true } : {}), ...(values['drop-out-of-range'] ? { dropOutOfRange: true } : {}) };
    const reading = new AbortController();
    const loading = inputFromPath(compiled, eventsPath, { ...readOptions, ...(mapping ? { mapping } : {}), ...(sensor ? { sensor } : {}), signal: reading.signal }, (p) => {
      // Progress only for big recordings, every 10 %: a lab user sees a 5 GB file move.
      const f = p.bytes / p.total;
      if (values.json || p.total < 64 * 1024 * 1024 || (f < shown + 0.1 && f < 1)) return;
      shown = f;
      io.err(`reading ${eventsPath}: ${Math.round(f * 100)} %`);
    });
    // Ctrl-C while a large recording is still being read ends the command at once.
    const interrupted = io.interrupted?.then(() => 'interrupted' as const);
    const input = await Promise.race([loading.catch((e: Error) => Promise.reject(new CliError(e.message))), ...(interrupted ? [interrupted] : [])]);
    if (input === 'interrupted') {
      reading.abort();
      void loading.then((late) => 'stream' in late && late.stream.close(), () => undefined);
      throw new CliError('interrupted while reading the input: nothing was run', 130);
    }
    for (const w of input.warnings) io.err(`warning: ${w}`);
    if (input.dvsLayer) io.err(`input mapping on the chip's DVS layer: ${describeDvsLayerFields(input.dvsLayer.fields)}; the ${input.dvsLayer.sensor.width}x${input.dvsLayer.sensor.height} sensor's events are sent as they are`);
    let project: Project | null = null;
    const outputs: SpikeBatch[] = [];
    // Runs longer than a moment show progress on stderr (never mixed into --json output).
    const progress = values.json || inputEventCount(input) < PROGRESS_FROM_EVENTS ? null : runProgressReporter((line) => io.err(line));
    try {
      project = values.project ? openProjectForCli(values.project, io, 'create') : null;
      const { handle } = await services.launcher.launch({
        project: project ? localProjectStore(project) : null,
        deviceId: device.id,
        compiled,
        modelVersion: {
          source: prepared.request.source,
          weights: prepared.weightsBytes,
          compileOptions: { inputShape: prepared.request.inputShape, ordering: prepared.request.ordering, monitorLayers: prepared.request.monitorLayers, conversion: prepared.request.conversion },
        },
        input: () => input,
        deploy: { ...(slowClockHz !== undefined ? { slowClockHz } : {}), ...(order ? { order } : {}), ...(engine ? { engine } : {}) },
        listeners: {
          ...(values.out ? { onSpikes: (_id: number, b: SpikeBatch) => outputs.push(b) } : {}),
          ...(progress ? { onProgress: (_id: number, p: { eventsIn: number; totalIn: number }) => progress(p) } : {}),
        },
      });
      const stop = () => handle.stop();
      void io.interrupted?.then(stop);
      const summary = await handle.done;
      if (values.out) {
        const path = resolve(io.cwd, values.out);
        const format = path.endsWith('.csv') ? 'csv' : 'npy';
        await writeFile(path, writeEventFile(concatBatches(outputs), format, 'layered'));
        if (!values.json) io.out(`output events written to ${path}`);
      }
      const j = runJson(summary, device.id, project !== null);
      // Where the input mapping ran, when one was asked for the DVS layer.
      const where = mapping?.dvsLayer ? { input_mapping_on: input.dvsLayer ? 'dvs-layer' : 'host', ...(input.dvsLayer ? { dvs_layer: input.dvsLayer.fields } : {}) } : {};
      io.out(values.json ? JSON.stringify({ ...j, ...where }) : formatRun(j));
      return summary.status === 'completed' ? 0 : 1;
    } finally {
      // A streamed input is released even when the run never started.
      if ('stream' in input) input.stream.close();
      project?.close();
    }
  });
}
