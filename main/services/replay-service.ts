// Replays of recorded streams for the UI: each replay has an id, delivers its batches as
// packed spike events on the event bus, and reports its state (playing, paused, ended).

import { randomUUID } from 'node:crypto';
import type { RecordingInfoView, ReplayAction, ReplayRequest } from '../../preload/api.js';
import { ServiceError } from './service-error.js';
import { packBatch } from '../common/spike-batch.js';
import type { Project } from '../store/project.js';
import { Replayer } from '../store/replayer.js';
import type { EventBus } from './event-bus.js';

export function recordingInfo(project: Project, runId: number, stream: 'input' | 'output'): RecordingInfoView {
  const reader = project.openRecording(runId, stream);
  return { runId, stream, count: reader.count, firstUs: reader.firstT, lastUs: reader.lastT };
}

export class ReplayService {
  private readonly replays = new Map<string, Replayer>();

  constructor(private readonly bus: EventBus) {}

  start(project: Project, request: ReplayRequest): { replayId: string; info: RecordingInfoView } {
    const info = recordingInfo(project, request.runId, request.stream);
    const reader = project.openRecording(request.runId, request.stream);
    const replayId = randomUUID();
    const replayer = new Replayer(
      reader,
      (batch, progress) => {
        this.bus.emit('replay.spikes', { replayId, spikes: packBatch(batch), timeUs: progress.timeUs });
      },
      { speed: request.speed, ...(request.fromUs !== undefined ? { fromUs: request.fromUs } : {}) },
    );
    this.replays.set(replayId, replayer);
    replayer.play();
    this.emitState(replayId, replayer);
    void replayer.done.then(() => {
      this.emitState(replayId, replayer);
      this.replays.delete(replayId);
    });
    return { replayId, info };
  }

  control(replayId: string, action: ReplayAction): void {
    const r = this.replays.get(replayId);
    if (!r) throw new ServiceError('UNKNOWN_REPLAY', `replay ${replayId} has ended or does not exist; start it again`);
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
    this.emitState(replayId, r);
  }

  stopAll(): void {
    for (const r of this.replays.values()) r.stop();
  }

  private emitState(replayId: string, r: Replayer): void {
    const state = r.state === 'ready' ? 'paused' : r.state === 'failed' ? 'stopped' : r.state;
    this.bus.emit('replay.state', { replayId, state, timeUs: r.timeUs, speed: r.speed });
  }
}
