// `dcnn export P RUN --out x.npy|x.csv` writes the recording chunk by chunk as it is read
// (recordings of small chunks here, so every file is put together from several): the
// bytes equal what the whole-read writer gives (writeEventFile over readWholeRecording,
// what the command did before), and a tiny three-event run gives the CSV and .npy files
// written out by hand below.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allocateBatch } from '../../../main/common/spike-batch.js';
import { exportCommand } from '../../../main/cli/commands/export.js';
import type { CliIO } from '../../../main/cli/cli-io.js';
import { writeEventFile } from '../../../main/formats/event-files.js';
import { openProject } from '../../../main/store/project.js';
import { readWholeRecording } from '../../../main/store/recording-files.js';
import { makeTempDirs, MODEL, streamBatch } from '../store/store-fixtures.js';

const temp = makeTempDirs();
afterEach(() => temp.cleanup());

/** Run 1: 1000 events of the store's test stream on cores 0-2 in 64-event chunks; run 2: 1000 events on core 0; run 3: three events in chunks of 2. */
function project(): string {
  const dir = temp.make();
  const p = openProject(join(dir, 'p.dcnnproj'), { create: true });
  try {
    const modelId = p.addModelVersion({ ...MODEL, inputShape: [17, 64, 64] }).id;
    const start = (chunkEvents: number) =>
      p.startRun({
        modelVersionId: modelId,
        deviceId: 'sim-speck2fdevkit:0',
        deviceType: 'speck2fdevkit',
        monitorLayers: [0],
        recording: { chunkEvents },
        deployOptions: { monitored: [{ core: 0, layer: 0 }] },
      });
    const multi = start(64);
    multi.recordInput(streamBatch(0, 1000));
    multi.finish({ status: 'completed' });
    const single = start(64);
    const b = streamBatch(0, 1000);
    b.layer.fill(0);
    single.recordInput(b);
    single.finish({ status: 'completed' });
    const tiny = start(2);
    const t = allocateBatch(3);
    [
      [0, 0, 1, 2, 0],
      [250, 0, 3, 4, 1],
      [1000007, 1, 33, 5, 7],
    ].forEach(([time, layer, x, y, channel], i) => {
      t.t[i] = time!;
      t.layer[i] = layer!;
      t.x[i] = x!;
      t.y[i] = y!;
      t.channel[i] = channel!;
    });
    tiny.recordInput(t);
    tiny.finish({ status: 'completed' });
  } finally {
    p.close();
  }
  return dir;
}

async function exportRun(dir: string, args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const io: CliIO = { out: (s) => lines.push(s), err: (s) => lines.push(s), cwd: dir };
  const code = await exportCommand(['p.dcnnproj', ...args], io);
  return { code, out: lines.join('\n') };
}

function wholeRead(dir: string, run: number, format: 'npy' | 'csv', columns: 'layered' | 'xytp'): Uint8Array {
  const p = openProject(join(dir, 'p.dcnnproj'));
  try {
    return writeEventFile(readWholeRecording(p, run, 'input'), format, columns);
  } finally {
    p.close();
  }
}

describe('dcnn export --out x.npy | x.csv, streamed', () => {
  for (const format of ['npy', 'csv'] as const) {
    for (const columns of ['layered', 'xytp'] as const) {
      it(`${format} ${columns}: byte for byte the whole-read file`, async () => {
        const dir = project();
        const run = columns === 'xytp' ? 2 : 1;
        const r = await exportRun(dir, [String(run), '--stream', 'input', '--out', `out.${format}`, '--columns', columns]);
        expect(r.code).toBe(0);
        expect(r.out).toContain(`wrote the input of run ${run} (1000 events`);
        expect(new Uint8Array(readFileSync(join(dir, `out.${format}`)))).toEqual(wholeRead(dir, run, format, columns));
        expect(existsSync(join(dir, `out.${format}.partial`))).toBe(false);
      });
    }
  }

  it('three events in chunks of 2: the CSV written by hand', async () => {
    const dir = project();
    expect((await exportRun(dir, ['3', '--stream', 'input', '--out', 'tiny.csv'])).code).toBe(0);
    expect(readFileSync(join(dir, 'tiny.csv'), 'utf8')).toBe('t,layer,x,y,feature\n0,0,1,2,0\n250,0,3,4,1\n1000007,1,33,5,7\n');
  });

  it('three events in chunks of 2: the .npy written by hand (numpy format 1.0, packed 15-byte records)', async () => {
    const dir = project();
    expect((await exportRun(dir, ['3', '--stream', 'input', '--out', 'tiny.npy'])).code).toBe(0);
    const dict = "{'descr': [('t', '<u8'), ('layer', '|u1'), ('x', '<u2'), ('y', '<u2'), ('feature', '<u2')], 'fortran_order': False, 'shape': (3,), }";
    // magic, version 1.0, header length 182 (little-endian), the dict padded with spaces to 192 bytes in all, then a newline
    const header = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0, 182, 0]), Buffer.from(dict.padEnd(181, ' ') + '\n', 'latin1')]);
    const records = Buffer.from(
      [
        // t (u8)           layer x     y     feature
        '0000000000000000 00 0100 0200 0000',
        'fa00000000000000 00 0300 0400 0100',
        '47420f0000000000 01 2100 0500 0700',
      ]
        .join('')
        .replace(/ /g, ''),
      'hex',
    );
    expect(header.length).toBe(192);
    expect(readFileSync(join(dir, 'tiny.npy'))).toEqual(Buffer.concat([header, records]));
  });

  it('refuses an xytp file of several cores before writing, naming the chip layers', async () => {
    const dir = project();
    await expect(exportRun(dir, ['1', '--stream', 'input', '--out', 'x.csv', '--columns', 'xytp'])).rejects.toThrow(/holds .*core 0: \d+ events.*an xytp file has no core column/);
    expect(existsSync(join(dir, 'x.csv'))).toBe(false);
    expect(existsSync(join(dir, 'x.csv.partial'))).toBe(false);
  });
});
