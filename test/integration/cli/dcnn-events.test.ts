// `dcnn events info` and `dcnn events convert` as a user runs them (a child process), on
// the real recordings of test/fixtures/real/events. Expected counts, sizes and the
// canonical digest of the events come from each file's expected.json (worked out by a
// separate decoder), never from the code under test.

import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCameraBytes } from '../../../main/formats/events/camera-formats.js';
import { readNpy } from '../../../main/formats/npy.js';
import { packageRoot } from '../../../main/services/package-root.js';
import { runDcnn, type DcnnResult } from '../../helpers/dcnn-process.js';

const REAL = `${packageRoot()}/test/fixtures/real/events/`;
const dir = mkdtempSync(join(tmpdir(), 'dcnn-events-'));
const env = { ...process.env, DCNN_DATA_DIR: join(dir, 'data') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Expected {
  event_count: number;
  t_first: number;
  t_last: number;
  canonical_sha256: string;
  polarity_counts: Record<string, number>;
  max: { x: number; y: number };
}

function expected(file: string): Expected {
  return JSON.parse(readFileSync(`${REAL}${file}.expected.json`, 'utf8')) as Expected;
}

async function dcnn(args: string[]): Promise<DcnnResult> {
  return runDcnn(args, { cwd: dir, env });
}

/** sha256 of int64 t, then int32 x, y, p, little-endian, column by column (the README's canonical digest). */
function canonical(t: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>, p: ArrayLike<number>): string {
  const n = t.length;
  const tb = new BigInt64Array(n);
  for (let i = 0; i < n; i++) tb[i] = BigInt(t[i]!);
  const col = (a: ArrayLike<number>) => Int32Array.from({ length: n }, (_, i) => a[i]!);
  const h = createHash('sha256');
  for (const part of [tb, col(x), col(y), col(p)]) h.update(new Uint8Array(part.buffer));
  return h.digest('hex');
}

describe('dcnn events info', () => {
  it('tells format, sensor, count, time span and polarities of a DVXplorer AEDAT4 file, and what was skipped', async () => {
    const e = expected('tonic_sample.aedat4');
    const { code, stdout } = await dcnn(['events', 'info', `${REAL}tonic_sample.aedat4`, '--json']);
    expect(code).toBe(0);
    const j = JSON.parse(stdout) as Record<string, unknown>;
    expect(j).toMatchObject({
      format: 'aedat4',
      sensor: { width: 320, height: 240, source: expect.stringMatching(/^file header/) as unknown },
      events: e.event_count,
      first_us: e.t_first,
      last_us: e.t_last,
      duration_us: e.t_last - e.t_first,
      polarity: { on: e.polarity_counts['1'], off: e.polarity_counts['0'] },
      max_x: e.max.x,
      max_y: e.max.y,
    });
    // The file also holds an IMU stream (expected.json's format line names its streams).
    expect(Object.keys(j.skipped as object).join(' ')).toMatch(/IMU/);
  });

  it('says when the format carries no sensor size (ATIS .bin) and prints a readable summary', async () => {
    const e = expected('tonic_sample_nmnist.bin');
    copyFileSync(`${REAL}tonic_sample_nmnist.bin`, join(dir, 'digit.bin'));
    const { code, stdout } = await dcnn(['events', 'info', 'digit.bin']);
    expect(code).toBe(0);
    expect(stdout).toContain('ATIS 40-bit .bin');
    expect(stdout).toContain(`not in the file (events reach x ${e.max.x}, y ${e.max.y})`);
    expect(stdout).toContain(`${e.event_count} (ON ${e.polarity_counts['1']}, OFF ${e.polarity_counts['0']})`);
  });

  it('refuses what is not a camera recording, and a missing file, with exit 2', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const bad = await dcnn(['events', 'info', 'notes.txt']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a camera recording');
    const missing = await dcnn(['events', 'info', 'nothing.aedat4']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
  });
});

describe('dcnn events convert', () => {
  it('writes an EVT 3.0 recording as a structured .npy (t int64, x, y, p) holding exactly its events', async () => {
    const e = expected('expelliarmus_evt3_sample.raw');
    const { code } = await dcnn(['events', 'convert', `${REAL}expelliarmus_evt3_sample.raw`, '--out', 'evt3.npy']);
    expect(code).toBe(0);
    const npy = readNpy(readFileSync(join(dir, 'evt3.npy')));
    if (npy.kind !== 'structured') throw new Error('expected a structured array');
    expect(npy.fields).toEqual([
      { name: 't', dtype: '<i8' },
      { name: 'x', dtype: '<u2' },
      { name: 'y', dtype: '<u2' },
      { name: 'p', dtype: '|u1' },
    ]);
    expect(npy.shape).toEqual([e.event_count]);
    const c = npy.columns;
    expect(canonical(c.t!, c.x!, c.y!, c.p!)).toBe(e.canonical_sha256);
    expect(existsSync(join(dir, 'evt3.npy.partial'))).toBe(false);
  });

  it('writes AEDAT4 that reads back as the same events, and CSV with one line per event', async () => {
    const e = expected('tonic_sample.aedat4');
    expect((await dcnn(['events', 'convert', `${REAL}tonic_sample.aedat4`, '--out', 'copy.aedat4'])).code).toBe(0);
    const back = decodeCameraBytes(readFileSync(join(dir, 'copy.aedat4')), 'aedat4');
    expect(back.report.sensor).toMatchObject({ width: 320, height: 240 });
    const ev = back.events;
    expect(canonical(ev.t, ev.x, ev.y, ev.p)).toBe(e.canonical_sha256);

    expect((await dcnn(['events', 'convert', `${REAL}tonic_sample.aedat4`, '--out', 'copy.csv'])).code).toBe(0);
    const lines = readFileSync(join(dir, 'copy.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('t,x,y,p');
    expect(lines).toHaveLength(e.event_count + 1);
    expect(lines[1]!.split(',')[0]).toBe(String(e.t_first));
  });

  it('needs --sensor to write AEDAT4 from a format without a size, and leaves no file when it fails', async () => {
    const e = expected('tonic_sample_nmnist.bin');
    copyFileSync(`${REAL}tonic_sample_nmnist.bin`, join(dir, 'd2.bin'));
    const refused = await dcnn(['events', 'convert', 'd2.bin', '--out', 'd2.aedat4']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--sensor WxH');
    expect(existsSync(join(dir, 'd2.aedat4'))).toBe(false);
    expect(existsSync(join(dir, 'd2.aedat4.partial'))).toBe(false);

    expect((await dcnn(['events', 'convert', 'd2.bin', '--out', 'd2.aedat4', '--sensor', '34x34', '--compression', 'none'])).code).toBe(0);
    const back = decodeCameraBytes(readFileSync(join(dir, 'd2.aedat4')), 'aedat4');
    expect(back.report.sensor).toMatchObject({ width: 34, height: 34 });
    expect(canonical(back.events.t, back.events.x, back.events.y, back.events.p)).toBe(e.canonical_sha256);
  });

  it('a recording cut short ends with exit 1 naming the cut, and no output file', async () => {
    const bytes = readFileSync(`${REAL}tonic_sample.aedat4`);
    writeFileSync(join(dir, 'cut.aedat4'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const r = await dcnn(['events', 'convert', 'cut.aedat4', '--out', 'cut.npy']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cut off|ends inside/);
    expect(existsSync(join(dir, 'cut.npy'))).toBe(false);
    expect(existsSync(join(dir, 'cut.npy.partial'))).toBe(false);
  });

  it('converts through an input mapping: ON events only, cropped, give exactly the ON events inside the crop', async () => {
    const { events } = decodeCameraBytes(readFileSync(`${REAL}tonic_sample.aedat4`), 'aedat4');
    let expectedKept = 0;
    for (let i = 0; i < events.length; i++) if (events.p[i] === 1 && events.x[i]! >= 100 && events.x[i]! < 164 && events.y[i]! >= 50 && events.y[i]! < 114) expectedKept++;
    const r = await dcnn(['events', 'convert', `${REAL}tonic_sample.aedat4`, '--out', 'on.aedat4', '--crop', '100,50,64,64', '--polarity', 'on']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${expectedKept} events`);
    const back = decodeCameraBytes(readFileSync(join(dir, 'on.aedat4')), 'aedat4');
    expect(back.report.sensor).toMatchObject({ width: 64, height: 64 });
    expect(back.events.length).toBe(expectedKept);
    expect(Math.max(...back.events.x)).toBeLessThan(64);
  });

  it('refuses an output format it does not write', async () => {
    const r = await dcnn(['events', 'convert', `${REAL}tonic_sample.aedat4`, '--out', 'x.h5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out must end in .npy, .csv or .aedat4');
  });
});
