// Reads a spike raster [T, C, H, W] from .npy bytes (any integer or float dtype) and
// checks it against the model's input shape: every value must be a non-negative whole
// number of events (the error names the first bad entry by its index), and all of them
// together at most MAX_RASTER_EVENTS, checked before any event is made.

import { readNpy } from '../formats/npy.js';
import type { Shape3 } from '../compiler/compile-types.js';
import type { Raster } from '../sim/raster-events.js';
import { InputFileError } from './model-files.js';

/** 2^24 spikes: 240 MiB once expanded to events (15 bytes each), minutes of a busy sensor. */
export const MAX_RASTER_EVENTS = 2 ** 24;

export function rasterFromNpy(bytes: Uint8Array, label: string, inputShape: Shape3): Raster {
  let array;
  try {
    array = readNpy(bytes);
  } catch (e) {
    throw new InputFileError(label, 'raster file', (e as Error).message);
  }
  if (array.kind !== 'numeric') throw new InputFileError(label, 'raster file', 'a structured array is an event list, not a raster [T, C, H, W]: pass it as events (dcnn run --events)');
  const shape = array.shape;
  if (shape.length !== 4) throw new InputFileError(label, 'raster file', `has shape [${shape.join(', ')}]; a raster [T, C, H, W] with 4 dimensions is expected`);
  const [T, C, H, W] = shape as [number, number, number, number];
  if (C !== inputShape[0] || H !== inputShape[1] || W !== inputShape[2]) {
    throw new InputFileError(label, 'raster file', `has [C, H, W] = [${C}, ${H}, ${W}] but the model's input shape is [${inputShape.join(', ')}]`);
  }
  const d = array.data;
  let total = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    total += v;
    if (!(v >= 0) || !Number.isInteger(v) || total > MAX_RASTER_EVENTS) {
      if (total > MAX_RASTER_EVENTS) {
        throw new InputFileError(
          label,
          'raster file',
          `holds more than ${MAX_RASTER_EVENTS.toLocaleString('en-US')} spikes (the limit, ${Math.round((MAX_RASTER_EVENTS * 15) / 2 ** 20)} MiB as events) by entry ${i.toLocaleString('en-US')} of ${d.length.toLocaleString('en-US')}; use fewer time bins or smaller counts`,
        );
      }
      const t = Math.floor(i / (C * H * W));
      const r = i % (C * H * W);
      const c = Math.floor(r / (H * W));
      const y = Math.floor((r % (H * W)) / W);
      const x = r % W;
      throw new InputFileError(label, 'raster file', `entry [${t}, ${c}, ${y}, ${x}] is ${v}; every entry must be a non-negative whole number of spikes`);
    }
  }
  return { shape: [T, C, H, W], data: d };
}
