// The app database's migrations in order (same rules as the project schema's).

import { latestVersion, type Migration } from '../migration.js';
import { appMigration0001 } from './0001-initial.js';

export const APP_MIGRATIONS: readonly Migration[] = [appMigration0001];
export const APP_SCHEMA_VERSION = latestVersion(APP_MIGRATIONS);
