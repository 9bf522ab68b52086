// The bridge frame codec: whole, split, oversized and garbage frames (expected bytes
// written out by hand from the layout in samna-frame-codec.ts / protocol.py).

import { describe, expect, it } from 'vitest';
import { encodeBatchFrame, encodeJsonFrame, FrameDecoder } from '../../../main/devices/samna-frame-codec.js';
import { batchFromEvents, eventsOfBatch } from '../../../main/common/spike-batch.js';

describe('samna frame codec', () => {
  it('encodes a JSON frame as u32 length, kind J, text', () => {
    const f = encodeJsonFrame({ id: 1 });
    // body = 'J' + '{"id":1}' = 9 bytes
    expect(Array.from(f.subarray(0, 5))).toEqual([9, 0, 0, 0, 0x4a]);
    expect(new TextDecoder().decode(f.subarray(5))).toBe('{"id":1}');
  });

  it('decodes frames split at every byte', () => {
    const events = [
      { t: 5, layer: 3, channel: 1, x: 2, y: 7 },
      { t: 9, layer: 13, channel: 0, x: 100, y: 4 },
    ];
    const bytes = new Uint8Array([...encodeJsonFrame({ id: 2, ok: true }), ...encodeBatchFrame(2, batchFromEvents(events), true)]);
    // batch frame: 4 length + 1 kind + 8 header + 2*15 payload
    expect(bytes.length).toBe(4 + 1 + 18 + 4 + 1 + 8 + 30);
    const d = new FrameDecoder();
    const out = [];
    for (let i = 0; i < bytes.length; i++) out.push(...d.push(bytes.subarray(i, i + 1)));
    expect(out.length).toBe(2);
    expect(out[0]).toEqual({ kind: 'json', message: { id: 2, ok: true } });
    const b = out[1]!;
    expect(b.kind).toBe('batch');
    if (b.kind !== 'batch') return;
    expect(b.id).toBe(2);
    expect(b.last).toBe(true);
    expect(eventsOfBatch(b.batch)).toEqual(events);
    expect(d.pendingBytes).toBe(0);
  });

  it('skips an oversized frame by its length and stays in step', () => {
    const d = new FrameDecoder(16);
    const big = new Uint8Array(4 + 20);
    new DataView(big.buffer).setUint32(0, 20, true);
    const next = encodeJsonFrame({ id: 3 });
    const out = [...d.push(big.subarray(0, 10)), ...d.push(new Uint8Array([...big.subarray(10), ...next]))];
    expect(out[0]?.kind).toBe('error');
    if (out[0]?.kind === 'error') {
      expect(out[0].error.problem).toBe('frame-too-large');
      expect(out[0].error.offset).toBe(0);
      expect(out[0].error.length).toBe(20);
    }
    expect(out[1]).toEqual({ kind: 'json', message: { id: 3 } });
  });

  it('reports garbage kinds, bad JSON, bad batch sizes and a truncated end with their byte offsets', () => {
    const garbage = new Uint8Array([3, 0, 0, 0, 0x58, 1, 2]); // kind 'X'
    const badJson = new Uint8Array([3, 0, 0, 0, 0x4a, 0x7b, 0x7b]); // 'J{{'
    const badBatch = new Uint8Array([10, 0, 0, 0, 0x42, 1, 0, 0, 0, 0, 0, 0, 0, 9]); // 1 payload byte
    const d = new FrameDecoder();
    const out = d.push(new Uint8Array([...garbage, ...badJson, ...badBatch, 5, 0]));
    expect(out.map((f) => (f.kind === 'error' ? [f.error.problem, f.error.offset] : f.kind))).toEqual([
      ['bad-kind', 0],
      ['bad-json', 7],
      ['bad-batch', 14],
    ]);
    const end = d.end();
    expect(end.length).toBe(1);
    if (end[0]?.kind === 'error') expect(end[0].error.problem).toBe('truncated');
  });

  it('survives seeded random garbage: every item is a frame or a typed error', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let n = 0; n < 200; n++) {
      const d = new FrameDecoder(1024);
      const bytes = new Uint8Array(Math.floor(rand() * 300));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
      const out = [...d.push(bytes), ...d.end()];
      for (const f of out) expect(['json', 'batch', 'error']).toContain(f.kind);
    }
  });
});
