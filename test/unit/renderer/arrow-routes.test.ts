// Destination arrows in the placement view run through the gutters: for every pair of
// cores of a 3x3 grid of cards (the chips' nine cores), the route touches only the two
// cards it joins, at their edges, and never runs through any card, itself included.
import { describe, expect, it } from 'vitest';
import { crosses, routeBetween, type Rect } from '../../../renderer/placement/arrow-routes';

// Cards 200x130 with 28 px gutters, as the view lays them out.
const cards: Rect[] = Array.from({ length: 9 }, (_, i) => ({ left: (i % 3) * 228, top: Math.floor(i / 3) * 158, width: 200, height: 130 }));

describe('arrow routes', () => {
  it('every pair of cores, in every lane: no segment crosses any card', () => {
    for (let a = 0; a < 9; a++) {
      for (let b = 0; b < 9; b++) {
        if (a === b) continue;
        for (const lane of [0, 1, 2]) {
          const { points } = routeBetween(cards[a]!, cards[b]!, cards, lane);
          for (let k = 0; k + 1 < points.length; k++) {
            for (let c = 0; c < 9; c++) {
              expect(crosses(points[k]!, points[k + 1]!, cards[c]!), `core ${a} -> ${b}, lane ${lane}, segment ${k}, card ${c}`).toBe(false);
            }
          }
        }
      }
    }
  });

  it('routes start on the source card edge and end on the destination card edge', () => {
    const onEdge = ([x, y]: [number, number], r: Rect) =>
      ((x === r.left || x === r.left + r.width) && y >= r.top && y <= r.top + r.height) || ((y === r.top || y === r.top + r.height) && x >= r.left && x <= r.left + r.width);
    for (const [a, b] of [
      [0, 3],
      [3, 5],
      [5, 6],
      [6, 1],
      [0, 8],
      [2, 0],
    ] as const) {
      const { points } = routeBetween(cards[a]!, cards[b]!, cards);
      expect(onEdge(points[0]!, cards[a]!), `${a}->${b} start`).toBe(true);
      expect(onEdge(points[points.length - 1]!, cards[b]!), `${a}->${b} end`).toBe(true);
    }
    // Neighbours: one straight segment across the gutter.
    expect(routeBetween(cards[0]!, cards[1]!, cards).points).toEqual([
      [200, 65],
      [228, 65],
    ]);
  });
});
