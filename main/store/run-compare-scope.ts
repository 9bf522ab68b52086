// Compares two runs over what both of them recorded. A run's output holds only the cores
// it monitored (deployOptions.monitored), so a chip layer one run never monitored would
// otherwise show up as "all its events differ". Chip layers are matched by chip layer, not
// by core: a re-run compiled for another device may place a chip layer on another core.
// Events outside the compared chip layers are counted and reported, never silently lost.

import { SpikeBatchBuilder, type SpikeBatch } from '../common/spike-batch.js';
import type { Project, RunInfo } from './project.js';
import { compareRecordings, type BatchSource, type RecordingComparison } from './run-compare.js';
import type { RecordingStream } from './recording-writer.js';

export interface MonitoredCore {
  core: number;
  /** Null for the DVS monitor and for cores whose chip layer the run did not store. */
  chipLayer: number | null;
}

/**
 * The cores a run monitored as it stored them, or null when it stored none (imported
 * files, runs recorded before monitoring was stored): then what it monitored is unknown.
 */
export function storedMonitoring(run: RunInfo): MonitoredCore[] | null {
  const o = (run.deployOptions ?? {}) as { monitored?: unknown };
  if (!Array.isArray(o.monitored)) return null;
  const out: MonitoredCore[] = [];
  for (const m of o.monitored as unknown[]) {
    const { core, layer } = (m ?? {}) as { core?: unknown; layer?: unknown };
    if (typeof core !== 'number') continue;
    out.push({ core, chipLayer: typeof layer === 'number' ? layer : null });
  }
  return out;
}

/** A chip layer both runs recorded, with the core it ran on in each. */
export interface ComparedLayer {
  chipLayer: number | null;
  coreA: number;
  coreB: number;
}

/** Events of one run that have no counterpart in the other, by core. */
export interface NotCompared {
  run: 'a' | 'b';
  core: number;
  chipLayer: number | null;
  /** Events of it in the stream (0 when it was monitored but fired nothing). */
  events: number;
  /** Monitored by this run only, or present in the stream although the other run did not record it. */
  reason: 'only-this-run-monitored' | 'other-run-did-not-record';
}

/** How the compared set was chosen. */
export type ScopeBasis =
  /** Both runs stored what they monitored: the chip layers both monitored. */
  | 'both-monitored'
  /** One run stored it (the other is e.g. an imported file): that run's chip layers. */
  | 'a-monitored'
  | 'b-monitored'
  /** Neither stored it, or the input stream (what was sent, not monitored): every event. */
  | 'everything';

export interface ScopedComparison {
  runA: number;
  runB: number;
  stream: RecordingStream;
  basis: ScopeBasis;
  /** Every event of each stream, compared or not. */
  recordedA: number;
  recordedB: number;
  /** Empty with basis 'everything': then every core present is compared as itself. */
  layers: ComparedLayer[];
  notCompared: NotCompared[];
  /** Over the compared events only; cores are run A's (B's events are moved onto A's core of the same chip layer). */
  comparison: RecordingComparison;
}

function keyOf(m: MonitoredCore): string {
  // Chip layers pair by number; the DVS monitor and cores of unknown chip layer by core.
  return m.chipLayer === null ? `core ${m.core}` : `layer ${m.chipLayer}`;
}

/** Which cores of A and B are compared with each other, and what each run monitored alone. */
export function compareScope(runA: RunInfo, runB: RunInfo, stream: RecordingStream): { basis: ScopeBasis; layers: ComparedLayer[]; onlyA: MonitoredCore[]; onlyB: MonitoredCore[] } {
  const a = stream === 'output' ? storedMonitoring(runA) : null;
  const b = stream === 'output' ? storedMonitoring(runB) : null;
  if (!a && !b) return { basis: 'everything', layers: [], onlyA: [], onlyB: [] };
  if (!a || !b) {
    const known = (a ?? b)!;
    const layers = known.map((m) => ({ chipLayer: m.chipLayer, coreA: m.core, coreB: m.core }));
    return { basis: a ? 'a-monitored' : 'b-monitored', layers, onlyA: [], onlyB: [] };
  }
  const inB = new Map(b.map((m) => [keyOf(m), m]));
  const layers: ComparedLayer[] = [];
  const onlyA: MonitoredCore[] = [];
  for (const m of a) {
    const other = inB.get(keyOf(m));
    if (other) {
      layers.push({ chipLayer: m.chipLayer, coreA: m.core, coreB: other.core });
      inB.delete(keyOf(m));
    } else onlyA.push(m);
  }
  return { basis: 'both-monitored', layers, onlyA, onlyB: [...inB.values()] };
}

