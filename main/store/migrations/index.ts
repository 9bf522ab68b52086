// The project schema's migrations in order; the last one's version is the schema version
// this build writes and the newest it reads.

import { latestVersion, type Migration } from '../migration.js';
import { migration0001 } from './0001-initial.js';
import { migration0002 } from './0002-run-lineage.js';
import { migration0003 } from './0003-chunk-seek-index.js';
import { migration0004 } from './0004-model-version-purpose.js';
import { migration0005 } from './0005-stopped-runs.js';
import { migration0006 } from './0006-chunk-checksums.js';
import { migration0007 } from './0007-evaluations.js';
import { migration0008 } from './0008-evaluation-modes.js';

export const PROJECT_MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008];
export const PROJECT_SCHEMA_VERSION = latestVersion(PROJECT_MIGRATIONS);
