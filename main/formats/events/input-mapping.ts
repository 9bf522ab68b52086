// From a camera's events to what a model's input takes, as Tonic users do it: a time
// window, a crop (region of interest), spatial downsampling (an integer factor, or a
// target size), polarity to channel (two channels, merged into one, or one polarity
// only) and a refractory filter per output pixel. Applied block by block while the file
// streams, in that order; each stage counts what it dropped so the user sees why events
// went missing. No I/O. Mapping on the chip's DVS layer instead (`dvsLayer`) is decided by
// ./dvs-layer-fit.ts; this module then applies only what stays on the host.

import type { EventBlock } from './event-block.js';

export type PolarityMapping = 'two' | 'merge' | 'on' | 'off';

export interface InputMapping {
  /** Keep events with from <= t - t0 < to (µs after the recording's first event t0). */
  window?: { fromUs: number; toUs: number };
  /** Keep x in [x, x + width), y in [y, y + height); coordinates then start at 0. */
  crop?: { x: number; y: number; width: number; height: number };
  /** Integer factor (x' = floor(x / f)), or a target size (x' = floor(x * width / source width)). */
  downsample?: { factor: number } | { width: number; height: number };
  /** Default 'two': channel = polarity (OFF 0, ON 1). 'merge': one channel. 'on' / 'off': one channel of that polarity. */
  polarity?: PolarityMapping;
  /** Drop an event when the same output pixel and channel had a kept event less than this many µs before. */
  refractoryUs?: number;
  /**
   * Map on the chip's DVS pre-processing layer where the mapping fits it (./dvs-layer-fit.ts):
   * the raw sensor events go to the device and its DVS layer pools, cuts and selects
   * polarities. Where it does not fit, the mapping runs on the host and the run says why.
   */
  dvsLayer?: boolean;
}

export interface MappingCounts {
  seen: number;
  kept: number;
  outsideWindow: number;
  outsideCrop: number;
  otherPolarity: number;
  refractory: number;
}

export interface MappedSize {
  channels: number;
  width: number;
  height: number;
}

export class InputMappingError extends Error {
  override readonly name = 'InputMappingError';
  readonly code = 'BAD_INPUT_MAPPING';
}

function positiveInt(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new InputMappingError(`${what} must be a whole number of at least 1; got ${value}`);
  return value;
}

/** Checks a mapping against the sensor (null when the file gives no size); returns the mapped size. */
export function mappedSize(mapping: InputMapping, sensor: { width: number; height: number } | null): MappedSize {
  const m = mapping;
  if (m.window && !(Number.isFinite(m.window.fromUs) && Number.isFinite(m.window.toUs) && m.window.fromUs >= 0 && m.window.toUs > m.window.fromUs)) {
    throw new InputMappingError(`the time window must be FROM:TO µs with 0 <= FROM < TO; got ${m.window.fromUs}:${m.window.toUs}`);
  }
  if (m.refractoryUs !== undefined && !(Number.isFinite(m.refractoryUs) && m.refractoryUs >= 0)) {
    throw new InputMappingError(`the refractory period must be a number of µs >= 0; got ${m.refractoryUs}`);
  }
  let width = sensor?.width ?? null;
  let height = sensor?.height ?? null;
  if (m.crop) {
    const c = m.crop;
    if (!Number.isInteger(c.x) || !Number.isInteger(c.y) || c.x < 0 || c.y < 0) throw new InputMappingError(`the crop's corner must be whole numbers >= 0; got ${c.x},${c.y}`);
    positiveInt(c.width, 'the crop width');
    positiveInt(c.height, 'the crop height');
    if (sensor && (c.x + c.width > sensor.width || c.y + c.height > sensor.height)) {
      throw new InputMappingError(`the crop ${c.x},${c.y} ${c.width}x${c.height} reaches outside the ${sensor.width}x${sensor.height} sensor`);
    }
    width = c.width;
    height = c.height;
  }
  if (m.downsample) {
    if ('factor' in m.downsample) {
      const f = positiveInt(m.downsample.factor, 'the downsampling factor');
      if (width === null || height === null) {
        throw new InputMappingError('the recording gives no sensor size: give a crop (or the sensor size) so the downsampled size is known');
      }
      width = Math.ceil(width / f);
      height = Math.ceil(height / f);
    } else {
      const w = positiveInt(m.downsample.width, 'the target width');
      const h = positiveInt(m.downsample.height, 'the target height');
      if (width === null || height === null) {
        throw new InputMappingError('downsampling to a target size needs the source size: the recording gives none, so give a crop or the sensor size');
      }
      if (w > width || h > height) throw new InputMappingError(`the target size ${w}x${h} is larger than the source ${width}x${height}; downsampling only shrinks`);
      width = w;
      height = h;
    }
  }
  if (width === null || height === null) throw new InputMappingError('the recording gives no sensor size: give a crop or the sensor size');
  return { channels: (m.polarity ?? 'two') === 'two' ? 2 : 1, width, height };
}

