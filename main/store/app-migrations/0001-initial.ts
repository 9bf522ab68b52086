// App database schema 1: the recent-projects list and typed settings (JSON values).

import type { Migration } from '../migration.js';

export const appMigration0001: Migration = {
  version: 1,
  title: 'recent projects and settings',
  up(db) {
    db.exec(`
      CREATE TABLE recent_projects (
        path           TEXT PRIMARY KEY,
        name           TEXT NOT NULL,
        last_opened_at TEXT NOT NULL
      );
      CREATE INDEX recent_projects_by_time ON recent_projects(last_opened_at);
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL  -- JSON
      );
    `);
  },
};
