// `dcnn export P RUN --stream input|output --out file.npy|file.csv|file.h5 [--columns layered|xytp] | --out file.aedat4 [--sensor WxH]`
// (and `dcnn export --nir ...`, see export-nir.ts). Every format is written chunk by chunk
// as the recording is read, never holding the run whole. The files keep their interchange
// columns (`t,layer,x,y,feature`, where layer is the core), so the messages say which chip
// layer each core is.

import { open, rename, rm } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { SpikeBatch } from '../../common/spike-batch.js';
import { createEventWriter } from '../../formats/events/event-writers.js';
import type { Project } from '../../store/project.js';
import { aedat4Shape, recordingAsCameraEvents } from '../../store/recording-files.js';
import { RecordingDamagedError } from '../../store/recording-reader.js';
import { RecordingShapeError, recordingFileFormatOf, writeRecordingFile } from '../../store/recording-export.js';
import { ChipLayers } from '../chip-layers.js';
import { CliError, type CliIO } from '../cli-io.js';
import { parseSensorSize } from '../input-mapping-args.js';
import { exportNirCommand, wantsNirExport } from './export-nir.js';
import { requireRun, runId, withProject } from './project-access.js';

type Stream = 'input' | 'output';

function countPerCore(batches: Iterable<SpikeBatch>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const b of batches) for (let i = 0; i < b.length; i++) counts.set(b.layer[i]!, (counts.get(b.layer[i]!) ?? 0) + 1);
  return new Map([...counts].sort(([x], [y]) => x - y));
}

/** "chip layer 0 on core 0: 149931 events, chip layer 4 on core 1: 16113 events". */
function perCoreText(counts: Map<number, number>, names: ChipLayers): string {
  const order = (core: number): number => names.chipLayerOf(core) ?? 1000 + core;
  return [...counts].sort(([x], [y]) => order(x) - order(y)).map(([core, n]) => `${names.describe(core)}: ${n} events`).join(', ');
}

/** A recording read for export fails without writing: an export with a hole would pass for the whole recording. */
function exportFailure(e: unknown): CliError {
  return new CliError((e as Error).message, e instanceof RecordingDamagedError ? 1 : 2);
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
  if (!values.out) throw new CliError('--out FILE.npy, FILE.csv, FILE.aedat4 or FILE.h5 is required');
  const columns = values.columns;
  if (columns !== 'layered' && columns !== 'xytp') throw new CliError(`--columns must be layered or xytp; got "${columns}"`);
  const path = resolve(io.cwd, values.out);
  const sensor = parseSensorSize(values.sensor);
  if (path.toLowerCase().endsWith('.aedat4')) return withProject(positionals[0], io, async (p) => exportAedat4(p, id, stream, path, sensor, io));
  const format = recordingFileFormatOf(path);
  if (format !== 'npy' && format !== 'csv' && format !== 'h5') throw new CliError(`--out must end in .npy, .csv, .aedat4 or .h5; got ${values.out}`);
  return withProject(positionals[0], io, async (p) => exportStreamed(p, id, stream, path, format, columns, io));
}

/**
 * A run's stream as .npy, CSV or HDF5 (datasets t int64 µs, layer, x, y, feature or t, x,
 * y, p; attributes naming the run), written chunk by chunk as the recording is read, so
 * memory stays at one recording chunk (main/store/recording-export.ts).
 */
async function exportStreamed(p: Project, id: number, stream: Stream, path: string, format: 'npy' | 'csv' | 'h5', columns: 'layered' | 'xytp', io: CliIO): Promise<number> {
  const names = ChipLayers.ofRun(requireRun(p, id));
  let result;
  try {
    result = await writeRecordingFile(p, id, stream, path, { format, columns });
  } catch (e) {
    if (e instanceof RecordingShapeError) {
      throw new CliError(`the ${stream} of run ${id} holds ${perCoreText(e.perCore, names)}; an xytp file has no core column: export --columns layered (its layer column is the core), or run with a single monitored chip layer`);
    }
    throw exportFailure(e);
  }
  const what = format === 'h5' ? 'dataset' : 'column';
  const column = columns === 'layered' ? `; the layer ${what} is the core` : '';
  const datasets = format === 'h5' ? ` (HDF5: datasets ${columns === 'layered' ? 't, layer, x, y, feature' : 't, x, y, p'})` : '';
  io.out(`wrote the ${stream} of run ${id} (${result.events} events${result.perCore.size ? `: ${perCoreText(result.perCore, names)}` : ''}${column}) to ${path}${datasets}`);
  return 0;
}

/** A run's stream as AEDAT 4.0, written chunk by chunk (to OUT.partial, renamed when whole). */
async function exportAedat4(p: Project, id: number, stream: Stream, path: string, sensor: { width: number; height: number } | undefined, io: CliIO): Promise<number> {
  const names = ChipLayers.ofRun(requireRun(p, id));
  let shape;
  try {
    shape = aedat4Shape(p, id, stream);
  } catch (e) {
    // The store says "layers" for cores; count again (only on this path) to name them.
    const counts = e instanceof RangeError ? countPerCore(p.openRecording(id, stream).read()) : null;
    if (counts && counts.size > 1) {
      throw new CliError(`the ${stream} of run ${id} holds ${perCoreText(counts, names)}; AEDAT4 holds one camera's events (one core): export it as .npy or .csv`);
    }
    throw exportFailure(e);
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
    throw exportFailure(e);
  } finally {
    if (!done) {
      await out.close().catch(() => undefined);
      await rm(partial, { force: true });
    }
  }
  const from = shape.layer === null ? '' : `, ${names.describe(shape.layer)}`;
  io.out(`wrote the ${stream} of run ${id} (${p.openRecording(id, stream).count} events${from}, ${size.width}x${size.height}) to ${path}`);
  return 0;
}
