// The two LZ4 paths of the AEDAT4 reader give the same answers: the WebAssembly build of
// the LZ4 reference library the event-file worker injects (main/threads/lz4-wasm.ts) and
// the lz4js fallback, both behind packet-compression.ts's frame walk. On valid frames
// (the real DVXplorer sample's packets, lz4js-written packets, hand-made frames with a
// content size, a content checksum, independent or stored blocks) the bytes are equal;
// on seeded mutations of frames and of whole recordings both give the same bytes or
// both refuse (the same error code at the same offset for recordings). A frame the
// WebAssembly decoder refused does not stop it from decoding the next one.

import { readFileSync } from 'node:fs';
import xxh32 from 'lz4js/xxh32.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { aedat4EventPacket } from '../../../../main/formats/events/aedat4-writer.js';
import { createCameraDecoder } from '../../../../main/formats/events/camera-formats.js';
import { concatBlocks, type EventBlock } from '../../../../main/formats/events/event-block.js';
import { Lz4FrameReader, checkLz4Frame, type PacketCodecs } from '../../../../main/formats/events/packet-compression.js';
import { FormatError } from '../../../../main/formats/format-error.js';
import { packageRoot } from '../../../../main/services/package-root.js';
import { WASM_LZ4_ENV, loadPacketCodecs, wasmLz4Problem } from '../../../../main/threads/lz4-wasm.js';
import { syntheticEvents } from '../../../helpers/event-recordings.js';
import { seededRandom } from '../../../helpers/seeded-random.js';

const SAMPLE = new Uint8Array(readFileSync(`${packageRoot()}/test/fixtures/real/events/tonic_sample.aedat4`));
const LIMIT = 1 << 28;
const hex = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

let fast: PacketCodecs;
beforeAll(async () => {
  fast = await loadPacketCodecs();
});

/** The WebAssembly decoder is loaded and in use (it drops itself after refusing a frame and loads afresh). */
async function fastReady(): Promise<Lz4FrameReader> {
  await loadPacketCodecs();
  expect(wasmLz4Problem()).toBeNull();
  return new Lz4FrameReader(fast.lz4Frame);
}

