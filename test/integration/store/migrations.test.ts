import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeChunk } from '../../../main/store/chunk-codec.js';
import { openOurDatabase } from '../../../main/store/database-open.js';
import { MigrationError, type Migration } from '../../../main/store/migration.js';
import { PROJECT_MIGRATIONS } from '../../../main/store/migrations/index.js';
import { openProject, PROJECT_DATABASE } from '../../../main/store/project.js';
import { firstMismatch, makeTempDirs, streamBatch, streamEvent } from './store-fixtures.js';

const temp = makeTempDirs();
afterEach(() => temp.cleanup());

function columns(db: Database.Database, table: string): string[] {
  return (db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name);
}

function indexes(db: Database.Database): string[] {
  return db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
}

/**
 * A project file at an older schema version, filled the way that version's code wrote
 * it: one model version, one completed run whose input recording is events 0..999 of
 * the test stream in chunks of 300.
 */
function oldProject(version: number): string {
  const path = join(temp.make(), `v${version}.dcnnproj`);
  const { db } = openOurDatabase(path, PROJECT_DATABASE, {
    create: true,
    upToVersion: version,
    initialize: (d) => d.prepare(`INSERT INTO project (id, name, created_at) VALUES (1, 'old', '2025-01-01T00:00:00.000Z')`).run(),
  });
  db.exec(`
    INSERT INTO model_versions (id, name, created_at, model_text, input_shape, device, compile_options, config_json)
      VALUES (1, 'old model', '2025-01-01T00:00:00.000Z', 'nn.Sequential()', '[1,28,28]', 'speck2fdevkit', '{}', '{}');
    INSERT INTO runs (id, model_version_id, device_id, device_type, deploy_options, monitor_layers, started_at, ended_at, status, events_in)
      VALUES (1, 1, 'sim-speck2fdevkit:0', 'speck2fdevkit', '{}', '[0]', '2025-01-01T00:00:00.000Z', '2025-01-01T00:01:00.000Z', 'completed', 1000);
    INSERT INTO recordings (id, run_id, stream, event_count, chunk_count, t_first, t_last) VALUES (1, 1, 'input', 1000, 4, 1000, ${streamEvent(999).t});
    INSERT INTO recordings (id, run_id, stream) VALUES (2, 1, 'output');
  `);
  for (let seq = 0; seq * 300 < 1000; seq++) {
    const from = seq * 300;
    const n = Math.min(300, 1000 - from);
    const { codec, bytes } = encodeChunk(streamBatch(from, n), 'columns');
    const id = db
      .prepare(`INSERT INTO chunks (recording_id, seq, first_event, event_count, t_first, t_last, codec) VALUES (1, ?, ?, ?, ?, ?, ?)`)
      .run(seq, from, n, streamEvent(from).t, streamEvent(from + n - 1).t, codec).lastInsertRowid;
    db.prepare('INSERT INTO chunk_data (chunk_id, bytes) VALUES (?, ?)').run(id, Buffer.from(bytes));
  }
  db.close();
  return path;
}

describe('migrations from an empty file', () => {
  it('a new project has every table and index of the current schema', () => {
    const path = join(temp.make(), 'new.dcnnproj');
    openProject(path, { create: true }).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(PROJECT_MIGRATIONS.length);
    expect(db.pragma('application_id', { simple: true })).toBe(0x44434e50);
    expect(columns(db, 'runs')).toEqual(expect.arrayContaining(['parent_run_id', 'relation', 'owner_pid', 'events_in', 'events_out']));
    expect(indexes(db)).toEqual(['chunks_by_time', 'runs_by_parent']);
    expect(columns(db, 'model_versions')).toContain('purpose');
    db.close();
  });
});

