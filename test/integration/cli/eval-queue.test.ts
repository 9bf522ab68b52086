// `dcnn eval --queue` over a real Redis (Debian's redis-server on 127.0.0.1) with two
// `dcnn worker` processes, one of them killed mid-run: every sample comes back once, and
// the rows equal those of the same evaluation run locally.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DCNN_BIN, runDcnn } from '../../helpers/dcnn-process.js';
import { writeEvalDataset } from '../../helpers/eval-dataset.js';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';

const haveRedis = spawnSync('redis-server', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'dcnn-queue-'));
const env = { ...process.env, DCNN_DATA_DIR: join(dir, 'data') };
const lenet = [join(EXAMPLES_DIR, 'lenet', 'model.py'), '--weights', join(EXAMPLES_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28'];
const children: ChildProcess[] = [];
let url = '';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function start(args: string[]): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [DCNN_BIN, ...args], { cwd: dir, env });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return { child, stderr: () => err };
}

beforeAll(async () => {
  writeEvalDataset(dir, { perClass: 8, firstSeed: 20, bar: { durationMs: 300, rateHz: 800 }, blob: { durationMs: 300, rateHz: 80 } });
  if (!haveRedis) return;
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  children.push(redis);
  url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('redis-server did not start');
}, 60_000);

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!haveRedis)('dcnn eval --queue with dcnn worker processes', () => {
  it('a worker killed mid-run: its samples are done by the other, once each, equal to the local run', async () => {
    const local = JSON.parse((await runDcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '1', '--json'], { cwd: dir, env })).stdout);
    const a = start(['worker', '--queue', url, '--threads', '1']);
    const b = start(['worker', '--queue', url, '--threads', '1']);
    for (const w of [a, b]) {
      await new Promise<void>((resolve, reject) => {
        const t = setInterval(() => {
          if (w.stderr().includes('waiting for samples')) {
            clearInterval(t);
            resolve();
          }
        }, 100);
        setTimeout(() => reject(new Error(`worker did not start: ${w.stderr()}`)), 60_000);
      });
    }
    const evaluation = runDcnn(['eval', ...lenet, '--dataset', 'ds', '--queue', url, '--json'], { cwd: dir, env });
    // Kill A once it has evaluated a sample: it holds the next one when it dies.
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (a.stderr().includes('evaluated ')) {
          clearInterval(t);
          a.child.kill('SIGKILL');
          resolve();
        }
      }, 20);
    });
    const r = await evaluation;
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.runner).toBe(`queue ${url}`);
    expect(out.samples).toHaveLength(16);
    expect(new Set(out.samples.map((s: { file: string }) => s.file)).size).toBe(16);
    const rows = (x: { samples: { file: string; predicted_channel: number | null; exit_counts: number[]; synaptic_ops: number }[] }) =>
      x.samples.map((s) => [s.file, s.predicted_channel, s.exit_counts, s.synaptic_ops]);
    expect(rows(out)).toEqual(rows(local));
    expect(out.accuracy).toBe(local.accuracy);
    // Both workers took part: A before it died, B the rest (including A's held sample).
    expect(a.stderr()).toMatch(/evaluated /);
    expect(b.stderr().match(/evaluated /g)?.length ?? 0).toBeGreaterThan(0);
    b.child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => b.child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(b.stderr()).toMatch(/worker stopped after \d+ samples/);
  }, 240_000);

  it('a queue URL that is not redis:// is a clear error', async () => {
    const r = await runDcnn(['eval', ...lenet, '--dataset', 'ds', '--queue', 'http://x'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/only redis:\/\/HOST:PORT queues are supported/);
  }, 60_000);
});
