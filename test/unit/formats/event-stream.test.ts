// Streamed event-file reads (streamEventFile) against whole reads (readEventFile): the
// same events in the same order, the same warnings and the same errors, whatever the
// chunk boundaries and batch sizes; files whose time goes back say they need a whole
// read; and damaged files fail the same way in both (seeded fuzz).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readEventFile, streamEventFile, type EventBatchSink, type EventInputFormat, type ReadEventFileOptions } from '../../../main/formats/event-files.js';
import { FormatError } from '../../../main/formats/format-error.js';
import { writeNpy } from '../../../main/formats/npy.js';
import { concatBatches, eventsOfBatch, type SpikeBatch } from '../../../main/common/spike-batch.js';
import { packageRoot } from '../../../main/services/package-root.js';
import { mutate } from './seeded-mutations.js';
import { npyEvents } from './npy-events.js';
import { utf8 } from './byte-builders.js';

function streamed(bytes: Uint8Array, format: EventInputFormat, options: ReadEventFileOptions, chunkBytes: number, chunkEvents: number, timeShift = 0) {
  const batches: SpikeBatch[] = [];
  const sink: EventBatchSink = { chunkEvents, timeShift, emit: (b) => batches.push(b) };
  // One reused read buffer, as the worker reads files: readers must copy what they keep.
  const buffer = new Uint8Array(chunkBytes);
  const summary = streamEventFile(format, options, bytes.length, (push) => {
    for (let i = 0; i < bytes.length; i += chunkBytes) {
      const n = Math.min(chunkBytes, bytes.length - i);
      buffer.set(bytes.subarray(i, i + n));
      push(buffer.subarray(0, n));
      buffer.fill(0xee);
    }
  }, sink);
  return { summary, batches, all: concatBatches(batches) };
}

function failure(f: () => unknown): { code: string; message: string } | null {
  try {
    f();
    return null;
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    return { code: e.code, message: e.message };
  }
}

const N = 1000;
const ts = Array.from({ length: N }, (_, i) => 10 * i + (i % 3));
const xytp = npyEvents(
  [
    ['t', '<u8'],
    ['x', '<u2'],
    ['y', '>u2'],
    ['p', '|u1'],
    ['junk', '<f4'],
  ],
  { t: ts, x: ts.map((t) => t % 32), y: ts.map((t) => (t >> 5) % 32), p: ts.map((t) => t & 1), junk: ts.map(() => 0.5) },
);
const layered = npyEvents(
  [
    ['t', '<i8'],
    ['layer', '|u1'],
    ['x', '<u2'],
    ['y', '<u2'],
    ['feature', '<u2'],
  ],
  { t: ts, layer: ts.map((t) => t % 3), x: ts.map((t) => t % 7), y: ts.map((t) => t % 5), feature: ts.map((t) => t % 4) },
);
const csv = utf8(`\ufeffT , x,y,Polarity\r\n${ts.map((t, i) => `${t},${t % 32},${(t >> 5) % 32},${t & 1}${i % 97 === 0 ? '\r\n' : ''}`).join('\n')}`);

describe('streamed .npy and CSV reads equal whole reads', () => {
  const cases: [string, Uint8Array, EventInputFormat, ReadEventFileOptions][] = [
    ['xytp .npy with an ignored field and a big-endian column', xytp, 'npy', { layer: 3, inputShape: [2, 32, 32] }],
    ['layered .npy', layered, 'npy', { layer: 1 }],
    ['CSV with a BOM, aliases, CRLF, blank lines and no final line break', csv, 'csv', { inputShape: [2, 32, 32] }],
    ['.npy dropping events outside the input', xytp, 'npy', { inputShape: [2, 16, 16], dropOutOfRange: true }],
    ['CSV dropping events outside the input', csv, 'csv', { inputShape: [1, 32, 8], dropOutOfRange: true }],
  ];
  for (const [name, bytes, format, options] of cases) {
    it(name, () => {
      const whole = readEventFile(bytes, format, options);
      expect(whole.batch.length).toBeGreaterThan(100);
      for (const [chunkBytes, chunkEvents] of [
        [1, 1],
        [7, 3],
        [333, 100],
        [4096, 65536],
        [bytes.length, 256],
      ] as const) {
        const s = streamed(bytes, format, options, chunkBytes, chunkEvents);
        expect(eventsOfBatch(s.all)).toEqual(eventsOfBatch(whole.batch));
        expect(s.batches.slice(0, -1).every((b) => b.length === chunkEvents)).toBe(true);
        expect(s.summary).toEqual({ columns: whole.columns, dropped: whole.dropped, sorted: false, warnings: whole.warnings, needsSort: false });
      }
    });
  }

  it('rows out of order: the same NOT_SORTED error naming the same row; with the sort option, needsSort', () => {
    const bad = npyEvents(
      [
        ['t', '<u8'],
        ['x', '<u2'],
        ['y', '<u2'],
        ['p', '<u2'],
      ],
      { t: [0, 5, 9, 4, 12], x: [0, 0, 0, 0, 0], y: [0, 0, 0, 0, 0], p: [0, 0, 0, 0, 0] },
    );
    const whole = failure(() => readEventFile(bad, 'npy'));
    expect(whole?.code).toBe('NOT_SORTED');
    expect(failure(() => streamed(bad, 'npy', {}, 5, 2))).toEqual(whole);
    const s = streamed(bad, 'npy', { sort: true }, 5, 2);
    expect(s.summary.needsSort).toBe(true);
    expect(s.summary.sorted).toBe(false);
    expect(s.all.length).toBe(5);
  });

  it('a cut-off .npy file is refused before any event is sent', () => {
    const cut = xytp.subarray(0, xytp.length - 3);
    const whole = failure(() => readEventFile(cut, 'npy'));
    expect(whole?.code).toBe('TRUNCATED');
    const batches: SpikeBatch[] = [];
    expect(failure(() => streamEventFile('npy', {}, cut.length, (push) => push(cut), { chunkEvents: 1, emit: (b) => batches.push(b) }))).toEqual(whole);
    expect(batches).toEqual([]);
  });

  it('a file that shrinks while it is read is reported, not taken as complete', () => {
    // 17-byte records: ten records fewer than the header announces.
    const short = xytp.subarray(0, xytp.length - 17 * 10);
    const e = failure(() => streamEventFile('npy', {}, xytp.length, (push) => push(short), { chunkEvents: 64, emit: () => {} }));
    expect(e?.code).toBe('TRUNCATED');
    expect(e?.message).toMatch(/990/);
  });

  it('plain arrays and empty CSV files fail as in whole reads', () => {
    const plain = writeNpy({ kind: 'numeric', dtype: '<f4', shape: [2, 3], data: new Float32Array(6) });
    expect(failure(() => streamed(plain, 'npy', {}, 16, 4))).toEqual(failure(() => readEventFile(plain, 'npy')));
    const empty = new Uint8Array(0);
    expect(failure(() => streamed(empty, 'csv', {}, 16, 4))).toEqual(failure(() => readEventFile(empty, 'csv')));
    const headerOnly = utf8('t,x,y,p');
    expect(eventsOfBatch(streamed(headerOnly, 'csv', {}, 3, 4).all)).toEqual([]);
  });
});

