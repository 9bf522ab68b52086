// Reads one recorded event stream of a run: its totals (from one row, so opening a
// recording of any length is instant), seeking to a time (one index lookup plus a binary
// search inside one chunk), and reading a time range chunk by chunk so memory stays at
// one chunk. Holds no statement open between calls, so a recorder may write to the same
// connection while a reader replays.

import { sliceBatch, type SpikeBatch } from '../common/spike-batch.js';
import { chunkChecksum } from './chunk-checksum.js';
import { ChunkDecodeError, decodeChunk } from './chunk-codec.js';
import type { RecordingStream } from './recording-writer.js';

export interface ChunkInfo {
  seq: number;
  firstEvent: number;
  count: number;
  tFirst: number;
  tLast: number;
  codec: string;
  /** chunkChecksum of the stored bytes; null for chunks written before schema 6. */
  checksum: number | null;
}

export interface RecordingTotals {
  recordingId: number;
  count: number;
  chunkCount: number;
  byteCount: number;
  firstT: number | null;
  lastT: number | null;
}

/** The queries a reader needs; the project implements them with prepared statements. */
export interface ChunkSource {
  totals(recordingId: number): RecordingTotals;
  chunkInfo(recordingId: number, seq: number): ChunkInfo | null;
  /** First chunk whose last timestamp is >= t (ties: lowest seq). */
  chunkAtTime(recordingId: number, t: number): ChunkInfo | null;
  chunkBytes(recordingId: number, seq: number): Uint8Array | null;
}

/** A position in a recording: the first event at or after a time. */
export interface RecordingPosition {
  /** Index of the event in the whole recording (= count when past the end). */
  eventIndex: number;
  /** Chunk holding it (= chunkCount when past the end). */
  seq: number;
  /** Index inside that chunk. */
  offset: number;
  /** The event's timestamp, or null past the end. */
  t: number | null;
}

/** A stored chunk cannot be read back; carries where it is so a user can report it. */
export class RecordingDamagedError extends Error {
  readonly code = 'RECORDING_DAMAGED';
  constructor(
    readonly runId: number,
    readonly stream: RecordingStream,
    readonly seq: number,
    readonly detail: string,
    /** Timestamps (µs) the damaged chunk covers, from its index row. */
    readonly range: { tFirst: number; tLast: number; count: number } | null = null,
  ) {
    const where = range ? `; it holds the ${range.count} events from ${range.tFirst} to ${range.tLast} µs` : '';
    super(`run ${runId}, ${stream} recording: chunk ${seq} is damaged (${detail})${where}; the rest of the recording can still be read`);
    this.name = 'RecordingDamagedError';
  }
}

/** First index in t[0..n) with t[i] >= value (n when none). */
export function lowerBound(t: Float64Array, n: number, value: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in t[0..n) with t[i] > value (n when none). */
export function upperBound(t: Float64Array, n: number, value: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class RecordingReader {
  private totalsNow: RecordingTotals;
  private cached: { seq: number; batch: SpikeBatch } | null = null;

  constructor(
    private readonly source: ChunkSource,
    readonly runId: number,
    readonly stream: RecordingStream,
    recordingId: number,
  ) {
    this.totalsNow = source.totals(recordingId);
  }

  get recordingId(): number {
    return this.totalsNow.recordingId;
  }
  get count(): number {
    return this.totalsNow.count;
  }
  get chunkCount(): number {
    return this.totalsNow.chunkCount;
  }
  /** Stored bytes of all chunks (after compression). */
  get byteCount(): number {
    return this.totalsNow.byteCount;
  }
  get firstT(): number | null {
    return this.totalsNow.firstT;
  }
  get lastT(): number | null {
    return this.totalsNow.lastT;
  }

  /** Re-reads the totals (a recording still being written grows). */
  refresh(): void {
    this.totalsNow = this.source.totals(this.recordingId);
  }

  chunkInfo(seq: number): ChunkInfo | null {
    return this.source.chunkInfo(this.recordingId, seq);
  }

  /** The chunk that holds the first event at or after `t`, or null past the end. */
  chunkAt(t: number): ChunkInfo | null {
    return this.source.chunkAtTime(this.recordingId, t);
  }

  /**
   * Decoded events of one chunk. The last chunk read is kept for repeated access, so
   * batches from a reader are shared: read them, do not modify them.
   */
  loadChunk(seq: number): SpikeBatch {
    if (this.cached?.seq === seq) return this.cached.batch;
    const info = this.chunkInfo(seq);
    if (!info) throw new RangeError(`run ${this.runId}, ${this.stream} recording has no chunk ${seq} (it has ${this.chunkCount})`);
    return this.decode(info);
  }

  private decode(info: ChunkInfo): SpikeBatch {
    const seq = info.seq;
    if (this.cached?.seq === seq) return this.cached.batch;
    let batch: SpikeBatch;
    try {
      const bytes = this.source.chunkBytes(this.recordingId, seq);
      if (!bytes) throw new ChunkDecodeError(info.codec, 'its bytes are missing');
      if (info.checksum !== null) {
        const actual = chunkChecksum(bytes);
        if (actual !== info.checksum) {
          throw new ChunkDecodeError(info.codec, `checksum mismatch: stored 0x${info.checksum.toString(16).padStart(8, '0')}, bytes give 0x${actual.toString(16).padStart(8, '0')}`);
        }
      }
      batch = decodeChunk(info.codec, bytes, info.count);
    } catch (e) {
      const sqliteCorrupt = e instanceof Error && 'code' in e && String((e as { code: unknown }).code).startsWith('SQLITE_CORRUPT');
      if (e instanceof ChunkDecodeError || sqliteCorrupt) {
        throw new RecordingDamagedError(this.runId, this.stream, seq, (e as Error).message, { tFirst: info.tFirst, tLast: info.tLast, count: info.count });
      }
      throw e;
    }
    this.cached = { seq, batch };
    return batch;
  }

  /** Position of the first event with timestamp >= t. */
  seek(t: number): RecordingPosition {
    const info = this.chunkAt(t);
    if (!info) return { eventIndex: this.count, seq: this.chunkCount, offset: 0, t: null };
    const batch = this.loadChunk(info.seq);
    const offset = lowerBound(batch.t, batch.length, t);
    // The index promised an event >= t in this chunk; lowerBound finds it.
    return { eventIndex: info.firstEvent + offset, seq: info.seq, offset, t: batch.t[offset] ?? null };
  }

  /**
   * Events with fromT <= t < toT, one batch per chunk (whole chunks are handed over
   * without copying; edge chunks are sliced).
   */
  *read(fromT = -Infinity, toT = Infinity): Generator<SpikeBatch> {
    const start = Number.isFinite(fromT) ? this.seek(fromT) : { seq: 0, offset: 0 };
    const chunkCount = this.chunkCount;
    for (let seq = start.seq; seq < chunkCount; seq++) {
      const info = this.chunkInfo(seq);
      if (!info || info.tFirst >= toT) return;
      const batch = this.decode(info);
      const from = seq === start.seq ? start.offset : 0;
      const to = info.tLast < toT ? batch.length : lowerBound(batch.t, batch.length, toT);
      if (to > from) yield from === 0 && to === batch.length ? batch : sliceBatch(batch, from, to);
      if (to < batch.length) return;
    }
  }
}
