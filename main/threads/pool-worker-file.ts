// The file a worker pool (tinypool) loads as its worker module. Compiled code gives its
// own .js next to the caller. From TypeScript sources (tests, `tsx`) the pool gets a small
// ES module, written once per process to the temp folder, that registers the `tsx` loader
// in the worker and re-exports the .ts module (a pool takes a file, not code, so the
// bootstrap of spawn-worker.ts cannot be used). Compiled code never touches tsx.

import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const shims = new Map<string, string>();

/** `entry`: the worker module's URL with the `.js` extension, relative to the caller. */
export function poolWorkerFile(entry: URL): string {
  const compiled = fileURLToPath(entry);
  if (existsSync(compiled)) return compiled;
  const tsEntry = new URL(entry.href.replace(/\.js$/, '.ts'));
  if (!existsSync(fileURLToPath(tsEntry))) throw new Error(`worker module not found: ${compiled}`);
  const known = shims.get(tsEntry.href);
  if (known) return known;
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const file = join(mkdtempSync(join(tmpdir(), 'dcnn-pool-')), 'worker.mjs');
  writeFileSync(file, `const tsx = await import(${JSON.stringify(tsxApi)});\ntsx.register();\nconst m = await import(${JSON.stringify(tsEntry.href)});\nexport default m.default;\n`);
  shims.set(tsEntry.href, file);
  return file;
}
