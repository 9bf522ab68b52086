// From decoded camera events to the product's event layout (SpikeBatch) for a model's
// entry: polarity -> channel, x and y as they are, layer = the entry core. Events outside
// the model's input shape are dropped and counted, timestamps are shifted so the
// recording starts at 0 µs (the simulator's clock starts there; AEDAT4 stores Unix
// time), and a recording whose time goes backwards is sorted (stable) with a warning.
// Cropping, downsampling and time windows are the input mapping's job, not this module's.

import { SpikeBatchBuilder, allocateBatch, type SpikeBatch } from '../../common/spike-batch.js';
import { formatShape } from '../tensor.js';
import type { EventBlock } from './event-block.js';
import { CAMERA_FORMAT_LABEL, type DecodeReport } from './event-decoder.js';

export interface CameraInputOptions {
  /** [C, H, W] of the model's input; without it only the 16-bit limits apply. */
  inputShape?: readonly [number, number, number];
  /** Layer (core or LAYER_*) the events are sent to. */
  layer: number;
  /**
   * Streamed reads: batches of `chunkEvents` go to `emit` as they fill, their timestamps
   * less `timeShift` (known from a first pass over the file). Nothing is kept, so
   * nothing is sorted: a recording whose time goes back says so (`sorted` false,
   * `backwards` true) and must be read whole.
   */
  stream?: { chunkEvents: number; timeShift: number; emit(batch: SpikeBatch): void };
}

export interface CameraInput {
  batch: SpikeBatch;
  dropped: { outOfRange: number };
  sorted: boolean;
  /** µs subtracted from every timestamp (the earliest timestamp kept). */
  timeShift: number;
  /** Timestamps went back somewhere in the recording. */
  backwards: boolean;
  warnings: string[];
}

export class CameraInputCollector {
  private readonly out = new SpikeBatchBuilder(1 << 16);
  private readonly c: number;
  private readonly h: number;
  private readonly w: number;
  private tMin = Infinity;
  private lastT = -Infinity;
  private backwards = false;
  private outOfRange = 0;
  private seen = 0;
  private maxX = 0;
  private maxY = 0;
  private maxP = 0;

  constructor(private readonly options: CameraInputOptions) {
    const s = options.inputShape;
    this.c = s ? s[0] : 65536;
    this.h = s ? s[1] : 65536;
    this.w = s ? s[2] : 65536;
  }

  add(b: EventBlock): void {
    const n = b.length;
    if (n === 0) return;
    const { c, h, w } = this;
    let tMin = this.tMin;
    const layer = this.options.layer;
    let last = this.lastT;
    for (let i = 0; i < n; i++) {
      const x = b.x[i]!;
      const y = b.y[i]!;
      const p = b.p[i]!;
      if (x > this.maxX) this.maxX = x;
      if (y > this.maxY) this.maxY = y;
      if (p > this.maxP) this.maxP = p;
      if (x >= w || y >= h || p >= c) {
        this.outOfRange++;
        continue;
      }
      const t = b.t[i]!;
      if (t < last) this.backwards = true;
      if (t < tMin) tMin = t;
      last = t;
      this.out.push(t, layer, p, x, y);
      if (this.options.stream && this.out.length >= this.options.stream.chunkEvents) this.flush();
    }
    this.tMin = tMin;
    this.lastT = last;
    this.seen += n;
  }

  private flush(): void {
    const stream = this.options.stream!;
    const batch = this.out.take();
    const shift = stream.timeShift;
    if (shift !== 0) for (let i = 0; i < batch.length; i++) batch.t[i] = batch.t[i]! - shift;
    if (batch.length > 0) stream.emit(batch);
  }

  finish(report: DecodeReport): CameraInput {
    const warnings = [...report.warnings];
    const streamed = this.options.stream !== undefined;
    if (streamed) this.flush();
    let batch = streamed ? allocateBatch(0) : this.out.take();
    const shape = this.options.inputShape;
    if (this.outOfRange > 0 && shape) {
      const sensor = report.sensor ? `${report.sensor.width}x${report.sensor.height}` : `at least ${this.maxX + 1}x${this.maxY + 1}`;
      warnings.push(
        `${this.outOfRange} of ${this.seen} events were outside the model's input ${formatShape(shape)} (channel = polarity, y, x) and were dropped: ` +
          `the ${CAMERA_FORMAT_LABEL[report.format]} recording is ${sensor} pixels with ${this.maxP + 1} polarit${this.maxP === 0 ? 'y' : 'ies'}. ` +
          `Crop or downsample the recording to ${shape[2]}x${shape[1]} pixels${shape[0] === 1 ? ' and merge the polarities into one channel' : ''}, or compile the model for the sensor's size.`,
      );
    }
    const sorted = this.backwards && !streamed;
    if (sorted) {
      batch = sortByTime(batch);
      warnings.push('the events were not in time order; they were sorted by timestamp (equal timestamps keep file order)');
    }
    // tMin is taken over the events kept only.
    const shift = this.tMin !== Infinity ? this.tMin : 0;
    if (shift !== 0) {
      const t = batch.t;
      for (let i = 0; i < batch.length; i++) t[i] = t[i]! - shift;
      warnings.push(`timestamps were shifted by -${shift} µs so the recording starts at 0 µs`);
    }
    return { batch, dropped: { outOfRange: this.outOfRange }, sorted, backwards: this.backwards, timeShift: shift, warnings };
  }
}

function sortByTime(b: SpikeBatch): SpikeBatch {
  const n = b.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const t = b.t;
  order.sort((a, c) => t[a]! - t[c]! || a - c);
  const out = allocateBatch(n);
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    out.t[i] = t[j]!;
    out.x[i] = b.x[j]!;
    out.y[i] = b.y[j]!;
    out.channel[i] = b.channel[j]!;
    out.layer[i] = b.layer[j]!;
  }
  return out;
}
