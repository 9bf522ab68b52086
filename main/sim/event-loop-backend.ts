// The seam through which a native implementation of the event engine's run loop plugs
// into EventEngine: the plan (cores, DVS table, options as typed arrays), the handle the
// engine drives in chunks of input events, and which configurations the loop declines
// (cores on routing cycles, leak ticks: those keep the TypeScript loop with its
// resumable kernels). Nothing here loads or knows the addon.

import type { ChipBehaviour } from './chip-behaviour.js';
import type { DvsRuntime } from './chip-loader.js';
import type { CorePlanBase } from './core-plan.js';
import type { CoreRuntime } from './core-runtime.js';
import { DVS_ARRAY_SIZE, mapDvsEvent } from './dvs-pipeline.js';
import { DROP } from './sim-counters.js';

export interface EventCorePlan extends CorePlanBase {
  /** f stride, a multiple of 8. */
  readonly Fs: number;
  readonly weightsPerInput: number;
  readonly monitor: boolean;
  readonly decimatorN: number;
  readonly weights: Int16Array;
  readonly weightKill: Uint8Array | null;
  readonly rowStart: Int32Array;
  readonly rowWeight: Int32Array;
  readonly rowState: Int32Array;
  readonly colStart: Int32Array;
  readonly colWeight: Int32Array;
  readonly colState: Int32Array;
  /** Per destination: core, poolShift, featureShift. */
  readonly destinations: Int32Array;
}

export interface EventLoopPlan {
  /** Index = core id; null = unused. */
  readonly cores: ReadonlyArray<EventCorePlan | null>;
  readonly dvs: {
    readonly acceptsInput: boolean;
    readonly monitor: boolean;
    readonly rawMonitor: boolean;
    /** [p][y][x] over 2x128x128: channel | x << 8 | y << 16, or -(DROP index + 1); empty when the sensor takes no input (never read then). */
    readonly table: Int32Array;
    readonly destinations: Int32Array;
  };
  readonly options: {
    readonly depthFirst: boolean;
    readonly wrap: boolean;
    readonly ticksFirst: boolean;
    readonly decimatorFirstOfN: boolean;
    readonly decimatorBeforeMonitor: boolean;
    /** 0: no slow clock. */
    readonly slowClockHz: number;
    readonly maxEventsPerInput: number;
    /** DROP indices of: input_out_of_range, unused_core, invalid_layer, feature_shift, pooled_out_of_range, decimator, dvs_sensor_disabled, dvs_out_of_range, dvs_polarity, dvs_destination_out_of_range. */
    readonly drops: Int32Array;
  };
}

/** Arrays the engine owns and the loop reads and writes in place. */
export interface EventLoopMemory {
  /** Per core: its state array (CoreRuntime.state), null for unused cores. */
  readonly states: ReadonlyArray<Int16Array | null>;
  readonly coreEventsIn: Float64Array;
  readonly coreSpikes: Float64Array;
  readonly coreDropped: Float64Array;
  readonly dropped: Float64Array;
  /** REGISTER_* values, then per core updates, then per core decimator counts. */
  readonly registers: Float64Array;
}

export const REGISTER = { eventsIn: 0, eventsOut: 1, ticks: 2, now: 3, nextTick: 4, nextTickT: 5, runawayLimit: 6, runawayT: 7, perCore: 8 } as const;

export const LOOP_OK = 0;
export const LOOP_RUNAWAY = 1;

export interface EventLoopHandle {
  attachMemory(memory: EventLoopMemory): void;
  /** A new input batch starts (breadth-first segments count from its first event). */
  begin(): void;
  /** Consumes events [from, to) of the batch; LOOP_OK or LOOP_RUNAWAY (registers hold limit and time). */
  run(t: Float64Array, layer: Uint8Array, channel: Uint16Array, x: Uint16Array, y: Uint16Array, from: number, to: number): number;
  /** End of the batch after `consumed` events: breadth-first drains its queue. */
  finish(consumed: number): number;
  /** Monitored events since the last call, packed as packBatch packs them; null: none. */
  takeOutput(): ArrayBuffer | null;
}

