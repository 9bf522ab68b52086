// Moves recordings between a project and event files (.npy structured arrays and CSV,
// the formats of main/formats/event-files.ts). Export gathers a recording into one batch
// and one file in memory (event files are whole-file formats); import creates a finished
// run (device "file:<name>", device type "event-file") whose input or output stream is the
// file's events, so it can be replayed, re-run through a device or compared.

import { readEventFile, writeEventFile, type EventColumns, type EventFileFormat, type ReadEventFileOptions } from '../formats/event-files.js';
import { concatBatches, type SpikeBatch } from '../common/spike-batch.js';
import type { EventBlock } from '../formats/events/event-block.js';
import type { Project, RunInfo } from './project.js';
import type { RecordingStream, RecordingWriterOptions } from './recording-writer.js';

export const IMPORTED_DEVICE_TYPE = 'event-file';

/** Every event of a recording as one batch (memory: the whole recording). */
export function readWholeRecording(project: Project, runId: number, stream: RecordingStream): SpikeBatch {
  const reader = project.openRecording(runId, stream);
  return concatBatches([...reader.read()]);
}

/**
 * An event file holding a run's recording. 'layered' (default) keeps the layer of every
 * event; 'xytp' has no layer column and needs a single-layer recording.
 */
export function exportRecording(project: Project, runId: number, stream: RecordingStream, format: EventFileFormat, columns: EventColumns = 'layered'): Uint8Array {
  return writeEventFile(readWholeRecording(project, runId, stream), format, columns);
}

export interface ImportRecordingInput {
  bytes: Uint8Array;
  format: EventFileFormat;
  /** Shown as the run's device ("file:<name>"). */
  fileName: string;
  /** The model version the events belong to (its input shape checks input files). */
  modelVersionId: number;
  stream: RecordingStream;
  /** Passed to readEventFile; for input streams inputShape defaults to the model version's. */
  readOptions?: ReadEventFileOptions;
  recording?: RecordingWriterOptions;
}

export interface ImportRecordingResult {
  run: RunInfo;
  events: number;
  /** From the file reader: ignored fields, dropped or sorted events. */
  warnings: string[];
}

export function importRecording(project: Project, input: ImportRecordingInput): ImportRecordingResult {
  const version = project.getModelVersion(input.modelVersionId);
  const shape = version?.inputShape;
  const defaultShape = input.stream === 'input' && shape && shape.length === 3 ? ([shape[0]!, shape[1]!, shape[2]!] as const) : undefined;
  // Read (and validate) the whole file before a run exists, so a bad file leaves no run.
  const contents = readEventFile(input.bytes, input.format, { inputShape: defaultShape, ...input.readOptions });
  const recorder = project.startRun({
    modelVersionId: input.modelVersionId,
    deviceId: `file:${input.fileName}`,
    deviceType: IMPORTED_DEVICE_TYPE,
    deployOptions: { importedFrom: input.fileName, format: input.format, columns: contents.columns },
    monitorLayers: [],
    recording: input.recording,
  });
  try {
    if (input.stream === 'input') recorder.recordInput(contents.batch);
    else recorder.recordOutput(contents.batch);
    const ending = recorder.finish({ status: 'completed' }, { importedEvents: contents.batch.length, warnings: contents.warnings });
    // The run keeps what was saved and says why it stopped; the import as a whole failed.
    if (ending.status !== 'completed') throw recorder.failure;
  } catch (e) {
    if (!recorder.finished) recorder.finish({ status: 'failed', message: `import of ${input.fileName} failed: ${(e as Error).message}` });
    throw e;
  }
  return { run: project.getRun(recorder.runId)!, events: contents.batch.length, warnings: contents.warnings };
}

/** Why a recording cannot be an AEDAT4 file (camera events: one layer, channels 0/1), or its size. */
export function aedat4Shape(project: Project, runId: number, stream: RecordingStream): { width: number; height: number; layer: number | null } {
  let layer: number | null = null;
  let maxX = -1;
  let maxY = -1;
  for (const b of project.openRecording(runId, stream).read()) {
    for (let i = 0; i < b.length; i++) {
      const l = b.layer[i]!;
      if (layer === null) layer = l;
      else if (l !== layer) throw new RangeError(`the ${stream} of run ${runId} holds events of layers ${layer} and ${l}; AEDAT4 holds one camera's events: export it as .npy or .csv`);
      if (b.channel[i]! > 1) throw new RangeError(`the ${stream} of run ${runId} has channel ${b.channel[i]!}; AEDAT4 events have a polarity (channel 0 or 1): export it as .npy or .csv`);
      if (b.x[i]! > maxX) maxX = b.x[i]!;
      if (b.y[i]! > maxY) maxY = b.y[i]!;
    }
  }
  return { width: Math.max(1, maxX + 1), height: Math.max(1, maxY + 1), layer };
}

/** A recording's events as camera event blocks (channel = polarity), chunk by chunk. */
export function* recordingAsCameraEvents(project: Project, runId: number, stream: RecordingStream): Generator<EventBlock> {
  for (const b of project.openRecording(runId, stream).read()) {
    yield { length: b.length, t: b.t.subarray(0, b.length), x: b.x.subarray(0, b.length), y: b.y.subarray(0, b.length), p: Uint8Array.from(b.channel.subarray(0, b.length)) };
  }
}
