// Starting and stopping `dcnn web` for end-to-end tests: a free port, a throwaway data
// directory, the URL read from the one line the host prints. Also finds Chromium.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface WebHost {
  url: string;
  dataDir: string;
  output(): string;
  /** Ends the host; the data folder goes too unless `keepData` (a later start reuses it). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** Fails with what to do when the tree is not built. */
export function assertBuilt(): void {
  const page = join(REPO_ROOT, 'dist', 'renderer', 'index.html');
  if (!existsSync(page)) throw new Error(`${page} is missing: run \`npm run build\` before \`npm run test:e2e\`.`);
}

export function chromiumPath(): string {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  throw new Error('Chromium not found at /usr/bin/chromium: install it (Debian: `apt-get install -y chromium`).');
}

/** Debian's Chromium, headless, with the flags every end-to-end test runs it with. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Starts `dcnn web` on a fresh data folder, or on `dataDir` (a returning user's); `env` replaces the host's environment (e.g. a fake samna on PYTHONPATH). */
export async function startWebHost(timeoutMs = 90_000, dataDir?: string, env: NodeJS.ProcessEnv = process.env): Promise<WebHost> {
  dataDir ??= await mkdtemp(join(tmpdir(), 'dcnn-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'dcnn.js'), 'web', '--port', '0', '--data-dir', dataDir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (s: string) => (out += s));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dcnn web printed no URL within ${timeoutMs} ms. Output:\n${out}`)), timeoutMs);
    child.stdout?.on('data', (s: string) => {
      out += s;
      const m = /(https?:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dcnn web exited with code ${code} before printing its URL. Output:\n${out}`));
    });
  });
  return {
    url,
    dataDir,
    output: () => out,
    async stop(options) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (!options?.keepData) await rm(dataDir!, { recursive: true, force: true });
    },
  };
}
