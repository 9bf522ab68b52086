// The input mapping from camera events to a model's input. Every expected event below is
// worked out by hand from the stage definitions in input-mapping.ts (window relative to
// the first event, crop, downsample, polarity, refractory, in that order).

import { describe, expect, it } from 'vitest';
import type { EventBlock } from '../../../../main/formats/events/event-block.js';
import { describeMapping, InputMapper, InputMappingError, mappedSize, mappingNote } from '../../../../main/formats/events/input-mapping.js';

type Ev = [t: number, x: number, y: number, p: number];

function block(events: Ev[]): EventBlock {
  return {
    length: events.length,
    t: Float64Array.from(events, (e) => e[0]),
    x: Uint16Array.from(events, (e) => e[1]),
    y: Uint16Array.from(events, (e) => e[2]),
    p: Uint8Array.from(events, (e) => e[3]),
  };
}

function events(b: EventBlock): Ev[] {
  return Array.from({ length: b.length }, (_, i) => [b.t[i]!, b.x[i]!, b.y[i]!, b.p[i]!]);
}

const SENSOR = { width: 10, height: 10 };

describe('input mapping', () => {
  it('window, crop, factor-2 downsampling and ON only, stage by stage', () => {
    const m = new InputMapper({ window: { fromUs: 0, toUs: 1000 }, crop: { x: 2, y: 2, width: 6, height: 6 }, downsample: { factor: 2 }, polarity: 'on' }, SENSOR);
    expect(m.size).toEqual({ channels: 1, width: 3, height: 3 });
    const out = m.map(
      block([
        [100, 0, 0, 1], // outside the crop
        [150, 5, 5, 0], // crop -> (3,3), /2 -> (1,1), OFF: dropped
        [200, 9, 9, 1], // outside the crop
        [300, 4, 4, 1], // crop -> (2,2), /2 -> (1,1), ON -> channel 0
        [1100, 4, 4, 1], // 1000 µs after the first event: outside [0, 1000)
      ]),
    );
    expect(events(out)).toEqual([[300, 1, 1, 0]]);
    expect(m.report()).toEqual({ seen: 5, kept: 1, outsideWindow: 1, outsideCrop: 2, otherPolarity: 1, refractory: 0 });
  });

  it('the window is relative to the first event of the whole stream, across blocks', () => {
    const m = new InputMapper({ window: { fromUs: 50, toUs: 150 } }, SENSOR);
    expect(events(m.map(block([[1000, 1, 1, 0], [1049, 1, 1, 0], [1050, 2, 2, 1]])))).toEqual([[1050, 2, 2, 1]]);
    expect(events(m.map(block([[1149, 3, 3, 0], [1150, 3, 3, 0]])))).toEqual([[1149, 3, 3, 0]]);
  });

  it('a target size scales coordinates (x * 4 / 10, floored) and merging gives one channel', () => {
    const m = new InputMapper({ downsample: { width: 4, height: 4 }, polarity: 'merge' }, SENSOR);
    expect(m.size).toEqual({ channels: 1, width: 4, height: 4 });
    expect(events(m.map(block([[1, 0, 9, 1], [2, 5, 2, 0], [3, 9, 3, 1]])))).toEqual([
      [1, 0, 3, 0], // 9 * 0.4 = 3.6 -> 3
      [2, 2, 0, 0], // 5 * 0.4 = 2, 2 * 0.4 = 0.8 -> 0
      [3, 3, 1, 0], // 9 * 0.4 = 3.6 -> 3, 3 * 0.4 = 1.2 -> 1
    ]);
  });

  it('the refractory filter works per output pixel and channel, after downsampling', () => {
    const m = new InputMapper({ downsample: { factor: 2 }, refractoryUs: 100 }, SENSOR);
    const out = m.map(
      block([
        [0, 0, 0, 1], // pixel (0,0) ch 1: kept
        [50, 1, 1, 1], // also (0,0) ch 1 after /2, 50 µs later: dropped
        [60, 1, 1, 0], // (0,0) ch 0: another channel, kept
        [100, 0, 1, 1], // (0,0) ch 1, 100 µs after the last kept one: kept
        [150, 4, 4, 1], // (2,2): kept
      ]),
    );
    expect(events(out)).toEqual([
      [0, 0, 0, 1],
      [60, 0, 0, 0],
      [100, 0, 0, 1],
      [150, 2, 2, 1],
    ]);
    expect(mappingNote({ downsample: { factor: 2 }, refractoryUs: 100 }, m.report())).toBe(
      'input mapping (downsample 2, refractory 100 µs): 4 of 5 events kept; dropped 1 inside the refractory period',
    );
  });

  it('bad mappings are errors that say what is wrong', () => {
    expect(() => mappedSize({ crop: { x: 5, y: 0, width: 6, height: 4 } }, SENSOR)).toThrow(/reaches outside the 10x10 sensor/);
    expect(() => mappedSize({ downsample: { factor: 0 } }, SENSOR)).toThrow(/factor must be a whole number of at least 1/);
    expect(() => mappedSize({ downsample: { width: 20, height: 4 } }, SENSOR)).toThrow(/only shrinks/);
    expect(() => mappedSize({ window: { fromUs: 10, toUs: 10 } }, SENSOR)).toThrow(InputMappingError);
    expect(() => mappedSize({ downsample: { factor: 2 } }, null)).toThrow(/no sensor size/);
    expect(mappedSize({ crop: { x: 0, y: 0, width: 34, height: 34 }, downsample: { factor: 4 } }, null)).toEqual({ channels: 2, width: 9, height: 9 });
    expect(describeMapping({})).toBe('none');
  });
});
