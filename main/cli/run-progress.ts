// The progress line of a long `dcnn run` on stderr: events sent of the total, rate, ETA,
// at most once a second (and once at the end), so a lab user sees a 60 M event run move.

import { formatCount, formatRate } from '../common/number-format.js';

export interface ProgressSample {
  eventsIn: number;
  totalIn: number;
}

/** A reporter that turns progress samples into lines; `now` is injectable for tests. */
export function runProgressReporter(write: (line: string) => void, options: { intervalMs?: number; now?: () => number } = {}) {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? 1000;
  const start = now();
  let last = -Infinity;
  return (p: ProgressSample): void => {
    const t = now();
    const done = p.eventsIn >= p.totalIn;
    if (t - last < interval && !done) return;
    last = t;
    const seconds = Math.max(1e-6, (t - start) / 1000);
    const rate = p.eventsIn / seconds;
    const percent = p.totalIn > 0 ? Math.floor((100 * p.eventsIn) / p.totalIn) : 100;
    const left = rate > 0 && !done ? `, ETA ${Math.ceil((p.totalIn - p.eventsIn) / rate)} s` : '';
    write(`${formatCount(p.eventsIn)} of ${formatCount(p.totalIn)} events (${percent} %), ${formatRate(rate)}${left}`);
  };
}
