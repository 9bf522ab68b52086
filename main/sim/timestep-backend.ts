// The seam through which a faster implementation of the time-stepped mode's arithmetic
// (the native addon) plugs into TimestepEngine. The engine keeps every decision — chain
// order, routing, entry mapping, result layout — and hands the backend plain numbers;
// the backend only integrates, fires and pools. Nothing here loads or knows the addon.

import type { CorePlanBase } from './core-plan.js';

/** One core of the chain, with the engine's layouts (f stride = F). */
export interface TimestepLinkPlan extends CorePlanBase {
  readonly strideY: number;
  readonly padX: number;
  readonly padY: number;
  readonly leak: boolean;
  /** [c][ky][kx][f] */
  readonly weights: Int16Array;
  readonly biases: Int32Array;
  /** Initial membrane potentials [oy][ox][f]. */
  readonly state: Int16Array;
  /** Per enabled destination: to (chain position), pooling, featureShift, oc, oh, ow. */
  readonly routes: Int32Array;
  /** The exit output as a route with to = -1, or null. */
  readonly exit: Int32Array | null;
}

export interface TimestepPlan {
  readonly links: readonly TimestepLinkPlan[];
  /** Chain positions that receive the raster. */
  readonly entries: Int32Array;
}

export interface TimestepRawResult {
  /** Per link with an exit output (chain order): [T][oc][oh][ow]. */
  readonly exits: Float64Array[];
  /** Per link: [slot][t], slot = destination (or the exit output when it has none). */
  readonly totals: Float64Array[];
  readonly synapticOps: number;
}

export type RasterValues = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** A chain loaded into the backend; it owns the membrane potentials while it is in use. */
export interface TimestepRunnerHandle {
  /**
   * Runs T steps of `data` (T·step values) from the current state. `maps[e]` gives, for
   * entry e, the input index of each value of a step (-1: dropped), or null for the
   * identity. Returns null, changing nothing, when a value is not an integer (the engine
   * then runs the step in TypeScript).
   */
  run(data: RasterValues, T: number, step: number, maps: ReadonlyArray<Int32Array | null>): TimestepRawResult | null;
  reset(): void;
  restore(): void;
  /** Potentials of link `li`, [oy][ox][f]. */
  getState(li: number): Float64Array;
  setState(li: number, values: Float64Array): void;
}

export interface TimestepBackend {
  /** Shown to users ('native'). */
  readonly name: string;
  createTimestepRunner(plan: TimestepPlan): TimestepRunnerHandle;
}
