// Schema 4: a model version says why it exists. "model" versions are the project's own
// (saved from the editor, or compiled for a run of the project's chip); "rerun" versions
// were compiled for another device type to re-run a recording there, on the user's say.
// The project's current model is the newest "model" version, so a re-run on another
// type never changes the chip a project opens with.

import type { Migration } from '../migration.js';

export const migration0004: Migration = {
  version: 4,
  title: 'model versions say whether they are the project model or a re-run on another type',
  up(db) {
    db.exec(`ALTER TABLE model_versions ADD COLUMN purpose TEXT NOT NULL DEFAULT 'model' CHECK (purpose IN ('model', 'rerun'));`);
  },
};
