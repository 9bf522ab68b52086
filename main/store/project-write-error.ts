// Why a project could not be written, as a value: the disk is full, or the file (or its
// folder) is read-only. SQLite reports these as SQLITE_FULL / SQLITE_READONLY_* codes on
// whichever statement happens to write; the project turns them into this one error with
// the file and what was being saved, so the CLI, the UI and the recorder can say what to do.
// Other SQLite errors are not classified here and pass through unchanged.

import Database from 'better-sqlite3';

export type ProjectWriteProblem = 'disk-full' | 'read-only';

export class ProjectWriteError extends Error {
  /** The problem and what to do about it, without the operation. */
  get code(): 'DISK_FULL' | 'PROJECT_READ_ONLY' {
    return this.problem === 'disk-full' ? 'DISK_FULL' : 'PROJECT_READ_ONLY';
  }
  readonly reason: string;

  constructor(
    readonly path: string,
    readonly problem: ProjectWriteProblem,
    /** What was being saved, e.g. "the input recording of run 3" or "a new run". */
    readonly operation: string,
    override readonly cause: unknown,
  ) {
    const reason =
      problem === 'disk-full'
        ? `the disk holding ${path} is full. Everything saved before is kept; free some space and try again`
        : `${path} is read-only (the file or its folder cannot be written). It can be viewed; to record, copy it to a writable folder or change its permissions`;
    super(`${operation} could not be saved: ${reason}`);
    this.reason = reason;
    this.name = 'ProjectWriteError';
  }
}

/** The write problem an SQLite error stands for, or null for any other error. */
export function writeProblemOf(e: unknown): ProjectWriteProblem | null {
  if (!(e instanceof Database.SqliteError)) return null;
  if (e.code === 'SQLITE_FULL') return 'disk-full';
  // SQLITE_READONLY, _DBMOVED, _DIRECTORY, _CANTINIT, ...; SQLITE_IOERR_WRITE is not
  // classified: it may be a failing disk, which is not the user's permission setting.
  if (e.code === 'SQLITE_READONLY' || e.code.startsWith('SQLITE_READONLY_')) return 'read-only';
  return null;
}

/**
 * The write problem behind a failure to open a file read-write: besides the codes above,
 * SQLite cannot create the -wal/-shm side files in a read-only folder (CANTOPEN) or grow
 * the -shm on a full disk (IOERR_SHMSIZE), and a read-only descriptor cannot take the
 * write lock (IOERR_LOCK).
 */
export function openWriteProblemOf(e: unknown): ProjectWriteProblem | null {
  const direct = writeProblemOf(e);
  if (direct || !(e instanceof Database.SqliteError)) return direct;
  if (e.code === 'SQLITE_IOERR_SHMSIZE') return 'disk-full';
  if (e.code === 'SQLITE_CANTOPEN' || e.code.startsWith('SQLITE_IOERR_SHM') || e.code === 'SQLITE_IOERR_LOCK') return 'read-only';
  return null;
}

/** Runs a write; a full disk or read-only file comes out as ProjectWriteError. */
export function asProjectWrite<T>(path: string, operation: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    const problem = writeProblemOf(e);
    if (problem) throw new ProjectWriteError(path, problem, operation, e);
    throw e;
  }
}
