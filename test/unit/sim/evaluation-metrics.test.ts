import { describe, expect, it } from 'vitest';
import { predict, summarise } from '../../../main/sim/evaluation-metrics.js';

describe('readout rules', () => {
  it('count: most exit spikes, the lower channel on a tie, null without spikes', () => {
    expect(predict({ exitCounts: [1, 5, 3], firstChannel: 0 }, 'count')).toBe(1);
    expect(predict({ exitCounts: [4, 4, 0], firstChannel: 1 }, 'count')).toBe(0);
    expect(predict({ exitCounts: [0, 0], firstChannel: null }, 'count')).toBeNull();
  });
  it('first: the channel that spiked first', () => {
    expect(predict({ exitCounts: [1, 5, 3], firstChannel: 2 }, 'first')).toBe(2);
  });
});

describe('summary', () => {
  it('accuracy, per class and the confusion matrix with a column for silent samples', () => {
    // a: predicted a, b, none; b: predicted b, b.
    const s = summarise(['a', 'b'], [
      { labelIndex: 0, predicted: 0 },
      { labelIndex: 0, predicted: 1 },
      { labelIndex: 0, predicted: null },
      { labelIndex: 1, predicted: 1 },
      { labelIndex: 1, predicted: 1 },
    ]);
    expect(s).toMatchObject({ samples: 5, correct: 3, accuracy: 0.6, silent: 1 });
    expect(s.confusion).toEqual([
      [1, 1, 1],
      [0, 2, 0],
    ]);
    expect(s.perClass).toEqual([
      { label: 'a', samples: 3, correct: 1, accuracy: 1 / 3 },
      { label: 'b', samples: 2, correct: 2, accuracy: 1 },
    ]);
  });
});
