import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync, openSync, writeSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseFileError } from '../../../main/store/database-file.js';
import { openProject } from '../../../main/store/project.js';
import { fingerprint, makeTempDirs, MODEL, streamBatch } from './store-fixtures.js';

const temp = makeTempDirs();
afterEach(() => temp.cleanup());

/** Opening must fail with this kind of problem, leaving the file exactly as it was. */
function expectRefused(path: string, kind: string, message: RegExp): void {
  const before = fingerprint(path);
  let error: unknown;
  try {
    openProject(path).close();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DatabaseFileError);
  expect((error as DatabaseFileError).problem.kind).toBe(kind);
  expect((error as Error).message).toMatch(message);
  expect(fingerprint(path)).toEqual(before);
}

/** A closed project holding one recorded run (several pages of data). */
function projectWithData(dir: string): string {
  const path = join(dir, 'data.dcnnproj');
  const project = openProject(path, { create: true });
  const mv = project.addModelVersion(MODEL);
  const run = project.startRun({ modelVersionId: mv.id, deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', monitorLayers: [0] });
  run.recordInput(streamBatch(0, 200_000));
  run.finish({ status: 'completed' });
  project.close();
  return path;
}

describe('a new project file', () => {
  it('is an SQLite file with our application id, the schema version, WAL and 64 KiB pages', () => {
    const dir = temp.make();
    const path = join(dir, 'exp.dcnnproj');
    const project = openProject(path, { create: true, description: 'first try' });
    expect(project.created).toBe(true);
    expect(project.meta).toMatchObject({ name: 'exp', description: 'first try', schemaVersion: 4 });
    project.close();
    const header = readFileSync(path).subarray(0, 100);
    expect(header.toString('latin1', 0, 16)).toBe('SQLite format 3\u0000');
    expect(header.readUInt32BE(68)).toBe(0x44434e50); // "DCNP"
    expect(header.readUInt32BE(60)).toBe(4);
    expect(header[18]).toBe(2); // WAL
    expect(header.readUInt16BE(16)).toBe(1); // 1 means 65536
    // Nothing but the project is left in the folder (no temporary or side files).
    expect(readdirSync(dir)).toEqual(['exp.dcnnproj']);
  });

  it('keeps its metadata across opens', () => {
    const path = join(temp.make(), 'meta.dcnnproj');
    const project = openProject(path, { create: true, name: 'Retina study' });
    project.updateMeta({ description: 'DVS gestures' });
    project.close();
    const again = openProject(path, { create: true });
    expect(again.created).toBe(false);
    expect(again.meta).toMatchObject({ name: 'Retina study', description: 'DVS gestures' });
    again.close();
  });

  it('must end in .dcnnproj', () => {
    const dir = temp.make();
    expect(() => openProject(join(dir, 'exp.sqlite'), { create: true })).toThrow(/must end in \.dcnnproj/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an empty file becomes a project only when creating', () => {
    const dir = temp.make();
    const path = join(dir, 'empty.dcnnproj');
    writeFileSync(path, '');
    expectRefused(path, 'empty', /empty file/);
    openProject(path, { create: true }).close();
    expect(readFileSync(path).readUInt32BE(68)).toBe(0x44434e50);
  });

  it('a missing file is not created unless asked', () => {
    const dir = temp.make();
    expect(() => openProject(join(dir, 'nope.dcnnproj'))).toThrow(/no such file/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a missing folder is named', () => {
    const dir = temp.make();
    expect(() => openProject(join(dir, 'sub', 'exp.dcnnproj'), { create: true })).toThrow(/the folder .*sub does not exist/);
  });
});

describe('files that are not projects are refused and left byte-identical', () => {
  it('a text file', () => {
    const path = join(temp.make(), 'notes.dcnnproj');
    writeFileSync(path, 'these are my notes, not a database\n'.repeat(10));
    expectRefused(path, 'not-sqlite', /not a project file: it is not an SQLite database/);
  });

  it('a file shorter than an SQLite header', () => {
    const path = join(temp.make(), 'short.dcnnproj');
    writeFileSync(path, Buffer.from('SQLite format 3\u0000'));
    expectRefused(path, 'not-sqlite', /not an SQLite database/);
  });

  it('an SQLite database of another program (rollback journal and WAL)', () => {
    const dir = temp.make();
    for (const [name, wal] of [['other.db', false], ['other-wal.db', true]] as const) {
      const path = join(dir, name);
      const db = new Database(path);
      if (wal) db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES (\'Ada\');');
      db.close();
      expectRefused(path, 'other-application', /SQLite database of another program \(application id 0x00000000/);
    }
  });

  it('a folder', () => {
    const path = join(temp.make(), 'folder.dcnnproj');
    mkdirSync(path);
    expect(() => openProject(path)).toThrow(/is a folder/);
  });
});

describe('a project from a newer workbench is refused', () => {
  it('names both schema versions and says to update', () => {
    const path = projectWithData(temp.make());
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expectRefused(path, 'newer-schema', /made by a newer version of the workbench: schema 99, this build reads up to 4 — update the workbench/);
  });
});

describe('damaged projects are refused and left byte-identical', () => {
  it('a file cut short', () => {
    const path = projectWithData(temp.make());
    truncateSync(path, Math.floor(statSync(path).size / 2));
    expectRefused(path, 'corrupt', /damaged project file.*cut short/);
  });

  it('garbage over the pages of the runs table', () => {
    const path = projectWithData(temp.make());
    const db = new Database(path, { readonly: true });
    const root = db.prepare(`SELECT rootpage FROM sqlite_schema WHERE name = 'runs'`).pluck().get() as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(512, 0xab), 0, 512, (root - 1) * pageSize);
    closeSync(fd);
    expectRefused(path, 'corrupt', /damaged project file/);
  });
});

describe('a project open elsewhere', () => {
  it('can be opened a second time (e.g. the CLI while the app records); the live run stays running', () => {
    const path = join(temp.make(), 'shared.dcnnproj');
    const app = openProject(path, { create: true });
    const mv = app.addModelVersion(MODEL);
    const recorder = app.startRun({ modelVersionId: mv.id, deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', monitorLayers: [0] });
    recorder.recordOutput(streamBatch(0, 10));
    recorder.flush();
    const cli = openProject(path);
    expect(cli.interruptedOnOpen).toEqual([]);
    expect(cli.getRun(recorder.runId)).toMatchObject({ status: 'running', eventsOut: 10 });
    cli.close();
    recorder.finish({ status: 'completed' });
    app.close();
  });
});
