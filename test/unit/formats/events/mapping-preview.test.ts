// The input mapping's preview on a small AEDAT4 recording written here with known events:
// the raw counts per sensor pixel and the mapped counts per model pixel, worked out by hand.

import { describe, expect, it } from 'vitest';
import { createEventWriter } from '../../../../main/formats/events/event-writers.js';
import type { EventBlock } from '../../../../main/formats/events/event-block.js';
import { PREVIEW_MAX_PIXELS, previewCameraMapping } from '../../../../main/formats/events/mapping-preview.js';
import { concatBytes } from '../../../../main/formats/bytes.js';

type Ev = [t: number, x: number, y: number, p: number];

function aedat4(events: Ev[], sensor: { width: number; height: number }): Uint8Array {
  const block: EventBlock = {
    length: events.length,
    t: Float64Array.from(events, (e) => e[0]),
    x: Uint16Array.from(events, (e) => e[1]),
    y: Uint16Array.from(events, (e) => e[2]),
    p: Uint8Array.from(events, (e) => e[3]),
  };
  const w = createEventWriter('aedat4', { sensor, compression: 'none' });
  const parts = [w.start(), ...w.add(block), ...w.end().tail];
  return parts.reduce((a, b) => concatBytes(a, b), new Uint8Array(0));
}

const feedOf = (bytes: Uint8Array) => (push: (c: Uint8Array) => void) => {
  for (let i = 0; i < bytes.length; i += 7) push(bytes.subarray(i, i + 7));
};

describe('the mapping preview', () => {
  // An 8x4 sensor onto a 1x2x2 input: fit = crop 2,0 4x4 (a centred square), factor 2, polarities merged.
  const events: Ev[] = [
    [1000, 0, 0, 1], // outside the crop
    [1010, 2, 0, 0], // crop (0,0) -> /2 (0,0)
    [1020, 3, 1, 1], // crop (1,1) -> (0,0)
    [1030, 5, 3, 1], // crop (3,3) -> (1,1)
    [1040, 5, 3, 0], // (1,1) again
    [1050, 7, 3, 1], // outside the crop
  ];
  const bytes = aedat4(events, { width: 8, height: 4 });

  it('fits the sensor by default and counts raw and mapped events per pixel', () => {
    const p = previewCameraMapping('aedat4', feedOf(bytes), { inputShape: [1, 2, 2] });
    expect(p.suggested).toEqual({ polarity: 'merge', crop: { x: 2, y: 0, width: 4, height: 4 }, downsample: { factor: 2 } });
    expect(p.mapping).toEqual(p.suggested);
    expect(p.problem).toBeNull();
    expect(p.sensor).toEqual({ width: 8, height: 4 });
    expect({ w: p.raw.width, h: p.raw.height, binning: p.raw.binning, events: p.raw.events }).toEqual({ w: 8, h: 4, binning: 1, events: 6 });
    const raw = Array.from(p.raw.counts);
    expect(raw[0 * 8 + 0]).toBe(1);
    expect(raw[3 * 8 + 5]).toBe(2);
    expect(raw.reduce((a, b) => a + b, 0)).toBe(6);
    expect(Array.from(p.mapped!.counts)).toEqual([2, 0, 0, 2]);
    expect(p.mapped!.maxCount).toBe(2);
    expect(p.counts).toMatchObject({ seen: 6, kept: 4, outsideCrop: 2 });
    expect(p.firstUs).toBe(1000);
    expect(p.lastUs).toBe(1050);
  });

  it('two channels on a one-channel input: the ON events (channel 1) fall outside the input and are named', () => {
    const p = previewCameraMapping('aedat4', feedOf(bytes), { inputShape: [1, 2, 2], mapping: { crop: { x: 2, y: 0, width: 4, height: 4 }, downsample: { factor: 2 } } });
    // Channel = polarity: the ON events (x=3,y=1 and x=5,y=3) are channel 1, outside a 1-channel input.
    expect(p.outsideInput).toBe(2);
    expect(Array.from(p.mapped!.counts)).toEqual([1, 0, 0, 1]);
    expect(p.notes.join(' ')).toContain('2 mapped events fall outside');
  });

  it('a crop outside the sensor is a problem on the crop field, with the raw image still there', () => {
    const p = previewCameraMapping('aedat4', feedOf(bytes), { inputShape: [1, 2, 2], mapping: { crop: { x: 6, y: 0, width: 4, height: 4 } } });
    expect(p.problem).toEqual({ field: 'crop', message: 'the crop 6,0 4x4 reaches outside the 8x4 sensor' });
    expect(p.mapped).toBeNull();
    expect(p.raw.events).toBe(6);
  });

  it('bins a sensor larger than the image budget: 1280x720 by 4 into 320x180', () => {
    const big = aedat4([[0, 1279, 719, 1], [1, 0, 0, 0], [2, 3, 3, 1]], { width: 1280, height: 720 });
    const p = previewCameraMapping('aedat4', feedOf(big), { inputShape: [2, 64, 64] });
    expect({ w: p.raw.width, h: p.raw.height, b: p.raw.binning }).toEqual({ w: 320, h: 180, b: 4 });
    expect(p.raw.width * p.raw.height).toBeLessThanOrEqual(PREVIEW_MAX_PIXELS);
    expect(p.raw.counts[0]).toBe(2);
    expect(p.raw.counts[179 * 320 + 319]).toBe(1);
  });
});
