import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { APP_DATABASE_FILE, openAppDatabase, RECENT_PROJECTS_LIMIT, SettingValueError } from '../../../main/store/app-database.js';
import { DatabaseFileError } from '../../../main/store/database-file.js';
import { fingerprint, makeTempDirs } from './store-fixtures.js';

const temp = makeTempDirs();
afterEach(() => temp.cleanup());

describe('the recent-projects list', () => {
  it('is most recent first, flags files that have gone, and keeps at most 10', () => {
    const dir = temp.make();
    const app = openAppDatabase(join(dir, 'data'));
    const existing = join(dir, 'a.dcnnproj');
    writeFileSync(existing, '');
    app.noteProjectOpened(existing, 'A', new Date('2025-01-01T10:00:00Z'));
    app.noteProjectOpened(join(dir, 'gone.dcnnproj'), 'Gone', new Date('2025-01-02T10:00:00Z'));
    expect(app.recentProjects()).toEqual([
      { path: join(dir, 'gone.dcnnproj'), name: 'Gone', lastOpenedAt: '2025-01-02T10:00:00.000Z', missing: true },
      { path: existing, name: 'A', lastOpenedAt: '2025-01-01T10:00:00.000Z', missing: false },
    ]);
    // Opening A again moves it to the top (and renames it).
    app.noteProjectOpened(existing, 'A renamed', new Date('2025-01-03T10:00:00Z'));
    expect(app.recentProjects().map((r) => r.name)).toEqual(['A renamed', 'Gone']);
    app.forgetRecentProject(join(dir, 'gone.dcnnproj'));
    expect(app.recentProjects().map((r) => r.name)).toEqual(['A renamed']);
    for (let i = 0; i < 12; i++) app.noteProjectOpened(join(dir, `p${i}.dcnnproj`), `P${i}`, new Date(Date.UTC(2025, 1, 1 + i)));
    expect(RECENT_PROJECTS_LIMIT).toBe(10);
    expect(app.recentProjects().map((r) => r.name)).toEqual(['P11', 'P10', 'P9', 'P8', 'P7', 'P6', 'P5', 'P4', 'P3', 'P2']);
    app.close();
  });
});

describe('settings', () => {
  it('have defaults, keep what was set across opens, and validate values', () => {
    const dataDir = join(temp.make(), 'data');
    const app = openAppDatabase(dataDir);
    expect(app.getSetting('replay.speed')).toBe(1);
    expect(app.getSetting('ui.theme')).toBe('system');
    app.setSetting('replay.speed', 'max');
    app.setSetting('ui.theme', 'dark');
    expect(() => app.setSettingUnchecked('replay.speed', -2)).toThrow(SettingValueError);
    expect(() => app.setSettingUnchecked('ui.theme', 'purple')).toThrow(/setting ui.theme cannot be "purple"/);
    expect(() => app.setSettingUnchecked('no.such.setting', 1)).toThrow(/unknown setting/);
    app.close();
    const again = openAppDatabase(dataDir);
    expect(again.allSettings()).toMatchObject({ 'replay.speed': 'max', 'ui.theme': 'dark', 'recording.chunkEvents': 65536 });
    again.resetSetting('ui.theme');
    expect(again.getSetting('ui.theme')).toBe('system');
    again.close();
  });

  it('a stored value that no longer fits its schema reads as the default', () => {
    const dataDir = join(temp.make(), 'data');
    openAppDatabase(dataDir).close();
    const db = new Database(join(dataDir, APP_DATABASE_FILE));
    db.prepare(`INSERT INTO settings (key, value) VALUES ('ui.theme', '"neon"'), ('replay.speed', 'not json')`).run();
    db.close();
    const app = openAppDatabase(dataDir);
    expect(app.getSetting('ui.theme')).toBe('system');
    expect(app.getSetting('replay.speed')).toBe(1);
    app.close();
  });
});

describe('the app database file', () => {
  it('is separate from projects and left unchanged when made by a newer workbench', () => {
    const dataDir = join(temp.make(), 'data');
    openAppDatabase(dataDir).close();
    const path = join(dataDir, APP_DATABASE_FILE);
    const header = fingerprint(path);
    expect(header.sideFiles).toEqual([]);
    const db = new Database(path);
    expect(db.pragma('application_id', { simple: true })).toBe(0x44434e41);
    db.pragma('user_version = 7');
    db.close();
    const before = fingerprint(path);
    // Not opened, and not changed; the workbench still starts (issue 15, item 5), on a
    // temporary app database that says why.
    const opened = openAppDatabase(dataDir);
    expect(opened.problem).toMatch(/schema 7, this build reads up to 1/);
    opened.close();
    expect(fingerprint(path)).toEqual(before);
  });
});
