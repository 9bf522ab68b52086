// Records one run while it happens: its input and output event streams (one
// RecordingWriter each) and, at the end, how the run ended. While a recorder is open the
// run is 'running' and owned by this process; finishing it is the only way to a final
// status from here (a crash is detected by the next open of the project).

import type { SpikeBatch } from '../sim/spike-batch.js';
import type { ChunkToCommit, RecordingStream, RecordingWriterOptions } from './recording-writer.js';
import { RecordingWriter } from './recording-writer.js';
import type { RunEnding } from './run-status.js';

/** What the project provides to a recorder (keeps SQL in project.ts). */
export interface RunRecorderHost {
  commitChunk(runId: number, stream: RecordingStream, chunk: ChunkToCommit): void;
  endRun(runId: number, ending: RunEnding, counters: Record<string, unknown>): void;
  release(runId: number): void;
}

export class RunRecorder {
  private readonly writers: Record<RecordingStream, RecordingWriter>;
  private ended = false;
  private timerError: unknown = null;

  constructor(
    readonly runId: number,
    private readonly host: RunRecorderHost,
    options: RecordingWriterOptions = {},
  ) {
    const onError = (e: unknown) => {
      this.timerError ??= e;
      options.onError?.(e);
    };
    const writer = (stream: RecordingStream) =>
      new RecordingWriter(stream, (chunk) => host.commitChunk(runId, stream, chunk), { ...options, onError });
    this.writers = { input: writer('input'), output: writer('output') };
  }

  get finished(): boolean {
    return this.ended;
  }

  /** Events committed so far per stream (what a crash would leave). */
  get committed(): { input: number; output: number } {
    return { input: this.writers.input.committed, output: this.writers.output.committed };
  }

  /** Events accepted so far per stream (committed or waiting in a chunk). */
  get accepted(): { input: number; output: number } {
    return { input: this.writers.input.accepted, output: this.writers.output.accepted };
  }

  recordInput(batch: SpikeBatch): void {
    this.record('input', batch);
  }

  recordOutput(batch: SpikeBatch): void {
    this.record('output', batch);
  }

  /** Commits both streams' partial chunks now. */
  flush(): void {
    this.assertOpen();
    this.writers.input.flush();
    this.writers.output.flush();
  }

  /**
   * Commits what is pending and records how the run ended. If the pending events cannot
   * be committed the run ends as 'failed' with the reason, and the error is rethrown.
   */
  finish(ending: RunEnding, counters: Record<string, unknown> = {}): void {
    this.assertOpen();
    this.ended = true;
    try {
      this.writers.input.close();
      this.writers.output.close();
    } catch (e) {
      this.writers.input.discard();
      this.writers.output.discard();
      try {
        this.host.endRun(this.runId, { status: 'failed', message: `the recording could not be saved: ${(e as Error).message}` }, counters);
      } finally {
        this.host.release(this.runId);
      }
      throw e;
    }
    try {
      this.host.endRun(this.runId, ending, counters);
    } finally {
      this.host.release(this.runId);
    }
  }

  private record(stream: RecordingStream, batch: SpikeBatch): void {
    this.assertOpen();
    if (this.timerError !== null) throw this.timerError;
    this.writers[stream].append(batch);
  }

  private assertOpen(): void {
    if (this.ended) throw new Error(`run ${this.runId} has already finished; start a new run to record more`);
  }
}
