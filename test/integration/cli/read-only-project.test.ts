// A project in a read-only folder (a tmpfs remounted read-only for the test: root only, as
// another user the suite says why it cannot run these): `runs`, `replay` and `export` view
// it; `run --project` says why the run cannot be recorded (exit 1, no SqliteError).

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';
import { runDcnn, type DcnnResult } from '../../helpers/dcnn-process.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) console.warn('read-only project tests need root to remount a tmpfs read-only; run the suite as root to include them');


describe.runIf(isRoot)('a project in a read-only folder', () => {
  const base = mkdtempSync(join(tmpdir(), 'dcnn-cli-ro-'));
  const mount = join(base, 'ro');
  const project = join(mount, 'exp.dcnnproj');
  const env = { ...process.env, DCNN_DATA_DIR: join(base, 'data') };
  const lenet = [join(EXAMPLES_DIR, 'lenet', 'model.py'), '--weights', join(EXAMPLES_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28'];
  const events = ['--events', join(EXAMPLES_DIR, 'lenet', 'input.npy')];

  async function dcnn(args: string[]): Promise<DcnnResult> {
    return runDcnn(args, { cwd: base, env });
  }

  let recorded: { events_in: number; events_out: number };
  beforeAll(async () => {
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mount]);
    const first = await dcnn(['run', ...lenet, ...events, '--project', project, '--json']);
    expect(first.code).toBe(0);
    recorded = JSON.parse(first.stdout);
    execFileSync('mount', ['-o', 'remount,ro', mount]);
  }, 60_000);
  afterAll(() => {
    execFileSync('umount', [mount]);
    rmSync(base, { recursive: true, force: true });
  });

  it('runs lists the recorded run', async () => {
    const r = await dcnn(['runs', project, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).runs).toEqual([expect.objectContaining({ id: 1, status: 'completed', events_in: recorded.events_in, events_out: recorded.events_out })]);
  });

  it('replay plays the output at max speed', async () => {
    const r = await dcnn(['replay', project, '1', '--speed', 'max']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(String(recorded.events_out));
  });

  it('export writes the output stream elsewhere', async () => {
    const out = join(base, 'out.csv');
    const r = await dcnn(['export', project, '1', '--stream', 'output', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it('run --project says why the run cannot be recorded', async () => {
    const r = await dcnn(['run', ...lenet, ...events, '--project', project]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the run cannot be recorded: ${project} is read-only`);
    expect(r.stderr).not.toContain('SqliteError');
    expect(readdirSync(mount)).toEqual(['exp.dcnnproj']);
  }, 30_000);
});
