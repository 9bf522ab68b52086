// Starts a worker thread from a module next to the caller, whether the code runs from
// TypeScript sources (tests, `tsx`) or from the compiled `dist/` JavaScript. From
// sources the worker first registers the `tsx` loader (a dev dependency) so it can
// import .ts files; compiled code never touches tsx.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * `entry` is the worker module's URL relative to the caller, written with the `.js`
 * extension (e.g. `new URL('./sim.worker.js', import.meta.url)`).
 */
export function spawnWorker(entry: URL, options: WorkerOptions = {}): Worker {
  const unpacked = outsideAsar(entry);
  if (unpacked) return new Worker(unpacked, options);
  if (existsSync(fileURLToPath(entry))) return new Worker(entry, options);
  const tsEntry = new URL(entry.href.replace(/\.js$/, '.ts'));
  if (!existsSync(fileURLToPath(tsEntry))) throw new Error(`worker module not found: ${fileURLToPath(entry)}`);
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const bootstrap =
    `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(tsEntry.href)}); })` +
    `.catch((e) => { setImmediate(() => { throw e; }); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * In a packaged desktop app the code sits in app.asar; worker modules are also unpacked
 * (electron-builder.yml: asarUnpack dist/main/**) and started from there, so a worker
 * never depends on the asar support of Electron's worker threads.
 */
function outsideAsar(entry: URL): URL | null {
  if (!entry.pathname.includes('/app.asar/')) return null;
  const candidate = new URL(entry.href.replace('/app.asar/', '/app.asar.unpacked/'));
  return existsSync(fileURLToPath(candidate)) ? candidate : null;
}