describe('migrations from each earlier schema version', () => {
  for (const version of [1, 2, 3, 4, 5]) {
    it(`a schema ${version} project opens with its data intact and gains the newer features`, () => {
      const path = oldProject(version);
      const before = new Database(path, { readonly: true });
      expect(before.pragma('user_version', { simple: true })).toBe(version);
      expect(columns(before, 'runs').includes('parent_run_id')).toBe(version >= 2);
      expect(indexes(before).includes('chunks_by_time')).toBe(version >= 3);
      before.close();

      const project = openProject(path);
      expect(project.meta.schemaVersion).toBe(PROJECT_MIGRATIONS.length);
      // Schema 4: versions made before it are the project's own model.
      expect(project.getModelVersion(1)?.purpose).toBe('model');
      expect(project.getRun(1)).toMatchObject({ status: 'completed', eventsIn: 1000, parentRunId: null, relation: null });
      const reader = project.openRecording(1, 'input');
      expect(reader.count).toBe(1000);
      const events = [...reader.read()];
      expect(events.reduce((s, b) => s + b.length, 0)).toBe(1000);
      let from = 0;
      for (const b of events) {
        expect(firstMismatch(b, from)).toBe(-1);
        from += b.length;
      }
      // The seek index of schema 3 works on old chunks: event 600 is the first of chunk 2.
      expect(reader.seek(streamEvent(600).t)).toMatchObject({ eventIndex: 600, seq: 2, offset: 0 });
      // And the run link of schema 2 works on old runs.
      const rerun = project.startRun({ modelVersionId: 1, deviceId: 'sim-speck2fdevkit:1', deviceType: 'speck2fdevkit', monitorLayers: [0], parentRunId: 1, relation: 're-run' });
      rerun.finish({ status: 'completed' });
      expect(project.childRuns(1).map((r) => r.id)).toEqual([rerun.runId]);
      project.close();

      const after = new Database(path, { readonly: true });
      expect(after.pragma("user_version", { simple: true })).toBe(PROJECT_MIGRATIONS.length);
      expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
      after.close();
    });
  }
});

describe("schema 4: runs the user stopped are 'stopped'", () => {
  it("a run stopped by the user becomes 'stopped'; a crashed or unplugged one stays interrupted; the constraint takes 'stopped' and still refuses nonsense", () => {
    const path = oldProject(3);
    const db = new Database(path);
    db.exec(`
      INSERT INTO runs (id, model_version_id, device_id, device_type, deploy_options, monitor_layers, started_at, status, reason, message) VALUES
        (2, 1, 'sim-speck2fdevkit:0', 'speck2fdevkit', '{}', '[0]', '2025-01-01T00:02:00.000Z', 'interrupted', 'cancelled', 'stopped by the user'),
        (3, 1, 'sim-speck2fdevkit:0', 'speck2fdevkit', '{}', '[0]', '2025-01-01T00:03:00.000Z', 'interrupted', 'crashed', 'the workbench process ended during the run'),
        (4, 1, 'sim-speck2fdevkit:0', 'speck2fdevkit', '{}', '[0]', '2025-01-01T00:04:00.000Z', 'interrupted', 'cancelled', 'the project was closed during the run');
    `);
    db.close();
    const project = openProject(path);
    expect(project.getRun(2)).toMatchObject({ status: 'stopped', reason: null, message: 'stopped by the user' });
    expect(project.getRun(3)).toMatchObject({ status: 'interrupted', reason: 'crashed' });
    expect(project.getRun(4)).toMatchObject({ status: 'interrupted', reason: 'cancelled' });
    const run = project.startRun({ modelVersionId: 1, deviceId: 'sim-speck2fdevkit:1', deviceType: 'speck2fdevkit', monitorLayers: [0] });
    run.finish({ status: 'stopped', message: 'stopped by the user' });
    expect(project.getRun(run.runId)).toMatchObject({ status: 'stopped', reason: null, message: 'stopped by the user' });
    project.close();
    const after = new Database(path);
    expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(() => after.prepare("UPDATE runs SET status = 'paused' WHERE id = 1").run()).toThrow(/CHECK constraint failed/);
    after.close();
  });
});

describe('a failing migration leaves the file at its old version', () => {
  it('rolls back every step and says which migration failed', () => {
    const path = oldProject(1);
    const failing: Migration = {
      version: 2,
      title: 'a broken step',
      up(db) {
        db.exec('ALTER TABLE runs ADD COLUMN half_done TEXT');
        throw new Error('boom');
      },
    };
    expect(() => openOurDatabase(path, { ...PROJECT_DATABASE, migrations: [PROJECT_MIGRATIONS[0]!, failing], schemaVersion: 2 })).toThrow(MigrationError);
    try {
      openOurDatabase(path, { ...PROJECT_DATABASE, migrations: [PROJECT_MIGRATIONS[0]!, failing], schemaVersion: 2 });
    } catch (e) {
      expect((e as Error).message).toMatch(/upgrading to schema 2 \(a broken step\) failed, the file is unchanged: boom/);
    }
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(columns(db, 'runs')).not.toContain('half_done');
    db.close();
  });
});
