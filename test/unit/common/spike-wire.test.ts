// The compact spike form the web host sends batches in (spike-wire.ts): the bytes it
// writes, worked out by hand from the layout, and that decoding gives the packed batch back.

import { describe, expect, it } from 'vitest';
import { batchFromEvents, packBatch, type SpikeEvent } from '../../../main/common/spike-batch.js';
import { decodeSpikeWire, encodeSpikeWire, SpikeWireError } from '../../../main/common/spike-wire.js';
import { CompactSpikes, decodeWire, encodeWire } from '../../../main/common/wire-codec.js';

const packed = (events: SpikeEvent[]) => packBatch(batchFromEvents(events));
const ev = (t: number, layer: number, channel: number, x = 0, y = 0): SpikeEvent => ({ t, layer, channel, x, y });

describe('compact spike batches', () => {
  it('layer runs, zigzag time steps, a 2-byte channel column and no x or y column when all are 0', () => {
    const bytes = encodeSpikeWire(packed([ev(100, 2, 3), ev(100, 2, 1), ev(103, 2, 300), ev(101, 5, 0)]));
    expect([...bytes]).toEqual([
      1, 2, // version, widths: channel 2 bytes, x 0, y 0
      4, 0, 0, 0, // 4 events
      2, 0, 0, 0, // 2 layer runs
      0, 0, 0, 0, 0, 0, 0x59, 0x40, // first timestamp 100.0
      2, 3, 5, 1, // layer 2 three times, layer 5 once
      0, 0, 6, 3, // steps 0, 0, +3, -2
      3, 0, 1, 0, 0x2c, 0x01, 0, 0, // channels 3, 1, 300, 0
    ]);
  });

  it('1-byte x and y columns and a step that takes two varint bytes', () => {
    const bytes = encodeSpikeWire(packed([ev(0, 0, 0, 5, 255), ev(200, 0, 0, 7, 1)]));
    expect([...bytes]).toEqual([1, 0x14, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x90, 0x03, 5, 7, 255, 1]);
  });

  it('raw f64 timestamps when one is not an integer', () => {
    const bytes = encodeSpikeWire(packed([ev(1.5, 1, 0)]));
    expect([...bytes]).toEqual([1, 0x40, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 1, 1, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f]);
  });

  it('decodes to the very same packed bytes', () => {
    const cases: SpikeEvent[][] = [
      [],
      [ev(100, 2, 3), ev(100, 2, 1), ev(103, 2, 300), ev(101, 5, 0)],
      [ev(1.5, 1, 0), ev(2, 1, 65535, 65535, 65535)],
      [ev(0, 0, 0), ev(2 ** 31 + 5, 0, 0), ev(3, 13, 1, 2, 3)], // a step of 2^31 µs: raw timestamps
      [ev(2 ** 40, 12, 9, 1, 1), ev(2 ** 40 - 7, 12, 9, 1, 1), ev(2 ** 40 + 1000, 3, 0, 300, 2)],
      [ev(5, 0, 0), ev(5 + 2 ** 31 - 1, 0, 0), ev(5, 0, 0)], // the largest steps either way that stay varints
    ];
    for (const events of cases) {
      const p = packed(events);
      expect(decodeSpikeWire(encodeSpikeWire(p))).toEqual(p);
    }
  });

  it('decodes 2-byte columns that start at an odd byte of a larger buffer', () => {
    const p = packed([ev(10, 1, 700, 513, 258), ev(11, 1, 2, 1, 65535), ev(12, 4, 65534, 0, 3)]);
    const wire = encodeSpikeWire(p);
    for (const shift of [1, 2, 3]) {
      const host = new Uint8Array(wire.byteLength + shift + 1);
      host.set(wire, shift);
      expect(decodeSpikeWire(host.subarray(shift, shift + wire.byteLength))).toEqual(p);
    }
  });

  it('a chip layer output batch takes about 4 bytes an event instead of 15', () => {
    const events = Array.from({ length: 1000 }, (_, i) => ev(Math.floor(i / 3), 1 + (i >> 8), i % 6, i % 28, (i >> 2) % 28));
    const p = packed(events);
    const bytes = encodeSpikeWire(p);
    // 1 byte step, channel, x and y each: 4000 + 18 header + 4 runs of 2-3 bytes.
    expect(bytes.byteLength).toBeLessThanOrEqual(4030);
    expect(decodeSpikeWire(bytes)).toEqual(p);
  });

  it('refuses what it could not have written', () => {
    const good = encodeSpikeWire(packed([ev(100, 2, 3), ev(101, 2, 1)]));
    expect(() => decodeSpikeWire(good.subarray(0, good.byteLength - 1))).toThrow(SpikeWireError);
    expect(() => decodeSpikeWire(new Uint8Array([...good, 0]))).toThrow(/after its last column/);
    expect(() => decodeSpikeWire(new Uint8Array([2, ...good.subarray(1)]))).toThrow(/version 1/);
    const many = new Uint8Array(good);
    many[2] = 200; // 200 events in 26 bytes
    expect(() => decodeSpikeWire(many)).toThrow(/does not fit/);
  });
});

describe('compact spike batches in a wire frame', () => {
  it('go as compact bytes and arrive as the packed batch', () => {
    const p = packed([ev(100, 2, 3), ev(100, 2, 1), ev(103, 2, 300), ev(101, 5, 0)]);
    const frame = encodeWire({ t: 'evt', channel: 'run.spikes', payload: { runId: 3, spikes: new CompactSpikes(p) } }) as Uint8Array;
    const header = JSON.parse(new TextDecoder().decode(frame.subarray(4, 4 + new DataView(frame.buffer).getUint32(0, true))));
    expect(header).toEqual({ t: 'evt', channel: 'run.spikes', payload: { runId: 3, spikes: { $spikes: [0, 34] } } });
    expect(decodeWire(frame)).toEqual({ t: 'evt', channel: 'run.spikes', payload: { runId: 3, spikes: p } });
  });

  it('a broken one is a wire format error', () => {
    const frame = encodeWire({ t: 'evt', channel: 'run.spikes', payload: { spikes: new CompactSpikes(packed([ev(1, 0, 0)])) } }) as Uint8Array;
    frame[frame.byteLength - 2] = 9; // the layer run's length (then the one time step): 9 events of 1
    expect(() => decodeWire(frame)).toThrow(/compact spike batch at byte 0/);
  });
});
