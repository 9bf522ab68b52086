import { describe, expect, it } from 'vitest';
import { BAR_DIRECTIONS, movingBar, type BarDirection } from '../../../main/sim/input-generators.js';

// rate 1000 Hz = probability 1 per 1 ms bin: every pixel of the bar's edge fires.
const opts = { shape: [2, 8, 8] as const, durationMs: 9, rateHz: 1000, seed: 3, layer: 0 };

function onEventsAt(direction: BarDirection, t: number): Array<[number, number]> {
  const b = movingBar({ ...opts, direction });
  const out: Array<[number, number]> = [];
  for (let i = 0; i < b.length; i++) if (b.t[i] === t && b.channel[i] === 0) out.push([b.x[i]!, b.y[i]!]);
  return out;
}

describe('moving bar in four directions', () => {
  it('starts at the edge it moves away from (8x8, bar 1 pixel wide, first 1 ms bin)', () => {
    expect(onEventsAt('right', 0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((y) => [0, y]));
    expect(onEventsAt('left', 0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((y) => [7, y]));
    expect(onEventsAt('down', 0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((x) => [x, 0]));
    expect(onEventsAt('up', 0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((x) => [x, 7]));
  });

  it('the leading edge (ON) moves one pixel per bin and the trailing edge (OFF, channel 1) follows one pixel behind', () => {
    // bin 4: lead = floor(4/9 * 9) = 4, trail = 3.
    const b = movingBar({ ...opts, direction: 'up' });
    const at4 = [];
    for (let i = 0; i < b.length; i++) if (b.t[i] === 4000) at4.push([b.channel[i], b.y[i]]);
    expect(new Set(at4.filter(([c]) => c === 0).map(([, y]) => y))).toEqual(new Set([7 - 4]));
    expect(new Set(at4.filter(([c]) => c === 1).map(([, y]) => y))).toEqual(new Set([7 - 3]));
  });

  it('moves right by default, and each direction starts elsewhere', () => {
    const right = movingBar({ ...opts, direction: 'right' });
    const dflt = movingBar(opts);
    expect(Array.from(dflt.x.subarray(0, dflt.length))).toEqual(Array.from(right.x.subarray(0, right.length)));
    const firstX = new Set(BAR_DIRECTIONS.map((d) => `${movingBar({ ...opts, direction: d }).x[0]},${movingBar({ ...opts, direction: d }).y[0]}`));
    expect(firstX.size).toBeGreaterThan(1);
  });
});
