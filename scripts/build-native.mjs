// Builds the native simulator engine (native/engine, a C++ N-API addon) with node-gyp.
// Run by `npm install` / `npm ci` (the package's install script) and by `npm run
// build:native`. At install a failed build is not an error: the workbench then runs its
// WebAssembly/JavaScript engines and says so (`dcnn devices`); this prints why and how to
// build later. `--strict` (build:native) makes a failure exit 1.
// DCNN_SKIP_NATIVE=1 skips the build.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const engineDir = join(root, 'native', 'engine');
const output = join(engineDir, 'build', 'Release', 'dcnn_engine.node');
const strict = process.argv.includes('--strict');

function finish(ok, why) {
  if (ok) {
    process.stdout.write(`native engine built: ${output}\n`);
    process.exit(0);
  }
  process.stderr.write(
    `\nnative engine NOT built: ${why}\n` +
      'The workbench works without it (WebAssembly/JavaScript simulator engines, slower); `npx dcnn devices` says which engine is in use.\n' +
      'To build it: install a C++17 compiler, make and Python 3, then run `npm run build:native` (or `npm rebuild`).\n\n',
  );
  process.exit(strict ? 1 : 0);
}

if (process.env.DCNN_SKIP_NATIVE === '1') {
  process.stdout.write('native engine: skipped (DCNN_SKIP_NATIVE=1)\n');
  process.exit(0);
}

/** node-gyp: the one npm runs lifecycle scripts with, else one on PATH, else npm's bundled copy next to this Node. */
function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, fromNpm];
  const which = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['node-gyp'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return [which.stdout.trim().split(/\r?\n/)[0]];
  for (const lib of [join(dirname(process.execPath), '..', 'lib'), dirname(process.execPath)]) {
    const bundled = join(lib, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(bundled)) return [process.execPath, bundled];
  }
  return null;
}

const gyp = nodeGyp();
if (!gyp) finish(false, 'node-gyp was not found (it comes with npm; run this through npm)');
if (!existsSync(join(root, 'node_modules', 'node-addon-api'))) finish(false, 'the node-addon-api package is missing (run npm install first)');

const [cmd, ...pre] = gyp;
const t0 = Date.now();
const r = spawnSync(cmd, [...pre, 'rebuild', '--release'], { cwd: engineDir, encoding: 'utf8', env: process.env, maxBuffer: 64 * 1024 * 1024 });
if (r.error) finish(false, r.error.message);
if (r.status !== 0 || !existsSync(output)) {
  const log = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').filter((l) => !l.startsWith('gyp info'));
  process.stderr.write(log.slice(-40).join('\n'));
  finish(false, `node-gyp exited with status ${r.status}`);
}
process.stdout.write(`(${((Date.now() - t0) / 1000).toFixed(1)} s) `);
finish(true);
