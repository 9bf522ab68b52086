// Conversions between spike rasters [T, C, H, W] and event batches, exactly as the
// reference's ChipFactory helpers do them (devices.md §6.1–6.4), plus a binning helper
// that turns one core's output events back into a raster on a fixed time grid (to put
// event-mode results next to time-stepped ones). No simulation here.

import { allocateBatch, type SpikeBatch } from '../common/spike-batch.js';

/** Row-major spike counts of shape [T, C, H, W]. */
export interface Raster {
  readonly shape: readonly [number, number, number, number];
  readonly data: ArrayLike<number>;
}

/** A raster this module produced (counts as float64 integers). */
export interface CountRaster extends Raster {
  readonly data: Float64Array;
}

export interface RasterToEventsOptions {
  /** Seconds per time step (default 1e-3). */
  dt?: number;
  /** One event per non-zero entry instead of `count` events (default false). */
  truncate?: boolean;
  /** Seconds added to every timestamp (default 0; must be >= 0). */
  delayFactor?: number;
}

function checkRaster(r: Raster): [number, number, number, number] {
  if (r.shape.length !== 4 || r.shape.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new RangeError(`a raster has shape [T, C, H, W] of non-negative integers, got [${r.shape.join(', ')}]`);
  }
  const [T, C, H, W] = r.shape;
  if (r.data.length !== T * C * H * W) throw new RangeError(`raster data has ${r.data.length} values for shape [${r.shape.join(', ')}]`);
  return [T, C, H, W];
}

/**
 * raster_to_events (devices.md §6.1). truncate=false: within each time step, entries are
 * taken by count from the highest down to 1; entries with exactly that count form a block
 * in row-major order, and the block is repeated count times (higher counts first).
 * Non-integer and negative values produce no events. truncate=true: one event per
 * non-zero entry, row-major. Timestamp = trunc(t·1e6·dt + delay_factor·1e6) µs.
 */
export function rasterToEvents(raster: Raster, layer: number, options: RasterToEventsOptions = {}): SpikeBatch {
  const dt = options.dt ?? 1e-3;
  const truncate = options.truncate ?? false;
  const delay = options.delayFactor ?? 0;
  if (!(delay >= 0)) throw new RangeError(`delay_factor must be >= 0 seconds, got ${delay}`);
  const [T, C, H, W] = checkRaster(raster);
  const d = raster.data;
  const step = C * H * W;
  let total = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (truncate) {
      if (v !== 0) total++;
    } else if (v >= 1 && Number.isInteger(v)) total += v;
  }
  const out = allocateBatch(total);
  let o = 0;
  const hw = H * W;
  const put = (ts: number, idx: number) => {
    const c = (idx / hw) | 0;
    const rem = idx - c * hw;
    const y = (rem / W) | 0;
    out.t[o] = ts;
    out.layer[o] = layer;
    out.channel[o] = c;
    out.y[o] = y;
    out.x[o] = rem - y * W;
    o++;
  };
  const idx: number[] = [];
  for (let t = 0; t < T; t++) {
    const ts = Math.trunc(t * 1e6 * dt + delay * 1e6);
    const base = t * step;
    if (truncate) {
      for (let i = 0; i < step; i++) if (d[base + i]! !== 0) put(ts, i);
      continue;
    }
    idx.length = 0;
    let max = 0;
    for (let i = 0; i < step; i++) {
      const v = d[base + i]!;
      if (v >= 1 && Number.isInteger(v)) {
        idx.push(i);
        if (v > max) max = v;
      }
    }
    if (idx.length === 0) continue;
    if (max === 1) {
      for (const i of idx) put(ts, i);
      continue;
    }
    // Stable sort by count descending keeps row-major order inside each count block.
    const byCount = idx.slice().sort((a, b) => d[base + b]! - d[base + a]! || a - b);
    let s = 0;
    while (s < byCount.length) {
      const v = d[base + byCount[s]!]!;
      let e = s;
      while (e < byCount.length && d[base + byCount[e]!] === v) e++;
      for (let rep = 0; rep < v; rep++) for (let k = s; k < e; k++) put(ts, byCount[k]!);
      s = e;
    }
  }
  return out;
}

export interface EventsToRasterOptions {
  /** Seconds per bin (default 1e-3). */
  dt?: number;
  /** (C, H, W); default (max channel + 1, max y + 1, max x + 1). */
  shape?: readonly [number, number, number];
}

/**
 * events_to_raster (devices.md §6.3): every event counts (layer ignored), time relative
 * to the smallest timestamp, T = int(max(t − t0) / dt_us) + 1. No events: an empty raster
 * [0, C, H, W] (C, H, W from `shape`, else 0) instead of the reference's crash.
 */
