// `dcnn run` and `dcnn runs` on a full disk, as child processes on a small tmpfs mounted
// for the test (root only; as another user the suite says why it cannot run these): a run
// that cannot be recorded exits 1 with a message (no stack trace), and the project stays
// readable while the disk is full and after space is back.

import { execFile, execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';
import { runDcnn, type DcnnResult } from '../../helpers/dcnn-process.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) console.warn('disk-full CLI tests need root to mount a small tmpfs; run the suite as root to include them');


describe.runIf(isRoot)('dcnn on a full disk (tmpfs of 8 MiB)', () => {
  const base = mkdtempSync(join(tmpdir(), 'dcnn-cli-full-'));
  const mount = join(base, 'small');
  const env = { ...process.env, DCNN_DATA_DIR: join(base, 'data') };
  beforeAll(() => {
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount]);
  });
  afterAll(() => {
    execFileSync('umount', [mount]);
    rmSync(base, { recursive: true, force: true });
  });

  async function dcnn(args: string[]): Promise<DcnnResult> {
    return runDcnn(args, { cwd: base, env });
  }

  const lenet = [join(EXAMPLES_DIR, 'lenet', 'model.py'), '--weights', join(EXAMPLES_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28'];
  const events = ['--events', join(EXAMPLES_DIR, 'lenet', 'input.npy')];

  it('refuses to record with a message, and `runs` works while full and after space is back', async () => {
    const project = join(mount, 'exp.dcnnproj');
    const first = await dcnn(['run', ...lenet, ...events, '--project', project, '--json']);
    expect(first.code).toBe(0);
    // Fill the disk to the last byte.
    const filler = join(mount, 'filler.bin');
    const fd = openSync(filler, 'w');
    try {
      for (;;) writeSync(fd, Buffer.alloc(4096));
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }
    const second = await dcnn(['run', ...lenet, ...events, '--project', project, '--json']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/cannot be recorded: the disk holding .*exp\.dcnnproj is full/);
    expect(second.stderr).not.toContain('SqliteError');
    expect(second.stderr).not.toMatch(/\n\s+at /);
    // Closing on the full disk left the WAL unfolded; the project still opens.
    const whileFull = await dcnn(['runs', project, '--json']);
    expect(whileFull.stderr).toBe('');
    expect(whileFull.code).toBe(0);
    expect(JSON.parse(whileFull.stdout).runs).toEqual([expect.objectContaining({ id: 1, status: 'completed' })]);
    rmSync(filler);
    const third = await dcnn(['run', ...lenet, ...events, '--project', project, '--json']);
    expect(third.code).toBe(0);
    expect(JSON.parse(third.stdout)).toMatchObject({ run_id: 2, status: 'completed' });
    const after = await dcnn(['runs', project, '--json']);
    expect(JSON.parse(after.stdout).runs.map((r: { status: string }) => r.status)).toEqual(['completed', 'completed']);
  });
});
