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
import { existsSync, linkSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseFileError, inspectDatabaseFile, type DatabaseKind } from './database-file.js';
import { applyMigrations, type Migration } from './migration.js';
import { openWriteProblemOf } from './project-write-error.js';
import { pragmaTexts } from './row-schemas.js';

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
  /** The connection cannot write (opened for viewing). */
  readOnly: boolean;
  /** Viewing from a copy in memory: the folder allowed no -shm/-wal side files. */
  inMemory: boolean;
}

/**
 * Largest file viewed from a copy in memory when its folder is read-only (or its disk is
 * full) and SQLite cannot make the -shm file a WAL database needs even to be read.
 */
export const VIEW_IN_MEMORY_LIMIT = 1024 * 1024 * 1024;

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
    return { db: openConnection(path), created: true, fromVersion: 0, readOnly: false, inMemory: false };
  }
  checkStructure(path, spec);
  const db = openConnection(path);
  try {
    applyMigrations(db, path, spec.migrations, spec.applicationId, options.upToVersion);
  } catch (e) {
    db.close();
    throw e;
  }
  return { db, created: false, fromVersion: file.schemaVersion, readOnly: false, inMemory: false };
}

function cannotWriteHere(e: unknown): boolean {
  return openWriteProblemOf(e) !== null;
}

/**
 * Opens an existing file to view it; the connection never writes. In order of preference:
 * a read-write connection with query_only (closing it removes the side files it made), a
 * read-only connection (a read-only file in a writable folder, or side files left by a
 * close on a full disk), and when neither can open (read-only folder or full disk, no WAL
 * content) a copy in memory. A file older than this build is read as it is only when its
 * schema is the current one: older files are refused with the reason (upgrading writes).
 */
export function openOurDatabaseForViewing(path: string, spec: DatabaseSpec): OpenedDatabase {
  const file = inspectDatabaseFile(path, spec);
  if (file.state !== 'ours') throw new DatabaseFileError(path, spec.label, { kind: file.state === 'missing' ? 'not-found' : 'empty' });
  if (file.schemaVersion < spec.schemaVersion) {
    // Try the normal open: it upgrades the file when it can be written.
    try {
      return openOurDatabase(path, spec);
    } catch (e) {
      if (!cannotWriteHere(e)) throw e;
      throw new DatabaseFileError(path, spec.label, { kind: 'older-schema-read-only', fileVersion: file.schemaVersion, buildVersion: spec.schemaVersion });
    }
  }
  const attempts: Array<() => OpenedDatabase> = [
    () => {
      checkStructure(path, spec);
      const db = probe(new Database(path, { fileMustExist: true }), (d) => d.pragma('query_only = 1'));
      return { db, created: false, fromVersion: file.schemaVersion, readOnly: true, inMemory: false };
    },
    () => {
      const db = probe(new Database(path, { fileMustExist: true, readonly: true }), (d) => checkConnection(d, path, spec));
      return { db, created: false, fromVersion: file.schemaVersion, readOnly: true, inMemory: false };
    },
  ];
  let last: unknown = null;
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch (e) {
      if (!cannotWriteHere(e)) throw e;
      last = e;
    }
  }
  const walSize = statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  const size = statSync(path).size;
  if (walSize > 0 || size > VIEW_IN_MEMORY_LIMIT) {
    const why = walSize > 0 ? 'it has unsaved changes in its -wal file' : `it is larger than ${VIEW_IN_MEMORY_LIMIT} bytes`;
    throw new DatabaseFileError(path, spec.label, { kind: 'unviewable', detail: `SQLite cannot make its side files there (${(last as Error).message}) and ${why}; copy it to a writable folder to open it` });
  }
  const bytes = readFileSync(path);
  // The copy is ours: mark it a rollback-journal file (bytes 18/19), which an in-memory
  // database can read; with no WAL content the pages are the same.
  bytes[18] = 1;
  bytes[19] = 1;
  const db = probe(new Database(bytes, { readonly: true }), (d) => checkConnection(d, path, spec));
  return { db, created: false, fromVersion: file.schemaVersion, readOnly: true, inMemory: true };
}

/** Runs a first read so that open errors (which SQLite reports lazily) surface here. */
function probe(db: Database.Database, setup?: (db: Database.Database) => void): Database.Database {
  try {
    setup?.(db);
    db.prepare('SELECT COUNT(*) FROM sqlite_schema').pluck().get();
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
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
    checkConnection(db, path, spec);
  } finally {
    db.close();
  }
}

/** quick_check of every table but the large ones, on an open connection. */
function checkConnection(db: Database.Database, path: string, spec: DatabaseSpec): void {
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).pluck().all().map(String);
    for (const table of tables) {
      if (spec.uncheckedTables.includes(table)) continue;
      const rows = pragmaTexts(db, `quick_check("${table.replaceAll('"', '""')}")`, 'quick_check');
      if (rows.length !== 1 || rows[0] !== 'ok') {
        const problems = rows.filter((r) => !r.startsWith('***'));
        const shown = problems.slice(0, 3).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more problems` : '');
        throw new DatabaseFileError(path, spec.label, { kind: 'corrupt', detail: `table ${table}: ${shown}` });
      }
    }
  } catch (e) {
    if (isCorruptionError(e)) throw new DatabaseFileError(path, spec.label, { kind: 'corrupt', detail: e.message });
    throw e;
  }
}

/** Full integrity check (every page, including event data); slow on large files. */
export function fullIntegrityCheck(db: Database.Database): string[] {
  return pragmaTexts(db, 'integrity_check', 'integrity_check');
}
