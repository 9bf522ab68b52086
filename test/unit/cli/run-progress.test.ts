import { describe, expect, it } from 'vitest';
import { runProgressReporter } from '../../../main/cli/run-progress.js';

describe('the run progress line', () => {
  it('at most once per interval, with rate and ETA, and always at the end', () => {
    let t = 0;
    const lines: string[] = [];
    const report = runProgressReporter((l) => lines.push(l), { now: () => t });
    t = 1000;
    report({ eventsIn: 1_000_000, totalIn: 4_000_000 });
    t = 1500;
    report({ eventsIn: 1_500_000, totalIn: 4_000_000 });
    t = 2000;
    report({ eventsIn: 2_000_000, totalIn: 4_000_000 });
    t = 2100;
    report({ eventsIn: 4_000_000, totalIn: 4_000_000 });
    expect(lines).toEqual([
      '1.00 M of 4.00 M events (25 %), 1.00 M events/s, ETA 3 s',
      '2.00 M of 4.00 M events (50 %), 1.00 M events/s, ETA 2 s',
      '4.00 M of 4.00 M events (100 %), 1.90 M events/s',
    ]);
  });
});
