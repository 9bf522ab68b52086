// The default input mapping (the sensor fitted onto the model's input) and the field a bad
// mapping is blamed on. Expected crops and sizes worked out by hand: the largest centred
// region of the input's aspect ratio, then an exact integer factor or the target size.

import { describe, expect, it } from 'vitest';
import { fitMapping, mappingProblem } from '../../../../main/formats/events/mapping-fit.js';

describe('fitting a sensor onto the model input', () => {
  it('DAVIS 346x260 onto 2x34x34: a centred 260x260 square (x 43), then down to 34x34 (260/34 is no whole factor)', () => {
    expect(fitMapping({ width: 346, height: 260 }, [2, 34, 34])).toEqual({ crop: { x: 43, y: 0, width: 260, height: 260 }, downsample: { width: 34, height: 34 } });
  });

  it('640x480 onto 2x32x32: a 480x480 square at x 80, then the whole factor 15', () => {
    expect(fitMapping({ width: 640, height: 480 }, [2, 32, 32])).toEqual({ crop: { x: 80, y: 0, width: 480, height: 480 }, downsample: { factor: 15 } });
  });

  it('DVS128 onto 2x64x64: same aspect, factor 2, no crop', () => {
    expect(fitMapping({ width: 128, height: 128 }, [2, 64, 64])).toEqual({ downsample: { factor: 2 } });
  });

  it('a one-channel input merges the polarities; a sensor that fits needs nothing else', () => {
    expect(fitMapping({ width: 34, height: 34 }, [2, 34, 34])).toEqual({});
    expect(fitMapping({ width: 34, height: 34 }, [1, 34, 34])).toEqual({ polarity: 'merge' });
  });

  it('a tall sensor is cropped in height: 100x300 onto 2x10x20 keeps 100x200 from y 50, factor 10', () => {
    expect(fitMapping({ width: 100, height: 300 }, [2, 20, 10])).toEqual({ crop: { x: 0, y: 50, width: 100, height: 200 }, downsample: { factor: 10 } });
  });
});

describe('which field a bad mapping is about', () => {
  const sensor = { width: 346, height: 260 };

  it('a crop reaching outside the sensor is the crop', () => {
    expect(mappingProblem({ crop: { x: 300, y: 0, width: 100, height: 100 } }, sensor)).toEqual({ field: 'crop', message: 'the crop 300,0 100x100 reaches outside the 346x260 sensor' });
  });

  it('a target larger than the crop is the downsampling', () => {
    expect(mappingProblem({ crop: { x: 0, y: 0, width: 20, height: 20 }, downsample: { width: 34, height: 34 } }, sensor)?.field).toBe('downsample');
  });

  it('a window that ends before it starts is the window; a negative refractory period the refractory field', () => {
    expect(mappingProblem({ window: { fromUs: 500, toUs: 100 } }, sensor)?.field).toBe('window');
    expect(mappingProblem({ refractoryUs: -1 }, sensor)?.field).toBe('refractory');
  });

  it('a usable mapping has no problem', () => {
    expect(mappingProblem(fitMapping(sensor, [2, 34, 34]), sensor)).toBeNull();
  });
});
