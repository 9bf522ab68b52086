// `npm run web` / `npm start`: build only when a source changed since the last build, so
// a second start serves the UI at once instead of rebuilding for a minute. The build
// writes dist/.build-stamp with the newest source time it saw.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['main', 'preload', 'renderer', 'examples', 'native', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.base.json', 'tsconfig.build.json', 'tsconfig.electron.json'];
const STAMP = join(root, 'dist', '.build-stamp');

/** The newest modification time (ms) under the given paths, skipping build output. */
export function newestSourceTime(paths) {
  let newest = 0;
  const visit = (p) => {
    const s = statSync(p, { throwIfNoEntry: false });
    if (!s) return;
    if (s.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules' && name !== 'dist' && !name.startsWith('.')) visit(join(p, name));
    } else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of paths) visit(p);
  return newest;
}

/** Whether a build is needed: no stamp, or a source newer than the stamp says. */
export function needsBuild(stampText, newest) {
  const built = Number(stampText);
  return !(Number.isFinite(built) && built >= newest);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const newest = newestSourceTime(SOURCES.map((p) => join(root, p)));
  const stamp = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '';
  if (process.argv.includes('--force') || needsBuild(stamp, newest)) {
    const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    if (r.status !== 0) process.exit(r.status ?? 1);
    writeFileSync(STAMP, String(newest));
  } else {
    process.stderr.write(`sources unchanged since the last build (${new Date(Number(stamp)).toISOString()}): serving it; \`npm run build\` rebuilds\n`);
  }
}
