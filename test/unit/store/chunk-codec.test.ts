import { describe, expect, it } from 'vitest';
import { allocateBatch, batchFromEvents, eventsOfBatch, packBatch, type SpikeEvent } from '../../../main/common/spike-batch.js';
import { ChunkDecodeError, decodeChunk, encodeChunk, type ChunkCodec } from '../../../main/store/chunk-codec.js';
import { ev } from './memory-recording.js';

function roundTrip(events: SpikeEvent[], codec: ChunkCodec): { events: SpikeEvent[]; bytes: number } {
  const encoded = encodeChunk(batchFromEvents(events), codec);
  expect(encoded.codec).toBe(codec);
  return { events: eventsOfBatch(decodeChunk(encoded.codec, encoded.bytes, events.length)), bytes: encoded.bytes.byteLength };
}

// Layout of 'columns' (chunk-codec.ts): 24-byte header, then t, x, y, channel and (when
// the chunk has more than one layer) layer columns, each padded to a multiple of 8 bytes.
describe("'columns' stores each column at the narrowest width that holds it", () => {
  it('small deltas, small coordinates, one layer: 24 + 8 + 8 + 8 + 8 = 56 bytes for 4 events', () => {
    const events = [ev(100, 3, 0, 1, 0), ev(100, 3, 1, 2, 0), ev(105, 3, 0, 3, 0), ev(300, 3, 1, 4, 0)];
    const r = roundTrip(events, 'columns');
    expect(r.events).toEqual(events);
    // deltas 0,0,5,195 fit a byte; no layer column because every event is on layer 3
    expect(r.bytes).toBe(56);
  });

  it('u32 deltas, a 16-bit x and several layers: 24 + 24 + 16 + 8 + 8 + 8 = 88 bytes for 5 events', () => {
    const events = [ev(0, 0, 2, 300, 1), ev(70000, 1, 2, 0, 1), ev(70000, 0, 3, 0, 2), ev(70001, 1, 4, 0, 3), ev(140001, 0, 5, 0, 4)];
    const r = roundTrip(events, 'columns');
    expect(r.events).toEqual(events);
    // deltas up to 70000 need 4 bytes (5*4 = 20 -> 24); x = 300 needs 2 bytes (10 -> 16)
    expect(r.bytes).toBe(88);
  });

  it('a delta of 300 takes two bytes per event', () => {
    const events = [ev(0), ev(300)];
    const r = roundTrip(events, 'columns');
    expect(r.events).toEqual(events);
    // t: 2*2 = 4 -> 8; x, y, channel: 8 each; one layer
    expect(r.bytes).toBe(24 + 8 + 24);
  });

  it('timestamps that are not exact integer steps are stored as absolute float64', () => {
    const cases: SpikeEvent[][] = [
      [ev(5), ev(3)], // backwards
      [ev(0.5), ev(1.5)], // fractional
      [ev(2 ** 53), ev(2 ** 53 + 2)], // beyond the exact-integer range
      [ev(0), ev(2 ** 33)], // a step wider than 32 bits
    ];
    for (const events of cases) {
      const r = roundTrip(events, 'columns');
      expect(r.events).toEqual(events);
      // t: 2*8 = 16; x, y, channel: 8 each; one layer
      expect(r.bytes).toBe(24 + 16 + 24);
    }
  });

  it('round-trips extreme values of every field', () => {
    const events = [ev(0, 0, 0, 0, 0), ev(1, 14, 65535, 65535, 65535), ev(2 ** 32, 255, 1, 2, 3)];
    expect(roundTrip(events, 'columns').events).toEqual(events);
  });

  it('an empty chunk is just the header', () => {
    expect(roundTrip([], 'columns')).toEqual({ events: [], bytes: 24 });
  });
});

describe("'packed' is the product's packed batch form", () => {
  it('stores 15 bytes per event, identical to packBatch', () => {
    const events = [ev(1, 2, 3, 4, 5), ev(6, 7, 8, 9, 10)];
    const encoded = encodeChunk(batchFromEvents(events), 'packed');
    expect(encoded.bytes.byteLength).toBe(30);
    expect([...encoded.bytes]).toEqual([...packBatch(batchFromEvents(events))]);
    expect(eventsOfBatch(decodeChunk('packed', encoded.bytes, 2))).toEqual(events);
  });
});

describe('the default codec', () => {
  it("is 'columns'", () => {
    expect(encodeChunk(batchFromEvents([ev(1)])).codec).toBe('columns');
  });
});

describe('damaged chunks are reported, never decoded into wrong events', () => {
  const events = [ev(100, 3, 0, 1, 0), ev(100, 3, 1, 2, 0), ev(105, 3, 0, 3, 0)];

  it('a count different from the index', () => {
    const { bytes } = encodeChunk(batchFromEvents(events), 'columns');
    expect(() => decodeChunk('columns', bytes, 4)).toThrow(ChunkDecodeError);
    const packed = encodeChunk(batchFromEvents(events), 'packed').bytes;
    expect(() => decodeChunk('packed', packed, 4)).toThrow(/45 bytes for 4 events/);
  });

  it('cut-short bytes, bad widths and unknown codecs', () => {
    const { bytes } = encodeChunk(batchFromEvents(events), 'columns');
    expect(() => decodeChunk('columns', bytes.subarray(0, bytes.length - 8), 3)).toThrow(ChunkDecodeError);
    expect(() => decodeChunk('columns', bytes.subarray(0, 10), 3)).toThrow(/shorter than its header/);
    const badWidth = bytes.slice();
    badWidth[2] = 3;
    expect(() => decodeChunk('columns', badWidth, 3)).toThrow(/unknown column widths/);
    expect(() => decodeChunk('zstd', bytes, 3)).toThrow(/unknown codec/);
  });

  it('decodes bytes that are not 8-byte aligned (blobs may start anywhere)', () => {
    const { bytes } = encodeChunk(batchFromEvents(events), 'columns');
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(eventsOfBatch(decodeChunk('columns', shifted.subarray(3), 3))).toEqual(events);
  });

  it('encodes only the valid part of a batch with spare capacity', () => {
    const b = allocateBatch(10, 2);
    b.t.set([1, 2]);
    b.x.set([1, 1]);
    expect(eventsOfBatch(decodeChunk('columns', encodeChunk(b, 'columns').bytes, 2))).toEqual([ev(1, 0, 0, 1, 0), ev(2, 0, 0, 1, 0)]);
  });
});
