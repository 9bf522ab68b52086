// A small file of zeros kept next to a project while it records, deleted the moment the
// disk turns out to be full so that the run's ending can still be written. Without it a
// full disk leaves no room even for the one-row update that says why the run stopped (in
// WAL mode every commit appends whole pages to the -wal file), and the run would be
// settled as 'crashed' on the next open instead of 'disk-full'.
// It does not guard against other programs taking the space back; it buys one ending.

import { rmSync, statSync, writeFileSync } from 'node:fs';

/** Room for seven WAL frames of 64 KiB pages; ending a run rewrites one or two pages. */
export const RESERVE_BYTES = 512 * 1024;

export class SpaceReserve {
  readonly path: string;

  constructor(
    databasePath: string,
    private readonly bytes = RESERVE_BYTES,
  ) {
    this.path = `${databasePath}-reserve`;
  }

  /** Makes sure the reserve exists; false when there is no room for it (or no permission). */
  ensure(): boolean {
    if ((statSync(this.path, { throwIfNoEntry: false })?.size ?? -1) === this.bytes) return true;
    try {
      writeFileSync(this.path, Buffer.alloc(this.bytes));
      return true;
    } catch {
      rmSync(this.path, { force: true });
      return false;
    }
  }

  /** Frees the space (no-op when there is no reserve). */
  release(): void {
    try {
      rmSync(this.path, { force: true });
    } catch {
      // A folder that became read-only: nothing to free then.
    }
  }
}