/** The mapping as the CLI and the run's record write it (e.g. "crop 10,20 64x64, downsample 2, merge polarities"). */
export function describeMapping(m: InputMapping): string {
  const parts: string[] = [];
  if (m.window) parts.push(`window ${m.window.fromUs}..${m.window.toUs} µs`);
  if (m.crop) parts.push(`crop ${m.crop.x},${m.crop.y} ${m.crop.width}x${m.crop.height}`);
  if (m.downsample) parts.push('factor' in m.downsample ? `downsample ${m.downsample.factor}` : `downsample to ${m.downsample.width}x${m.downsample.height}`);
  if (m.polarity && m.polarity !== 'two') parts.push(m.polarity === 'merge' ? 'polarities merged' : `${m.polarity.toUpperCase()} events only`);
  if (m.refractoryUs) parts.push(`refractory ${m.refractoryUs} µs`);
  if (m.dvsLayer) parts.push("on the chip's DVS layer where it fits");
  return parts.length > 0 ? parts.join(', ') : 'none';
}

export class InputMapper {
  readonly size: MappedSize;
  private readonly counts: MappingCounts = { seen: 0, kept: 0, outsideWindow: 0, outsideCrop: 0, otherPolarity: 0, refractory: 0 };
  private t0: number | null = null;
  /** Last kept time per output channel and pixel (refractory filter only). */
  private readonly lastKept: Float64Array | null;
  private readonly sx: number;
  private readonly sy: number;

  constructor(
    private readonly mapping: InputMapping,
    sensor: { width: number; height: number } | null,
  ) {
    this.size = mappedSize(mapping, sensor);
    const srcW = mapping.crop?.width ?? sensor?.width ?? this.size.width;
    const srcH = mapping.crop?.height ?? sensor?.height ?? this.size.height;
    const d = mapping.downsample;
    // Scale from source to output pixels: 1/f for a factor, target/source for a size.
    this.sx = !d ? 1 : 'factor' in d ? 1 / d.factor : d.width / srcW;
    this.sy = !d ? 1 : 'factor' in d ? 1 / d.factor : d.height / srcH;
    this.lastKept = mapping.refractoryUs ? new Float64Array(this.size.channels * this.size.width * this.size.height).fill(-Infinity) : null;
  }

  map(b: EventBlock): EventBlock {
    const n = b.length;
    const t = new Float64Array(n);
    const x = new Uint16Array(n);
    const y = new Uint16Array(n);
    const p = new Uint8Array(n);
    const m = this.mapping;
    const c = this.counts;
    const crop = m.crop;
    const polarity = m.polarity ?? 'two';
    const { width, height } = this.size;
    const refractory = m.refractoryUs ?? 0;
    const last = this.lastKept;
    const factor = m.downsample && 'factor' in m.downsample ? m.downsample.factor : 0;
    let k = 0;
    for (let i = 0; i < n; i++) {
      const ti = b.t[i]!;
      if (this.t0 === null) this.t0 = ti;
      if (m.window) {
        const rel = ti - this.t0;
        if (rel < m.window.fromUs || rel >= m.window.toUs) {
          c.outsideWindow++;
          continue;
        }
      }
      let xi = b.x[i]!;
      let yi = b.y[i]!;
      if (crop) {
        if (xi < crop.x || yi < crop.y || xi >= crop.x + crop.width || yi >= crop.y + crop.height) {
          c.outsideCrop++;
          continue;
        }
        xi -= crop.x;
        yi -= crop.y;
      }
      // An integer factor divides exactly; a target size scales (floor keeps the edge pixel inside).
      if (factor > 0) {
        xi = Math.floor(xi / factor);
        yi = Math.floor(yi / factor);
      } else if (this.sx !== 1 || this.sy !== 1) {
        xi = Math.min(width - 1, Math.floor(xi * this.sx));
        yi = Math.min(height - 1, Math.floor(yi * this.sy));
      }
      if (xi >= width || yi >= height) {
        c.outsideCrop++;
        continue;
      }
      const pi = b.p[i]!;
      let ch: number;
      if (polarity === 'two') ch = pi;
      else if (polarity === 'merge') ch = 0;
      else if ((polarity === 'on') === (pi === 1)) ch = 0;
      else {
        c.otherPolarity++;
        continue;
      }
      if (last) {
        const at = (ch * height + yi) * width + xi;
        if (ti - last[at]! < refractory) {
          c.refractory++;
          continue;
        }
        last[at] = ti;
      }
      t[k] = ti;
      x[k] = xi;
      y[k] = yi;
      p[k] = ch;
      k++;
    }
    c.seen += n;
    c.kept += k;
    return { length: k, t: t.subarray(0, k), x: x.subarray(0, k), y: y.subarray(0, k), p: p.subarray(0, k) };
  }

  report(): MappingCounts {
    return { ...this.counts };
  }
}

/** A sentence on what the mapping dropped, or null when it dropped nothing. */
export function mappingNote(m: InputMapping, counts: MappingCounts): string | null {
  const dropped: string[] = [];
  if (counts.outsideWindow) dropped.push(`${counts.outsideWindow} outside the time window`);
  if (counts.outsideCrop) dropped.push(`${counts.outsideCrop} outside the crop`);
  if (counts.otherPolarity) dropped.push(`${counts.otherPolarity} of the other polarity`);
  if (counts.refractory) dropped.push(`${counts.refractory} inside the refractory period`);
  return dropped.length === 0 ? null : `input mapping (${describeMapping(m)}): ${counts.kept} of ${counts.seen} events kept; dropped ${dropped.join(', ')}`;
}
