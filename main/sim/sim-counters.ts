// What the simulator counts: events in and out, neuron updates, and every dropped event
// with the reason it was dropped. Plain data plus a diff, so a caller can report one
// forward pass out of the engine's running totals.

export const DROP_REASONS = [
  /** Input Spike addressed to a core with coordinates outside its input map. */
  'input_out_of_range',
  /** Input Spike addressed to a core that holds no layer. */
  'unused_core',
  /** Input event with a layer id that is neither a core nor the DVS layer. */
  'invalid_layer',
  /** feature + feature_shift >= destination input channels (chip.md §8). */
  'feature_shift',
  /** Pooled coordinate outside the destination's input map (chip.md §8). */
  'pooled_out_of_range',
  /** Swallowed by a core's output decimator (chip.md §14). */
  'decimator',
  /** DVS input while pass_sensor_events is off. */
  'dvs_sensor_disabled',
  /** DVS input outside the 128x128 array. */
  'dvs_out_of_range',
  /** DVS polarity disabled (on_channel / off_channel) or not 0/1. */
  'dvs_polarity',
  /** DVS event outside the region of interest. */
  'dvs_roi',
  /** DVS output outside a destination core's input map. */
  'dvs_destination_out_of_range',
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

export const DROP = Object.fromEntries(DROP_REASONS.map((r, i) => [r, i])) as { readonly [K in DropReason]: number };

export interface CoreCounters {
  core: number;
  /** Events that entered the core (after all drop checks). */
  eventsIn: number;
  /** Spikes its neurons produced (before the decimator). */
  spikesOut: number;
  /** Events dropped on their way into this core, plus its decimator drops. */
  dropped: number;
  synapticOps: number;
}

export interface SimCounters {
  /** Input events consumed (any layer). */
  eventsIn: number;
  /** Monitored events emitted. */
  eventsOut: number;
  /** Neuron updates, all cores. */
  synapticOps: number;
  /** Slow-clock ticks processed. */
  ticks: number;
  perCore: CoreCounters[];
  dropped: Record<DropReason, number>;
}

/** b − a, field by field (b taken later than a). */
export function diffCounters(a: SimCounters, b: SimCounters): SimCounters {
  const dropped = {} as Record<DropReason, number>;
  for (const r of DROP_REASONS) dropped[r] = b.dropped[r] - a.dropped[r];
  return {
    eventsIn: b.eventsIn - a.eventsIn,
    eventsOut: b.eventsOut - a.eventsOut,
    synapticOps: b.synapticOps - a.synapticOps,
    ticks: b.ticks - a.ticks,
    perCore: b.perCore.map((c, i) => {
      const o = a.perCore[i]!;
      return {
        core: c.core,
        eventsIn: c.eventsIn - o.eventsIn,
        spikesOut: c.spikesOut - o.spikesOut,
        dropped: c.dropped - o.dropped,
        synapticOps: c.synapticOps - o.synapticOps,
      };
    }),
    dropped,
  };
}
