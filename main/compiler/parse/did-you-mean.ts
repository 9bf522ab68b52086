// "Did you mean ...?" for misspelt layer, argument and option names: the closest
// candidate by edit distance (insertions, deletions, substitutions, adjacent swaps),
// compared case-insensitively, and only when it is close enough to be a plausible typo.

/** Optimal-string-alignment distance between two strings. */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = new Array<number>(m + 1);
  let cur = new Array<number>(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m]!;
}

/**
 * The candidate closest to `word`, or null when none is a plausible typo. Ties go to the
 * earlier candidate, so callers list preferred candidates first.
 */
export function closestName(word: string, candidates: Iterable<string>): string | null {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | null = null;
  let bestScore = Infinity;
  for (const c of candidates) {
    const lower = c.toLowerCase();
    // A pure case difference (conv2D vs Conv2d) beats any real misspelling.
    const d = lower === w ? (c === word ? 0 : 0.5) : editDistance(w, lower);
    if (d <= limit && d < word.length && d < bestScore) {
      best = c;
      bestScore = d;
    }
  }
  return best;
}
