// The shape of a numbered schema migration and the one routine that applies them: all
// pending migrations run inside a single transaction that also stamps the file's
// application id and schema version, so a file is either fully migrated or untouched.
// Migrations only change schema and existing rows; they never read the app's settings
// or touch other files.

import type Database from 'better-sqlite3';
import { pragmaInt } from './row-schemas.js';

export interface Migration {
  /** Schema version after this migration (1, 2, ...; the file name's number). */
  readonly version: number;
  /** What it does, in a few words (shown if it fails). */
  readonly title: string;
  up(db: Database.Database): void;
}

/** Raised when a migration fails; the transaction has been rolled back. */
export class MigrationError extends Error {
  readonly code = 'PROJECT_UPGRADE_FAILED';
  constructor(
    readonly path: string,
    readonly version: number,
    readonly title: string,
    override readonly cause: unknown,
  ) {
    super(`${path}: upgrading to schema ${version} (${title}) failed, the file is unchanged: ${(cause as Error).message ?? String(cause)}`);
    this.name = 'MigrationError';
  }
}

/** Checks that a list is numbered 1..N without gaps; returns N. */
export function latestVersion(migrations: readonly Migration[]): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order: position ${i + 1} holds version ${m.version}`);
  });
  return migrations.length;
}

/** Applies every migration newer than the file's user_version, in one transaction. */
export function applyMigrations(db: Database.Database, path: string, migrations: readonly Migration[], applicationId: number, upTo = migrations.length): number {
  const from = pragmaInt(db, 'user_version');
  const pending = migrations.filter((m) => m.version > from && m.version <= upTo);
  if (pending.length === 0) return from;
  let current: Migration | undefined;
  try {
    db.transaction(() => {
      db.pragma(`application_id = ${applicationId | 0}`);
      for (const m of pending) {
        current = m;
        m.up(db);
        db.pragma(`user_version = ${m.version}`);
      }
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`${broken.length} rows point at rows that do not exist`);
    }).immediate();
  } catch (e) {
    const m = current ?? pending[0]!;
    throw new MigrationError(path, m.version, m.title, e);
  }
  return pending[pending.length - 1]!.version;
}
