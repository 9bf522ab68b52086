// Schema 8: an evaluation in both modes keeps, per sample, the time-stepped result beside
// the chip-semantics one and why the two disagree. One nullable column, so the rows of
// single-mode evaluations (and of projects made before) read as they did.

import type { Migration } from '../migration.js';

export const migration0008: Migration = {
  version: 8,
  title: 'the second mode of an evaluation in both modes',
  up(db) {
    db.exec(`ALTER TABLE evaluation_samples ADD COLUMN compared_json TEXT;`);
  },
};
