// The chip configuration of a graph model: everything per core as for a chain
// (config-builder.ts), then the destinations as sinabs 3.1.3 writes them: slots filled in
// destination order skipping exits, each with its own pooling and feature_shift never
// written (so 0: merged sources all land on channels 0..C-1), monitor_enable exactly on
// the exit cores, the DVS layer's slots from its destinations. Checks nothing beyond the
// slot count, which slotOverflow reports before building.

import { defaultCnnLayer, defaultDvsLayer, type ChipConfig } from '../../chips/chip-config.js';
import type { ChipLayer, GraphSummary } from '../compile-types.js';
import type { CompileError } from '../diagnostics.js';
import { buildChipConfig, type ConfigInput } from '../config-builder.js';

/** Destination slots per core and for the DVS layer. */
export const DESTINATION_SLOTS = 2;

/** The first chip layer (or the DVS) with more non-exit destinations than slots, as a config-stage error. */
export function slotOverflow(layers: readonly ChipLayer[], summary: GraphSummary, numberBase: number): CompileError | null {
  for (const l of layers) {
    const targets = l.destinations.filter((d) => d >= 0);
    if (targets.length > DESTINATION_SLOTS) {
      const m = l.graph!.modules;
      return {
        stage: 'config',
        class: 'ValueError',
        code: 'TOO_MANY_DESTINATIONS',
        message: `Chip layer ${l.index + numberBase} (self.${m.conv} -> self.${m.neuron}) sends to ${targets.length} layers (${targets.map((t) => t + numberBase).join(', ')}), but a core has ${DESTINATION_SLOTS} destination slots.`,
        layer: l.index,
        hint: 'Chain the branches (one branch feeds a core that forwards), merge some before they split, or make a branch a network output (exits need no slot).',
      };
    }
  }
  if (summary.dvsDestinations.length > DESTINATION_SLOTS) {
    return {
      stage: 'config',
      class: 'ValueError',
      code: 'TOO_MANY_DESTINATIONS',
      message: `The DVS layer sends to ${summary.dvsDestinations.length} layers (${summary.dvsDestinations.map((t) => t + numberBase).join(', ')}), but it has ${DESTINATION_SLOTS} destination slots.`,
      hint: 'Feed at most two entry layers from the input; let one of them forward to the others.',
    };
  }
  return null;
}

export function buildGraphChipConfig(input: ConfigInput, summary: GraphSummary, exitLayers: readonly number[]): ChipConfig {
  const config = buildChipConfig(input);
  const { layers, ordering } = input;
  layers.forEach((layer, i) => {
    const cfg = config.cnn_layers[ordering[i]!]!;
    cfg.destinations = defaultCnnLayer().destinations;
    let slot = 0;
    for (const d of layer.graph!.destinations) {
      if (d.target === null) continue;
      cfg.destinations[slot as 0 | 1] = { layer: ordering[d.target]!, enable: true, pooling: d.pooling, feature_shift: 0 };
      slot++;
    }
  });
  for (const cfg of config.cnn_layers) cfg.monitor_enable = false;
  for (const l of exitLayers) config.cnn_layers[ordering[l]!]!.monitor_enable = true;
  for (const core of input.monitorCores) config.cnn_layers[core]!.monitor_enable = true;
  if (input.dvs) {
    config.dvs_layer.destinations = defaultDvsLayer().destinations;
    summary.dvsDestinations.forEach((t, slot) => (config.dvs_layer.destinations[slot as 0 | 1] = { layer: ordering[t]!, enable: true }));
  }
  return config;
}
