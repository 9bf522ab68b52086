// Fuzz of the chunk read path with checksums: seeded random byte flips, overwrites and
// truncations of one stored chunk (500 cases). Every mutated chunk must be reported as
// RecordingDamagedError naming the chunk (never decoded into events, never another error),
// and the unmutated neighbour must still read exactly.

import { describe, expect, it } from 'vitest';
import { batchFromEvents, sliceBatch } from '../../../main/common/spike-batch.js';
import { chunkChecksum } from '../../../main/store/chunk-checksum.js';
import { encodeChunk } from '../../../main/store/chunk-codec.js';
import { RecordingDamagedError, RecordingReader, type ChunkInfo, type ChunkSource } from '../../../main/store/recording-reader.js';
import { ev } from './memory-recording.js';

/** mulberry32: a small seeded generator so every run mutates the same way. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CASES = 500;

describe('chunk checksum fuzz', () => {
  it(`${CASES} mutated chunks are all reported as damaged`, () => {
    const events = Array.from({ length: 400 }, (_, i) => ev(100 + 3 * i, i % 2, i % 7, i % 32, (5 * i) % 32));
    const all = batchFromEvents(events);
    const parts = [sliceBatch(all, 0, 200), sliceBatch(all, 200, 400)];
    const encoded = parts.map((p) => encodeChunk(p, 'columns').bytes);
    const infos: ChunkInfo[] = parts.map((p, seq) => ({ seq, firstEvent: seq * 200, count: 200, tFirst: p.t[0]!, tLast: p.t[199]!, codec: 'columns', checksum: chunkChecksum(encoded[seq]!) }));
    const next = rng(20261202);
    let detected = 0;
    for (let c = 0; c < CASES; c++) {
      const bytes = Uint8Array.from(encoded[1]!);
      let mutated: Uint8Array = bytes;
      const kind = c % 3;
      if (kind === 0) {
        const flips = 1 + Math.floor(next() * 8);
        for (let k = 0; k < flips; k++) bytes[Math.floor(next() * bytes.length)]! ^= 1 << Math.floor(next() * 8);
      } else if (kind === 1) {
        const at = Math.floor(next() * bytes.length);
        const value = Math.floor(next() * 256);
        bytes[at] = bytes[at] === value ? value ^ 0xff : value;
      } else {
        mutated = bytes.subarray(0, Math.floor(next() * bytes.length));
      }
      const source: ChunkSource = {
        totals: (recordingId) => ({ recordingId, count: 400, chunkCount: 2, byteCount: 0, firstT: 100, lastT: 100 + 3 * 399 }),
        chunkInfo: (_id, seq) => infos[seq] ?? null,
        chunkAtTime: (_id, t) => infos.find((i) => i.tLast >= t) ?? null,
        chunkBytes: (_id, seq) => (seq === 1 ? mutated : encoded[0]!),
      };
      const reader = new RecordingReader(source, 7, 'output', 1);
      expect(reader.loadChunk(0).length).toBe(200);
      try {
        reader.loadChunk(1);
      } catch (e) {
        expect(e).toBeInstanceOf(RecordingDamagedError);
        expect((e as RecordingDamagedError).seq).toBe(1);
        detected++;
      }
    }
    expect(detected).toBe(CASES);
  });
});
