// A raster is checked before any event is made from it: a 784 KB raster of 255s (200 M
// spikes) or one entry of 1e9 is refused by its total, quickly, naming the limit.

import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../../main/formats/npy.js';
import { MAX_RASTER_EVENTS, rasterFromNpy } from '../../../main/services/raster-input.js';

describe('raster size limit', () => {
  it('1000 bins of 28x28 at 255 each (200 M spikes) are refused before expansion', () => {
    const data = new Uint8Array(1000 * 784).fill(255);
    const bytes = writeNpy({ kind: 'numeric', dtype: '|u1', shape: [1000, 1, 28, 28], data });
    expect(() => rasterFromNpy(bytes, 'r.npy', [1, 28, 28])).toThrow(/more than 16,777,216 spikes \(the limit, 240 MiB as events\).*use fewer time bins/);
    // It stops at the entry that crosses the limit.
    expect(() => rasterFromNpy(bytes, 'r.npy', [1, 28, 28])).toThrow(`by entry ${Math.floor(MAX_RASTER_EVENTS / 255).toLocaleString('en-US')} of 784,000`);
  });

  it('one float entry of 1e9 likewise; a raster at the limit is read', () => {
    const one = writeNpy({ kind: 'numeric', dtype: '<f8', shape: [2, 1, 2, 2], data: [0, 0, 1e9, 0, 1, 1, 1, 1] });
    expect(() => rasterFromNpy(one, 'r.npy', [1, 2, 2])).toThrow(/by entry 2 of 8/);
    const atLimit = writeNpy({ kind: 'numeric', dtype: '<f8', shape: [1, 1, 1, 2], data: [MAX_RASTER_EVENTS - 1, 1] });
    expect(rasterFromNpy(atLimit, 'r.npy', [1, 1, 2]).shape).toEqual([1, 1, 1, 2]);
  });

  it('negative and fractional entries keep their own message', () => {
    const bad = writeNpy({ kind: 'numeric', dtype: '<f4', shape: [1, 1, 1, 2], data: [1, 0.5] });
    expect(() => rasterFromNpy(bad, 'r.npy', [1, 1, 2])).toThrow(/entry \[0, 0, 0, 1\] is 0.5/);
  });
});
