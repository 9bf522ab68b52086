// The run input preview: equal time windows from the first event, events per pixel over
// all channels, saturating counts, nothing for inputs too large or empty.
import { describe, expect, it } from 'vitest';
import { batchFromEvents } from '../../../main/common/spike-batch.js';
import { inputPreview, previewCounts } from '../../../main/common/input-preview.js';

describe('input preview', () => {
  it('counts each window and pixel, over both polarities', () => {
    const b = batchFromEvents([
      { t: 1000, layer: 0, channel: 0, x: 1, y: 0 },
      { t: 1000, layer: 0, channel: 1, x: 1, y: 0 },
      { t: 1400, layer: 0, channel: 0, x: 0, y: 1 },
      { t: 1799, layer: 0, channel: 1, x: 2, y: 1 },
    ]);
    const p = inputPreview(b, 2, 3, 2)!;
    // 800 µs from the first event to past the last: two windows of 400 µs.
    expect({ ...p, counts: undefined }).toEqual({ frames: 2, width: 3, height: 2, fromUs: 1000, windowUs: 400, counts: undefined, maxCount: 2 });
    expect([...previewCounts(p)]).toEqual([0, 2, 0, 0, 0, 0, /* window 2 */ 0, 0, 0, 1, 0, 1]);
  });

  it('saturates at 65535, skips events off the plane, and has nothing to show for empty or very large inputs', () => {
    const many = batchFromEvents(Array.from({ length: 70_000 }, (_, i) => ({ t: i, layer: 0, channel: 0, x: 0, y: 0 })).concat([{ t: 70_000, layer: 0, channel: 0, x: 9, y: 9 }]));
    const p = inputPreview(many, 1, 1, 1)!;
    expect(previewCounts(p)[0]).toBe(65535);
    expect(inputPreview(batchFromEvents([]), 4, 4)).toBeNull();
    expect(inputPreview(many, 256, 256)).toBeNull();
  });
});
