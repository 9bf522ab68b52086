// Records one run while it happens: its input and output event streams (one
// RecordingWriter each) and, at the end, how the run ended. While a recorder is open the
// run is 'running' and owned by this process; finishing it is the only way to a final
// status from here (a crash is detected by the next open of the project).
//
// A chunk that cannot be committed (disk full, file turned read-only, any database error)
// stops the recording, not the process: the recorder keeps what was committed, drops the
// events that follow, tells its listener (the run service stops the device) and ends the
// run as interrupted ('disk-full') or failed with the reason when the run finishes.

import type { SpikeBatch } from '../common/spike-batch.js';
import { ProjectWriteError } from './project-write-error.js';
import type { ChunkToCommit, RecordingStream, RecordingWriterOptions } from './recording-writer.js';
import { RecordingOrderError, RecordingWriter } from './recording-writer.js';
import { INTERRUPT_REASONS, type RunEnding } from './run-status.js';

/** What the project provides to a recorder (keeps SQL in project.ts). */
export interface RunRecorderHost {
  commitChunk(runId: number, stream: RecordingStream, chunk: ChunkToCommit): void;
  endRun(runId: number, ending: RunEnding, counters: Record<string, unknown>): void;
  release(runId: number): void;
}

export class RunRecorder {
  private readonly writers: Record<RecordingStream, RecordingWriter>;
  private ended = false;
  private failureError: unknown = null;
  private readonly failureListeners: Array<(error: unknown) => void> = [];

  constructor(
    readonly runId: number,
    private readonly host: RunRecorderHost,
    options: RecordingWriterOptions = {},
  ) {
    const onError = (e: unknown) => {
      this.fail(e);
      options.onError?.(e);
    };
    const writer = (stream: RecordingStream) =>
      new RecordingWriter(stream, (chunk) => host.commitChunk(runId, stream, chunk), { ...options, onError });
    this.writers = { input: writer('input'), output: writer('output') };
  }

  get finished(): boolean {
    return this.ended;
  }

  /** Why the recording stopped early (a chunk could not be committed), or null. */
  get failure(): unknown {
    return this.failureError;
  }

  /** Called once, when a chunk cannot be committed (the run should stop: nothing more is kept). */
  onRecordingFailed(listener: (error: unknown) => void): void {
    if (this.failureError !== null) listener(this.failureError);
    else this.failureListeners.push(listener);
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

  /** Commits both streams' partial chunks now (a no-op once the recording has failed). */
  flush(): void {
    this.assertOpen();
    if (this.failureError !== null) return;
    try {
      this.writers.input.flush();
      this.writers.output.flush();
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * Commits what is pending and records how the run ended; returns the ending recorded.
   * When the recording failed (now or earlier) the run ends interrupted ('disk-full') or
   * failed with the reason instead of `ending`. Throws only when even the ending cannot be
   * written (the next open of the project then settles the run as interrupted).
   */
  finish(ending: RunEnding, counters: Record<string, unknown> = {}): RunEnding {
    this.assertOpen();
    this.ended = true;
    if (this.failureError === null) {
      try {
        this.writers.input.close();
        this.writers.output.close();
      } catch (e) {
        this.fail(e);
      }
    }
    let final = ending;
    if (this.failureError !== null) {
      this.writers.input.discard();
      this.writers.output.discard();
      final = this.failedEnding(this.failureError);
    }
    try {
      this.host.endRun(this.runId, final, counters);
    } finally {
      this.host.release(this.runId);
    }
    return final;
  }

  private failedEnding(e: unknown): RunEnding {
    const { input, output } = this.committed;
    const kept = `${input} input and ${output} output events were saved`;
    if (e instanceof ProjectWriteError && e.problem === 'disk-full') {
      return { status: 'interrupted', reason: 'disk-full', message: `${INTERRUPT_REASONS['disk-full']}: the recording stopped; ${kept}. Free some space to record again` };
    }
    return { status: 'failed', message: `the recording could not be saved (${(e as Error).message}); ${kept}` };
  }

  private fail(e: unknown): void {
    if (this.failureError !== null) return;
    this.failureError = e;
    for (const listener of this.failureListeners.splice(0)) listener(e);
  }

  private record(stream: RecordingStream, batch: SpikeBatch): void {
    this.assertOpen();
    if (this.failureError !== null) return;
    try {
      this.writers[stream].append(batch);
    } catch (e) {
      // Events out of time order are the caller's mistake and refused whole; anything
      // else came from committing a chunk.
      if (e instanceof RecordingOrderError) throw e;
      this.fail(e);
    }
  }

  private assertOpen(): void {
    if (this.ended) throw new Error(`run ${this.runId} has already finished; start a new run to record more`);
  }
}
