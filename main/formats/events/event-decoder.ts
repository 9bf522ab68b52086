// The one push-decoder contract every camera-recording reader implements, and the
// bookkeeping they share (skipped packets by reason, backwards timestamps, sensor size).
// Feed chunks of any size, cut at any byte; each push returns the events it completed.
// Decoders hold at most one unfinished record or packet, so memory does not grow with
// the file. No I/O here.

import { FormatError, type FormatErrorDetails, type FormatName } from '../format-error.js';
import type { EventBlock } from './event-block.js';

export type CameraFormat = 'aedat4' | 'aedat3' | 'aedat2' | 'atis-bin' | 'prophesee-dat' | 'evt2' | 'evt3';

export const CAMERA_FORMAT_LABEL: Readonly<Record<CameraFormat, string>> = {
  aedat4: 'AEDAT 4.0 (iniVation DV)',
  aedat3: 'AEDAT 3.1 (jAER / DV)',
  aedat2: 'AEDAT 2.0 (jAER)',
  'atis-bin': 'ATIS 40-bit .bin (N-MNIST / N-Caltech101)',
  'prophesee-dat': 'Prophesee .dat (CD events)',
  evt2: 'Prophesee EVT 2.0 .raw',
  evt3: 'Prophesee EVT 3.0 .raw',
};

export interface SensorSize {
  width: number;
  height: number;
  /** Where the size came from, e.g. "file header" or "plugin_name hal_plugin_gen3_fx3". */
  source: string;
}

export interface DecodeReport {
  format: CameraFormat;
  /** Null when the format carries no size (ATIS .bin, .dat without Width/Height lines). */
  sensor: SensorSize | null;
  events: number;
  /** Things skipped, by reason ("IMU packets (AEDAT4 stream 2, IMUS)": 12). */
  skipped: Record<string, number>;
  /** Events whose timestamp is earlier than the one before (kept, in file order). */
  timestampsBackwards: number;
  /** Timestamp counter wraps handled (EVT time-high, 32-bit .dat/AEDAT2 counters). */
  timeWraps: number;
  /** Sentences for the user: notes on skips, wraps and suspicious content. */
  warnings: string[];
  /** Bytes consumed so far (progress). */
  bytes: number;
}

export interface EventDecoder {
  readonly format: CameraFormat;
  /** Decode `chunk` (after whatever was pending); returns the events completed by it. */
  push(chunk: Uint8Array): EventBlock;
  /** No more bytes: returns the last events, or throws TRUNCATED if a record is cut. */
  end(): EventBlock;
  report(): DecodeReport;
}

/** The counters and error helpers every decoder uses. */
export class DecodeState {
  sensor: SensorSize | null = null;
  events = 0;
  readonly skipped: Record<string, number> = {};
  backwards = 0;
  firstBackwardsAt = -1;
  timeWraps = 0;
  readonly notes: string[] = [];
  bytes = 0;
  lastT = -Infinity;

  constructor(
    readonly format: CameraFormat,
    private readonly errorFormat: FormatName,
  ) {}

  skip(reason: string, count = 1): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + count;
  }

  fail(code: FormatError['code'], message: string, details: FormatErrorDetails = {}): never {
    throw new FormatError(this.errorFormat, code, `${CAMERA_FORMAT_LABEL[this.format]}: ${message}`, details);
  }

  truncated(what: string, have: number, need: number): never {
    this.fail(
      'TRUNCATED',
      `the file ends inside ${what} (byte ${this.bytes - have}: ${have} of ${need} bytes present); the recording was cut off — re-copy it, or use the events before the cut`,
      { offset: this.bytes - have, have, need },
    );
  }

  report(): DecodeReport {
    const warnings = [...this.notes];
    if (this.backwards > 0) {
      warnings.push(
        `${this.backwards} event${this.backwards === 1 ? '' : 's'} had a timestamp earlier than the event before (the first at event ${this.firstBackwardsAt}); they were kept in file order`,
      );
    }
    for (const [reason, n] of Object.entries(this.skipped)) warnings.push(`skipped ${n} ${reason}`);
    return {
      format: this.format,
      sensor: this.sensor,
      events: this.events,
      skipped: { ...this.skipped },
      timestampsBackwards: this.backwards,
      timeWraps: this.timeWraps,
      warnings,
      bytes: this.bytes,
    };
  }
}

/**
 * Counts backwards steps in t[from..to) of a block, continuing from the last timestamp
 * of the previous block. Run once per push over the new events (cheap, and keeps the hot
 * decode loops free of bookkeeping).
 */
export function countBackwards(state: DecodeState, t: Float64Array, from: number, to: number): void {
  let last = state.lastT;
  let back = 0;
  for (let i = from; i < to; i++) {
    const v = t[i]!;
    if (v < last) {
      if (state.firstBackwardsAt < 0) state.firstBackwardsAt = state.events + (i - from);
      back++;
    }
    last = v;
  }
  state.backwards += back;
  if (to > from) state.lastT = last;
}
