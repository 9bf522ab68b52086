// Recognises our SQLite files before anything opens them: reads the 100-byte SQLite
// header with plain file reads (never through SQLite, which would create -wal/-shm side
// files) and decides whether a file is ours, from a newer build, foreign or damaged.
// It does not check page contents (see database-open.ts for the SQLite-level check).

import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** Which kind of our databases a file must be: a project or the app's own database. */
export interface DatabaseKind {
  /** Shown in messages: "project", "app database". */
  readonly label: string;
  /** PRAGMA application_id written into every file of this kind. */
  readonly applicationId: number;
  /** Highest schema version (PRAGMA user_version) this build can read. */
  readonly schemaVersion: number;
}

export type DatabaseFileProblem =
  | { kind: 'not-found' }
  | { kind: 'no-folder'; folder: string }
  | { kind: 'is-directory' }
  | { kind: 'empty' }
  | { kind: 'not-sqlite'; size: number }
  | { kind: 'other-application'; applicationId: number }
  | { kind: 'newer-schema'; fileVersion: number; buildVersion: number }
  | { kind: 'corrupt'; detail: string }
  | { kind: 'older-schema-read-only'; fileVersion: number; buildVersion: number }
  | { kind: 'unviewable'; detail: string }
  | { kind: 'wrong-extension'; expected: string };

/** A file we refuse to open; the file has not been modified. */
export class DatabaseFileError extends Error {
  get code(): 'FILE_NOT_FOUND' | 'FOLDER_NOT_FOUND' | 'NOT_A_PROJECT' | 'PROJECT_TOO_NEW' | 'PROJECT_DAMAGED' | 'PROJECT_READ_ONLY' {
    switch (this.problem.kind) {
      case 'not-found':
        return 'FILE_NOT_FOUND';
      case 'no-folder':
        return 'FOLDER_NOT_FOUND';
      case 'newer-schema':
        return 'PROJECT_TOO_NEW';
      case 'corrupt':
        return 'PROJECT_DAMAGED';
      case 'older-schema-read-only':
      case 'unviewable':
        return 'PROJECT_READ_ONLY';
      default:
        return 'NOT_A_PROJECT';
    }
  }

  constructor(
    readonly path: string,
    readonly label: string,
    readonly problem: DatabaseFileProblem,
  ) {
    super(describeProblem(path, label, problem));
    this.name = 'DatabaseFileError';
  }
}

/** "a project", "an app database". */
function article(label: string): string {
  return /^[aeiou]/i.test(label) ? 'not an' : 'not a';
}

function describeProblem(path: string, label: string, p: DatabaseFileProblem): string {
  switch (p.kind) {
    case 'not-found':
      return `${path}: no such file; pick an existing ${label} file or create a new one`;
    case 'no-folder':
      return `${path}: the folder ${p.folder} does not exist; create it first or pick another place`;
    case 'is-directory':
      return `${path} is a folder, ${article(label)} ${label} file`;
    case 'empty':
      return `${path} is an empty file, ${article(label)} ${label} file (it was not changed)`;
    case 'not-sqlite':
      return `${path} is ${article(label)} ${label} file: it is not an SQLite database (${p.size} bytes; it was not changed)`;
    case 'other-application':
      return (
        `${path} is ${article(label)} ${label} file: it is an SQLite database of another program ` +
        `(application id 0x${(p.applicationId >>> 0).toString(16).padStart(8, '0')}; it was not changed)`
      );
    case 'newer-schema':
      return (
        `${path} was made by a newer version of the workbench: schema ${p.fileVersion}, ` +
        `this build reads up to ${p.buildVersion} — update the workbench (the file was not changed)`
      );
    case 'corrupt':
      return `${path} is a damaged ${label} file and was not opened (it was not changed): ${p.detail}. Restore it from a backup or a copy.`;
    case 'older-schema-read-only':
      return (
        `${path} was made by an older version of the workbench (schema ${p.fileVersion}, this build reads ${p.buildVersion}) ` +
        `and cannot be upgraded where it is (read-only or full disk); copy it to a writable folder and open it there`
      );
    case 'unviewable':
      return `${path} cannot be opened for viewing where it is: ${p.detail}`;
    case 'wrong-extension':
      return `${path}: a new ${label} file must end in ${p.expected}`;
  }
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';
const HEADER_BYTES = 100;
/** A WAL file starts with a 32-byte header; frames follow it (SQLite file format §4.1). */
const WAL_HEADER_BYTES = 32;

function walHoldsFrames(path: string): boolean {
  return (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0) > WAL_HEADER_BYTES;
}

export interface DatabaseFileState {
  /** 'missing' and 'empty' files can be created; 'ours' files can be opened. */
  state: 'missing' | 'empty' | 'ours';
  /** user_version in the header (0 unless 'ours'). */
  schemaVersion: number;
  /** Header says the file is in WAL mode (bytes 18/19 = 2). */
  wal: boolean;
}

/**
 * Reads the SQLite header of `path` (read-only, plain file I/O) and either describes the
 * file or throws DatabaseFileError for a file that is not ours, newer than this build,
 * or visibly damaged (truncated).
 */
export function inspectDatabaseFile(path: string, kind: DatabaseKind): DatabaseFileState {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new DatabaseFileError(path, kind.label, { kind: 'is-directory' });
    size = st.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing', schemaVersion: 0, wal: false };
    throw e;
  }
  if (size === 0) return { state: 'empty', schemaVersion: 0, wal: false };
  const header = Buffer.alloc(HEADER_BYTES);
  const fd = openSync(path, 'r');
  let got: number;
  try {
    got = readSync(fd, header, 0, HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  if (got < HEADER_BYTES || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    throw new DatabaseFileError(path, kind.label, { kind: 'not-sqlite', size });
  }
  const applicationId = header.readInt32BE(68);
  const userVersion = header.readInt32BE(60);
  if (applicationId !== kind.applicationId) {
    throw new DatabaseFileError(path, kind.label, { kind: 'other-application', applicationId });
  }
  if (userVersion > kind.schemaVersion) {
    throw new DatabaseFileError(path, kind.label, { kind: 'newer-schema', fileVersion: userVersion, buildVersion: kind.schemaVersion });
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    throw new DatabaseFileError(path, kind.label, { kind: 'corrupt', detail: `the header gives an impossible page size (${rawPageSize})` });
  }
  // The in-header page count is valid only when "version-valid-for" equals the change
  // counter (SQLite file format §1.3.7); then a shorter file means it was cut off —
  // unless a WAL holds frames: a checkpoint writes page 1 (with the new count) before the
  // pages that extend the file, so a checkpoint that failed for lack of space (closing on
  // a full disk) leaves a short file whose missing pages are still in the WAL, and SQLite
  // reads them from there. The database size is then the WAL's to say, and the b-tree
  // check in database-open.ts (which reads through the WAL) decides.
  const changeCounter = header.readUInt32BE(24);
  const validFor = header.readUInt32BE(92);
  const pages = header.readUInt32BE(28);
  if (validFor === changeCounter && pages > 0 && pages * pageSize > size && !walHoldsFrames(path)) {
    throw new DatabaseFileError(path, kind.label, {
      kind: 'corrupt',
      detail: `the file is cut short: its header promises ${pages} pages of ${pageSize} bytes (${pages * pageSize} bytes) but it has ${size} bytes`,
    });
  }
  return { state: 'ours', schemaVersion: userVersion, wal: header[18] === 2 };
}
