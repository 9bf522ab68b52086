// Re-run: feeds a recorded run's input stream through another model version or device
// and records the result as a new run linked to the original (relation 're-run'), so the
// two can be compared. The caller hands over a driver that is already open and
// configured with the new model version's chip configuration (building a ChipConfig from
// a model version is the compiler's job, not the store's).

import type { DeviceDriver, ForwardStats } from '../devices/driver.js';
import { sliceBatch, type SpikeBatch } from '../sim/spike-batch.js';
import type { Project, RunInfo } from './project.js';
import type { RecordingWriterOptions } from './recording-writer.js';
import { endingForDisconnect, type RunEnding } from './run-status.js';

export const RERUN_RELATION = 're-run';

export interface RerunInput {
  sourceRunId: number;
  modelVersionId: number;
  /** Open and configured with the model version's chip configuration. */
  driver: DeviceDriver;
  monitorLayers: readonly number[];
  deployOptions?: unknown;
  signal?: AbortSignal;
  recording?: RecordingWriterOptions;
}

export interface RerunResult {
  run: RunInfo;
  stats: ForwardStats | null;
}

export async function rerunRecording(project: Project, input: RerunInput): Promise<RerunResult> {
  const source = project.openRecording(input.sourceRunId, 'input');
  const { driver } = input;
  const recorder = project.startRun({
    modelVersionId: input.modelVersionId,
    deviceId: driver.id,
    deviceType: driver.type,
    deployOptions: input.deployOptions,
    monitorLayers: input.monitorLayers,
    parentRunId: input.sourceRunId,
    relation: RERUN_RELATION,
    recording: input.recording,
  });
  let disconnectReason: string | null = null;
  const unsubscribe = driver.onDisconnect((reason) => {
    disconnectReason = reason;
  });

  async function* inputStream(): AsyncGenerator<SpikeBatch> {
    for (const batch of source.read()) {
      if (input.signal?.aborted || disconnectReason !== null) return;
      recorder.recordInput(batch);
      // The driver may transfer the batch's buffer to a worker: hand it a copy, never
      // the reader's cached chunk.
      yield sliceBatch(batch, 0, batch.length);
    }
  }

  let stats: ForwardStats | null = null;
  let ending: RunEnding;
  try {
    const result = await driver.forward(inputStream(), {
      onOutput: (batch) => recorder.recordOutput(batch),
      signal: input.signal,
    });
    stats = result.stats;
    if (disconnectReason !== null) ending = endingForDisconnect(disconnectReason);
    else if (result.cancelled || input.signal?.aborted) ending = { status: 'interrupted', reason: 'cancelled' };
    else ending = { status: 'completed' };
  } catch (e) {
    if (disconnectReason !== null) ending = endingForDisconnect(disconnectReason);
    else if (input.signal?.aborted) ending = { status: 'interrupted', reason: 'cancelled' };
    else ending = { status: 'failed', message: (e as Error).message ?? String(e) };
  } finally {
    unsubscribe();
  }
  recorder.finish(ending, stats ? { ...stats } : {});
  return { run: project.getRun(recorder.runId)!, stats };
}
