// Schema 6: every chunk written from now on carries the XXH32 checksum of its bytes
// (main/store/chunk-checksum.ts), checked whenever it is read. Chunks recorded before keep
// NULL and are read as before (their damage is found only when it breaks decoding).

import type { Migration } from '../migration.js';

export const migration0006: Migration = {
  version: 6,
  title: 'checksum of every recording chunk',
  up(db) {
    db.exec(`ALTER TABLE chunks ADD COLUMN checksum INTEGER;`);
  },
};
