// When an input mapping can run on the chip's DVS layer (chip.md §6, §12), and the fields
// it sets. Expected values worked out by hand from the spec's rules: pooling 1, 2 or 4 per
// axis; origin and (inclusive) cut in pooled pixels, so origin = crop corner / pooling and
// cut = ceil(crop end / pooling) - 1; a 128x128 pixel array; polarity select / merge.

import { describe, expect, it } from 'vitest';
import { describeDvsLayerFields, fitDvsLayer } from '../../../../main/formats/events/dvs-layer-fit.js';
import type { InputMapping } from '../../../../main/formats/events/input-mapping.js';

const fit = (m: InputMapping, sensor: { width: number; height: number } | null, modelUsesDvsLayer = false) => fitDvsLayer(m, { sensor, modelUsesDvsLayer });
const BOTH = { merge: false, on_channel: true, off_channel: true };

describe('pooling and region of interest', () => {
  it('N-MNIST 34x34, crop 0,0 32x32, factor 2: pooling 2x2, origin 0,0, cut 15,15 (32 / 2 - 1)', () => {
    expect(fit({ crop: { x: 0, y: 0, width: 32, height: 32 }, downsample: { factor: 2 } }, { width: 34, height: 34 })).toEqual({
      ok: true,
      fields: { ...BOTH, pooling: { x: 2, y: 2 }, origin: { x: 0, y: 0 }, cut: { x: 15, y: 15 } },
      host: {},
      sensor: { width: 34, height: 34 },
    });
  });

  it('DVS128, crop 16,32 64x32, factor 4: origin (16/4, 32/4) = (4, 8), cut (80/4 - 1, 64/4 - 1) = (19, 15)', () => {
    const r = fit({ crop: { x: 16, y: 32, width: 64, height: 32 }, downsample: { factor: 4 } }, { width: 128, height: 128 });
    expect(r.ok && r.fields).toEqual({ ...BOTH, pooling: { x: 4, y: 4 }, origin: { x: 4, y: 8 }, cut: { x: 19, y: 15 } });
  });

  it('a target size pools each axis by its own factor: 128x64 to 32x32 is x 4, y 2, cut 31,31', () => {
    const r = fit({ downsample: { width: 32, height: 32 } }, { width: 128, height: 64 });
    expect(r.ok && r.fields).toEqual({ ...BOTH, pooling: { x: 4, y: 2 }, origin: { x: 0, y: 0 }, cut: { x: 31, y: 31 } });
  });

  it('no crop, no downsampling: pooling 1, the whole sensor (cut = size - 1)', () => {
    const r = fit({}, { width: 34, height: 20 });
    expect(r.ok && r.fields).toEqual({ ...BOTH, pooling: { x: 1, y: 1 }, origin: { x: 0, y: 0 }, cut: { x: 33, y: 19 } });
  });

  it("a crop ending on the sensor's edge may end inside a pooling block: 34x34 by 4 keeps ceil(34 / 4) = 9 columns, cut 8", () => {
    const r = fit({ downsample: { factor: 4 } }, { width: 34, height: 34 });
    expect(r.ok && r.fields).toMatchObject({ pooling: { x: 4, y: 4 }, cut: { x: 8, y: 8 } });
  });
});

describe('polarity', () => {
  const sensor = { width: 34, height: 34 };
  const fields = (polarity: InputMapping['polarity']) => {
    const r = fit({ polarity }, sensor);
    return r.ok ? { merge: r.fields.merge, on_channel: r.fields.on_channel, off_channel: r.fields.off_channel } : null;
  };
  it('two channels: no merge, both polarities', () => expect(fields('two')).toEqual(BOTH));
  it('merged: merge, both polarities', () => expect(fields('merge')).toEqual({ merge: true, on_channel: true, off_channel: true }));
  it('ON only: merge (one channel, 0), OFF events off', () => expect(fields('on')).toEqual({ merge: true, on_channel: true, off_channel: false }));
  it('OFF only: merge, ON events off', () => expect(fields('off')).toEqual({ merge: true, on_channel: false, off_channel: true }));
});

describe('what stays on the host', () => {
  it('the time window: it says which events are sent, not where they land', () => {
    const r = fit({ window: { fromUs: 1000, toUs: 5000 }, downsample: { factor: 2 } }, { width: 34, height: 34 });
    expect(r.ok && r.host).toEqual({ window: { fromUs: 1000, toUs: 5000 } });
  });
});

describe('what the DVS layer cannot do, each reason named', () => {
  it('a factor outside 1, 2, 4', () => {
    expect(fit({ downsample: { factor: 3 } }, { width: 96, height: 96 })).toEqual({ ok: false, reasons: ['downsampling by 3: the DVS layer pools by 1, 2, 4 only'] });
  });

  it('a target size that is not 1, 2 or 4 times smaller on each axis: 34 to 9', () => {
    const r = fit({ downsample: { width: 9, height: 9 } }, { width: 34, height: 34 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reasons[0]).toMatch(/^downsampling 34x34 to 9x9: the DVS layer pools each axis by 1, 2, 4/);
  });

  it('a sensor larger than the 128x128 pixel array', () => {
    const r = fit({ crop: { x: 40, y: 0, width: 240, height: 240 }, downsample: { factor: 15 } }, { width: 320, height: 240 });
    expect(!r.ok && r.reasons).toEqual(['the sensor is 320x240 pixels and the DVS layer takes events of a 128x128 pixel array at most', 'downsampling by 15: the DVS layer pools by 1, 2, 4 only']);
  });

  it('a refractory filter, with every other reason', () => {
    const r = fit({ refractoryUs: 500, crop: { x: 1, y: 0, width: 32, height: 32 }, downsample: { factor: 2 } }, { width: 34, height: 34 });
    expect(!r.ok && r.reasons).toEqual([
      'a refractory period (500 µs) is not something the DVS layer does: its only filter is the hot-pixel filter, a different rule',
      "the crop's left edge x 1 is not a multiple of the pooling 2: the DVS layer cuts in pooled pixels",
      "the crop's right edge 33 is neither a multiple of the pooling 2 nor the sensor's edge: the DVS layer cuts in pooled pixels",
    ]);
  });

  it("a crop whose far edge is inside a pooling block and not the sensor's edge: 0..30 by 4 of 34", () => {
    const r = fit({ crop: { x: 0, y: 0, width: 30, height: 32 }, downsample: { factor: 4 } }, { width: 34, height: 34 });
    expect(!r.ok && r.reasons).toEqual(["the crop's right edge 30 is neither a multiple of the pooling 4 nor the sensor's edge: the DVS layer cuts in pooled pixels"]);
  });

  it('no sensor size', () => {
    expect(fit({}, null)).toEqual({
      ok: false,
      reasons: ["the recording gives no sensor size, so it cannot be checked against the DVS layer's 128x128 pixel array: give the sensor size (--sensor WxH)"],
    });
  });

  it("the model's own DVS layer", () => {
    const r = fit({}, { width: 34, height: 34 }, true);
    expect(!r.ok && r.reasons[0]).toMatch(/^the model's own input already goes through the DVS layer/);
  });
});

describe('the fields in words', () => {
  it('pooling, origin, cut and the polarity switches', () => {
    expect(describeDvsLayerFields({ merge: true, on_channel: true, off_channel: false, pooling: { x: 4, y: 2 }, origin: { x: 1, y: 2 }, cut: { x: 9, y: 19 } })).toBe(
      'pooling 4x2, origin 1,2, cut 9,19, polarities merged, OFF events off (off_channel false)',
    );
  });
});
