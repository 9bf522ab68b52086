// A run's recorded stream written to an event file on disk, chunk by chunk as the
// recording is read: .npy (structured, the count known from the recording before the
// first record), CSV, AEDAT 4.0 and HDF5 (through h5wasm's Node build, which writes the
// file itself). Memory stays at one recording chunk whatever the length. The file is
// written as PATH.partial and renamed when whole, so a failure leaves no half file.
// Shapes a format cannot hold (two cores in an xytp file, channels in AEDAT4) are refused
// before anything is written, with the events per core, for the caller to name them.

import { open, rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { writeEventFile, type EventColumns } from '../formats/event-files.js';
import { createEventWriter } from '../formats/events/event-writers.js';
import { writeEventsHdf5 } from '../formats/events/hdf5-events.js';
import { structuredNpyHeader, type NpyField } from '../formats/npy.js';
import type { Project } from './project.js';
import { aedat4Shape, recordingAsCameraEvents } from './recording-files.js';
import type { RecordingStream } from './recording-writer.js';
import { storedMonitoring } from './run-compare-scope.js';

export type RecordingFileFormat = 'npy' | 'csv' | 'aedat4' | 'h5';

export const RECORDING_FILE_EXTENSIONS: Readonly<Record<RecordingFileFormat, string>> = { npy: '.npy', csv: '.csv', aedat4: '.aedat4', h5: '.h5' };

/** The format a file name asks for (.h5 and .hdf5 are HDF5), or null. */
export function recordingFileFormatOf(path: string): RecordingFileFormat | null {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  return ext === 'npy' || ext === 'csv' || ext === 'aedat4' ? ext : ext === 'h5' || ext === 'hdf5' ? 'h5' : null;
}

/** The recording holds what the format cannot: events of several cores in a file without a core column, or not one camera's events. */
export class RecordingShapeError extends Error {
  override readonly name = 'RecordingShapeError';
  readonly code = 'EXPORT_SHAPE';
  constructor(
    message: string,
    /** Events per core, in core order. */
    readonly perCore: Map<number, number>,
  ) {
    super(message);
  }
}

export interface RecordingFileOptions {
  format: RecordingFileFormat;
  /** .npy, CSV and HDF5: with the core column (default) or x, y, t, p only. */
  columns?: EventColumns;
  /** AEDAT4: the sensor size for the header (default: the events' extent). */
  sensor?: { width: number; height: number };
}

export interface RecordingFileResult {
  events: number;
  perCore: Map<number, number>;
  /** AEDAT4: the sensor size written. */
  sensor?: { width: number; height: number };
}

function countPerCore(project: Project, runId: number, stream: RecordingStream): Map<number, number> {
  const counts = new Map<number, number>();
  for (const b of project.openRecording(runId, stream).read()) for (let i = 0; i < b.length; i++) counts.set(b.layer[i]!, (counts.get(b.layer[i]!) ?? 0) + 1);
  return new Map([...counts].sort(([x], [y]) => x - y));
}

/** What an HDF5 file says about itself: the run, the stream and what its columns mean. */
function hdf5Attributes(project: Project, runId: number, stream: RecordingStream, columns: EventColumns): Record<string, string | number> {
  const run = project.getRun(runId);
  const label = ((run?.deployOptions ?? {}) as { input?: unknown }).input;
  const monitoring = run ? storedMonitoring(run) : null;
  return {
    creator: 'DYNAP-CNN workbench',
    project: project.meta.name,
    project_file: basename(project.path),
    run: runId,
    stream,
    device: run?.deviceId ?? '',
    device_type: run?.deviceType ?? '',
    model_version: run?.modelVersionId ?? 0,
    run_started: run?.startedAt ?? '',
    run_status: run?.status ?? '',
    ...(typeof label === 'string' ? { input: label } : {}),
    ...(columns === 'layered' ? { layer_is: 'the core; chip_layers says which chip layer ran on each core' } : {}),
    ...(monitoring && monitoring.length > 0 ? { chip_layers: monitoring.map((m) => `core ${m.core}: chip layer ${m.chipLayer ?? '?'}`).join('; ') } : {}),
    t_unit: 'us',
  };
}

let h5node: Promise<typeof import('h5wasm')['default']> | null = null;

/** h5wasm's Node build reads and writes the real file system (NODERAWFS), loaded on first use. */
function hdf5OnDisk(): Promise<typeof import('h5wasm')['default']> {
  h5node ??= import('h5wasm/node').then(async (m) => {
    const h5 = m.default;
    const mod = await h5.ready;
    mod.activate_throwing_error_handler();
    return h5;
  });
  return h5node;
}

/** Writes the `stream` of run `runId` to `path` in `options.format`. */
export async function writeRecordingFile(project: Project, runId: number, stream: RecordingStream, path: string, options: RecordingFileOptions): Promise<RecordingFileResult> {
  const columns = options.columns ?? 'layered';
  const reader = project.openRecording(runId, stream);
  const perCore = countPerCore(project, runId, stream);
  if (options.format !== 'aedat4' && columns === 'xytp' && perCore.size > 1) {
    throw new RecordingShapeError(`the ${stream} of run ${runId} holds events of ${perCore.size} cores; an xytp file has no core column: export it with the layer column`, perCore);
  }
  let sensor: { width: number; height: number } | undefined;
  if (options.format === 'aedat4') {
    let shape;
    try {
      shape = aedat4Shape(project, runId, stream);
    } catch (e) {
      if (e instanceof RangeError) throw new RecordingShapeError(e.message, perCore);
      throw e;
    }
    sensor = options.sensor ?? { width: shape.width, height: shape.height };
    if (sensor.width < shape.width || sensor.height < shape.height) {
      throw new RecordingShapeError(`the sensor ${sensor.width}x${sensor.height} is smaller than the events (x up to ${shape.width - 1}, y up to ${shape.height - 1})`, perCore);
    }
  }
  const partial = `${path}.partial`;
  let done = false;
  try {
    if (options.format === 'h5') {
      const h5 = await hdf5OnDisk();
      const file = new h5.File(partial, 'w');
      try {
        writeEventsHdf5(file, columns, hdf5Attributes(project, runId, stream, columns), reader.read());
      } finally {
        file.close();
      }
    } else {
      const out = await open(partial, 'w');
      try {
        for (const piece of pieces(project, runId, stream, options.format, columns, reader.count, sensor)) await out.write(piece);
      } finally {
        await out.close();
      }
    }
    await rename(partial, path);
    done = true;
  } finally {
    if (!done) await rm(partial, { force: true });
  }
  return { events: reader.count, perCore, ...(sensor ? { sensor } : {}) };
}

/** The bytes of a .npy, CSV or AEDAT4 file in order, one recording chunk at a time. */
function* pieces(project: Project, runId: number, stream: RecordingStream, format: 'npy' | 'csv' | 'aedat4', columns: EventColumns, count: number, sensor: { width: number; height: number } | undefined): Generator<Uint8Array> {
  if (format === 'aedat4') {
    const writer = createEventWriter('aedat4', { sensor: sensor!, source: `run ${runId} (${stream}) of ${basename(project.path)}` });
    yield writer.start();
    for (const block of recordingAsCameraEvents(project, runId, stream)) yield* writer.add(block);
    yield* writer.end().tail;
    return;
  }
  if (format === 'npy') {
    // The header of a file of `count` records, then each chunk's records without its own header.
    const fields = NPY_FIELDS[columns];
    yield structuredNpyHeader(fields, count);
    for (const b of project.openRecording(runId, stream).read()) {
      yield writeEventFile(b, 'npy', columns).subarray(structuredNpyHeader(fields, b.length).length);
    }
    return;
  }
  const header = columns === 'xytp' ? 't,x,y,p\n' : 't,layer,x,y,feature\n';
  yield new TextEncoder().encode(header);
  for (const b of project.openRecording(runId, stream).read()) yield writeEventFile(b, 'csv', columns).subarray(header.length);
}

/** The fields writeEventFile gives a .npy event file (the chunked export's bytes equal its whole file's: tested). */
const NPY_FIELDS: Readonly<Record<EventColumns, readonly NpyField[]>> = {
  xytp: [
    { name: 't', dtype: '<u8' },
    { name: 'x', dtype: '<u2' },
    { name: 'y', dtype: '<u2' },
    { name: 'p', dtype: '<u2' },
  ],
  layered: [
    { name: 't', dtype: '<u8' },
    { name: 'layer', dtype: '<u1' },
    { name: 'x', dtype: '<u2' },
    { name: 'y', dtype: '<u2' },
    { name: 'feature', dtype: '<u2' },
  ],
};
