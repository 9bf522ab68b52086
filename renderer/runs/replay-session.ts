// Replaying one recorded run: play / pause / speed / seek against replay.start and
// replay.control, the replayed batches fed to a SpikeMonitorModel. A seek clears the
// monitor once the service confirmed it; batches that arrive while a seek is under way
// are from before it and are dropped (requests and events share one ordered channel).
// No React here: replay-panel.tsx wraps it.

import type { EventOf, RecordingInfoView, Unsubscribe, WorkbenchApi } from '../../preload/api';
import { errorText } from '../app/workbench-api';
import type { SpikeMonitorModel } from '../monitor/spike-monitor';

export type ReplayStatus = 'idle' | 'starting' | 'playing' | 'paused' | 'ended' | 'stopped' | 'failed';
export type ReplaySpeed = number | 'max';

export interface ReplayState {
  status: ReplayStatus;
  replayId: string | null;
  info: RecordingInfoView | null;
  /** Replay clock, µs (recording time). */
  timeUs: number;
  speed: ReplaySpeed;
  error: string | null;
}

type ReplayApi = Pick<WorkbenchApi, 'replay.start' | 'replay.control' | 'on'>;

export const REPLAY_SPEEDS: readonly ReplaySpeed[] = [0.25, 1, 4, 16, 'max'];

export class ReplaySession {
  private s: ReplayState;
  private readonly subscriptions: Unsubscribe[];
  private held: Array<{ kind: 'spikes'; e: EventOf<'replay.spikes'> } | { kind: 'state'; e: EventOf<'replay.state'> }> = [];
  private seeking = 0;

  constructor(
    private readonly api: ReplayApi,
    readonly runId: number,
    private readonly monitor: () => SpikeMonitorModel | null,
    private readonly onChange: (state: ReplayState) => void,
    info: RecordingInfoView | null = null,
  ) {
    this.s = { status: 'idle', replayId: null, info, timeUs: info?.firstUs ?? 0, speed: 1, error: null };
    this.subscriptions = [
      api.on('replay.spikes', (e) => this.receive({ kind: 'spikes', e })),
      api.on('replay.state', (e) => this.receive({ kind: 'state', e })),
    ];
  }

  get state(): ReplayState {
    return this.s;
  }

  private status(): ReplayStatus {
    return this.s.status;
  }

  get active(): boolean {
    return this.s.replayId !== null && (this.s.status === 'playing' || this.s.status === 'paused');
  }

  /**
   * Play from the current position (from the start after the end). `speed` overrides the
   * chosen speed for this replay only: opening a recording previews it at 'max'.
   */
  async play(speed?: ReplaySpeed): Promise<void> {
    if (this.s.status === 'paused' && this.s.replayId) {
      await this.control({ action: 'resume' }, { status: 'playing' });
      return;
    }
    if (this.s.status === 'playing' || this.s.status === 'starting') return;
    const from = this.s.status === 'ended' || this.s.status === 'stopped' ? (this.s.info?.firstUs ?? 0) : this.s.timeUs;
    if (this.s.status === 'ended' || this.s.status === 'stopped' || from <= (this.s.info?.firstUs ?? 0)) this.monitor()?.reset();
    this.held = [];
    this.set({ status: 'starting', error: null });
    try {
      const r = await this.api['replay.start']({ runId: this.runId, stream: 'output', speed: speed ?? this.s.speed, fromUs: from });
      // A state event may have arrived (and been held) meanwhile; it is applied just below.
      const now: ReplayStatus = this.status();
      this.set({ replayId: r.replayId, info: r.info, status: now === 'starting' ? 'playing' : now });
      const held = this.held;
      this.held = [];
      for (const h of held) this.receive(h);
    } catch (e) {
      this.held = [];
      this.set({ status: 'failed', error: errorText(e) });
    }
  }

  async pause(): Promise<void> {
    if (this.s.status !== 'playing' || !this.s.replayId) return;
    await this.control({ action: 'pause' }, { status: 'paused' });
  }

  async setSpeed(speed: ReplaySpeed): Promise<void> {
    this.set({ speed });
    if (this.active) await this.control({ action: 'speed', speed }, {});
  }

  /** Jump to `timeUs`; the monitor restarts from there. */
  async seek(timeUs: number): Promise<void> {
    const info = this.s.info;
    const t = info && info.firstUs !== null && info.lastUs !== null ? Math.min(Math.max(timeUs, info.firstUs), info.lastUs) : Math.max(0, timeUs);
    if (!this.active) {
      this.monitor()?.reset();
      this.set({ timeUs: t, status: this.s.status === 'ended' || this.s.status === 'stopped' ? 'idle' : this.s.status });
      return;
    }
    this.seeking++;
    this.set({ timeUs: t });
    try {
      await this.api['replay.control']({ replayId: this.s.replayId!, action: 'seek', timeUs: t });
      this.monitor()?.reset();
    } catch (e) {
      this.set({ error: errorText(e) });
    } finally {
      this.seeking--;
    }
  }

  async stop(): Promise<void> {
    if (!this.active) return;
    await this.control({ action: 'stop' }, { status: 'stopped' });
  }

  dispose(): void {
    for (const u of this.subscriptions) u();
    if (this.active && this.s.replayId) void this.api['replay.control']({ replayId: this.s.replayId, action: 'stop' }).catch(() => undefined);
  }

  private async control(action: { action: 'pause' } | { action: 'resume' } | { action: 'stop' } | { action: 'speed'; speed: ReplaySpeed }, after: Partial<ReplayState>): Promise<void> {
    const id = this.s.replayId;
    if (!id) return;
    try {
      await this.api['replay.control']({ replayId: id, ...action });
      this.set(after);
    } catch (e) {
      this.set({ error: errorText(e) });
    }
  }

  private receive(h: { kind: 'spikes'; e: EventOf<'replay.spikes'> } | { kind: 'state'; e: EventOf<'replay.state'> }): void {
    if (this.s.status === 'starting') {
      this.held.push(h);
      return;
    }
    if (!this.s.replayId || h.e.replayId !== this.s.replayId) return;
    if (h.kind === 'spikes') {
      if (this.seeking > 0) return;
      this.monitor()?.ingestPacked(h.e.spikes);
      this.set({ timeUs: h.e.timeUs });
    } else {
      // The speed stays what the user chose (a preview runs at 'max' without changing it).
      this.set({ status: h.e.state, timeUs: h.e.timeUs });
    }
  }

  private set(patch: Partial<ReplayState>): void {
    this.s = { ...this.s, ...patch };
    this.onChange(this.s);
  }
}
