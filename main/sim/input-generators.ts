// Built-in input streams for trying a model without an event file: a Poisson rate image
// (every pixel fires at a rate set by a fixed blob pattern) and a moving bar (a bar
// sweeping right, left, down or up; ON events at its leading edge, OFF at its trailing
// edge when the input has two channels). Seeded and deterministic; 1 ms time bins.

import { SpikeBatchBuilder, type SpikeBatch } from '../common/spike-batch.js';

export interface GeneratorOptions {
  /** [C, H, W] of the input. */
  shape: readonly [number, number, number];
  durationMs: number;
  /** Peak rate per pixel in Hz. */
  rateHz: number;
  seed: number;
  /** Core (or LAYER_DVS) the events are addressed to. */
  layer: number;
}

/** xorshift32: tiny, seedable, good enough for test stimuli. */
export function seededUniform(seed: number): () => number {
  let s = (seed ^ 0x9e3779b9) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** A bright ring with a filled centre: a digit-sized blob every input size shows. */
function blobIntensity(y: number, x: number, h: number, w: number): number {
  const dy = (y + 0.5) / h - 0.5;
  const dx = (x + 0.5) / w - 0.5;
  const r = Math.sqrt(dx * dx + dy * dy);
  const ring = Math.exp(-((r - 0.28) ** 2) / 0.004);
  const centre = Math.exp(-(r * r) / 0.01);
  return Math.min(1, ring + 0.6 * centre);
}

/**
 * 2^23 events: 120 MiB as a batch (15 bytes each), held for the whole run and written
 * again to the project's recording; half the raster limit for that reason. Counted as
 * the expected number (a Poisson count that large stays within a fraction of a percent).
 */
export const MAX_GENERATED_EVENTS = 2 ** 23;
/**
 * 2^27 draws (one per pixel and channel per 1 ms bin, or per bar position): a generator
 * runs on the calling thread (the web host's event loop) at roughly 10 ns a draw, so this
 * keeps it near a second whatever the rate; a rate near zero would otherwise still walk
 * every pixel of every millisecond.
 */
export const MAX_GENERATOR_STEPS = 2 ** 27;

/** A generator request larger than the limits above, refused before any event is made. */
export class GeneratorLimitError extends Error {
  override readonly name = 'GeneratorLimitError';
  readonly code = 'INPUT_TOO_LARGE';
}

export interface GeneratorLoad {
  /** Expected events (Poisson) or an upper bound of them (moving bar). */
  events: number;
  /** Random draws the generator makes: its running time. */
  steps: number;
}

function poissonProbabilities(o: GeneratorOptions): Float64Array {
  const [, h, w] = o.shape;
  const p = new Float64Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) p[y * w + x] = Math.min(1, o.rateHz * 1e-3 * blobIntensity(y, x, h, w));
  return p;
}

/** What a generator request would cost, from its settings alone (no event is made). */
export function generatorLoad(kind: 'poisson' | 'moving-bar', o: GeneratorOptions & { direction?: BarDirection }): GeneratorLoad {
  const [c, h, w] = o.shape;
  const bins = Math.ceil(o.durationMs);
  if (kind === 'poisson') {
    let perBin = 0;
    for (const pi of poissonProbabilities(o)) perBin += pi;
    return { events: bins * c * perBin, steps: bins * c * h * w };
  }
  const horizontal = o.direction === 'down' || o.direction === 'up';
  const across = horizontal ? w : h;
  // At most one leading and one trailing edge per bin, each across the bar's length.
  return { events: bins * 2 * across * Math.min(1, o.rateHz * 1e-3), steps: bins * across };
}

function checkLoad(kind: 'poisson' | 'moving-bar', o: GeneratorOptions & { direction?: BarDirection }): void {
  const load = generatorLoad(kind, o);
  const what = kind === 'poisson' ? 'the Poisson generator' : 'the moving-bar generator';
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const shape = o.shape.join('×');
  if (load.events > MAX_GENERATED_EVENTS) {
    const ms = Math.floor((MAX_GENERATED_EVENTS / load.events) * o.durationMs);
    throw new GeneratorLimitError(
      `${what} would make about ${n(load.events)} events for ${o.durationMs} ms at ${o.rateHz} Hz on a ${shape} input; the limit is ${n(MAX_GENERATED_EVENTS)} events (${Math.round((MAX_GENERATED_EVENTS * 15) / 2 ** 20)} MiB, held and recorded): use a lower rate or at most ${n(ms)} ms`,
    );
  }
  if (load.steps > MAX_GENERATOR_STEPS) {
    const ms = Math.floor((MAX_GENERATOR_STEPS / load.steps) * o.durationMs);
    throw new GeneratorLimitError(
      `${what} would take ${n(load.steps)} draws for ${o.durationMs} ms on a ${shape} input (every pixel every millisecond, whatever the rate); the limit is ${n(MAX_GENERATOR_STEPS)}: use at most ${n(ms)} ms, or an event file`,
    );
  }
}

export function poissonRateImage(o: GeneratorOptions): SpikeBatch {
  checkLoad('poisson', o);
  const [c, h, w] = o.shape;
  const rand = seededUniform(o.seed);
  const out = new SpikeBatchBuilder(1 << 14);
  const p = poissonProbabilities(o);
  for (let ms = 0; ms < o.durationMs; ms++) {
    const t = ms * 1000;
    for (let ch = 0; ch < c; ch++) {
      for (let i = 0; i < h * w; i++) {
        if (rand() < p[i]!) out.push(t, o.layer, ch, i % w, Math.floor(i / w));
      }
    }
  }
  return out.take();
}

/** Where a moving bar travels: a vertical bar sweeps right or left, a horizontal one down or up. */
export type BarDirection = 'right' | 'left' | 'down' | 'up';

export const BAR_DIRECTIONS: readonly BarDirection[] = ['right', 'left', 'down', 'up'];

export function movingBar(o: GeneratorOptions & { direction?: BarDirection }): SpikeBatch {
  checkLoad('moving-bar', o);
  const [c, h, w] = o.shape;
  const direction = o.direction ?? 'right';
  const horizontal = direction === 'down' || direction === 'up';
  // Along: the axis the bar travels; across: the axis the bar spans.
  const along = horizontal ? h : w;
  const across = horizontal ? w : h;
  const reversed = direction === 'left' || direction === 'up';
  const rand = seededUniform(o.seed);
  const out = new SpikeBatchBuilder(1 << 14);
  const barWidth = Math.max(1, Math.round(along / 8));
  const p = Math.min(1, o.rateHz * 1e-3);
  const emit = (t: number, channel: number, pos: number, k: number) => {
    const a = reversed ? along - 1 - pos : pos;
    if (horizontal) out.push(t, o.layer, channel, k, a);
    else out.push(t, o.layer, channel, a, k);
  };
  for (let ms = 0; ms < o.durationMs; ms++) {
    const t = ms * 1000;
    const lead = Math.floor((ms / Math.max(1, o.durationMs)) * (along + barWidth));
    const trail = lead - barWidth;
    for (let k = 0; k < across; k++) {
      if (lead >= 0 && lead < along && rand() < p) emit(t, 0, lead, k);
      if (trail >= 0 && trail < along && rand() < p) emit(t, c > 1 ? 1 : 0, trail, k);
    }
  }
  return out.take();
}
