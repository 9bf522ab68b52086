// Schema 3: seeking to a time becomes one index lookup (the first chunk whose last
// timestamp is at or after the time) instead of a scan over the recording's chunks.

import type { Migration } from '../migration.js';

export const migration0003: Migration = {
  version: 3,
  title: 'index chunks by time for seeking',
  up(db) {
    db.exec(`CREATE INDEX chunks_by_time ON chunks(recording_id, t_last, seq);`);
  },
};
