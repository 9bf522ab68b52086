// The chip configuration as plain JSON (for files, the project database, IPC and config
// patches) and back, with a schema that rejects anything malformed. Bulk arrays become
// flat number arrays in the same order as in memory (weights [out][in][x][y],
// neurons_initial_value [f][x][y]). Chip rules beyond types live in chip-config-rules.ts.

import { z } from 'zod';
import type { ChipConfig, CnnLayerConfig } from './chip-config.js';
import { CHIP_FAMILIES, type ChipFamilyId } from './families.js';

const int = z.number().int();
const xy = z.object({ x: int, y: int }).strict();
const shape = z.object({ size: xy, feature_count: int.min(0) }).strict();

const destination = z
  .object({ layer: int.min(0), enable: z.boolean(), pooling: int, feature_shift: int.min(0) })
  .strict();

const cnnLayer = z
  .object({
    dimensions: z
      .object({ input_shape: shape, output_shape: shape, padding: xy, stride: xy, kernel_size: int.min(1) })
      .strict(),
    weights: z.array(int.min(-128).max(127)),
    biases: z.array(int.min(-32768).max(32767)),
    neurons_initial_value: z.array(int.min(-32768).max(32767)),
    leak_enable: z.boolean(),
    return_to_zero: z.boolean(),
    threshold_high: int.min(-32768).max(32767),
    threshold_low: int.min(-32768).max(32767),
    monitor_enable: z.boolean(),
    destinations: z.tuple([destination, destination]),
    output_decimator_enable: z.boolean(),
    output_decimator_interval: int.min(0).max(7),
    weights_kill_bit: z.array(int.min(0).max(1)).optional(),
    biases_kill_bit: z.array(int.min(0).max(1)).optional(),
    neurons_value_kill_bit: z.array(int.min(0).max(1)).optional(),
  })
  .strict();

const dvsLayer = z
  .object({
    merge: z.boolean(),
    on_channel: z.boolean(),
    off_channel: z.boolean(),
    pooling: xy,
    origin: xy,
    cut: xy,
    mirror: z.object({ x: z.boolean(), y: z.boolean() }).strict(),
    mirror_diagonal: z.boolean(),
    pass_sensor_events: z.boolean(),
    destinations: z.tuple([
      z.object({ layer: int.min(0), enable: z.boolean() }).strict(),
      z.object({ layer: int.min(0), enable: z.boolean() }).strict(),
    ]),
    monitor_enable: z.boolean(),
    raw_monitor_enable: z.boolean(),
  })
  .strict();

export const chipConfigJsonSchema = z
  .object({
    family: z.enum(Object.keys(CHIP_FAMILIES) as [ChipFamilyId, ...ChipFamilyId[]]),
    cnn_layers: z.array(cnnLayer),
    dvs_layer: dvsLayer,
    readout: z.object({ enable: z.boolean(), monitor_enable: z.boolean() }).strict().optional(),
  })
  .strict();

export type ChipConfigJson = z.infer<typeof chipConfigJsonSchema>;
type CnnLayerJson = ChipConfigJson['cnn_layers'][number];

function layerToJson(l: CnnLayerConfig): CnnLayerJson {
  const out: CnnLayerJson = {
    dimensions: structuredClone(l.dimensions),
    weights: Array.from(l.weights),
    biases: Array.from(l.biases),
    neurons_initial_value: Array.from(l.neurons_initial_value),
    leak_enable: l.leak_enable,
    return_to_zero: l.return_to_zero,
    threshold_high: l.threshold_high,
    threshold_low: l.threshold_low,
    monitor_enable: l.monitor_enable,
    destinations: [{ ...l.destinations[0] }, { ...l.destinations[1] }],
    output_decimator_enable: l.output_decimator_enable,
    output_decimator_interval: l.output_decimator_interval,
  };
  if (l.weights_kill_bit) out.weights_kill_bit = Array.from(l.weights_kill_bit);
  if (l.biases_kill_bit) out.biases_kill_bit = Array.from(l.biases_kill_bit);
  if (l.neurons_value_kill_bit) out.neurons_value_kill_bit = Array.from(l.neurons_value_kill_bit);
  return out;
}

function layerFromJson(j: CnnLayerJson): CnnLayerConfig {
  const out: CnnLayerConfig = {
    dimensions: structuredClone(j.dimensions),
    weights: Int8Array.from(j.weights),
    biases: Int16Array.from(j.biases),
    neurons_initial_value: Int16Array.from(j.neurons_initial_value),
    leak_enable: j.leak_enable,
    return_to_zero: j.return_to_zero,
    threshold_high: j.threshold_high,
    threshold_low: j.threshold_low,
    monitor_enable: j.monitor_enable,
    destinations: [{ ...j.destinations[0] }, { ...j.destinations[1] }],
    output_decimator_enable: j.output_decimator_enable,
    output_decimator_interval: j.output_decimator_interval,
  };
  if (j.weights_kill_bit) out.weights_kill_bit = Uint8Array.from(j.weights_kill_bit);
  if (j.biases_kill_bit) out.biases_kill_bit = Uint8Array.from(j.biases_kill_bit);
  if (j.neurons_value_kill_bit) out.neurons_value_kill_bit = Uint8Array.from(j.neurons_value_kill_bit);
  return out;
}

export function chipConfigToJson(config: ChipConfig): ChipConfigJson {
  const out: ChipConfigJson = {
    family: config.family,
    cnn_layers: config.cnn_layers.map(layerToJson),
    dvs_layer: structuredClone(config.dvs_layer),
  };
  if (config.readout) out.readout = { ...config.readout };
  return out;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: string[] };

/** Validates the JSON form (types and ranges) and builds the in-memory configuration. */
export function chipConfigFromJson(json: unknown): ParseResult<ChipConfig> {
  const parsed = chipConfigJsonSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`) };
  }
  const j = parsed.data;
  const config: ChipConfig = {
    family: j.family,
    cnn_layers: j.cnn_layers.map(layerFromJson),
    dvs_layer: structuredClone(j.dvs_layer),
  };
  if (j.readout) config.readout = { ...j.readout };
  return { ok: true, value: config };
}