export interface EventLoopBackend {
  readonly name: string;
  /** The f stride cores should be laid out with (the loop's widest vector). */
  readonly laneWidth: number;
  /** A zeroed state array of `length` entries placed for the loop's vector loads (cache-line aligned). */
  allocateState(length: number): Int16Array;
  createEventRunner(plan: EventLoopPlan): EventLoopHandle;
}

/** Why the native loop cannot run this configuration, or null when it can. */
export function nativeLoopDeclines(cores: ReadonlyArray<CoreRuntime | null>, leakCores: readonly CoreRuntime[], slowClockHz: number | null): string | null {
  const cyclic = cores.filter((c) => c?.onCycle).map((c) => c!.core);
  if (cyclic.length > 0) return `cores ${cyclic.join(', ')} lie on a routing cycle (resumable updates are only in the TypeScript engine)`;
  if (leakCores.length > 0 && slowClockHz !== null) return `cores ${leakCores.map((c) => c.core).join(', ')} leak on slow-clock ticks (leak is only in the TypeScript engine)`;
  const narrow = cores.filter((c) => c !== null && c.Fs % 8 !== 0).map((c) => c!.core);
  // (EventEngine lays cores out for the backend's lanes, so this only guards hand-made cores.)
  if (narrow.length > 0) return `cores ${narrow.join(', ')} were not laid out for 8 lanes`;
  return null;
}

export function eventLoopPlan(
  cores: ReadonlyArray<CoreRuntime | null>,
  dvs: DvsRuntime,
  behaviour: ChipBehaviour,
  options: { depthFirst: boolean; slowClockHz: number | null; maxEventsPerInput: number },
): EventLoopPlan {
  // The loop reads the table only for events the sensor takes: without those it stays empty.
  const planes = dvs.acceptsInput ? 2 : 0;
  const table = new Int32Array(planes * DVS_ARRAY_SIZE * DVS_ARRAY_SIZE);
  const out = new Int32Array(3);
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < DVS_ARRAY_SIZE; y++) {
      for (let x = 0; x < DVS_ARRAY_SIZE; x++) {
        const reason = mapDvsEvent(dvs, p, x, y, out);
        table[(p * DVS_ARRAY_SIZE + y) * DVS_ARRAY_SIZE + x] = reason >= 0 ? -(reason + 1) : out[0]! | (out[1]! << 8) | (out[2]! << 16);
      }
    }
  }
  return {
    cores: cores.map((c) =>
      c === null
        ? null
        : {
            inC: c.inC,
            inH: c.inH,
            inW: c.inW,
            F: c.F,
            H: c.H,
            W: c.W,
            Fs: c.Fs,
            weightsPerInput: c.weightsPerInput,
            k: c.k,
            strideX: c.strideX,
            thrHigh: c.thrHigh,
            thrLow: c.thrLow,
            returnToZero: c.returnToZero,
            monitor: c.monitor,
            decimatorN: c.decimatorN,
            weights: c.weights,
            weightKill: c.weightKill,
            rowStart: c.rowStart,
            rowWeight: c.rowWeight,
            rowState: c.rowState,
            colStart: c.colStart,
            colWeight: c.colWeight,
            colState: c.colState,
            destinations: Int32Array.from(c.destinations.flatMap((d) => [d.core, d.poolShift, d.featureShift])),
          },
    ),
    dvs: { acceptsInput: dvs.acceptsInput, monitor: dvs.monitor, rawMonitor: dvs.rawMonitor, table, destinations: Int32Array.from(dvs.destinations) },
    options: {
      depthFirst: options.depthFirst,
      wrap: behaviour.stateOverflow === 'wrap',
      ticksFirst: behaviour.tickOrder === 'ticks-first',
      decimatorFirstOfN: behaviour.decimatorPass === 'first-of-n',
      decimatorBeforeMonitor: behaviour.decimatorBeforeMonitor,
      slowClockHz: options.slowClockHz ?? 0,
      maxEventsPerInput: options.maxEventsPerInput,
      drops: Int32Array.from([
        DROP.input_out_of_range,
        DROP.unused_core,
        DROP.invalid_layer,
        DROP.feature_shift,
        DROP.pooled_out_of_range,
        DROP.decimator,
        DROP.dvs_sensor_disabled,
        DROP.dvs_out_of_range,
        DROP.dvs_polarity,
        DROP.dvs_destination_out_of_range,
      ]),
    },
  };
}
