// The input mapping's preview: a camera recording's events counted per pixel twice, as the
// sensor saw them and as the mapping hands them to the model, in one pass over the file.
// Memory is two bounded count images whatever the recording's length (a sensor larger
// than the image budget is binned). The events the run will get are counted the same way
// the run's reader counts them: mapped, then dropped when outside the model's input.
// No I/O: the caller feeds the file's bytes.

import { createCameraDecoder } from './camera-formats.js';
import type { EventBlock } from './event-block.js';
import type { CameraFormat, DecodeReport } from './event-decoder.js';
import { InputMapper, mappingNote, type InputMapping, type MappingCounts } from './input-mapping.js';
import { fitMapping, mappingProblem, type MappingField } from './mapping-fit.js';
import type { PacketCodecs } from './packet-compression.js';

/** Images are binned until they hold at most this many pixels (a 346x260 sensor is shown at half size). */
export const PREVIEW_MAX_PIXELS = 256 * 256;

export interface CountImage {
  width: number;
  height: number;
  /** Source pixels per image pixel along each axis. */
  binning: number;
  /** height x width, saturating at 65535. */
  counts: Uint16Array;
  maxCount: number;
  /** Events counted into the image. */
  events: number;
}

export interface MappingPreview {
  format: CameraFormat;
  report: DecodeReport;
  /** The pixels the events cover (largest x and y, plus one). */
  extent: { width: number; height: number };
  /** The size mapped against: the caller's, else the file's, else the extent. */
  sensor: { width: number; height: number };
  firstUs: number | null;
  lastUs: number | null;
  suggested: InputMapping;
  mapping: InputMapping;
  problem: { field: MappingField; message: string } | null;
  raw: CountImage;
  /** Null when the mapping has a problem. */
  mapped: CountImage | null;
  counts: MappingCounts | null;
  /** Mapped events outside the model's input (a channel, row or column it does not have). */
  outsideInput: number;
  notes: string[];
}

/** Feeds consecutive chunks of the file to `push`; called once or twice (a file without a sensor size is first scanned for its extent). */
export type PreviewFeed = (push: (chunk: Uint8Array) => void) => void;

class CountGrid {
  readonly binning: number;
  readonly width: number;
  readonly height: number;
  private readonly counts: Uint16Array;
  events = 0;

  constructor(
    readonly sourceWidth: number,
    readonly sourceHeight: number,
  ) {
    let b = 1;
    while (Math.ceil(sourceWidth / b) * Math.ceil(sourceHeight / b) > PREVIEW_MAX_PIXELS) b++;
    this.binning = b;
    this.width = Math.ceil(sourceWidth / b);
    this.height = Math.ceil(sourceHeight / b);
    this.counts = new Uint16Array(this.width * this.height);
  }

  /** Counts the event at (x, y) when it lies inside the source; false when outside. */
  add(x: number, y: number): boolean {
    if (x >= this.sourceWidth || y >= this.sourceHeight) return false;
    const b = this.binning;
    const k = Math.floor(y / b) * this.width + Math.floor(x / b);
    if (this.counts[k]! < 65535) this.counts[k]!++;
    this.events++;
    return true;
  }

  image(): CountImage {
    let maxCount = 0;
    for (let k = 0; k < this.counts.length; k++) if (this.counts[k]! > maxCount) maxCount = this.counts[k]!;
    return { width: this.width, height: this.height, binning: this.binning, counts: this.counts, maxCount, events: this.events };
  }
}

function scanExtent(format: CameraFormat, feed: PreviewFeed): { width: number; height: number } {
  const decoder = createCameraDecoder(format);
  let w = 0;
  let h = 0;
  const scan = (b: EventBlock) => {
    for (let i = 0; i < b.length; i++) {
      if (b.x[i]! >= w) w = b.x[i]! + 1;
      if (b.y[i]! >= h) h = b.y[i]! + 1;
    }
  };
  feed((chunk) => scan(decoder.push(chunk)));
  scan(decoder.end());
  return { width: Math.max(1, w), height: Math.max(1, h) };
}

/**
 * The raw and mapped event-count images of a camera recording for a model input of
 * `inputShape` [C, H, W]. `mapping` absent: the mapping that fits the sensor onto the
 * input (`suggested`) is previewed. A mapping with a problem gets the raw image only.
 */
export function previewCameraMapping(
  format: CameraFormat,
  feed: PreviewFeed,
  options: { inputShape: readonly [number, number, number]; mapping?: InputMapping; sensor?: { width: number; height: number } },
  codecs: PacketCodecs = {},
): MappingPreview {
  const [channels, height, width] = options.inputShape;
  const decoder = createCameraDecoder(format, codecs);
  // The header comes with the first chunk; the grids wait for it.
  const st: { raw: CountGrid | null; mapped: CountGrid | null; mapper: InputMapper | null; sensor: { width: number; height: number } | null; decided: boolean } = {
    raw: null,
    mapped: null,
    mapper: null,
    sensor: null,
    decided: false,
  };
  let suggested: InputMapping = {};
  let mapping: InputMapping = {};
  let problem: MappingPreview['problem'] = null;
  let firstUs: number | null = null;
  let lastUs: number | null = null;
  let extentW = 0;
  let extentH = 0;
  let outsideInput = 0;
  let known: { width: number; height: number } | null = options.sensor ?? null;

  const decide = () => {
    st.decided = true;
    const fileSensor = decoder.report().sensor;
    known ??= fileSensor ? { width: fileSensor.width, height: fileSensor.height } : scanExtent(format, feed);
    st.sensor = known;
    suggested = fitMapping(known, options.inputShape);
    mapping = options.mapping ?? suggested;
    problem = mappingProblem(mapping, known);
    st.raw = new CountGrid(known.width, known.height);
    if (!problem) {
      st.mapper = new InputMapper(mapping, known);
      st.mapped = new CountGrid(width, height);
    }
  };

  const add = (b: EventBlock) => {
    if (b.length === 0) return;
    if (!st.decided) decide();
    const raw = st.raw!;
    for (let i = 0; i < b.length; i++) {
      const x = b.x[i]!;
      const y = b.y[i]!;
      if (x >= extentW) extentW = x + 1;
      if (y >= extentH) extentH = y + 1;
      raw.add(x, y);
    }
    if (firstUs === null) firstUs = b.t[0]!;
    lastUs = b.t[b.length - 1]!;
    if (st.mapper && st.mapped) {
      const m = st.mapper.map(b);
      for (let i = 0; i < m.length; i++) {
        if (m.p[i]! >= channels || !st.mapped.add(m.x[i]!, m.y[i]!)) outsideInput++;
      }
    }
  };

  feed((chunk) => add(decoder.push(chunk)));
  add(decoder.end());
  if (!st.decided) decide();
  const report = decoder.report();
  const counts = st.mapper ? st.mapper.report() : null;
  const notes: string[] = [];
  const note = counts ? mappingNote(mapping, counts) : null;
  if (note) notes.push(note);
  if (outsideInput > 0) {
    notes.push(`${outsideInput} mapped events fall outside the model's input ${channels}x${height}x${width} and are dropped: crop or downsample to ${width}x${height}${channels === 1 ? ' and merge the polarities' : ''}`);
  }
  return {
    format,
    report,
    extent: { width: Math.max(1, extentW), height: Math.max(1, extentH) },
    sensor: st.sensor!,
    firstUs,
    lastUs,
    suggested,
    mapping,
    problem,
    raw: st.raw!.image(),
    mapped: st.mapped ? st.mapped.image() : null,
    counts,
    outsideInput,
    notes,
  };
}
