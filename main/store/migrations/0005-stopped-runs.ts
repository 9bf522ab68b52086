// Schema 5: a run the user stopped is 'stopped' (it was 'interrupted' with reason
// 'cancelled' and the message "stopped by the user"); 'interrupted' stays for runs that
// ended for a reason outside the user's hands. The runs table's CHECK constraint gains the
// value by rewriting the table's stored definition: SQLite's documented way to change a
// CHECK constraint without rebuilding a table other tables point at (recordings, lineage).

import type { Migration } from '../migration.js';
import { pragmaInt } from '../row-schemas.js';

const OLD_CHECK = "CHECK (status IN ('running', 'completed', 'interrupted', 'failed'))";
const NEW_CHECK = "CHECK (status IN ('running', 'completed', 'stopped', 'interrupted', 'failed'))";

export const migration0005: Migration = {
  version: 5,
  title: "runs the user stopped are 'stopped'",
  up(db) {
    const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'runs'").pluck().get() as string | undefined;
    if (!sql || !sql.includes(OLD_CHECK)) throw new Error(`the runs table does not have the expected status constraint ${OLD_CHECK}`);
    const version = pragmaInt(db, 'schema_version');
    db.unsafeMode(true);
    try {
      db.pragma('writable_schema = ON');
      db.prepare("UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'runs'").run(sql.replace(OLD_CHECK, NEW_CHECK));
      db.pragma(`schema_version = ${version + 1}`);
      db.pragma('writable_schema = OFF');
    } finally {
      db.unsafeMode(false);
    }
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    if (integrity !== 'ok') throw new Error(`the project file failed its integrity check after the change: ${integrity}`);
    db.prepare("UPDATE runs SET status = 'stopped', reason = NULL WHERE status = 'interrupted' AND reason = 'cancelled' AND message = 'stopped by the user'").run();
  },
};
