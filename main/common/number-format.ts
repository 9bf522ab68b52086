// Numbers as people read them, the same in the workspace and on the command line: counts
// exact below ten thousand, rates and durations with a unit and three significant digits.

/** "1 234", "12.3 k", "1.2 M": compact, but exact below ten thousand (thin-space groups). */
export function formatCount(n: number): string {
  if (n < 10_000) return n.toLocaleString('en-US').replace(/,/g, '\u2009');
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)} k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 2 : 1)} M`;
}

/** "12.5 events/s", "3.4 k events/s", "1.25 M events/s" (any unit: "samples/s"). */
export function formatRate(perSecond: number, unit = 'events/s'): string {
  if (perSecond === 0) return `0 ${unit}`;
  if (perSecond < 1000) return `${perSecond.toFixed(perSecond < 10 ? 1 : 0)} ${unit}`;
  if (perSecond < 1e6) return `${(perSecond / 1000).toFixed(1)} k ${unit}`;
  return `${(perSecond / 1e6).toFixed(2)} M ${unit}`;
}

/** Microseconds: "850 µs", "12.3 ms", "4.20 s". */
export function formatMicros(us: number): string {
  const a = Math.abs(us);
  if (a < 1000) return `${Math.round(us)} µs`;
  if (a < 1e6) return `${(us / 1000).toFixed(a < 1e4 ? 2 : 1)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

/** Memory sizes in entries: 16384 -> "16 Ki", 1500 -> "1.46 Ki", 500 -> "500". */
export function formatEntries(n: number): string {
  if (n < 1024) return String(n);
  const ki = n / 1024;
  return `${Number.isInteger(ki) ? ki : ki.toFixed(2)} Ki`;
}

/** A float parameter (threshold, scale): digits by magnitude, exponent below 0.01. */
export function formatFloat(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 0.01) return v.toFixed(3);
  return v.toExponential(2);
}

/** A chart label: integers as they are, others with three significant digits. */
export function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

/** A fraction as a percentage, "—" when there is none: 0.9734 -> "97.3 %". */
export function formatPercent(fraction: number | null): string {
  return fraction === null ? '—' : `${(100 * fraction).toFixed(1)} %`;
}
