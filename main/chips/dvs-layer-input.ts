// An input mapping carried out by the chip's DVS pre-processing layer (chip.md §12)
// instead of the host: the DVS layer fields it sets, and the chip configuration a run
// writes with them. Every family's configuration has a DVS layer (chip.md §1, §12;
// samna.md §3.2), so this applies to all of them. It does not decide whether a mapping
// fits the DVS layer (main/formats/events/dvs-layer-fit.ts does), nor touch the cores.

import type { ChipConfig, DvsLayerConfig } from './chip-config.js';

/** The DVS layer fields an on-chip input mapping sets (names as samna's DvsLayerConfig; mirror is left as compiled). */
export type DvsLayerFields = Pick<DvsLayerConfig, 'merge' | 'on_channel' | 'off_channel' | 'pooling' | 'origin' | 'cut'>;

/** What a run needs to map its input on the chip: the fields, and the sensor whose raw events are sent. */
export interface DvsLayerInput {
  fields: DvsLayerFields;
  sensor: { width: number; height: number };
}

/**
 * The configuration a run writes when its input is mapped on the DVS layer: the compiled
 * configuration with the DVS layer's fields set and its first destination the entry core.
 * The pixel array stays off (`pass_sensor_events` false, as sinabs writes it without
 * dvs_input): the host's events are the input, not a live sensor's. Monitoring is kept.
 */
export function withDvsLayerInput(config: ChipConfig, input: DvsLayerInput, entryCore: number): ChipConfig {
  const f = input.fields;
  return {
    ...config,
    dvs_layer: {
      ...config.dvs_layer,
      merge: f.merge,
      on_channel: f.on_channel,
      off_channel: f.off_channel,
      pooling: { ...f.pooling },
      origin: { ...f.origin },
      cut: { ...f.cut },
      mirror: { x: false, y: false },
      mirror_diagonal: false,
      pass_sensor_events: false,
      destinations: [
        { layer: entryCore, enable: true },
        { layer: 0, enable: false },
      ],
    },
  };
}

/** The DVS layer input a run stored with its deploy options (`deployOptions.dvsLayer`), or null. */
export function storedDvsLayer(deployOptions: unknown): DvsLayerInput | null {
  const d = (deployOptions as { dvsLayer?: Partial<DvsLayerInput> } | null | undefined)?.dvsLayer;
  if (!d || typeof d !== 'object' || !d.fields || !d.sensor) return null;
  return d as DvsLayerInput;
}
