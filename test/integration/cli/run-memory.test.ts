// A long `dcnn run` streams its input from the file: the process's peak memory does not
// grow with the file's length. Two runs of the same model, one on a file three times as
// long as the other, both recorded in a project; their peak resident sets (VmHWM, read
// from /proc while the child runs) must be within a margin far below what holding the
// extra events would cost (6 M more events: 84 MB of file and 90 MB of batch at least).

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { structuredNpyHeader } from '../../../main/formats/npy.js';
import { DCNN_BIN, runDcnn } from '../../helpers/dcnn-process.js';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dcnn-memory-'));
const env = { ...process.env, DCNN_DATA_DIR: join(dir, 'data') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `count` events on the moving-bar model's 2x16x16 input, 2 µs apart, written a million at a time. */
function eventFile(name: string, count: number): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  writeSync(fd, structuredNpyHeader([{ name: 't', dtype: '<u8' }, { name: 'x', dtype: '<u2' }, { name: 'y', dtype: '<u2' }, { name: 'p', dtype: '<u2' }], count));
  const per = 1_000_000;
  const body = Buffer.alloc(per * 14);
  for (let k = 0; k < count; k += per) {
    const n = Math.min(per, count - k);
    for (let j = 0; j < n; j++) {
      const i = k + j;
      const o = j * 14;
      body.writeBigUInt64LE(BigInt(i * 2), o);
      body.writeUInt16LE((i * 7) % 16, o + 8);
      body.writeUInt16LE((i * 13) % 16, o + 10);
      body.writeUInt16LE(i % 2, o + 12);
    }
    writeSync(fd, body, 0, n * 14);
  }
  closeSync(fd);
  return path;
}

const model = [join(EXAMPLES_DIR, 'moving-bar', 'model.py'), '--weights', join(EXAMPLES_DIR, 'moving-bar', 'weights.safetensors'), '--input-shape', '2,16,16'];

async function peakRssKiB(args: string[]): Promise<{ code: number | null; peak: number; stderr: string }> {
  const child = spawn(process.execPath, [DCNN_BIN, ...args], { cwd: dir, env });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  let peak = 0;
  const status = `/proc/${child.pid}/status`;
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(status, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]));
    } catch {
      // the child has just exited
    }
  }, 25);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(timer);
  return { code, peak, stderr };
}

describe.skipIf(!existsSync('/proc/self/status'))('memory of a long dcnn run', () => {
  it('three times the events, the same peak memory', async () => {
    const short = eventFile('short.npy', 3_000_000);
    const long = eventFile('long.npy', 9_000_000);
    const a = await peakRssKiB(['run', ...model, '--events', short, '--project', 'mem.dcnnproj']);
    const b = await peakRssKiB(['run', ...model, '--events', long, '--project', 'mem.dcnnproj']);
    expect([a.code, b.code], b.stderr).toEqual([0, 0]);
    // Holding the 6 M extra events would cost at least 174 MB (file bytes and batch).
    expect(b.peak - a.peak).toBeLessThan(70 * 1024);
    const runs = JSON.parse((await runDcnn(['runs', 'mem.dcnnproj', '--json'], { cwd: dir, env })).stdout) as { runs: { status: string; events_in: number }[] };
    expect(runs.runs.map((r) => [r.status, r.events_in])).toEqual([
      ['completed', 3_000_000],
      ['completed', 9_000_000],
    ]);
  }, 240_000);
});
