// Attribution from measured counters and the agreement summary, with counts written out by hand.

import { describe, expect, it } from 'vitest';
import { DROP_REASONS, type DropReason } from '../../../main/sim/sim-counters.js';
import { attributeDisagreement, describeCause, summariseAgreement, type ModeProbe } from '../../../main/sim/mode-disagreement.js';

const noDrops = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;

function probe(over: { dropped?: Partial<Record<DropReason, number>>; coreSpikes?: number[]; wrapped?: number[]; predicted?: number | null; reordered?: number | null } = {}): ModeProbe {
  const coreSpikes = over.coreSpikes ?? [0, 0, 40, 0, 12];
  return {
    coreOrder: [2, 4],
    run: { dropped: { ...noDrops, ...over.dropped }, coreSpikes, predicted: over.predicted === undefined ? 1 : over.predicted },
    wrapped: { coreSpikes: over.wrapped ?? coreSpikes },
    reordered: { predicted: over.reordered === undefined ? 1 : over.reordered },
  };
}

describe('attributeDisagreement', () => {
  it('is unattributed when no probe measured anything', () => {
    expect(attributeDisagreement(probe())).toEqual([{ kind: 'unattributed' }]);
  });

  it('names decimator drops, and not drops both modes apply to the same addresses', () => {
    expect(attributeDisagreement(probe({ dropped: { decimator: 7, pooled_out_of_range: 30, feature_shift: 2 } }))).toEqual([{ kind: 'dropped_events', reason: 'decimator', events: 7 }]);
    expect(attributeDisagreement(probe({ dropped: { pooled_out_of_range: 30 } }))).toEqual([{ kind: 'unattributed' }]);
  });

  it('names the first core along the chain whose spikes a wrap-around state changes', () => {
    // Chain 2 -> 4: core 4 differs (12 vs 15), core 2 does not: the overflow is on core 4.
    expect(attributeDisagreement(probe({ wrapped: [0, 0, 40, 0, 15] }))).toEqual([{ kind: 'saturation', core: 4 }]);
    // Both differ: core 2 comes first; core 4 only follows from it.
    expect(attributeDisagreement(probe({ wrapped: [0, 0, 38, 0, 15] }))).toEqual([{ kind: 'saturation', core: 2 }]);
  });

  it('names ordering only when the reversed step changes the prediction', () => {
    expect(attributeDisagreement(probe({ predicted: 1, reordered: 3 }))).toEqual([{ kind: 'ordering', predicted: 3 }]);
    expect(attributeDisagreement(probe({ predicted: 1, reordered: null }))).toEqual([{ kind: 'ordering', predicted: null }]);
  });

  it('lists every cause measured, drops first', () => {
    expect(attributeDisagreement(probe({ dropped: { decimator: 1 }, wrapped: [0, 0, 41, 0, 12], reordered: 0 }))).toEqual([
      { kind: 'dropped_events', reason: 'decimator', events: 1 },
      { kind: 'saturation', core: 2 },
      { kind: 'ordering', predicted: 0 },
    ]);
  });
});

describe('describeCause', () => {
  it('says each cause in a line, with class names when given', () => {
    const names = (c: number | null) => (c === null ? 'none' : ['left', 'right'][c]!);
    expect(describeCause({ kind: 'ordering', predicted: 1 }, names)).toBe('ordering: with the events inside each time step reversed, chip semantics predicts right');
    expect(describeCause({ kind: 'dropped_events', reason: 'decimator', events: 3 })).toBe('dropped events: 3 by the output decimator, which the time-stepped mode keeps');
    expect(describeCause({ kind: 'unattributed' })).toBe('unattributed: no drop, overflow or ordering effect was measured');
  });
});

describe('summariseAgreement', () => {
  it('counts disagreements per cause and who was right', () => {
    const rows = [
      // agree, both right
      { labelIndex: 0, predicted: 0, comparedPredicted: 0, causes: null },
      // disagree: chip right, ordering
      { labelIndex: 1, predicted: 1, comparedPredicted: 0, causes: [{ kind: 'ordering' as const, predicted: 0 }] },
      // disagree: time-stepped right, saturation and ordering
      {
        labelIndex: 2,
        predicted: null,
        comparedPredicted: 2,
        causes: [
          { kind: 'saturation' as const, core: 0 },
          { kind: 'ordering' as const, predicted: 2 },
        ],
      },
      // disagree: neither right, unattributed
      { labelIndex: 0, predicted: 1, comparedPredicted: 2, causes: [{ kind: 'unattributed' as const }] },
      // agree, both wrong
      { labelIndex: 1, predicted: 2, comparedPredicted: 2, causes: null },
    ];
    expect(summariseAgreement(rows)).toEqual({
      samples: 5,
      disagreeing: 3,
      byCause: { dropped_events: 0, saturation: 1, ordering: 2, unattributed: 1 },
      eventOnlyCorrect: 1,
      timestepOnlyCorrect: 1,
    });
  });
});
