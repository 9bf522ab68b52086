// A full disk during a recording, on a real small file system: a tmpfs mounted for the
// test (root only; as another user the suite says why it cannot run these). The run ends
// as interrupted ('disk-full') with what was committed intact, the project opens while the
// disk is still full (to view it), and records again normally once space is back.

import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fullIntegrityCheck } from '../../../main/store/database-open.js';
import { openProject, ProjectWriteError, type Project } from '../../../main/store/project.js';
import { concatBatches } from '../../../main/common/spike-batch.js';
import { firstMismatch, MODEL, streamBatch } from './store-fixtures.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) console.warn('disk-full tests need root to mount a small tmpfs; run the suite as root to include them');

/** Writes zeros into `path` until the file system has no byte left. */
function fillUp(path: string): void {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4096);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

/** The database size in pages from the SQLite header (offset 28, big-endian). */
function headerPages(path: string): number {
  return readFileSync(path).readUInt32BE(28);
}

const DEVICE = { deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit' };

describe.runIf(isRoot)('a full disk during a recording (tmpfs of 6 MiB)', () => {
  let mount = '';
  let base = '';
  const open: Project[] = [];
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'dcnn-disk-full-'));
    mount = join(base, 'small');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mount]);
  });
  afterEach(() => {
    for (const p of open.splice(0)) p.close();
    execFileSync('umount', [mount]);
    rmSync(base, { recursive: true, force: true });
  });

  it('ends the run as interrupted, keeps the committed chunks, and the project opens before and after space is back', () => {
    const path = join(mount, 'full.dcnnproj');
    const project = openProject(path, { create: true });
    open.push(project);
    const mv = project.addModelVersion(MODEL).id;
    // Leave about 2 MiB free: the filler is what the user deletes to make space.
    const filler = join(mount, 'filler.bin');
    const free = () => Number(execFileSync('df', ['-B1', '--output=avail', mount]).toString().trim().split('\n')[1]);
    writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 2 * 1024 * 1024)));

    let failure: unknown = null;
    const recorder = project.startRun({ modelVersionId: mv, ...DEVICE, monitorLayers: [0], recording: { chunkEvents: 65536 } });
    recorder.onRecordingFailed((e) => (failure = e));
    // The test stream takes ~5 bytes per event: 2 M events is ~10 MB, far beyond the disk.
    // Chunks of 64 Ki events span several 64 KiB pages, so committed chunks grow the file.
    let fed = 0;
    for (; fed < 2_000_000 && failure === null; fed += 65536) recorder.recordInput(streamBatch(fed, 65536));
    expect(failure).toBeInstanceOf(ProjectWriteError);
    expect((failure as ProjectWriteError).problem).toBe('disk-full');
    // Further events after the failure are dropped, not thrown at the device loop.
    expect(() => recorder.recordInput(streamBatch(fed, 10))).not.toThrow();
    const ending = recorder.finish({ status: 'completed' });
    expect(ending).toMatchObject({ status: 'interrupted', reason: 'disk-full' });
    const committed = recorder.committed.input;
    expect(committed).toBeGreaterThan(0);
    expect(committed % 65536).toBe(0);
    const run = project.getRun(recorder.runId)!;
    expect(run).toMatchObject({ status: 'interrupted', reason: 'disk-full', eventsIn: committed });
    expect(run.message).toMatch(/disk .*is full/);
    expect(run.message).toContain(`${committed} input`);
    // Closing on a full disk cannot fold the WAL into the file: the checkpoint writes page 1
    // (with the new page count) and fails on the pages that would extend the file, so the
    // header promises more pages than the file has; the WAL still holds them.
    fillUp(join(mount, 'last-bytes.bin'));
    project.close();
    expect(headerPages(path) * 65536).toBeGreaterThan(statSync(path).size);

    // Still full: the project opens to be viewed, with everything committed.
    const viewing = openProject(path);
    open.push(viewing);
    const events = concatBatches([...viewing.openRecording(recorder.runId, 'input').read()]);
    expect(events.length).toBe(committed);
    expect(firstMismatch(events, 0)).toBe(-1);
    viewing.close();

    // Space is back: the project opens, checks clean and records a new run.
    rmSync(filler);
    rmSync(join(mount, 'last-bytes.bin'));
    const again = openProject(path);
    open.push(again);
    const checker = new Database(path, { readonly: true });
    expect(fullIntegrityCheck(checker)).toEqual(['ok']);
    checker.close();
    const second = again.startRun({ modelVersionId: mv, ...DEVICE, monitorLayers: [0] });
    second.recordInput(streamBatch(0, 1000));
    expect(second.finish({ status: 'completed' })).toEqual({ status: 'completed' });
    expect(again.getRun(second.runId)).toMatchObject({ status: 'completed', eventsIn: 1000 });
    expect(again.getRun(recorder.runId)).toMatchObject({ status: 'interrupted', reason: 'disk-full', eventsIn: committed });
    again.close();
    expect(statSync(path).size).toBeGreaterThan(0);
  });

  it('a run that cannot even start on a full disk is refused with a ProjectWriteError, not a raw SqliteError', () => {
    const path = join(mount, 'start.dcnnproj');
    const project = openProject(path, { create: true });
    open.push(project);
    const mv = project.addModelVersion(MODEL).id;
    const filler = join(mount, 'filler2.bin');
    fillUp(filler);
    let thrown: unknown = null;
    try {
      // Several runs: the first may still fit into WAL space freed by a checkpoint.
      for (let i = 0; i < 50; i++) project.startRun({ modelVersionId: mv, ...DEVICE, monitorLayers: [0] }).finish({ status: 'completed' });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ProjectWriteError);
    expect((thrown as Error).message).toContain(path);
    expect((thrown as Error).message).toMatch(/full/);
    project.close();
    rmSync(filler);
  });
});
