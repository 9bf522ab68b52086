// Rows of a real project file changed behind the workbench's back (by hand, by another
// tool) come out as a ProjectRowError naming the table, the row and the column, not as
// values of the wrong type handed to the UI.

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openProject } from '../../../main/store/project.js';
import { ProjectRowError } from '../../../main/store/row-schemas.js';
import { makeTempDirs, MODEL, streamBatch } from './store-fixtures.js';

const temp = makeTempDirs();
afterEach(() => temp.cleanup());

function projectWithOneRun(): string {
  const path = join(temp.make(), 'p.dcnnproj');
  const project = openProject(path, { create: true });
  const version = project.addModelVersion(MODEL);
  const recorder = project.startRun({ modelVersionId: version.id, deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', monitorLayers: [0, 1] });
  recorder.recordInput(streamBatch(0, 10));
  recorder.finish({ status: 'completed' });
  project.close();
  return path;
}

function tamper(path: string, sql: string): void {
  const db = new Database(path);
  db.pragma('ignore_check_constraints = ON');
  db.exec(sql);
  db.close();
}

function rowError(fn: () => unknown): ProjectRowError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProjectRowError) return e;
    throw e;
  }
  throw new Error('expected a ProjectRowError');
}

describe('rows read from the project file are checked', () => {
  it('reads an untouched file as written', () => {
    const project = openProject(projectWithOneRun());
    const [run] = project.listRuns();
    expect(run?.monitorLayers).toEqual([0, 1]);
    expect(run?.counters).toEqual({});
    expect(project.listModelVersions()[0]?.inputShape).toEqual([1, 28, 28]);
    project.close();
  });

  it('names the run row and column when a JSON column holds the wrong shape', () => {
    const path = projectWithOneRun();
    tamper(path, `UPDATE runs SET monitor_layers = '["zero", 1]' WHERE id = 1`);
    const project = openProject(path);
    const e = rowError(() => project.listRuns());
    expect(e.code).toBe('PROJECT_DAMAGED');
    expect(e.where).toBe('runs row 1');
    expect(e.problems[0]).toMatch(/^monitor_layers\.0: /);
    expect(() => project.getRun(1)).toThrow(ProjectRowError);
    project.close();
  });

  it('refuses a JSON column that is not JSON', () => {
    const path = projectWithOneRun();
    tamper(path, `UPDATE model_versions SET input_shape = '[1, 28,' WHERE id = 1`);
    const project = openProject(path);
    const e = rowError(() => project.listModelVersions());
    expect(e.where).toBe('model_versions row 1');
    expect(e.problems[0]).toMatch(/^input_shape: not JSON/);
    project.close();
  });

  it('refuses a status outside the schema (at open: the CHECK constraint) and a count of the wrong type', () => {
    const path = projectWithOneRun();
    tamper(path, `UPDATE runs SET status = 'exploded' WHERE id = 1`);
    expect(() => openProject(path)).toThrow(/CHECK constraint failed in runs/);

    const second = projectWithOneRun();
    tamper(second, `UPDATE runs SET events_in = 'many' WHERE id = 1`);
    const again = openProject(second);
    expect(rowError(() => again.getRun(1)).problems.join(' ')).toMatch(/events_in/);
    again.close();
  });

  it('refuses a zero in an input shape', () => {
    const path = projectWithOneRun();
    tamper(path, `UPDATE model_versions SET input_shape = '[1, 0, 28]' WHERE id = 1`);
    const project = openProject(path);
    expect(rowError(() => project.getModelVersion(1)).problems[0]).toMatch(/^input_shape\.1: /);
    project.close();
  });

  it('names the chunk when its index row is damaged, and the rest of the project stays readable', () => {
    const path = projectWithOneRun();
    tamper(path, `UPDATE chunks SET event_count = -4`);
    const project = openProject(path);
    expect(project.listRuns()).toHaveLength(1);
    const e = rowError(() => project.openRecording(1, 'input').loadChunk(0));
    expect(e.where).toMatch(/^chunks of recording \d+, seq 0$/);
    expect(e.problems.join(' ')).toMatch(/event_count/);
    project.close();
  });
});
