// Schema 2: a run can be derived from another (a re-run of a recording's input through a
// different model version or device); the link is what run comparison starts from.

import type { Migration } from '../migration.js';

export const migration0002: Migration = {
  version: 2,
  title: 'link re-runs to the run they replay',
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN parent_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL;
      ALTER TABLE runs ADD COLUMN relation TEXT;
      CREATE INDEX runs_by_parent ON runs(parent_run_id);
    `);
  },
};
