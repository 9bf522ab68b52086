// Compares two recorded event streams (normally the outputs of a run and of its re-run):
// event counts per layer and per channel of each layer, and the first event where the
// two streams differ, in stream order. Reads both recordings chunk by chunk in one pass,
// so memory stays at one chunk per stream plus the count tables.

import type { SpikeBatch, SpikeEvent } from '../common/spike-batch.js';
import type { Project } from './project.js';
import type { RecordingStream } from './recording-writer.js';

export interface LayerCounts {
  layer: number;
  a: number;
  b: number;
}

export interface ChannelCounts {
  layer: number;
  channel: number;
  a: number;
  b: number;
}

export interface FirstDivergence {
  /** Index of the first differing event in both streams. */
  index: number;
  /** A's event there, or null when A ended first. */
  a: SpikeEvent | null;
  b: SpikeEvent | null;
}

/** Events per layer in equal time bins, for a plot of A against B over time. */
export interface ComparisonTimeline {
  fromUs: number;
  binUs: number;
  bins: number;
  perLayer: Array<{ layer: number; a: number[]; b: number[] }>;
}

export interface RecordingComparison {
  eventsA: number;
  eventsB: number;
  /** Present when asked for (compareRecordings' `timeline` argument). */
  timeline?: ComparisonTimeline;
  /** Layers with any event in either stream, ascending. */
  perLayer: LayerCounts[];
  /** (layer, channel) pairs with any event in either stream, ascending. */
  perChannel: ChannelCounts[];
  /** null when the streams are identical event for event. */
  firstDivergence: FirstDivergence | null;
}

export interface RunComparison extends RecordingComparison {
  runA: number;
  runB: number;
  stream: RecordingStream;
}

/** What a comparison reads: a recording, or a view of one (e.g. only the cores both runs monitored). */
export interface BatchSource {
  read(): Iterator<SpikeBatch>;
}

const CHANNELS = 65536;

/** Per-layer channel counts (and, with a timeline, per-layer counts per time bin); a layer's table exists once it has an event. */
class CountTable {
  readonly byLayer = new Map<number, Float64Array>();
  readonly binsByLayer = new Map<number, Float64Array>();
  total = 0;

  constructor(private readonly timeline: { fromUs: number; binUs: number; bins: number } | null) {}

  add(batch: SpikeBatch): void {
    const { layer, channel, length } = batch;
    const tl = this.timeline;
    let current = -1;
    let table: Float64Array | undefined;
    let bins: Float64Array | undefined;
    for (let i = 0; i < length; i++) {
      const l = layer[i]!;
      if (l !== current) {
        current = l;
        table = this.tableOf(this.byLayer, l, CHANNELS);
        if (tl) bins = this.tableOf(this.binsByLayer, l, tl.bins);
      }
      table![channel[i]!]!++;
      if (tl) bins![Math.min(tl.bins - 1, Math.max(0, Math.floor((batch.t[i]! - tl.fromUs) / tl.binUs)))]!++;
    }
    this.total += length;
  }

  private tableOf(tables: Map<number, Float64Array>, layer: number, size: number): Float64Array {
    let t = tables.get(layer);
    if (!t) {
      t = new Float64Array(size);
      tables.set(layer, t);
    }
    return t;
  }
}

/** Walks a recording batch by batch, counting every batch as it is fetched. */
class Cursor {
  private readonly batches: Iterator<SpikeBatch>;
  batch: SpikeBatch | null = null;
  offset = 0;
  /** Stream index of `batch[offset]`. */
  index = 0;

  constructor(
    reader: BatchSource,
    private readonly counts: CountTable,
  ) {
    this.batches = reader.read();
    this.fetch();
  }

  get remaining(): number {
    return this.batch ? this.batch.length - this.offset : 0;
  }

  advance(n: number): void {
    this.offset += n;
    this.index += n;
    if (this.batch && this.offset >= this.batch.length) this.fetch();
  }

  event(): SpikeEvent | null {
    const b = this.batch;
    if (!b) return null;
    const i = this.offset;
    return { t: b.t[i]!, layer: b.layer[i]!, channel: b.channel[i]!, x: b.x[i]!, y: b.y[i]! };
  }

