// Schema 8: a schema 7 project's evaluations open with their rows as they were (no second
// mode), and a row of an evaluation in both modes keeps its time-stepped result and causes.

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openOurDatabase } from '../../../main/store/database-open.js';
import { PROJECT_MIGRATIONS } from '../../../main/store/migrations/index.js';
import { openProject, PROJECT_DATABASE } from '../../../main/store/project.js';
import { makeTempDirs } from './store-fixtures.js';

const temp = makeTempDirs();
afterEach(() => temp.cleanup());

function schema7Project(): string {
  const path = join(temp.make(), 'v7.dcnnproj');
  const { db } = openOurDatabase(path, PROJECT_DATABASE, {
    create: true,
    upToVersion: 7,
    initialize: (d) => d.prepare(`INSERT INTO project (id, name, created_at) VALUES (1, 'old', '2026-01-01T00:00:00.000Z')`).run(),
  });
  db.exec(`
    INSERT INTO model_versions (id, name, created_at, model_text, input_shape, device, compile_options, config_json)
      VALUES (1, 'old model', '2026-01-01T00:00:00.000Z', 'nn.Sequential()', '[1,28,28]', 'speck2fdevkit', '{}', '{}');
    INSERT INTO evaluations (id, created_at, finished_at, status, model_version_id, dataset, settings_json, classes_json, sample_count)
      VALUES (1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:01:00.000Z', 'completed', 1, '/data/ds', '{"mode":"event"}', '["bar","blob"]', 1);
    INSERT INTO evaluation_samples (evaluation_id, file, label, label_index, predicted, exit_counts_json, first_spike_us, events_in, synaptic_ops, error)
      VALUES (1, 'bar/s0.npy', 'bar', 0, 0, '[5,2]', 1200, 90, 4000, NULL);
  `);
  db.close();
  return path;
}

describe('schema 8: the second mode of an evaluation', () => {
  it('a schema 7 evaluation reads as it was; a both-modes row keeps the time-stepped result and its causes', () => {
    const project = openProject(schema7Project());
    expect(project.meta.schemaVersion).toBe(PROJECT_MIGRATIONS.length);
    expect(project.evaluations.samples(1)).toEqual([
      { file: 'bar/s0.npy', label: 'bar', labelIndex: 0, predicted: 0, exitCounts: [5, 2], firstSpikeUs: 1200, eventsIn: 90, synapticOps: 4000, error: null, compared: null },
    ]);
    const e = project.evaluations.start({ modelVersionId: 1, dataset: '/data/ds', settings: { mode: 'both' }, classes: ['bar', 'blob'], sampleCount: 1 });
    const compared = { predicted: 1, exitCounts: [1, 3], firstSpikeUs: 2000, synapticOps: 3900, causes: [{ kind: 'ordering' as const, predicted: 1 }] };
    project.evaluations.addSample(e.id, {
      file: 'blob/s0.npy',
      label: 'blob',
      labelIndex: 1,
      predicted: 0,
      exitCounts: [4, 1],
      firstSpikeUs: 900,
      eventsIn: 60,
      synapticOps: 4100,
      error: null,
      compared,
    });
    expect(project.evaluations.samples(e.id)[0]!.compared).toEqual(compared);
    project.close();
  });

  it('a stored second mode that does not fit its schema is a damaged project, naming the column', () => {
    const path = schema7Project();
    openProject(path).close();
    const db = new Database(path);
    db.prepare(`UPDATE evaluation_samples SET compared_json = '{"predicted":"left"}'`).run();
    db.close();
    const project = openProject(path);
    expect(() => project.evaluations.samples(1)).toThrow(/compared_json/);
    project.close();
  });
});
