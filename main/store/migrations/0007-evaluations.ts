// Schema 7: dataset evaluations are kept in the project, one row per sample, so an
// evaluation stopped or cut short by a crash goes on where it was (samples already done
// are not run again) and its per-sample results can be exported.

import type { Migration } from '../migration.js';

export const migration0007: Migration = {
  version: 7,
  title: 'dataset evaluations with per-sample results',
  up(db) {
    db.exec(`
      CREATE TABLE evaluations (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'stopped')),
        model_version_id INTEGER NOT NULL REFERENCES model_versions (id),
        dataset TEXT NOT NULL,
        -- mode, readout, time step, window, input mapping: what makes two evaluations the same
        settings_json TEXT NOT NULL,
        classes_json TEXT NOT NULL,
        sample_count INTEGER NOT NULL CHECK (sample_count >= 0)
      );
      CREATE TABLE evaluation_samples (
        evaluation_id INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
        file TEXT NOT NULL,
        label TEXT NOT NULL,
        label_index INTEGER NOT NULL,
        predicted INTEGER,
        exit_counts_json TEXT NOT NULL,
        first_spike_us REAL,
        events_in INTEGER NOT NULL,
        synaptic_ops INTEGER NOT NULL,
        error TEXT,
        PRIMARY KEY (evaluation_id, file)
      ) WITHOUT ROWID;
    `);
  },
};