  drain(): void {
    while (this.batch) this.fetch();
  }

  private fetch(): void {
    for (;;) {
      const next = this.batches.next();
      if (next.done) {
        this.batch = null;
        return;
      }
      if (next.value.length === 0) continue;
      this.batch = next.value;
      this.offset = 0;
      this.counts.add(next.value);
      return;
    }
  }
}

/** Length of the common prefix of a[ao..ao+n) and b[bo..bo+n). */
function matchingPrefix(a: SpikeBatch, ao: number, b: SpikeBatch, bo: number, n: number): number {
  for (let i = 0; i < n; i++) {
    const ia = ao + i;
    const ib = bo + i;
    if (a.t[ia] !== b.t[ib] || a.layer[ia] !== b.layer[ib] || a.channel[ia] !== b.channel[ib] || a.x[ia] !== b.x[ib] || a.y[ia] !== b.y[ib]) {
      return i;
    }
  }
  return n;
}

/**
 * `timeline`: also count each layer's events in `bins` equal bins over [fromUs, toUs]
 * (events outside go to the first or last bin).
 */
export function compareRecordings(a: BatchSource, b: BatchSource, timeline?: { fromUs: number; toUs: number; bins: number }): RecordingComparison {
  const tl = timeline ? { fromUs: timeline.fromUs, bins: timeline.bins, binUs: Math.max(1, (timeline.toUs - timeline.fromUs) / timeline.bins) } : null;
  const countsA = new CountTable(tl);
  const countsB = new CountTable(tl);
  const ca = new Cursor(a, countsA);
  const cb = new Cursor(b, countsB);
  let firstDivergence: FirstDivergence | null = null;
  while (ca.batch && cb.batch) {
    const n = Math.min(ca.remaining, cb.remaining);
    const same = matchingPrefix(ca.batch, ca.offset, cb.batch, cb.offset, n);
    if (same < n) {
      ca.advance(same);
      cb.advance(same);
      firstDivergence = { index: ca.index, a: ca.event(), b: cb.event() };
      break;
    }
    ca.advance(n);
    cb.advance(n);
  }
  if (!firstDivergence && (ca.batch || cb.batch)) {
    // One stream is a prefix of the other: they diverge where the shorter one ends.
    firstDivergence = { index: ca.batch ? ca.index : cb.index, a: ca.event(), b: cb.event() };
  }
  ca.drain();
  cb.drain();

  const layers = [...new Set([...countsA.byLayer.keys(), ...countsB.byLayer.keys()])].sort((x, y) => x - y);
  const perLayer: LayerCounts[] = [];
  const perChannel: ChannelCounts[] = [];
  for (const layer of layers) {
    const ta = countsA.byLayer.get(layer);
    const tb = countsB.byLayer.get(layer);
    let sumA = 0;
    let sumB = 0;
    for (let channel = 0; channel < CHANNELS; channel++) {
      const na = ta?.[channel] ?? 0;
      const nb = tb?.[channel] ?? 0;
      if (na === 0 && nb === 0) continue;
      sumA += na;
      sumB += nb;
      perChannel.push({ layer, channel, a: na, b: nb });
    }
    perLayer.push({ layer, a: sumA, b: sumB });
  }
  const result: RecordingComparison = { eventsA: countsA.total, eventsB: countsB.total, perLayer, perChannel, firstDivergence };
  if (tl) {
    const none = new Array<number>(tl.bins).fill(0);
    result.timeline = {
      ...tl,
      perLayer: layers.map((layer) => ({ layer, a: Array.from(countsA.binsByLayer.get(layer) ?? none), b: Array.from(countsB.binsByLayer.get(layer) ?? none) })),
    };
  }
  return result;
}

/** Compares the same stream (output by default) of two runs of a project. */
export function compareRuns(project: Project, runA: number, runB: number, stream: RecordingStream = 'output'): RunComparison {
  const result = compareRecordings(project.openRecording(runA, stream), project.openRecording(runB, stream));
  return { runA, runB, stream, ...result };
}
