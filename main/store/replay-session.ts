// One replay of a recorded stream as a session with an id: it plays the recording into
// `emit` as packed spike batches and reports every change of state (playing, paused,
// ended). It runs where the project's connection is (this thread, or the store's worker),
// so reading chunks never crosses a thread; only packed batches and states do.

import { packBatch } from '../common/spike-batch.js';
import type { RecordingReader } from './recording-reader.js';
import type { RecordingStream } from './recording-writer.js';
import { Replayer, type ReplaySpeed } from './replayer.js';

export interface ReplaySessionRequest {
  runId: number;
  stream: RecordingStream;
  speed: ReplaySpeed;
  fromUs?: number;
}

export type ReplayControl =
  | { action: 'pause' }
  | { action: 'resume' }
  | { action: 'stop' }
  | { action: 'seek'; timeUs: number }
  | { action: 'speed'; speed: ReplaySpeed };

/** What the UI is told: a failed replay shows as stopped (its error went to the log). */
export interface ReplayStateView {
  state: 'playing' | 'paused' | 'ended' | 'stopped';
  timeUs: number;
  speed: ReplaySpeed;
}

export type ReplayEvent = ({ kind: 'spikes'; spikes: Uint8Array; timeUs: number }) | ({ kind: 'state' } & ReplayStateView);
export type ReplayEmit = (event: ReplayEvent) => void;

export class ReplaySession {
  private readonly replayer: Replayer;
  readonly done: Promise<void>;

  constructor(
    readonly replayId: string,
    reader: RecordingReader,
    request: ReplaySessionRequest,
    private readonly emit: ReplayEmit,
  ) {
    this.replayer = new Replayer(reader, (batch, progress) => emit({ kind: 'spikes', spikes: packBatch(batch), timeUs: progress.timeUs }), {
      speed: request.speed,
      ...(request.fromUs !== undefined ? { fromUs: request.fromUs } : {}),
    });
    this.done = this.replayer.done.then(() => {
      this.emit({ kind: 'state', ...this.stateView() });
    });
  }

  /** Starts playing; returns the first state (also emitted). */
  start(): ReplayStateView {
    this.replayer.play();
    const view = this.stateView();
    this.emit({ kind: 'state', ...view });
    return view;
  }

  control(action: ReplayControl): void {
    const r = this.replayer;
    switch (action.action) {
      case 'pause':
        r.pause();
        break;
      case 'resume':
        r.resume();
        break;
      case 'stop':
        r.stop();
        break;
      case 'seek':
        r.seek(action.timeUs);
        break;
      case 'speed':
        r.setSpeed(action.speed);
        break;
    }
    this.emit({ kind: 'state', ...this.stateView() });
  }

  stop(): void {
    this.replayer.stop();
  }

  private stateView(): ReplayStateView {
    const s = this.replayer.state;
    return { state: s === 'ready' ? 'paused' : s === 'failed' ? 'stopped' : s, timeUs: this.replayer.timeUs, speed: this.replayer.speed };
  }
}
