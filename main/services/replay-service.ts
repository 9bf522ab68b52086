// Replays of recorded streams for the UI: each replay has an id, delivers its batches as
// packed spike events on the event bus, and reports its state (playing, paused, ended).
// The replay itself runs where the project's store is (see main/store/replay-session.ts);
// this service names replays, routes their events to the bus and forwards controls.

import { randomUUID } from 'node:crypto';
import type { RecordingInfoView, ReplayAction, ReplayRequest } from '../../preload/api.js';
import type { ProjectStore, ReplayHandle } from '../store/project-store.js';
import type { ReplayEvent } from '../store/replay-session.js';
import type { EventBus } from './event-bus.js';
import { ServiceError } from './service-error.js';

export class ReplayService {
  private readonly replays = new Map<string, ReplayHandle>();

  constructor(private readonly bus: EventBus) {}

  async start(project: ProjectStore, request: ReplayRequest): Promise<{ replayId: string; info: RecordingInfoView }> {
    const replayId = randomUUID();
    const emit = (event: ReplayEvent) => {
      if (event.kind === 'spikes') this.bus.emit('replay.spikes', { replayId, spikes: event.spikes, timeUs: event.timeUs });
      else this.bus.emit('replay.state', { replayId, state: event.state, timeUs: event.timeUs, speed: event.speed });
    };
    const { handle, info } = await project.startReplay(replayId, request, emit);
    this.replays.set(replayId, handle);
    void handle.done.then(() => this.replays.delete(replayId));
    return { replayId, info };
  }

  async control(replayId: string, action: ReplayAction): Promise<void> {
    const r = this.replays.get(replayId);
    if (!r) throw new ServiceError('UNKNOWN_REPLAY', `replay ${replayId} has ended or does not exist; start it again`);
    await r.control(action);
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled([...this.replays.values()].map((r) => r.control({ action: 'stop' })));
  }
}
