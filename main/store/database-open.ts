// Opens one of our SQLite files (a project or the app database) the safe way:
// 1. read the header with plain file reads and refuse foreign, newer or cut-short files;
// 2. check the b-trees of the small tables on a connection that cannot write (so a
//    refused file stays byte-identical and no -wal/-shm files are left behind);
// 3. only then open read-write, set the connection pragmas and apply migrations.
// A new file is built under a temporary name and moved into place, so a crash during
// creation never leaves a half-made file at the user's path.
//
// Why WAL with synchronous=NORMAL: every commit goes to the WAL with one write and no
// fsync; a killed process loses nothing it committed (the OS has the bytes), and a power
// cut can lose at most the last commits but never corrupts the file. Recording commits
// a chunk every second or faster, so fsync per commit would cost throughput for no gain
// in the crash case the issue is about (kill -9, device unplugged).

import Database from 'better-sqlite3';
import { existsSync, linkSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseFileError, inspectDatabaseFile, type DatabaseKind } from './database-file.js';
import { applyMigrations, type Migration } from './migration.js';

export interface DatabaseSpec extends DatabaseKind {
  readonly migrations: readonly Migration[];
  /** Page size for new files (bytes). */
  readonly pageSize: number;
  /** Tables left out of the open-time check because they are large (checked on read). */
  readonly uncheckedTables: readonly string[];
  /** Required file name ending when creating (e.g. ".dcnnproj"). */
  readonly extension?: string;
}

export interface OpenedDatabase {
  db: Database.Database;
  created: boolean;
  /** Schema version found in the file before migrating (0 for a new file). */
  fromVersion: number;
}

export interface OpenDatabaseOptions {
  create?: boolean;
  /** Called inside the creating transaction to fill the first rows of a new file. */
  initialize?: (db: Database.Database) => void;
  /** Testing aid: stop migrating at this schema version (builds files of older versions). */
  upToVersion?: number;
}

const CORRUPTION_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_VTAB']);

function isCorruptionError(e: unknown): e is InstanceType<typeof Database.SqliteError> {
  return e instanceof Database.SqliteError && CORRUPTION_CODES.has(e.code);
}

export function openOurDatabase(path: string, spec: DatabaseSpec, options: OpenDatabaseOptions = {}): OpenedDatabase {
  const file = inspectDatabaseFile(path, spec);
  if (file.state !== 'ours') {
    if (!options.create) throw new DatabaseFileError(path, spec.label, { kind: file.state === 'missing' ? 'not-found' : 'empty' });
    if (spec.extension && !path.endsWith(spec.extension)) {
      throw new DatabaseFileError(path, spec.label, { kind: 'wrong-extension', expected: spec.extension });
    }
    const folder = dirname(path);
    if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw new DatabaseFileError(path, spec.label, { kind: 'no-folder', folder });
    createDatabaseFile(path, spec, file.state === 'empty', options);
    return { db: openConnection(path), created: true, fromVersion: 0 };
  }
  checkStructure(path, spec);
  const db = openConnection(path);
  try {
    applyMigrations(db, path, spec.migrations, spec.applicationId, options.upToVersion);
  } catch (e) {
    db.close();
    throw e;
  }
  return { db, created: false, fromVersion: file.schemaVersion };
}

function openConnection(path: string): Database.Database {
  const db = new Database(path, { fileMustExist: true });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

function createDatabaseFile(path: string, spec: DatabaseSpec, replaceEmpty: boolean, options: OpenDatabaseOptions): void {
  const temp = `${path}.creating-${process.pid}`;
  rmSync(temp, { force: true });
  const db = new Database(temp);
  try {
    db.pragma(`page_size = ${spec.pageSize}`);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    applyMigrations(db, path, spec.migrations, spec.applicationId, options.upToVersion);
    if (options.initialize) db.transaction(() => options.initialize!(db))();
  } catch (e) {
    db.close();
    rmSync(temp, { force: true });
    throw e;
  }
  db.close();
  try {
    if (replaceEmpty) renameSync(temp, path);
    // link() refuses to replace a file that appeared meanwhile; rename() would clobber it.
    else linkSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * Checks the b-tree structure of every table except the large ones on a connection that
 * cannot write: read-write with query_only when the file has no WAL (closing it removes
 * the side files it made), read-only when a WAL exists (a read-write close would fold the
 * WAL into the file). quick_check on event data would read the whole file, which for a
 * 100-million-event recording takes seconds; damaged chunks are reported when read.
 */
function checkStructure(path: string, spec: DatabaseSpec): void {
  const walExists = existsSync(`${path}-wal`);
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true, readonly: walExists });
  } catch (e) {
    if (isCorruptionError(e)) throw new DatabaseFileError(path, spec.label, { kind: 'corrupt', detail: e.message });
    throw e;
  }
  try {
    if (!walExists) db.pragma('query_only = 1');
    const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).pluck().all() as string[];
    for (const table of tables) {
      if (spec.uncheckedTables.includes(table)) continue;
      const rows = (db.pragma(`quick_check("${table.replaceAll('"', '""')}")`) as Array<{ quick_check: string }>).map((r) => r.quick_check);
      if (rows.length !== 1 || rows[0] !== 'ok') {
        const problems = rows.filter((r) => !r.startsWith('***'));
        const shown = problems.slice(0, 3).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more problems` : '');
        throw new DatabaseFileError(path, spec.label, { kind: 'corrupt', detail: `table ${table}: ${shown}` });
      }
    }
  } catch (e) {
    if (isCorruptionError(e)) throw new DatabaseFileError(path, spec.label, { kind: 'corrupt', detail: e.message });
    throw e;
  } finally {
    db.close();
  }
}

/** Full integrity check (every page, including event data); slow on large files. */
export function fullIntegrityCheck(db: Database.Database): string[] {
  return (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
}
