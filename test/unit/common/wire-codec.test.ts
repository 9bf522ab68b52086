// The wire codec bounds a decoded message by its frame (issue 15, item 4): a 1 MB frame
// whose header named one attachment 1500 times used to decode into 1.5 GB of copies.

import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire, WireFormatError } from '../../../main/common/wire-codec.js';
import { rawFrame } from '../../helpers/wire-frames.js';

const MB = 1024 * 1024;

describe('wire codec attachment references', () => {
  it('round-trips messages with several attachments, empty ones included', () => {
    const a = new Uint8Array([1, 2, 3]);
    const b = new Uint8Array(0);
    const c = new Uint8Array(0);
    const d = new Uint8Array([9]);
    const frame = encodeWire({ t: 'req', id: 1, channel: 'x', payload: { a, b, c, d, again: a } });
    const m = decodeWire(frame) as { payload: Record<string, Uint8Array> };
    expect([...m.payload.a!]).toEqual([1, 2, 3]);
    expect(m.payload.b!.byteLength).toBe(0);
    expect(m.payload.c!.byteLength).toBe(0);
    expect([...m.payload.d!]).toEqual([9]);
    expect([...m.payload.again!]).toEqual([1, 2, 3]);
  });

  it('refuses a 1 MB frame naming one attachment 1500 times, quickly and without the copies', () => {
    const refs = Array.from({ length: 1500 }, () => ({ $bin: [0, MB - 64 * 1024] }));
    const frame = rawFrame({ t: 'req', id: 1, channel: 'weights.load', payload: { name: 'w', parts: refs } }, new Uint8Array(MB - 64 * 1024));
    expect(frame.byteLength).toBeLessThan(MB);
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    expect(() => decodeWire(frame)).toThrow(WireFormatError);
    expect(() => decodeWire(frame)).toThrow(/referenced once/);
    expect(performance.now() - started).toBeLessThan(1000);
    // Not one copy was made (1500 of them would be 1.4 GB).
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * MB);
  });

  it('refuses the same attachment named twice, and overlapping references', () => {
    const body = new Uint8Array(100);
    expect(() => decodeWire(rawFrame({ t: 'req', id: 1, channel: 'x', payload: [{ $bin: [0, 10] }, { $bin: [0, 10] }] }, body))).toThrow(/referenced twice/);
    expect(() => decodeWire(rawFrame({ t: 'req', id: 1, channel: 'x', payload: [{ $bin: [0, 60] }, { $bin: [50, 10] }] }, body))).toThrow(/referenced twice/);
    expect(() => decodeWire(rawFrame({ t: 'req', id: 1, channel: 'x', payload: [{ $bin: [0, 60] }, { $bin: [40, 60] }] }, body))).toThrow(/total 120 bytes/);
    // Adjacent, not overlapping: fine.
    const ok = decodeWire(rawFrame({ t: 'req', id: 1, channel: 'x', payload: [{ $bin: [0, 50] }, { $bin: [50, 50] }] }, body)) as { payload: Uint8Array[] };
    expect(ok.payload.map((p) => p.byteLength)).toEqual([50, 50]);
  });

  it('still refuses references outside the frame and in text frames', () => {
    expect(() => decodeWire(rawFrame({ t: 'req', id: 1, channel: 'x', payload: { $bin: [90, 20] } }, new Uint8Array(100)))).toThrow(/outside the frame/);
    expect(() => decodeWire(JSON.stringify({ t: 'req', id: 1, channel: 'x', payload: { $bin: [0, 1] } }))).toThrow(/without attachments/);
  });
});
