// Why a project could not be written, as a value: the disk is full, or the file (or its
// folder) is read-only. SQLite reports these as SQLITE_FULL / SQLITE_READONLY_* codes on
// whichever statement happens to write; the project turns them into this one error with
// the file and what was being saved, so the CLI, the UI and the recorder can say what to do.
// Other SQLite errors are not classified here and pass through unchanged.

import Database from 'better-sqlite3';

export type ProjectWriteProblem = 'disk-full' | 'read-only';

export class ProjectWriteError extends Error {
  constructor(
    readonly path: string,
    readonly problem: ProjectWriteProblem,
    /** What was being saved, e.g. "the run's recording" or "a new run". */
    readonly operation: string,
    override readonly cause: unknown,
  ) {
    super(
      problem === 'disk-full'
        ? `${operation} could not be saved: the disk holding ${path} is full. Everything saved before is kept; free some space and try again`
        : `${operation} could not be saved: ${path} is read-only (the file or its folder cannot be written). It can be viewed; to record, copy it to a writable folder or change its permissions`,
    );
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
