// Every real recording in test/fixtures/real/events decodes exactly as its expected.json
// says (worked out by an independent decoder from the format descriptions), recognised
// by content, and the same whatever the chunk boundaries are.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCameraDecoder, sniffCameraFormat } from '../../../../main/formats/events/camera-formats.js';
import { EventBlockBuilder, type EventBlock } from '../../../../main/formats/events/event-block.js';
import type { CameraFormat, DecodeReport } from '../../../../main/formats/events/event-decoder.js';
import { packageRoot } from '../../../../main/services/package-root.js';

const DIR = `${packageRoot()}/test/fixtures/real/events/`;

interface Expected {
  event_count: number;
  first20: [number, number, number, number][];
  last20: [number, number, number, number][];
  min: Record<'t' | 'x' | 'y' | 'p', number>;
  max: Record<'t' | 'x' | 'y' | 'p', number>;
  t_nondecreasing: boolean;
  polarity_counts: Record<'0' | '1', number>;
  canonical_sha256: string;
  sensor_size: { width: number; height: number; source: string };
}

/** file, its format, and whether the sensor size is in the file (else the dataset's size is only an upper bound). */
const FILES: [string, CameraFormat, boolean][] = [
  ['tonic_sample.aedat4', 'aedat4', true],
  ['tonic_sample_nmnist.bin', 'atis-bin', false],
  ['tonic_sample_ncars.dat', 'prophesee-dat', false],
  ['expelliarmus_evt2_sample.raw', 'evt2', true],
  ['expelliarmus_evt3_sample.raw', 'evt3', true],
];

function decode(bytes: Uint8Array, format: CameraFormat, chunk: number): { ev: EventBlock; report: DecodeReport } {
  const d = createCameraDecoder(format);
  // Collected into one set of columns as they come (a block per byte would be a million arrays).
  const all = new EventBlockBuilder(1 << 16);
  const add = (b: EventBlock) => {
    all.reserve(b.length);
    all.t.set(b.t, all.n);
    all.x.set(b.x, all.n);
    all.y.set(b.y, all.n);
    all.p.set(b.p, all.n);
    all.n += b.length;
  };
  for (let i = 0; i < bytes.length; i += chunk) add(d.push(bytes.subarray(i, i + chunk)));
  add(d.end());
  return { ev: all.take(), report: d.report() };
}

/** The README's canonical hash: int64 t, then int32 x, y, p, little-endian, column by column. */
function canonicalSha256(ev: EventBlock): string {
  const n = ev.length;
  const t = new BigInt64Array(n);
  for (let i = 0; i < n; i++) t[i] = BigInt(ev.t[i]!);
  const h = createHash('sha256');
  h.update(new Uint8Array(t.buffer));
  for (const col of [ev.x, ev.y, ev.p]) h.update(new Uint8Array(Int32Array.from(col).buffer));
  return h.digest('hex');
}

function rows(ev: EventBlock, from: number, to: number): number[][] {
  const out: number[][] = [];
  for (let i = from; i < to; i++) out.push([ev.t[i]!, ev.x[i]!, ev.y[i]!, ev.p[i]!]);
  return out;
}

describe.each(FILES)('%s', (file, format, sensorInFile) => {
  const bytes = new Uint8Array(readFileSync(DIR + file));
  const expected = JSON.parse(readFileSync(`${DIR}${file}.expected.json`, 'utf8')) as Expected;

  it(`is recognised as ${format} from its bytes, whatever the file is called`, () => {
    expect(sniffCameraFormat(bytes.subarray(0, 65536), file)).toBe(format);
    if (format !== 'atis-bin' && format !== 'prophesee-dat') expect(sniffCameraFormat(bytes.subarray(0, 65536), 'renamed.xyz')).toBe(format);
  });

  it('decodes to the expected events (count, first/last 20, min/max, polarities, canonical hash)', () => {
    const { ev, report } = decode(bytes, format, 1 << 20);
    expect(ev.length).toBe(expected.event_count);
    expect(report.events).toBe(expected.event_count);
    expect(rows(ev, 0, 20)).toEqual(expected.first20);
    expect(rows(ev, ev.length - 20, ev.length)).toEqual(expected.last20);
    for (const [field, col] of [['t', ev.t], ['x', ev.x], ['y', ev.y], ['p', ev.p]] as const) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < ev.length; i++) {
        lo = Math.min(lo, col[i]!);
        hi = Math.max(hi, col[i]!);
      }
      expect([field, lo, hi]).toEqual([field, expected.min[field], expected.max[field]]);
    }
    let on = 0;
    for (let i = 0; i < ev.length; i++) on += ev.p[i]!;
    expect({ '0': ev.length - on, '1': on }).toEqual(expected.polarity_counts);
    expect(report.timestampsBackwards === 0).toBe(expected.t_nondecreasing);
    expect(canonicalSha256(ev)).toBe(expected.canonical_sha256);
  });

  it('reports the sensor size where the file has one', () => {
    const { report } = decode(bytes, format, 1 << 20);
    if (sensorInFile) {
      expect(report.sensor).toMatchObject({ width: expected.sensor_size.width, height: expected.sensor_size.height });
    } else {
      expect(report.sensor).toBeNull();
    }
  });

  it.each([1, 7, 65536])('gives the same events when fed %i bytes at a time', (chunk) => {
    const { ev } = decode(bytes, format, chunk);
    expect(ev.length).toBe(expected.event_count);
    expect(canonicalSha256(ev)).toBe(expected.canonical_sha256);
  });
});

describe('what the real files skip', () => {
  it('AEDAT4: the IMU packets are skipped and counted (the file index lists 475 IMU samples), no event is lost', () => {
    const bytes = new Uint8Array(readFileSync(`${DIR}tonic_sample.aedat4`));
    const { report } = decode(bytes, 'aedat4', 1 << 20);
    const imu = Object.entries(report.skipped).find(([k]) => k.startsWith('IMU packets'));
    // 118 packets in the file's table: every one not of the event stream is an IMU packet.
    expect(imu?.[1]).toBeGreaterThan(0);
  });

  it('EVT 2.0: the 3126 words of type 0x8 are time-high words, not skipped; nothing else is in the file', () => {
    const bytes = new Uint8Array(readFileSync(`${DIR}expelliarmus_evt2_sample.raw`));
    const { report } = decode(bytes, 'evt2', 1 << 20);
    expect(report.skipped).toEqual({});
  });

  it('EVT 3.0: 551 time-high words, no wraps; nothing skipped', () => {
    const bytes = new Uint8Array(readFileSync(`${DIR}expelliarmus_evt3_sample.raw`));
    const { report } = decode(bytes, 'evt3', 1 << 20);
    expect(report.timeWraps).toBe(0);
    expect(report.skipped).toEqual({});
  });
});
