// The shape of an input mapping and a sensor size as requests and stored evaluation
// settings carry them. Sizes and times beyond any sensor or recording are refused here;
// whether a crop fits the sensor is the input mapping's own check (it names the field).

import { z } from 'zod';

const int = z.number().int();
const pixels = int.min(0).max(65535);
const extent = int.min(1).max(65536);

export const sensorSizeSchema = z.object({ width: extent, height: extent }).strict();

export const inputMappingSchema = z
  .object({
    window: z.object({ fromUs: z.number().min(0).finite(), toUs: z.number().positive().finite() }).strict(),
    crop: z.object({ x: pixels, y: pixels, width: extent, height: extent }).strict(),
    downsample: z.union([z.object({ factor: extent }).strict(), z.object({ width: extent, height: extent }).strict()]),
    polarity: z.enum(['two', 'merge', 'on', 'off']),
    refractoryUs: z.number().min(0).max(3_600_000_000),
    dvsLayer: z.boolean(),
  })
  .partial()
  .strict();
