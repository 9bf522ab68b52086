import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { currentOwner, ownerState } from '../../../main/store/run-ownership.js';

describe('whether the writer of a running run still exists', () => {
  it('a run owned by this process is alive only while this process has its recorder', () => {
    const me = currentOwner();
    expect(ownerState(me, () => true)).toBe('alive');
    expect(ownerState(me, () => false)).toBe('gone');
  });

  it('a process that has exited is gone; a running one is alive', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    await once(child, 'spawn');
    const owner = { ...currentOwner(), pid: child.pid!, start: null };
    expect(ownerState(owner, () => false)).toBe('alive');
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(ownerState(owner, () => false)).toBe('gone');
  });

  it('a reused pid (different process start time) or another boot is gone', () => {
    const me = currentOwner();
    if (me.start !== null) expect(ownerState({ ...me, pid: process.ppid, start: 'not-the-start' }, () => true)).toBe('gone');
    expect(ownerState({ ...me, pid: process.ppid, boot: 'another-boot' }, () => true)).toBe(me.boot === null ? 'alive' : 'gone');
  });

  it('a run written on another host cannot be checked and is left alone', () => {
    expect(ownerState({ ...currentOwner(), host: 'some-other-host.invalid' }, () => false)).toBe('unknown');
  });
});
