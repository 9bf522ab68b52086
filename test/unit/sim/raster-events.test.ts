// Raster <-> event conversions (devices.md §6; TC-52..TC-55) and the binning helper.

import { describe, expect, it } from 'vitest';
import { binEvents, eventsToRaster, eventsToXytc, rasterToEvents, xytpToEvents } from '../../../main/sim/raster-events.js';
import { batchFromEvents, eventsOfBatch } from '../../../main/common/spike-batch.js';

const tc52 = batchFromEvents([
  { t: 0, layer: 2, x: 1, y: 0, channel: 0 },
  { t: 9000, layer: 2, x: 3, y: 3, channel: 2 },
  { t: 9000, layer: 2, x: 3, y: 3, channel: 2 },
  { t: 14000, layer: 0, x: 1, y: 2, channel: 1 },
  { t: 14000, layer: 2, x: 0, y: 4, channel: 1 },
  { t: 19000, layer: 2, x: 2, y: 1, channel: 0 },
]);

function nonZero(r: { shape: readonly number[]; data: Float64Array }) {
  const [, C, H, W] = r.shape as [number, number, number, number];
  const out: Array<[number, number, number, number, number]> = [];
  r.data.forEach((v, i) => {
    if (v === 0) return;
    const x = i % W;
    const y = Math.floor(i / W) % H;
    const c = Math.floor(i / (W * H)) % C;
    const t = Math.floor(i / (W * H * C));
    out.push([t, c, y, x, v]);
  });
  return out;
}

describe('events_to_raster (TC-52)', () => {
  it('dt 1e-3: shape (20, 3, 5, 4), layers ignored', () => {
    const r = eventsToRaster(tc52, { dt: 1e-3 });
    expect(r.shape).toEqual([20, 3, 5, 4]);
    expect(nonZero(r)).toEqual([
      [0, 0, 0, 1, 1],
      [9, 2, 3, 3, 2],
      [14, 1, 2, 1, 1],
      [14, 1, 4, 0, 1],
      [19, 0, 1, 2, 1],
    ]);
  });

  it('dt 1e-2: shape (2, 3, 5, 4)', () => {
    const r = eventsToRaster(tc52, { dt: 1e-2 });
    expect(r.shape).toEqual([2, 3, 5, 4]);
    expect(nonZero(r)).toEqual([
      [0, 0, 0, 1, 1],
      [0, 2, 3, 3, 2],
      [1, 0, 1, 2, 1],
      [1, 1, 2, 1, 1],
      [1, 1, 4, 0, 1],
    ]);
  });

  it('with shape (4, 6, 6): (20, 4, 6, 6) resp. (2, 4, 6, 6), same entries', () => {
    const a = eventsToRaster(tc52, { dt: 1e-3, shape: [4, 6, 6] });
    expect(a.shape).toEqual([20, 4, 6, 6]);
    expect(nonZero(a)).toEqual(nonZero(eventsToRaster(tc52, { dt: 1e-3 })));
    expect(eventsToRaster(tc52, { dt: 1e-2, shape: [4, 6, 6] }).shape).toEqual([2, 4, 6, 6]);
  });

  it('time is relative to the first event', () => {
    const r = eventsToRaster(batchFromEvents([{ t: 5000, layer: 0, x: 0, y: 0, channel: 0 }, { t: 7500, layer: 0, x: 0, y: 0, channel: 0 }]));
    expect(r.shape).toEqual([3, 1, 1, 1]);
    expect(Array.from(r.data)).toEqual([1, 0, 1]);
  });

  it('no events: an empty raster, not a crash', () => {
    expect(eventsToRaster(batchFromEvents([]), { shape: [2, 3, 4] })).toEqual({ shape: [0, 2, 3, 4], data: new Float64Array(0) });
    expect(eventsToRaster(batchFromEvents([])).shape).toEqual([0, 0, 0, 0]);
  });

  it('an event outside a given shape is an error naming the event', () => {
    expect(() => eventsToRaster(tc52, { shape: [3, 4, 4] })).toThrow(/event 4 \(channel 1, y 4, x 0\) lies outside/);
  });
});

