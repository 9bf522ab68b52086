// Reading the exit layer: events per output channel, rates, and the predicted class
// (the channel with the most events; the lowest index wins a tie, as argmax does).
// Pure arithmetic shared by the live monitor, the replay and the tests.

/** Index of the largest count (lowest index on ties); null when there are no events. */
export function predictedClass(counts: ArrayLike<number>): number | null {
  let best = -1;
  let bestCount = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > bestCount) {
      best = i;
      bestCount = c;
    }
  }
  return best < 0 ? null : best;
}

/** events / s over a span of `spanUs` microseconds (0 when the span is empty). */
export function eventsPerSecond(count: number, spanUs: number): number {
  return spanUs > 0 ? (count * 1e6) / spanUs : 0;
}

/** Bar lengths 0..1 relative to the largest count (all zero when nothing arrived). */
export function barFractions(counts: ArrayLike<number>): number[] {
  let max = 0;
  for (let i = 0; i < counts.length; i++) max = Math.max(max, counts[i]!);
  const out: number[] = [];
  for (let i = 0; i < counts.length; i++) out.push(max > 0 ? counts[i]! / max : 0);
  return out;
}

/** "1 234", "12.3 k", "1.2 M" events, compact but exact below ten thousand. */
export function formatCount(n: number): string {
  if (n < 10_000) return n.toLocaleString('en-US').replace(/,/g, '\u2009');
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)} k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 2 : 1)} M`;
}

/** "12.5 events/s", "3.4 k events/s". */
export function formatRate(perSecond: number): string {
  if (perSecond === 0) return '0 events/s';
  if (perSecond < 1000) return `${perSecond.toFixed(perSecond < 10 ? 1 : 0)} events/s`;
  if (perSecond < 1e6) return `${(perSecond / 1000).toFixed(1)} k events/s`;
  return `${(perSecond / 1e6).toFixed(2)} M events/s`;
}

/** Microseconds as people read them: "850 µs", "12.3 ms", "4.20 s". */
export function formatMicros(us: number): string {
  const a = Math.abs(us);
  if (a < 1000) return `${Math.round(us)} µs`;
  if (a < 1e6) return `${(us / 1000).toFixed(a < 1e4 ? 2 : 1)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}
