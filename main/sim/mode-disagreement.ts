// Why a sample's prediction changes between the chip's event-driven semantics and the
// reference's time-stepped run: each cause is named only when a measurement shows it
// acted on this sample (the engine's drop counters, and two controlled re-runs of the
// chip semantics whose spike counters differ from the first run). A disagreement none
// of them explains is "unattributed"; nothing is inferred by elimination. Pure
// arithmetic over counters; running the probes is mode-comparison.ts's job.

import type { DropReason } from './sim-counters.js';

/**
 * Drop reasons the time-stepped mode does not apply. Every other reason (pooled or
 * shifted outside the destination, input or DVS outside its range) is applied by both
 * modes to the same addresses, so it cannot make them disagree.
 */
export const EVENT_ONLY_DROPS: readonly DropReason[] = ['decimator'];

export type DisagreementCause =
  /** Events the chip dropped and the time-stepped mode kept. */
  | { kind: 'dropped_events'; reason: DropReason; events: number }
  /** The 16-bit state left its range: a wrap-around re-run changes `core`'s spikes (the first such core along the chain). */
  | { kind: 'saturation'; core: number }
  /** The chip's prediction depends on the order of events inside one time step (which the time-stepped mode sums): reversing that order changes it (to `predicted`). */
  | { kind: 'ordering'; predicted: number | null }
  | { kind: 'unattributed' };

export type CauseKind = DisagreementCause['kind'];

export const CAUSE_KINDS: readonly CauseKind[] = ['dropped_events', 'saturation', 'ordering', 'unattributed'];

/** What the chip-semantics runs of one sample measured. */
export interface ModeProbe {
  /** Cores along the chain (placement order). */
  coreOrder: readonly number[];
  /** The evaluated run (saturating state, input in time order). */
  run: { dropped: Readonly<Record<DropReason, number>>; coreSpikes: readonly number[]; predicted: number | null };
  /** The same input with a 16-bit wrap-around state: equal to `run` unless the state left its range. */
  wrapped: { coreSpikes: readonly number[] };
  /** The input reversed inside every time step of the time-stepped mode. */
  reordered: { predicted: number | null };
}

export function attributeDisagreement(p: ModeProbe): DisagreementCause[] {
  const causes: DisagreementCause[] = [];
  for (const reason of EVENT_ONLY_DROPS) {
    const events = p.run.dropped[reason];
    if (events > 0) causes.push({ kind: 'dropped_events', reason, events });
  }
  const overflowCore = p.coreOrder.find((c) => (p.wrapped.coreSpikes[c] ?? 0) !== (p.run.coreSpikes[c] ?? 0));
  if (overflowCore !== undefined) causes.push({ kind: 'saturation', core: overflowCore });
  // Reordering moves a few spikes in nearly every busy sample; only a changed prediction says the order decided it.
  if (p.reordered.predicted !== p.run.predicted) causes.push({ kind: 'ordering', predicted: p.reordered.predicted });
  return causes.length > 0 ? causes : [{ kind: 'unattributed' }];
}

/** One line for people. */
export function describeCause(c: DisagreementCause, label: (channel: number | null) => string = (ch) => (ch === null ? 'none' : `channel ${ch}`)): string {
  switch (c.kind) {
    case 'dropped_events':
      return `dropped events: ${c.events} by the ${c.reason === 'decimator' ? 'output decimator' : c.reason}, which the time-stepped mode keeps`;
    case 'saturation':
      return `saturation: the 16-bit state of core ${c.core} left its range (a wrap-around re-run changes its spikes)`;
    case 'ordering':
      return `ordering: with the events inside each time step reversed, chip semantics predicts ${label(c.predicted)}`;
    case 'unattributed':
      return 'unattributed: no drop, overflow or ordering effect was measured';
  }
}

export interface ModeAgreement {
  /** Samples evaluated in both modes (failed ones left out). */
  samples: number;
  disagreeing: number;
  /** Disagreeing samples per cause (a sample with two causes counts under both). */
  byCause: Record<CauseKind, number>;
  /** Right in chip semantics only / in the time-stepped mode only. */
  eventOnlyCorrect: number;
  timestepOnlyCorrect: number;
}

export interface AgreementRow {
  labelIndex: number;
  /** Chip semantics. */
  predicted: number | null;
  /** Time-stepped. */
  comparedPredicted: number | null;
  causes: readonly DisagreementCause[] | null;
}

export function summariseAgreement(rows: readonly AgreementRow[]): ModeAgreement {
  const byCause = Object.fromEntries(CAUSE_KINDS.map((k) => [k, 0])) as Record<CauseKind, number>;
  let disagreeing = 0;
  let eventOnlyCorrect = 0;
  let timestepOnlyCorrect = 0;
  for (const r of rows) {
    const a = r.predicted === r.labelIndex;
    const b = r.comparedPredicted === r.labelIndex;
    if (a && !b) eventOnlyCorrect++;
    if (b && !a) timestepOnlyCorrect++;
    if (r.predicted === r.comparedPredicted) continue;
    disagreeing++;
    for (const k of new Set((r.causes ?? [{ kind: 'unattributed' as const }]).map((c) => c.kind))) byCause[k]++;
  }
  return { samples: rows.length, disagreeing, byCause, eventOnlyCorrect, timestepOnlyCorrect };
}
