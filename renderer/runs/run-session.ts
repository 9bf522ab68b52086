// One live run as the UI follows it: start it (run.start or run.rerun), feed its spike
// batches to a SpikeMonitorModel, track progress and the final summary, stop it. Events
// can arrive before the start request returns the run id; they are held back until the
// id is known and then kept or discarded. No React here: use-run-session.ts wraps it.

import type { EventOf, RunStartedView, RunSummaryView, Unsubscribe, WorkbenchApi } from '../../preload/api';
import { SpikeMonitorModel } from '../monitor/spike-monitor';
import { isDigested, requestDigests, type DigestedRunSpikes } from '../monitor/spike-digest';
import { errorText } from '../app/workbench-api';

export type RunPhase = 'idle' | 'starting' | 'running' | 'stopping' | 'ended' | 'failed';

export interface RunSessionState {
  phase: RunPhase;
  started: RunStartedView | null;
  progress: EventOf<'run.progress'> | null;
  summary: RunSummaryView | null;
  /** Why starting or stopping failed (the run's own failure is in `summary`). */
  error: string | null;
}

type Held = { kind: 'spikes'; e: EventOf<'run.spikes'> | DigestedRunSpikes } | { kind: 'progress'; e: EventOf<'run.progress'> } | { kind: 'ended'; e: EventOf<'run.ended'> };

export class RunSession {
  private s: RunSessionState = { phase: 'idle', started: null, progress: null, summary: null, error: null };
  private model: SpikeMonitorModel | null = null;
  private held: Held[] = [];
  /** Ends the counting of this run's batches where they arrive (null: the page counts them). */
  private undigest: (() => void) | null = null;
  private readonly subscriptions: Unsubscribe[];

  constructor(
    private readonly api: Pick<WorkbenchApi, 'run.stop' | 'on'>,
    private readonly onChange: (state: RunSessionState) => void,
    private readonly monitorColumns = 600,
    private readonly digests: typeof requestDigests = requestDigests,
  ) {
    this.subscriptions = [
      api.on('run.spikes', (e) => this.receive({ kind: 'spikes', e })),
      api.on('run.progress', (e) => this.receive({ kind: 'progress', e })),
      api.on('run.ended', (e) => this.receive({ kind: 'ended', e })),
    ];
  }

  get state(): RunSessionState {
    return this.s;
  }

  get monitor(): SpikeMonitorModel | null {
    return this.model;
  }

  private phase(): RunPhase {
    return this.s.phase;
  }

  get runId(): number | null {
    return this.s.started?.runId ?? null;
  }

  /** Start a run: `begin` is the request (run.start or run.rerun). */
  async start(begin: () => Promise<RunStartedView>): Promise<RunStartedView | null> {
    this.endDigests();
    this.model = null;
    this.held = [];
    this.set({ phase: 'starting', started: null, progress: null, summary: null, error: null });
    let started: RunStartedView;
    try {
      started = await begin();
    } catch (e) {
      this.held = [];
      this.set({ phase: 'failed', error: errorText(e) });
      return null;
    }
    this.model = new SpikeMonitorModel({
      monitored: started.monitored,
      exitCore: started.exitCore,
      startUs: 0,
      durationUs: started.inputDurationUs > 0 ? started.inputDurationUs : null,
      planned: true,
      columns: this.monitorColumns,
    });
    this.set({ phase: 'running', started });
    const held = this.held;
    this.held = [];
    for (const h of held) this.receive(h);
    const spec = this.phase() === 'running' ? this.model.digestSpec() : null;
    if (spec) this.undigest = this.digests(started.runId, spec);
    return started;
  }

  async stop(): Promise<void> {
    const id = this.runId;
    if (id === null || this.s.phase !== 'running') return;
    this.set({ phase: 'stopping' });
    try {
      await this.api['run.stop']({ runId: id });
    } catch (e) {
      // The run may have ended by itself meanwhile; only say so if it is still going.
      if (this.phase() === 'stopping') this.set({ phase: 'running', error: errorText(e) });
    }
  }

  dispose(): void {
    this.endDigests();
    for (const u of this.subscriptions) u();
  }

  private endDigests(): void {
    this.undigest?.();
    this.undigest = null;
  }

  private receive(h: Held): void {
    if (this.s.phase === 'starting') {
      this.held.push(h);
      return;
    }
    const id = this.runId;
    if (id === null || h.e.runId !== id) return;
    if (h.kind === 'spikes') {
      if (isDigested(h.e)) this.model?.ingestDigest(h.e.digest);
      else this.model?.ingestPacked(h.e.spikes);
    } else if (h.kind === 'progress') {
      this.set({ progress: h.e });
    } else if (this.s.phase !== 'ended') {
      // The relay sends the last counts before the end: nothing more comes for this run.
      this.endDigests();
      this.set({ phase: 'ended', summary: h.e });
    }
  }

  private set(patch: Partial<RunSessionState>): void {
    this.s = { ...this.s, ...patch };
    this.onChange(this.s);
  }
}
