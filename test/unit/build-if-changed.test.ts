// `npm run web` builds only when a source is newer than the last build.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { needsBuild, newestSourceTime } from '../../scripts/build-if-changed.mjs';

describe('build only when sources changed', () => {
  it('no stamp or a newer source: build; an up-to-date stamp: serve the last build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dcnn-stamp-'));
    try {
      writeFileSync(join(dir, 'a.ts'), 'x');
      utimesSync(join(dir, 'a.ts'), 1000, 1000);
      const newest = (newestSourceTime as (p: string[]) => number)([dir]);
      expect(newest).toBe(1_000_000);
      expect(needsBuild('', newest)).toBe(true);
      expect(needsBuild(String(newest), newest)).toBe(false);
      writeFileSync(join(dir, 'b.ts'), 'y');
      expect(needsBuild(String(newest), (newestSourceTime as (p: string[]) => number)([dir]))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
