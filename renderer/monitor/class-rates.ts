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



