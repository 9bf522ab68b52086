// Where the workbench's own files live (examples/, renderer build), whether the code runs
// from TypeScript sources or from dist/: the nearest folder upwards with our package.json.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'dynapcnn-workbench') return (cached = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the workbench package root (package.json)');
    dir = parent;
  }
}

export function examplePath(...parts: string[]): string {
  return join(packageRoot(), 'examples', ...parts);
}