describe('raster_to_events', () => {
  it('TC-53: number of events = sum of the raster, every event on the given layer', () => {
    const shape = [10, 2, 28, 28] as const;
    const data = Array.from({ length: 10 * 2 * 28 * 28 }, (_, i) => (i * 2654435761) % 4);
    const b = rasterToEvents({ shape, data }, 2);
    expect(b.length).toBe(data.reduce((a, v) => a + v, 0));
    expect(b.layer.every((l) => l === 2)).toBe(true);
  });

  // T=3, C=2, H=1, W=2 with [0,0,0,0]=1, [0,1,0,1]=2, [2,0,0,1]=1.
  const raster = { shape: [3, 2, 1, 2] as const, data: [1, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0] };
  const xyft = (b: ReturnType<typeof rasterToEvents>) => eventsOfBatch(b).map((e) => [e.x, e.y, e.channel, e.t]);

  it('TC-54: higher counts first within a time step, blocks repeated', () => {
    expect(xyft(rasterToEvents(raster, 3, { dt: 1e-3 }))).toEqual([
      [1, 0, 1, 0],
      [1, 0, 1, 0],
      [0, 0, 0, 0],
      [1, 0, 0, 2000],
    ]);
    expect(rasterToEvents(raster, 3).layer[0]).toBe(3);
  });

  it('TC-54: truncate gives one event per non-zero entry in row-major order', () => {
    expect(xyft(rasterToEvents(raster, 3, { truncate: true }))).toEqual([
      [0, 0, 0, 0],
      [1, 0, 1, 0],
      [1, 0, 0, 2000],
    ]);
  });

  it('TC-54: delay_factor 0.5 s adds 500000 µs', () => {
    expect(xyft(rasterToEvents(raster, 3, { delayFactor: 0.5 })).map((e) => e[3])).toEqual([500000, 500000, 500000, 502000]);
    expect(() => rasterToEvents(raster, 3, { delayFactor: -1 })).toThrow(/delay_factor/);
  });

  it('devices.md §6.1 example: counts [1, 2] in one step -> x 1, x 1, x 0', () => {
    expect(eventsOfBatch(rasterToEvents({ shape: [1, 1, 1, 2], data: [1, 2] }, 0)).map((e) => e.x)).toEqual([1, 1, 0]);
  });

  it('blocks of equal count are repeated as a block: [2, 2, 1] -> 0 1 0 1 2', () => {
    expect(eventsOfBatch(rasterToEvents({ shape: [1, 1, 1, 3], data: [2, 2, 1] }, 0)).map((e) => e.x)).toEqual([0, 1, 0, 1, 2]);
  });

  it('non-integer and negative counts produce no events', () => {
    expect(rasterToEvents({ shape: [1, 1, 1, 3], data: [0.5, -2, 1] }, 0).length).toBe(1);
  });
});

describe('xytp_to_events (TC-55) and events_to_xytp', () => {
  const xytp = { x: [1, 3], y: [2, 0], t: [100, 250], p: [1, 0] };

  it('reset_timestamps: t − t_min + delay', () => {
    const e = eventsOfBatch(xytpToEvents(xytp, 4, true, 0.001));
    expect(e).toEqual([
      { t: 1000, layer: 4, channel: 1, x: 1, y: 2 },
      { t: 1150, layer: 4, channel: 0, x: 3, y: 0 },
    ]);
  });

  it('without reset: t + delay', () => {
    expect(eventsOfBatch(xytpToEvents(xytp, 4, false, 0.001)).map((e) => e.t)).toEqual([1100, 1250]);
  });

  it('negative timestamps or delay are rejected', () => {
    expect(() => xytpToEvents({ ...xytp, t: [-1, 5] }, 4, false)).toThrow(/>= 0/);
    expect(() => xytpToEvents(xytp, 4, false, -0.1)).toThrow(/delay_factor/);
  });

  it('events_to_xytp keeps one layer, in order', () => {
    const c = eventsToXytc(tc52, 2);
    expect(Array.from(c.x)).toEqual([1, 3, 3, 0, 2]);
    expect(Array.from(c.t)).toEqual([0, 9000, 9000, 14000, 19000]);
    expect(Array.from(c.channel)).toEqual([0, 2, 2, 1, 0]);
  });
});

describe('binEvents', () => {
  it('bins one layer on an absolute grid, ignoring other layers and out-of-range events', () => {
    const r = binEvents([tc52], { layer: 2, dtUs: 10_000, bins: 2, shape: [3, 5, 4] });
    expect(nonZero(r)).toEqual([
      [0, 0, 0, 1, 1],
      [0, 2, 3, 3, 2],
      [1, 0, 1, 2, 1],
      [1, 1, 4, 0, 1],
    ]);
    expect(binEvents(tc52, { layer: 2, dtUs: 10_000, bins: 1, shape: [3, 5, 4] }).data.reduce((a, v) => a + v, 0)).toBe(3);
  });
});
