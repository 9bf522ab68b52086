// Worker threads start from compiled JavaScript, from TypeScript sources (via tsx), and,
// in a packaged app, from the unpacked copy next to app.asar.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnWorker } from '../../../main/threads/spawn-worker.js';

const dir = mkdtempSync(join(tmpdir(), 'dcnn-spawn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ECHO = "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', (m) => parentPort.postMessage(`${WHERE}:${m}`));\n";

async function ask(entry: URL): Promise<unknown> {
  const w = spawnWorker(entry);
  try {
    return await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
      w.postMessage('hi');
    });
  } finally {
    await w.terminate();
  }
}

describe('spawnWorker', () => {
  it('runs a compiled .js module as it is', async () => {
    writeFileSync(join(dir, 'plain.js'), ECHO.replace('WHERE', "'js'"));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    expect(await ask(pathToFileURL(join(dir, 'plain.js')))).toBe('js:hi');
  });

  it('runs the .ts source when only that exists', async () => {
    writeFileSync(join(dir, 'source.ts'), ECHO.replace('WHERE', "('ts' as string)"));
    expect(await ask(pathToFileURL(join(dir, 'source.js')))).toBe('ts:hi');
  });

  it('starts a packaged worker from app.asar.unpacked', async () => {
    mkdirSync(join(dir, 'app.asar.unpacked'), { recursive: true });
    writeFileSync(join(dir, 'app.asar.unpacked', 'package.json'), '{"type":"module"}');
    writeFileSync(join(dir, 'app.asar.unpacked', 'w.js'), ECHO.replace('WHERE', "'unpacked'"));
    expect(await ask(pathToFileURL(join(dir, 'app.asar', 'w.js')))).toBe('unpacked:hi');
  });
});