/** The packet payloads (LZ4 frames) of the real sample, up to its data table. */
function samplePackets(): Uint8Array[] {
  const dv = new DataView(SAMPLE.buffer, SAMPLE.byteOffset, SAMPLE.byteLength);
  let i = 14 + 4 + dv.getInt32(14, true);
  const out: Uint8Array[] = [];
  while (i + 8 <= SAMPLE.length) {
    const size = dv.getInt32(i + 4, true);
    if (size < 0 || i + 8 + size > SAMPLE.length || dv.getInt32(i, true) > 16) break;
    out.push(SAMPLE.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return out;
}

/** An LZ4 frame of `blocks` (raw block bytes; `stored` ones with the uncompressed bit), as the format description lays it out. */
function frame(blocks: Array<{ bytes: number[]; stored?: boolean }>, o: { flg?: number; contentSize?: number; contentChecksum?: number } = {}): Uint8Array {
  const flg = (o.flg ?? 0x40) | (o.contentSize !== undefined ? 0x08 : 0) | (o.contentChecksum !== undefined ? 0x04 : 0);
  const head = [0x04, 0x22, 0x4d, 0x18, flg, 0x40];
  if (o.contentSize !== undefined) head.push(o.contentSize & 0xff, (o.contentSize >> 8) & 0xff, 0, 0, 0, 0, 0, 0);
  head.push((xxh32.hash(0, Uint8Array.from(head), 4, head.length - 4) >>> 8) & 0xff);
  const body: number[] = [];
  for (const b of blocks) body.push(b.bytes.length & 0xff, b.bytes.length >> 8, 0, b.stored ? 0x80 : 0, ...b.bytes);
  body.push(0, 0, 0, 0);
  if (o.contentChecksum !== undefined) body.push(o.contentChecksum & 0xff, (o.contentChecksum >>> 8) & 0xff, (o.contentChecksum >>> 16) & 0xff, o.contentChecksum >>> 24);
  return Uint8Array.from([...head, ...body]);
}

const ABC = [0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68];
/** 8 literals, a match of 4 one byte back, 5 literals: "abcdefgh" "hhhh" 1 2 3 4 5. */
const BLOCK = [0x80, ...ABC, 0x01, 0x00, 0x50, 1, 2, 3, 4, 5];
const DECODED = [...ABC, 0x68, 0x68, 0x68, 0x68, 1, 2, 3, 4, 5];

/** What a reader makes of `src`: its bytes (as hex, which compares fast) or the refusal. */
function outcome(reader: Lz4FrameReader, src: Uint8Array): { bytes: string } | { refused: true } {
  try {
    const out = reader.decompress(src, LIMIT);
    return { bytes: Buffer.from(out.buffer, out.byteOffset, out.length).toString('hex') };
  } catch {
    return { refused: true };
  }
}

function mutateFrame(src: Uint8Array, r: (n: number) => number): Uint8Array {
  const b = src.slice();
  for (let k = 0, ops = 1 + r(3); k < ops; k++) {
    // Half the changes land in the descriptor and the first block header, half anywhere.
    const at = 4 + (r(2) === 0 ? r(Math.min(12, b.length - 4)) : r(b.length - 4));
    if (r(2) === 0) b[at] = b[at]! ^ (1 << r(8));
    else b[at] = r(256);
  }
  return r(8) === 0 ? b.subarray(0, r(b.length)) : b;
}

describe('LZ4 frames: the WebAssembly decoder and lz4js give the same bytes', () => {
  it('loads the WebAssembly decoder, and none with DCNN_WASM_LZ4=off (lz4js then)', async () => {
    expect(fast.lz4Frame).toBeTypeOf('function');
    expect(wasmLz4Problem()).toBeNull();
    process.env[WASM_LZ4_ENV] = 'off';
    try {
      expect(await loadPacketCodecs()).toEqual({});
      expect(wasmLz4Problem()).toBe('DCNN_WASM_LZ4=off');
    } finally {
      delete process.env[WASM_LZ4_ENV];
    }
  });

  it('every packet of the real DVXplorer sample, and lz4js-written event packets', async () => {
    const slow = new Lz4FrameReader();
    const events = syntheticEvents(30_000, 640, 480);
    const written = [0, 8192, 16384].map((from) => aedat4EventPacket(events, from, from + 8192, 'lz4').subarray(8));
    const frames = [...samplePackets(), ...written];
    expect(frames.length).toBeGreaterThan(100);
    const reader = await fastReady();
    for (const f of frames) {
      const a = hex(slow.decompress(f, LIMIT));
      expect(hex(reader.decompress(f, LIMIT))).toBe(a);
      expect(a.length / 2).toBe(checkLz4Frame(f, LIMIT).size);
    }
  });

  it('hand-made frames: a content size, a content checksum, independent blocks, a stored block', async () => {
    const sum = xxh32.hash(0, Uint8Array.from(DECODED), 0, DECODED.length);
    const cases: Array<[string, Uint8Array, number[]]> = [
      ['plain', frame([{ bytes: BLOCK }]), DECODED],
      ['content size', frame([{ bytes: BLOCK }], { contentSize: DECODED.length }), DECODED],
      ['content checksum', frame([{ bytes: BLOCK }], { contentChecksum: sum }), DECODED],
      ['independent blocks', frame([{ bytes: BLOCK }, { bytes: BLOCK }], { flg: 0x60 }), [...DECODED, ...DECODED]],
      [
        'a stored block then a linked one matching into it',
        frame([{ bytes: [9, 8, 7, 6], stored: true }, { bytes: [0x00, 0x04, 0x00, 0x50, 1, 2, 3, 4, 5] }]),
        [9, 8, 7, 6, 9, 8, 7, 6, 1, 2, 3, 4, 5],
      ],
    ];
    const slow = new Lz4FrameReader();
    for (const [name, f, expected] of cases) {
      const reader = await fastReady();
      expect(Array.from(slow.decompress(f, LIMIT)), name).toEqual(expected);
      expect(Array.from(reader.decompress(f, LIMIT)), name).toEqual(expected);
    }
  });

  it('refuses on both paths what either decoder could get wrong', async () => {
    const sum = xxh32.hash(0, Uint8Array.from(DECODED), 0, DECODED.length);
    const bad: Array<[string, Uint8Array]> = [
      // the reference library accepts offset 0 and copies whatever its output buffer held
      ['a match offset of 0', frame([{ bytes: [0x80, ...ABC, 0x00, 0x00, 0x50, 1, 2, 3, 4, 5] }])],
      ['a match before the start', frame([{ bytes: [0x80, ...ABC, 0x09, 0x00, 0x50, 1, 2, 3, 4, 5] }])],
      ['an independent block matching into the one before', frame([{ bytes: [9, 8, 7, 6], stored: true }, { bytes: [0x00, 0x04, 0x00, 0x50, 1, 2, 3, 4, 5] }], { flg: 0x60 })],
      ['too few last literals', frame([{ bytes: [0x80, ...ABC, 0x01, 0x00, 0x30, 1, 2, 3] }])],
      ['a wrong content checksum', frame([{ bytes: BLOCK }], { contentChecksum: (sum ^ 1) >>> 0 })],
      ['a wrong content size', frame([{ bytes: BLOCK }], { contentSize: DECODED.length + 1 })],
      ['block checksums (lz4js reads them from the wrong place)', frame([{ bytes: BLOCK }], { flg: 0x50 })],
      ['bytes after the end mark', Uint8Array.from([...frame([{ bytes: BLOCK }]), 1, 2])],
      ['a zero-length stored block (the reference library takes it for the end mark)', frame([{ bytes: [], stored: true }, { bytes: BLOCK }])],
    ];
    const slow = new Lz4FrameReader();
    for (const [name, f] of bad) {
      const reader = await fastReady();
      expect(() => slow.decompress(f, LIMIT), name).toThrow();
      expect(() => reader.decompress(f, LIMIT), name).toThrow();
    }
  });

  it('a frame the WebAssembly decoder refused does not stop it from decoding the next one', async () => {
    const good = frame([{ bytes: BLOCK }]);
    // The walk cannot see a wrong content checksum; the reference library refuses it.
    const wrongSum = frame([{ bytes: BLOCK }], { contentChecksum: 12345 });
    for (let k = 0; k < 3; k++) {
      const reader = await fastReady();
      expect(() => reader.decompress(wrongSum, LIMIT)).toThrow(/refused/);
      const again = await fastReady();
      expect(Array.from(again.decompress(good, LIMIT))).toEqual(DECODED);
    }
  });

  it('3000 seeded mutations of frames: the same bytes or a refusal on both paths', { timeout: 60_000 }, async () => {
    const events = syntheticEvents(2000, 128, 128);
    const frames = [...samplePackets().slice(0, 40), aedat4EventPacket(events, 0, 2000, 'lz4').subarray(8), frame([{ bytes: BLOCK }], { contentChecksum: 1 })];
    const r = seededRandom(0x1f4a);
    const slow = new Lz4FrameReader();
    const tally = { same: 0, refused: 0 };
    for (let c = 0; c < 3000; c++) {
      const f = mutateFrame(frames[r(frames.length)]!, r);
      const reader = await fastReady();
      const a = outcome(slow, f);
      const b = outcome(reader, f);
      expect(b, `case ${c}`).toEqual(a);
      tally['bytes' in a ? 'same' : 'refused']++;
    }
    expect(tally.same).toBeGreaterThan(100);
    expect(tally.refused).toBeGreaterThan(100);
  });
});

/** A whole recording decoded in `chunk`-byte pieces: its events' columns (as hex, which compares fast), or the FormatError's code and offset. */
function decodeRecording(bytes: Uint8Array, codecs: PacketCodecs, chunk: number): { columns: string[]; count: number } | { code: string; offset: unknown } {
  const d = createCameraDecoder('aedat4', codecs);
  const blocks: EventBlock[] = [];
  try {
    for (let i = 0; i < bytes.length; i += chunk) blocks.push(d.push(bytes.subarray(i, i + chunk)));
    blocks.push(d.end());
    const e = concatBlocks(blocks);
    return { columns: [hex(e.t), hex(e.x), hex(e.y), hex(e.p)], count: d.report().events };
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return { code: e.code, offset: e.details.offset };
  }
}

describe('AEDAT4 recordings: the reader with the WebAssembly decoder and with lz4js', () => {
  it('decodes the real sample to the same events', async () => {
    await fastReady();
    const a = decodeRecording(SAMPLE, {}, 1 << 20);
    const b = decodeRecording(SAMPLE, fast, 1 << 20);
    expect('count' in a && a.count).toBe(111954);
    expect(b).toEqual(a);
  });

  it('400 seeded mutations of the real sample: the same events or the same error at the same offset', { timeout: 60_000 }, async () => {
    const base = SAMPLE.slice(0, 19233);
    const r = seededRandom(0xae4);
    let refused = 0;
    for (let c = 0; c < 400; c++) {
      const b = base.slice();
      for (let k = 0, ops = 1 + r(4); k < ops; k++) {
        const at = r(b.length);
        b[at] = r(2) === 0 ? b[at]! ^ (1 << r(8)) : r(256);
      }
      await fastReady();
      const chunk = 1 + r(8192);
      const slow = decodeRecording(b, {}, chunk);
      const quick = decodeRecording(b, fast, chunk);
      expect(quick, `case ${c}`).toEqual(slow);
      if ('code' in slow) refused++;
    }
    expect(refused).toBeGreaterThan(20);
    expect(refused).toBeLessThan(400);
  });
});
