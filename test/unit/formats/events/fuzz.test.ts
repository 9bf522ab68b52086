// Fuzzing every camera-recording reader: seeded random mutations (bit flips, byte
// overwrites, inserted/deleted runs, header-field garbage) and truncations of a real or
// synthetic recording, fed in random chunk sizes. Each case must end in a FormatError or
// a valid decode (columns of the reported length, polarity 0/1, integer timestamps) —
// never another exception, a hang (the test timeout) or an allocation the limits forbid.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCameraDecoder } from '../../../../main/formats/events/camera-formats.js';
import type { CameraFormat } from '../../../../main/formats/events/event-decoder.js';
import { FormatError } from '../../../../main/formats/format-error.js';
import { packageRoot } from '../../../../main/services/package-root.js';
import { aedat2, aedat31, aedat4, syntheticEvents } from '../../../helpers/event-recordings.js';
import { seededRandom } from '../../../helpers/seeded-random.js';

const DIR = `${packageRoot()}/test/fixtures/real/events/`;
const CASES = 300;
const real = (f: string, limit: number) => new Uint8Array(readFileSync(DIR + f)).slice(0, limit);

const BASES: [string, CameraFormat, () => Uint8Array][] = [
  // header + the first four packets (2 event, 2 IMU; LZ4), cut at a packet boundary
  ['aedat4 (real, LZ4)', 'aedat4', () => real('tonic_sample.aedat4', 19233)],
  ['aedat4 (synthetic, Zstandard)', 'aedat4', () => aedat4(syntheticEvents(2000, 128, 128), 'zstd', 500, { width: 128, height: 128 })],
  ['atis-bin', 'atis-bin', () => real('tonic_sample_nmnist.bin', 1 << 20)],
  ['prophesee-dat', 'prophesee-dat', () => real('tonic_sample_ncars.dat', 1 << 20)],
  ['evt2', 'evt2', () => real('expelliarmus_evt2_sample.raw', 32 * 1024)],
  ['evt3', 'evt3', () => real('expelliarmus_evt3_sample.raw', 32 * 1024)],
  ['aedat2', 'aedat2', () => aedat2(syntheticEvents(2000, 128, 128))],
  ['aedat3', 'aedat3', () => aedat31(syntheticEvents(2000, 128, 128), 300)],
];

function mutate(base: Uint8Array, r: (n: number) => number): Uint8Array {
  let b = base.slice();
  const ops = 1 + r(4);
  for (let k = 0; k < ops; k++) {
    // Mutations cluster in the first KiB half the time: that is where headers and packet headers are.
    const at = r(2) === 0 ? r(Math.min(b.length, 1024) || 1) : r(b.length || 1);
    switch (r(6)) {
      case 0:
        b[at] = b[at]! ^ (1 << r(8));
        break;
      case 1:
        b[at] = r(256);
        break;
      case 2:
        for (let i = 0; i < 4 && at + i < b.length; i++) b[at + i] = [0x00, 0xff, 0x7f, 0x80][r(4)]!;
        break;
      case 3:
        b = Uint8Array.from([...b.subarray(0, at), ...Array.from({ length: 1 + r(16) }, () => r(256)), ...b.subarray(at)]);
        break;
      case 4:
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1 + r(64))]);
        break;
      default:
        b = b.subarray(0, at);
    }
  }
  return b;
}

describe.each(BASES)('fuzzing the %s reader', (name, format, base) => {
  it(`${CASES} seeded mutations end in a FormatError or a valid decode`, { timeout: 60_000 }, () => {
    const original = base();
    const r = seededRandom(0x5eed + name.length * 7919);
    let errors = 0;
    let decoded = 0;
    for (let c = 0; c < CASES; c++) {
      const bytes = mutate(original, r);
      const d = createCameraDecoder(format);
      try {
        let n = 0;
        let i = 0;
        while (i < bytes.length) {
          const step = 1 + r(r(2) === 0 ? 16 : 8192);
          const blk = d.push(bytes.subarray(i, i + step));
          i += step;
          n += blk.length;
          expect(blk.t.length).toBe(blk.length);
          expect(blk.x.length).toBe(blk.length);
          for (let k = 0; k < blk.length; k++) {
            if (blk.p[k]! > 1 || !Number.isInteger(blk.t[k]!)) throw new Error(`invalid event ${k}: p=${blk.p[k]} t=${blk.t[k]}`);
          }
        }
        n += d.end().length;
        expect(d.report().events).toBe(n);
        decoded++;
      } catch (e) {
        if (!(e instanceof FormatError)) throw new Error(`case ${c}: ${(e as Error).name}: ${(e as Error).message}`);
        errors++;
      }
    }
    expect(errors + decoded).toBe(CASES);
    // Both outcomes occur with these seeds: the mutations reach past the first check.
    expect(errors).toBeGreaterThan(0);
    expect(decoded).toBeGreaterThan(0);
  });
});