/** A recording restricted to some cores (renamed by `cores`), counting what it leaves out per core. */
class ScopedSource implements BatchSource {
  readonly leftOut = new Map<number, number>();
  total = 0;

  constructor(
    private readonly source: BatchSource,
    /** Core kept -> core it is compared as; null keeps every core as it is. */
    private readonly cores: ReadonlyMap<number, number> | null,
  ) {}

  *read(): Generator<SpikeBatch> {
    const batches = this.source.read();
    for (let next = batches.next(); !next.done; next = batches.next()) {
      this.total += next.value.length;
      yield this.cores ? this.restrict(next.value, this.cores) : next.value;
    }
  }

  private restrict(batch: SpikeBatch, cores: ReadonlyMap<number, number>): SpikeBatch {
    let untouched = true;
    for (let i = 0; i < batch.length && untouched; i++) untouched = cores.get(batch.layer[i]!) === batch.layer[i];
    // The common case (the same placement, nothing left out) costs no copy.
    if (untouched) return batch;
    const kept = new SpikeBatchBuilder(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const core = batch.layer[i]!;
      const as = cores.get(core);
      if (as === undefined) this.leftOut.set(core, (this.leftOut.get(core) ?? 0) + 1);
      else kept.push(batch.t[i]!, as, batch.channel[i]!, batch.x[i]!, batch.y[i]!);
    }
    return kept.take();
  }
}

function notCompared(run: 'a' | 'b', onlyThis: readonly MonitoredCore[], source: ScopedSource): NotCompared[] {
  const out: NotCompared[] = onlyThis.map((m) => ({ run, core: m.core, chipLayer: m.chipLayer, events: source.leftOut.get(m.core) ?? 0, reason: 'only-this-run-monitored' as const }));
  for (const [core, events] of source.leftOut) {
    if (!onlyThis.some((m) => m.core === core)) out.push({ run, core, chipLayer: null, events, reason: 'other-run-did-not-record' });
  }
  return out.sort((x, y) => x.core - y.core);
}

/** Compares the same stream (output by default) of two runs over the chip layers both recorded. */
/** Both recordings' time span in `bins` bins, or undefined (no timeline asked, or no events). */
function timelineSpan(project: Project, runA: number, runB: number, stream: RecordingStream, bins: number | undefined): { fromUs: number; toUs: number; bins: number } | undefined {
  if (!bins) return undefined;
  const ra = project.openRecording(runA, stream);
  const rb = project.openRecording(runB, stream);
  const firsts = [ra.firstT, rb.firstT].filter((t): t is number => t !== null);
  const lasts = [ra.lastT, rb.lastT].filter((t): t is number => t !== null);
  if (firsts.length === 0 || lasts.length === 0) return undefined;
  const fromUs = Math.min(...firsts);
  // The last event falls inside the last bin, not on its far edge.
  return { fromUs, toUs: Math.max(fromUs + bins, Math.max(...lasts) + 1), bins };
}

export function compareRunsScoped(project: Project, runA: number, runB: number, stream: RecordingStream = 'output', options: { timelineBins?: number } = {}): ScopedComparison {
  const infoA = project.getRun(runA);
  const infoB = project.getRun(runB);
  if (!infoA || !infoB) throw new RangeError(`run ${infoA ? runB : runA} does not exist`);
  const scope = compareScope(infoA, infoB, stream);
  const all = scope.basis === 'everything';
  const a = new ScopedSource(project.openRecording(runA, stream), all ? null : new Map(scope.layers.map((l) => [l.coreA, l.coreA])));
  const b = new ScopedSource(project.openRecording(runB, stream), all ? null : new Map(scope.layers.map((l) => [l.coreB, l.coreA])));
  const comparison = compareRecordings(a, b, timelineSpan(project, runA, runB, stream, options.timelineBins));
  return {
    runA,
    runB,
    stream,
    basis: scope.basis,
    recordedA: a.total,
    recordedB: b.total,
    layers: scope.layers,
    notCompared: [...notCompared('a', scope.onlyA, a), ...notCompared('b', scope.onlyB, b)],
    comparison,
  };
}