describe('streamed camera recordings', () => {
  const DIR = `${packageRoot()}/test/fixtures/real/events/`;
  const FILES: [string, EventInputFormat][] = [
    ['tonic_sample.aedat4', 'aedat4'],
    ['tonic_sample_nmnist.bin', 'atis-bin'],
    ['tonic_sample_ncars.dat', 'prophesee-dat'],
    ['expelliarmus_evt2_sample.raw', 'evt2'],
    ['expelliarmus_evt3_sample.raw', 'evt3'],
  ];
  for (const [file, format] of FILES) {
    it(`${file}: a first pass finds the time shift, a second sends the events the whole read gives`, () => {
      const bytes = new Uint8Array(readFileSync(DIR + file));
      const options: ReadEventFileOptions = { inputShape: [2, 128, 128], layer: 2, ...(format === 'atis-bin' ? { sensor: { width: 34, height: 34 } } : {}) };
      const whole = readEventFile(bytes, format, options);
      const scan = streamed(bytes, format, options, 65536, 4096);
      expect(scan.summary.needsSort).toBe(whole.sorted);
      if (whole.sorted) return;
      const shift = scan.summary.recording!.timeShift;
      expect(shift).toBe(whole.recording!.timeShift);
      const s = streamed(bytes, format, options, 100_003, 4096, shift);
      expect(s.all.length).toBe(whole.batch.length);
      expect(Buffer.from(s.all.t.buffer, s.all.t.byteOffset, s.all.t.byteLength).equals(Buffer.from(whole.batch.t.buffer, whole.batch.t.byteOffset, whole.batch.t.byteLength))).toBe(true);
      expect(eventsOfBatch(s.all).slice(0, 50)).toEqual(eventsOfBatch(whole.batch).slice(0, 50));
      expect(s.all.x).toEqual(whole.batch.x);
      expect(s.all.channel).toEqual(whole.batch.channel);
      expect(s.summary.warnings).toEqual(whole.warnings);
      expect(s.summary.dropped).toEqual(whole.dropped);
    });
  }
});

describe('fuzz: damaged files fail the same way streamed and whole (bounded: 600 cases)', () => {
  const sources: [string, Uint8Array, 'npy' | 'csv'][] = [
    ['npy', xytp, 'npy'],
    ['layered npy', layered, 'npy'],
    ['csv', csv, 'csv'],
  ];
  for (const [name, src, format] of sources) {
    it(name, () => {
      let failed = 0;
      for (let i = 0; i < 200; i++) {
        const bytes = mutate(src, 0x5eed, i, 200);
        const options: ReadEventFileOptions = { inputShape: [4, 64, 64] };
        const whole = failure(() => readEventFile(bytes, format, options));
        const s = failure(() => streamed(bytes, format, options, 61, 50));
        // Whole reads decode every column before the rows are checked, streamed reads a
        // slice at a time, so a value beyond 2^53 and a bad row may be found in either order.
        const codes = [s?.code, whole?.code];
        if (!codes.includes('UNSAFE_INTEGER')) expect({ i, code: s?.code }).toEqual({ i, code: whole?.code });
        else expect({ i, failed: s !== null }).toEqual({ i, failed: whole !== null });
        if (whole) failed++;
        else expect(eventsOfBatch(streamed(bytes, format, options, 509, 64).all)).toEqual(eventsOfBatch(readEventFile(bytes, format, options).batch));
      }
      expect(failed).toBeGreaterThan(20);
    });
  }
});