export function eventsToRaster(events: SpikeBatch, options: EventsToRasterOptions = {}): CountRaster {
  const dtUs = 1e6 * (options.dt ?? 1e-3);
  const n = events.length;
  if (n === 0) {
    const [C, H, W] = options.shape ?? [0, 0, 0];
    return { shape: [0, C, H, W], data: new Float64Array(0) };
  }
  let t0 = Infinity;
  let t1 = -Infinity;
  let mc = 0;
  let my = 0;
  let mx = 0;
  for (let i = 0; i < n; i++) {
    const t = events.t[i]!;
    if (t < t0) t0 = t;
    if (t > t1) t1 = t;
    mc = Math.max(mc, events.channel[i]!);
    my = Math.max(my, events.y[i]!);
    mx = Math.max(mx, events.x[i]!);
  }
  const [C, H, W] = options.shape ?? [mc + 1, my + 1, mx + 1];
  const T = Math.trunc((t1 - t0) / dtUs) + 1;
  const data = new Float64Array(T * C * H * W);
  for (let i = 0; i < n; i++) {
    const c = events.channel[i]!;
    const y = events.y[i]!;
    const x = events.x[i]!;
    if (c >= C || y >= H || x >= W) {
      throw new RangeError(`event ${i} (channel ${c}, y ${y}, x ${x}) lies outside the raster shape (${C}, ${H}, ${W})`);
    }
    const b = Math.trunc((events.t[i]! - t0) / dtUs);
    data[((b * C + c) * H + y) * W + x]!++;
  }
  return { shape: [T, C, H, W], data };
}

/** Structured xytp columns (t in µs). */
export interface XytpColumns {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  t: ArrayLike<number>;
  p: ArrayLike<number>;
}

/**
 * xytp_to_events (devices.md §6.2): one Spike per row, feature = p, order kept;
 * timestamp = trunc(t − t_min + delay·1e6) with resetTimestamps, else trunc(t + delay·1e6).
 */
export function xytpToEvents(xytp: XytpColumns, layer: number, resetTimestamps: boolean, delayFactor = 0): SpikeBatch {
  if (!(delayFactor >= 0)) throw new RangeError(`delay_factor must be >= 0 seconds, got ${delayFactor}`);
  const n = xytp.t.length;
  if (xytp.x.length !== n || xytp.y.length !== n || xytp.p.length !== n) throw new RangeError('xytp columns x, y, t, p must have the same length');
  let tMin = Infinity;
  for (let i = 0; i < n; i++) tMin = Math.min(tMin, xytp.t[i]!);
  if (n > 0 && tMin < 0) throw new RangeError(`timestamps must be >= 0, got ${tMin}`);
  const out = allocateBatch(n);
  for (let i = 0; i < n; i++) {
    out.t[i] = Math.trunc((resetTimestamps ? xytp.t[i]! - tMin : xytp.t[i]!) + delayFactor * 1e6);
    out.x[i] = xytp.x[i]!;
    out.y[i] = xytp.y[i]!;
    out.channel[i] = xytp.p[i]!;
    out.layer[i] = layer;
  }
  return out;
}

export interface XytcColumns {
  x: Uint16Array;
  y: Uint16Array;
  /** µs (the reference uses uint64; exact here up to 2^53). */
  t: Float64Array;
  channel: Uint16Array;
}

/** events_to_xytp (devices.md §6.4): the events of one layer, input order kept. */
export function eventsToXytc(events: SpikeBatch, layer: number): XytcColumns {
  let n = 0;
  for (let i = 0; i < events.length; i++) if (events.layer[i] === layer) n++;
  const out: XytcColumns = { x: new Uint16Array(n), y: new Uint16Array(n), t: new Float64Array(n), channel: new Uint16Array(n) };
  let o = 0;
  for (let i = 0; i < events.length; i++) {
    if (events.layer[i] !== layer) continue;
    out.x[o] = events.x[i]!;
    out.y[o] = events.y[i]!;
    out.t[o] = events.t[i]!;
    out.channel[o] = events.channel[i]!;
    o++;
  }
  return out;
}

export interface BinOptions {
  /** Only events of this layer (core id, or a LAYER_* constant). */
  layer: number;
  /** Bin width in µs. */
  dtUs: number;
  /** Number of bins; events at t >= bins·dtUs are ignored. */
  bins: number;
  /** (C, H, W) of the binned map; events outside are ignored. */
  shape: readonly [number, number, number];
  /** Time of bin 0's start (default 0: absolute, unlike eventsToRaster). */
  t0?: number;
}

/**
 * Bins one layer's events on a fixed grid: bin = floor((t − t0) / dtUs). Used to compare
 * event-mode outputs (which inherit input timestamps t·dt) with time-stepped outputs.
 * `events` may be a sequence of batches (streamed output).
 */
export function binEvents(events: SpikeBatch | readonly SpikeBatch[], options: BinOptions): CountRaster {
  const [C, H, W] = options.shape;
  const T = options.bins;
  const t0 = options.t0 ?? 0;
  const data = new Float64Array(T * C * H * W);
  for (const b of Array.isArray(events) ? (events as readonly SpikeBatch[]) : [events as SpikeBatch]) {
    for (let i = 0; i < b.length; i++) {
      if (b.layer[i] !== options.layer) continue;
      const bin = Math.floor((b.t[i]! - t0) / options.dtUs);
      const c = b.channel[i]!;
      const y = b.y[i]!;
      const x = b.x[i]!;
      if (bin < 0 || bin >= T || c >= C || y >= H || x >= W) continue;
      data[((bin * C + c) * H + y) * W + x]!++;
    }
  }
  return { shape: [T, C, H, W], data };
}
