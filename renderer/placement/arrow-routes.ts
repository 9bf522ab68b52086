// Routes for the placement view's destination arrows that never cross a core card: out of
// the source card into the gutter beside it, along the gutters between the cards, and
// into the destination card from its side. Each arrow gets its own lane in a gutter (a
// small offset) so arrows sharing a gutter stay apart. Pure geometry over the measured
// card rectangles, so it is tested without a browser.

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Route {
  /** Polyline points, source edge first, destination edge last. */
  points: Array<[number, number]>;
}

/** Distinct values of `xs` (within 2 px), sorted. */
function clusters(xs: number[]): number[] {
  const out: number[] = [];
  for (const x of [...xs].sort((a, b) => a - b)) if (out.length === 0 || x - out[out.length - 1]! > 2) out.push(x);
  return out;
}

/** The grid's columns / rows: their start and end, from the cards' rectangles. */
function bands(rects: readonly Rect[], start: (r: Rect) => number, size: (r: Rect) => number): Array<{ from: number; to: number }> {
  return clusters(rects.map(start)).map((s) => {
    const inBand = rects.filter((r) => Math.abs(start(r) - s) <= 2);
    return { from: s, to: Math.max(...inBand.map((r) => start(r) + size(r))) };
  });
}

function bandOf(bandsList: Array<{ from: number; to: number }>, v: number): number {
  const i = bandsList.findIndex((b) => v >= b.from - 2 && v <= b.to + 2);
  return i < 0 ? 0 : i;
}

/** Middle of the gutter after band i (or before band 0 / after the last, `margin` outside). */
function gutterAfter(bandsList: Array<{ from: number; to: number }>, i: number, margin: number): number {
  if (i < 0) return bandsList[0]!.from - margin;
  if (i >= bandsList.length - 1) return bandsList[bandsList.length - 1]!.to + margin;
  return (bandsList[i]!.to + bandsList[i + 1]!.from) / 2;
}

/**
 * A route from card `a` to card `b` among `cards` (all cards of the grid). `lane` (0, 1,
 * 2, ...) shifts the route within the gutters by `laneGap` px per lane, alternating sides.
 */
export function routeBetween(a: Rect, b: Rect, cards: readonly Rect[], lane = 0, laneGap = 4): Route {
  const cols = bands(cards, (r) => r.left, (r) => r.width);
  const rows = bands(cards, (r) => r.top, (r) => r.height);
  const off = (lane % 2 === 0 ? 1 : -1) * Math.ceil(lane / 2) * laneGap;
  const ca = bandOf(cols, a.left);
  const ra = bandOf(rows, a.top);
  const cb = bandOf(cols, b.left);
  const rb = bandOf(rows, b.top);
  const midY = (r: Rect) => r.top + r.height / 2 + off;
  const midX = (r: Rect) => r.left + r.width / 2 + off;
  const margin = 12;
  // Neighbours in a row or a column: straight across the gutter between them.
  if (ra === rb && Math.abs(ca - cb) === 1) {
    const y = Math.max(Math.max(a.top, b.top) + 6, Math.min(Math.min(a.top + a.height, b.top + b.height) - 6, midY(a)));
    return { points: ca < cb ? [[a.left + a.width, y], [b.left, y]] : [[a.left, y], [b.left + b.width, y]] };
  }
  if (ca === cb && Math.abs(ra - rb) === 1) {
    const x = midX(a);
    return { points: ra < rb ? [[x, a.top + a.height], [x, b.top]] : [[x, a.top], [x, b.top + b.height]] };
  }
  // Otherwise: out of the source's bottom (or top) into a row gutter, along it to the
  // column gutter beside the destination, along that to the destination's middle, in.
  const down = rb > ra || (rb === ra && ra < rows.length - 1);
  const gy = (down ? gutterAfter(rows, ra, margin) : gutterAfter(rows, ra - 1, margin)) + off;
  // The column gutter on the side of the destination that faces the source (its right side when both are in one column).
  const gx = (cb > ca ? gutterAfter(cols, cb - 1, margin) : gutterAfter(cols, cb, margin)) + off;
  const sx = midX(a);
  const sy = down ? a.top + a.height : a.top;
  const ey = midY(b);
  const ex = cb > ca ? b.left : b.left + b.width;
  return { points: [[sx, sy], [sx, gy], [gx, gy], [gx, ey], [ex, ey]] };
}

/** Whether the open segment from p to q passes through the inside of `r` (shrunk by 1 px). */
export function crosses(p: [number, number], q: [number, number], r: Rect): boolean {
  const l = r.left + 1;
  const t = r.top + 1;
  const rr = r.left + r.width - 1;
  const bb = r.top + r.height - 1;
  // Axis-aligned segments only (the routes are orthogonal).
  if (p[0] === q[0]) {
    const x = p[0];
    const [y0, y1] = p[1] < q[1] ? [p[1], q[1]] : [q[1], p[1]];
    return x > l && x < rr && y1 > t && y0 < bb;
  }
  const y = p[1];
  const [x0, x1] = p[0] < q[0] ? [p[0], q[0]] : [q[0], p[0]];
  return y > t && y < bb && x1 > l && x0 < rr;
}
