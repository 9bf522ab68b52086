// The app's own small database in its data folder: the recent-projects list and the
// settings. Settings are typed: each key has a zod schema with a default, values are
// validated on write and on read (a hand-edited or outdated value falls back to the
// default instead of reaching the app). Project contents never live here.

import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { APP_MIGRATIONS, APP_SCHEMA_VERSION } from './app-migrations/index.js';
import { DatabaseFileError } from './database-file.js';
import { openOurDatabase, type DatabaseSpec } from './database-open.js';
import { openWriteProblemOf } from './project-write-error.js';
import type Database from 'better-sqlite3';

export const APP_DATABASE_FILE = 'workbench.sqlite';
/** PRAGMA application_id of the app database: "DCNA". */
export const APP_APPLICATION_ID = 0x44434e41;
export const RECENT_PROJECTS_LIMIT = 10;

export const APP_DATABASE: DatabaseSpec = {
  label: 'app database',
  applicationId: APP_APPLICATION_ID,
  schemaVersion: APP_SCHEMA_VERSION,
  migrations: APP_MIGRATIONS,
  pageSize: 4096,
  uncheckedTables: [],
};

/** Every setting the app knows, with its type and default. */
export const SETTINGS = {
  'replay.speed': z.union([z.number().positive().finite(), z.literal('max')]).default(1),
  'recording.chunkEvents': z.number().int().min(1024).max(1 << 22).default(65536),
  'recording.maxLatencyMs': z.number().int().min(10).max(60_000).default(1000),
  'ui.theme': z.enum(['system', 'light', 'dark']).default('system'),
  'ui.defaultChip': z.string().min(1).max(100).default('speck2fdevkit'),
  'ui.compileDebounceMs': z.number().int().min(0).max(10_000).default(300),
  'devices.showVirtual': z.boolean().default(true),
  /** The Python that has samna (for real boards); null: DCNN_PYTHON, else python3/python on PATH. */
  'devices.python': z.string().min(1).max(4096).nullable().default(null),
  'projects.lastFolder': z.string().nullable().default(null),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]>;

/** A value refused by a setting's schema. */
export class SettingValueError extends Error {
  readonly code = 'BAD_SETTING';
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly issues: string,
  ) {
    super(`setting ${key} cannot be ${JSON.stringify(value)}: ${issues}`);
    this.name = 'SettingValueError';
  }
}

const recentRowSchema = z.object({ path: z.string(), name: z.string(), last_opened_at: z.string() });

export interface RecentProject {
  path: string;
  name: string;
  lastOpenedAt: string;
  /** The file is no longer there (moved or deleted). */
  missing: boolean;
}

function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

/**
 * Opens (or creates) the app database. It holds conveniences (settings, the recent list),
 * so a bad file never stops the workbench from starting: a damaged or foreign file is
 * kept under another name and a new one started; a file of a newer workbench, or a data
 * folder that cannot be written, leaves it untouched and this session uses a temporary
 * database. Either way `problem` says what happened and what it means.
 */
export function openAppDatabase(dataDir: string): AppDatabase {
  const path = join(dataDir, APP_DATABASE_FILE);
  try {
    mkdirSync(dataDir, { recursive: true });
    return new AppDatabase(openOurDatabase(path, APP_DATABASE, { create: true }).db);
  } catch (e) {
    const reason = (e as Error).message;
    const keep = !(e instanceof DatabaseFileError) || e.problem.kind === 'newer-schema' || e.problem.kind === 'no-folder' || openWriteProblemOf(e) !== null;
    if (!keep) {
      const aside = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      try {
        renameSync(path, aside);
        const db = openOurDatabase(path, APP_DATABASE, { create: true }).db;
        return new AppDatabase(db, `${reason}. It was kept as ${aside} and a new app database was started: settings are back to their defaults and the recent-projects list is empty.`);
      } catch {
        // Fall through to a temporary database.
      }
    }
    const temp = mkdtempSync(join(tmpdir(), 'dcnn-appdb-'));
    const db = openOurDatabase(join(temp, APP_DATABASE_FILE), APP_DATABASE, { create: true }).db;
    return new AppDatabase(db, `${reason}. This session uses a temporary app database (${temp}): settings changed now are not kept.`, temp);
  }
}

export class AppDatabase {
  constructor(
    private readonly db: Database.Database,
    /** Why the app database in the data folder is not the one in use, or null when it is. */
    readonly problem: string | null = null,
    private readonly tempDir: string | null = null,
  ) {}

  /** Puts a project at the top of the recent list (and trims the list). */
  noteProjectOpened(path: string, name: string, when: Date = new Date()): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO recent_projects (path, name, last_opened_at) VALUES (?, ?, ?)
           ON CONFLICT (path) DO UPDATE SET name = excluded.name, last_opened_at = excluded.last_opened_at`,
        )
        .run(path, name, when.toISOString());
      this.db
        .prepare(
          `DELETE FROM recent_projects WHERE path NOT IN
             (SELECT path FROM recent_projects ORDER BY last_opened_at DESC, rowid DESC LIMIT ?)`,
        )
        .run(RECENT_PROJECTS_LIMIT);
    })();
  }

  /** Most recently opened first; files that have gone are flagged, not dropped. */
  recentProjects(): RecentProject[] {
    const rows = this.db.prepare('SELECT path, name, last_opened_at FROM recent_projects ORDER BY last_opened_at DESC, rowid DESC').all();
    // A row this version cannot read is skipped: the list is a convenience, not data to guard.
    return rows.flatMap((raw) => {
      const r = recentRowSchema.safeParse(raw);
      return r.success ? [{ path: r.data.path, name: r.data.name, lastOpenedAt: r.data.last_opened_at, missing: !existsSync(r.data.path) }] : [];
    });
  }

  forgetRecentProject(path: string): void {
    this.db.prepare('DELETE FROM recent_projects WHERE path = ?').run(path);
  }

  getSetting<K extends SettingKey>(key: K): SettingValue<K> {
    const schema = SETTINGS[key];
    const text: unknown = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key);
    if (typeof text === 'string') {
      let stored: unknown;
      try {
        stored = JSON.parse(text);
      } catch {
        stored = undefined;
      }
      const parsed = schema.safeParse(stored);
      if (parsed.success && stored !== undefined) return parsed.data as SettingValue<K>;
    }
    return schema.parse(undefined) as SettingValue<K>;
  }

  setSetting<K extends SettingKey>(key: K, value: SettingValue<K>): void {
    this.setSettingUnchecked(key, value);
  }

  /** For values from outside (IPC, CLI): validates the key as well as the value. */
  setSettingUnchecked(key: string, value: unknown): void {
    if (!isSettingKey(key)) throw new SettingValueError(key, value, `unknown setting; known settings: ${Object.keys(SETTINGS).join(', ')}`);
    const parsed = SETTINGS[key].safeParse(value);
    if (!parsed.success || value === undefined) {
      throw new SettingValueError(key, value, parsed.success ? 'a value is required' : parsed.error.issues.map((i) => i.message).join('; '));
    }
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, JSON.stringify(parsed.data));
  }

  resetSetting(key: SettingKey): void {
    this.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
  }

  /** Every setting with its current value (defaults included). */
  allSettings(): { [K in SettingKey]: SettingValue<K> } {
    const out: Partial<Record<SettingKey, unknown>> = {};
    for (const key of Object.keys(SETTINGS) as SettingKey[]) out[key] = this.getSetting(key);
    return out as { [K in SettingKey]: SettingValue<K> };
  }

  close(): void {
    this.db.close();
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
  }
}
