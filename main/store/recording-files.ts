// Moves recordings between a project and event files (.npy structured arrays and CSV,
// the formats of main/formats/event-files.ts). Export gathers a recording into one batch
// and one file in memory (event files are whole-file formats); import creates a finished
// run (device "file:<name>", device type "event-file") whose input or output stream is the
// file's events, so it can be replayed, re-run through a device or compared.

import { readEventFile, writeEventFile, type EventColumns, type EventFileFormat, type ReadEventFileOptions } from '../formats/event-files.js';
import { concatBatches, type SpikeBatch } from '../common/spike-batch.js';
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
