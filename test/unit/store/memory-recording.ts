// An in-memory ChunkSource for unit tests of readers, replay and comparison: events are
// cut into chunks of a chosen size and encoded with the real codec, no database.

import { batchFromEvents, sliceBatch, type SpikeEvent } from '../../../main/common/spike-batch.js';
import { encodeChunk } from '../../../main/store/chunk-codec.js';
import { RecordingReader, type ChunkInfo, type ChunkSource } from '../../../main/store/recording-reader.js';
import type { RecordingStream } from '../../../main/store/recording-writer.js';

/** `damagedChunk`: the bytes of this chunk are cut short (to test damage reports). */
export function memoryRecording(events: readonly SpikeEvent[], chunkEvents: number, stream: RecordingStream = 'output', damagedChunk = -1): RecordingReader {
  const all = batchFromEvents(events);
  const infos: ChunkInfo[] = [];
  const bytes: Uint8Array[] = [];
  for (let from = 0, seq = 0; from < all.length; from += chunkEvents, seq++) {
    const part = sliceBatch(all, from, from + chunkEvents);
    const encoded = encodeChunk(part, 'columns');
    infos.push({ seq, firstEvent: from, count: part.length, tFirst: part.t[0]!, tLast: part.t[part.length - 1]!, codec: encoded.codec, checksum: null });
    bytes.push(seq === damagedChunk ? encoded.bytes.subarray(0, 30) : encoded.bytes);
  }
  const source: ChunkSource = {
    totals: (recordingId) => ({
      recordingId,
      count: all.length,
      chunkCount: infos.length,
      byteCount: bytes.reduce((s, b) => s + b.byteLength, 0),
      firstT: all.length ? all.t[0]! : null,
      lastT: all.length ? all.t[all.length - 1]! : null,
    }),
    chunkInfo: (_id, seq) => infos[seq] ?? null,
    chunkAtTime: (_id, t) => infos.find((c) => c.tLast >= t) ?? null,
    chunkBytes: (_id, seq) => bytes[seq] ?? null,
  };
  return new RecordingReader(source, 1, stream, 1);
}

/** Event helper: t, layer, channel, x, y. */
export function ev(t: number, layer = 0, channel = 0, x = 0, y = 0): SpikeEvent {
  return { t, layer, channel, x, y };
}
