// Two answers about an input mapping that the Run tab needs before anything runs: the
// mapping that fits a sensor onto a model's input (the default a user starts from), and,
// for a mapping that does not hold, which of its fields is wrong. It checks nothing
// itself: the stages' rules are mappedSize's (./input-mapping.ts), asked stage by stage.

import { InputMappingError, mappedSize, type InputMapping } from './input-mapping.js';

export type MappingField = 'window' | 'crop' | 'downsample' | 'polarity' | 'refractory' | 'sensor';

/**
 * The mapping that fits a `sensor` onto a [C, H, W] input: the largest centred region of
 * the input's aspect ratio (so nothing is stretched), shrunk by an integer factor where
 * one fits exactly, else to the target size; one channel merges the polarities. Empty
 * when the sensor already fits.
 */
export function fitMapping(sensor: { width: number; height: number }, shape: readonly [number, number, number]): InputMapping {
  const [channels, height, width] = shape;
  const m: InputMapping = {};
  if (channels < 2) m.polarity = 'merge';
  if (sensor.width <= width && sensor.height <= height) return m;
  // Compare aspect ratios in integers: sensor.w / sensor.h against width / height.
  let cw = sensor.width;
  let ch = sensor.height;
  if (sensor.width * height > width * sensor.height) cw = Math.min(sensor.width, Math.round((sensor.height * width) / height));
  else if (sensor.width * height < width * sensor.height) ch = Math.min(sensor.height, Math.round((sensor.width * height) / width));
  if (cw !== sensor.width || ch !== sensor.height) {
    m.crop = { x: Math.floor((sensor.width - cw) / 2), y: Math.floor((sensor.height - ch) / 2), width: cw, height: ch };
  }
  if (cw > width || ch > height) {
    const f = cw / width;
    if (Number.isInteger(f) && ch === f * height) m.downsample = { factor: f };
    else m.downsample = { width: Math.min(width, cw), height: Math.min(height, ch) };
  }
  return m;
}

/** The first field (in the order the stages apply) that makes the mapping unusable, with mappedSize's message; null when it holds. */
export function mappingProblem(mapping: InputMapping, sensor: { width: number; height: number } | null): { field: MappingField; message: string } | null {
  const stages: Array<[MappingField, InputMapping]> = [
    ['window', mapping.window ? { window: mapping.window } : {}],
    ['refractory', mapping.refractoryUs !== undefined ? { refractoryUs: mapping.refractoryUs } : {}],
    ['crop', mapping.crop ? { crop: mapping.crop } : {}],
    ['downsample', { ...(mapping.crop ? { crop: mapping.crop } : {}), ...(mapping.downsample ? { downsample: mapping.downsample } : {}) }],
  ];
  for (const [field, partial] of stages) {
    try {
      if (field === 'downsample' || field === 'crop' || Object.keys(partial).length > 0) mappedSize(partial, sensor);
    } catch (e) {
      if (!(e instanceof InputMappingError)) throw e;
      // Without a size nothing downstream can be known: that is the sensor's field.
      return { field: sensor === null && /sensor size|source size/.test(e.message) ? 'sensor' : field, message: e.message };
    }
  }
  return null;
}
