// Where the web host may create and open projects: under the data folder and the folders
// (or single files) the user named on the `dcnn web` command line. A browser tab is not
// the person at the keyboard, so a path it sends must not reach the rest of the disk, and
// a refusal must not tell it whether a file out there exists. The desktop app and the CLI
// act for the local user and stay unconfined.

import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ServiceError } from './service-error.js';

export const OUTSIDE_DATA_MESSAGE = 'projects live under the data folder; start dcnn web with --allow-dir DIR to add one';

export interface PathConfinement {
  /** The absolute path to use; throws PATH_OUTSIDE_DATA (naming nothing) when outside. */
  check(path: string): string;
  /** The same test without throwing (e.g. to leave foreign entries out of a list). */
  allows(path: string): boolean;
}

export const UNCONFINED: PathConfinement = {
  check: (path) => resolve(path),
  allows: () => true,
};

/**
 * The path with every symlink of its nearest existing ancestor resolved, the rest
 * appended; null when an entry exists but cannot be resolved (a dangling or looping
 * link, an unreadable folder): such a path could lead anywhere, so it counts as outside.
 */
function canonical(absolute: string): string | null {
  const rest: string[] = [];
  let p = absolute;
  for (;;) {
    try {
      return join(realpathSync.native(p), ...rest.reverse());
    } catch {
      // lstat does not follow links: if it sees an entry, realpath failed on a link or
      // a permission, not on a missing file.
      try {
        lstatSync(p);
        return null;
      } catch {
        // missing: try the parent
      }
    }
    const parent = dirname(p);
    if (parent === p) return null;
    rest.push(basename(p));
    p = parent;
  }
}

function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Confines to `dirs` (and everything below them) and to exactly `files`. Both are taken
 * as given at start-up; links inside them are followed on every check, so a link that
 * points out is refused however it was made. A relative path is taken from the first
 * folder (the data folder): a browser knows nothing of the server's working folder.
 */
export function confineTo(dirs: readonly [string, ...string[]], files: readonly string[] = []): PathConfinement {
  const base = resolve(dirs[0]);
  const roots = dirs.map((d) => canonical(resolve(d))).filter((d): d is string => d !== null);
  const exact = new Set(files.map((f) => canonical(resolve(f))).filter((f): f is string => f !== null));
  const allows = (path: string): boolean => {
    const real = canonical(resolve(base, path));
    return real !== null && (exact.has(real) || roots.some((r) => within(r, real)));
  };
  return {
    allows,
    check(path) {
      // The lexically resolved path is what gets opened, and it is what was checked: `..`
      // is gone before any link is looked at.
      const full = resolve(base, path);
      if (!allows(full)) throw new ServiceError('PATH_OUTSIDE_DATA', OUTSIDE_DATA_MESSAGE);
      return full;
    },
  };
}
