// A bad app database (settings and the recent list) never stops the workbench: a damaged
// or foreign file is kept under another name and a new one started; a newer workbench's
// file is left untouched and the session uses a temporary one. Each says what happened.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { APP_DATABASE_FILE, openAppDatabase } from '../../../main/store/app-database.js';
import { runDcnn } from '../../helpers/dcnn-process.js';

const dirs: string[] = [];
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'dcnn-appdb-test-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a bad app database', () => {
  it('garbage: kept as .damaged-…, a new one started, settings work and last', () => {
    const d = dataDir();
    const garbage = 'my notes, saved here by mistake\n'.repeat(50);
    writeFileSync(join(d, APP_DATABASE_FILE), garbage);
    const db = openAppDatabase(d);
    expect(db.problem).toMatch(/not an app database file.*kept as .*\.damaged-.*settings are back to their defaults/s);
    const aside = readdirSync(d).find((f) => f.startsWith(`${APP_DATABASE_FILE}.damaged-`));
    expect(aside).toBeDefined();
    expect(readFileSync(join(d, aside!), 'utf8')).toBe(garbage);
    expect(db.getSetting('ui.theme')).toBe('system');
    db.setSetting('ui.theme', 'dark');
    db.close();
    const again = openAppDatabase(d);
    expect(again.problem).toBeNull();
    expect(again.getSetting('ui.theme')).toBe('dark');
    again.close();
  });

  it('a folder in its place is moved aside too', () => {
    const d = dataDir();
    mkdirSync(join(d, APP_DATABASE_FILE));
    const db = openAppDatabase(d);
    expect(db.problem).toMatch(/is a folder/);
    db.close();
    expect(readdirSync(d).some((f) => f.startsWith(`${APP_DATABASE_FILE}.damaged-`))).toBe(true);
  });

  it("a newer workbench's file is not touched: this session uses a temporary database", () => {
    const d = dataDir();
    openAppDatabase(d).close();
    const path = join(d, APP_DATABASE_FILE);
    const raw = new Database(path);
    raw.pragma('user_version = 999');
    raw.close();
    const before = readFileSync(path);
    const db = openAppDatabase(d);
    expect(db.problem).toMatch(/temporary app database \((.*)\)/);
    const temp = /temporary app database \((.*)\)/.exec(db.problem!)![1]!;
    db.setSetting('ui.theme', 'light');
    expect(db.getSetting('ui.theme')).toBe('light');
    db.close();
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(temp)).toBe(false);
  });

  it('dcnn devices starts with a garbage app database and warns on stderr', async () => {
    const d = dataDir();
    writeFileSync(join(d, APP_DATABASE_FILE), 'garbage garbage');
    const r = await runDcnn(['devices'], { cwd: d, env: { ...process.env, DCNN_DATA_DIR: d } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sim-speck2fdevkit:0/);
    expect(r.stderr).toMatch(/warning: .*not an app database file/);
  }, 60_000);
});
