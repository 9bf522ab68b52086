// A long `dcnn run` shows progress, and ending it with SIGTERM (a scheduler, `kill`) is
// like Ctrl-C: the run is recorded as stopped with what was committed, not as crashed.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../../main/cli/commands/run.js';
import { CliError } from '../../../main/cli/cli-io.js';
import { structuredNpyHeader } from '../../../main/formats/npy.js';
import { DCNN_BIN, runDcnn } from '../../helpers/dcnn-process.js';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dcnn-signals-'));
const env = { ...process.env, DCNN_DATA_DIR: join(dir, 'data') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `count` events on a 28x28 input, 1 µs apart, as the event .npy dcnn reads. */
function bigEvents(count: number): string {
  const header = structuredNpyHeader([{ name: 't', dtype: '<u8' }, { name: 'x', dtype: '<u2' }, { name: 'y', dtype: '<u2' }, { name: 'p', dtype: '<u2' }], count);
  const body = new Uint8Array(count * 14);
  const view = new DataView(body.buffer);
  for (let i = 0; i < count; i++) {
    const o = i * 14;
    view.setBigUint64(o, BigInt(i), true);
    view.setUint16(o + 8, (i * 7) % 28, true);
    view.setUint16(o + 10, (i * 13) % 28, true);
  }
  const path = join(dir, 'big.npy');
  writeFileSync(path, Buffer.concat([header, body]));
  return path;
}

const lenet = [join(EXAMPLES_DIR, 'lenet', 'model.py'), '--weights', join(EXAMPLES_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28'];

describe('a long dcnn run', () => {
  it('prints progress and, on SIGTERM, ends the run as stopped', async () => {
    const events = bigEvents(4_000_000);
    const child = spawn(process.execPath, [DCNN_BIN, 'run', ...lenet, '--events', events, '--project', 'long.dcnnproj'], { cwd: dir, env });
    let stderr = '';
    const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no progress line in 90 s:\n${stderr}`)), 90_000);
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/ of 4\.00 M events \(\d+ %\), .* events\/s, ETA \d+ s/.test(stderr)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    const end = await ended;
    expect(end.signal).toBeNull();
    expect(end.code).toBe(1);
    const runs = JSON.parse((await runDcnn(['runs', 'long.dcnnproj', '--json'], { cwd: dir, env })).stdout) as { runs: { status: string; events_in: number }[] };
    expect(runs.runs).toHaveLength(1);
    expect(runs.runs[0]!.status).toBe('stopped');
    expect(runs.runs[0]!.events_in).toBeGreaterThan(0);
    expect(runs.runs[0]!.events_in).toBeLessThan(4_000_000);
  }, 180_000);

  it('an interruption while the input is still being read ends the command at once, with nothing run', async () => {
    const events = bigEvents(2_000_000);
    const err: string[] = [];
    const io = { out: () => undefined, err: (t: string) => void err.push(t), cwd: dir, interrupted: Promise.resolve() };
    const result = runCommand([...lenet, '--events', events, '--project', 'early.dcnnproj', '--data-dir', join(dir, 'data')], io);
    await expect(result).rejects.toThrow(CliError);
    await expect(result).rejects.toThrow('interrupted while reading the input: nothing was run');
    const runs = JSON.parse((await runDcnn(['runs', 'early.dcnnproj', '--json'], { cwd: dir, env })).stdout || '{"runs":[]}') as { runs: unknown[] };
    expect(runs.runs).toEqual([]);
  }, 60_000);
});
