import { describe, expect, it } from 'vitest';
import { compareRecordings } from '../../../main/store/run-compare.js';
import { ev, memoryRecording } from './memory-recording.js';

// ev(t, layer, channel, x, y)
const base = [ev(10, 0, 1, 2, 3), ev(10, 0, 2, 2, 3), ev(20, 1, 0, 0, 0), ev(30, 0, 1, 5, 5), ev(40, 2, 7, 1, 1)];

describe('per-layer and per-channel counts', () => {
  it('counts every event of both streams', () => {
    const other = [ev(10, 0, 1, 2, 3), ev(20, 1, 0, 0, 0), ev(25, 1, 0, 0, 0), ev(26, 1, 3, 0, 0)];
    const r = compareRecordings(memoryRecording(base, 2), memoryRecording(other, 3));
    expect(r.eventsA).toBe(5);
    expect(r.eventsB).toBe(4);
    // A: layer 0 -> 3 (channels 1,2,1), layer 1 -> 1, layer 2 -> 1. B: layer 0 -> 1, layer 1 -> 3.
    expect(r.perLayer).toEqual([
      { layer: 0, a: 3, b: 1 },
      { layer: 1, a: 1, b: 3 },
      { layer: 2, a: 1, b: 0 },
    ]);
    expect(r.perChannel).toEqual([
      { layer: 0, channel: 1, a: 2, b: 1 },
      { layer: 0, channel: 2, a: 1, b: 0 },
      { layer: 1, channel: 0, a: 1, b: 2 },
      { layer: 1, channel: 3, a: 0, b: 1 },
      { layer: 2, channel: 7, a: 1, b: 0 },
    ]);
  });
});

describe('first divergent event', () => {
  it('identical streams, chunked differently, have none', () => {
    const r = compareRecordings(memoryRecording(base, 2), memoryRecording(base, 3));
    expect(r.firstDivergence).toBeNull();
  });

  it('is the first index where any field differs', () => {
    const changed = base.map((e, i) => (i === 3 ? { ...e, x: 6 } : e));
    const r = compareRecordings(memoryRecording(base, 2), memoryRecording(changed, 4));
    expect(r.firstDivergence).toEqual({ index: 3, a: ev(30, 0, 1, 5, 5), b: ev(30, 0, 1, 6, 5) });
  });

  it('a stream that is a prefix of the other diverges where it ends', () => {
    const r = compareRecordings(memoryRecording(base.slice(0, 3), 1), memoryRecording(base, 2));
    expect(r.firstDivergence).toEqual({ index: 3, a: null, b: ev(30, 0, 1, 5, 5) });
    const empty = compareRecordings(memoryRecording(base, 2), memoryRecording([], 2));
    expect(empty.firstDivergence).toEqual({ index: 0, a: ev(10, 0, 1, 2, 3), b: null });
  });

  it('two empty streams are identical', () => {
    const r = compareRecordings(memoryRecording([], 2), memoryRecording([], 2));
    expect(r).toEqual({ eventsA: 0, eventsB: 0, perLayer: [], perChannel: [], firstDivergence: null });
  });
});

describe('counts over time', () => {
  it('each layer of each stream in equal bins over the span; events on the far edge fall in the last bin', () => {
    const other = [ev(10, 0, 1, 2, 3), ev(35, 0, 1, 2, 3), ev(40, 2, 7, 1, 1), ev(40, 2, 7, 1, 1)];
    const r = compareRecordings(memoryRecording(base, 2), memoryRecording(other, 3), { fromUs: 10, toUs: 41, bins: 3 });
    // Bins of 31/3 µs: [10, 20.33), [20.33, 30.67), [30.67, 41).
    expect(r.timeline).toEqual({
      fromUs: 10,
      binUs: 31 / 3,
      bins: 3,
      perLayer: [
        { layer: 0, a: [2, 1, 0], b: [1, 0, 1] },
        { layer: 1, a: [1, 0, 0], b: [0, 0, 0] },
        { layer: 2, a: [0, 0, 1], b: [0, 0, 2] },
      ],
    });
    // Without a timeline asked for, none is made.
    expect(compareRecordings(memoryRecording(base, 2), memoryRecording(other, 3)).timeline).toBeUndefined();
  });
});
