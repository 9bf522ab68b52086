// The set-up several end-to-end files share: Chromium, the web host on a fresh data folder,
// one 1600x1000 page on the landing project (the moving-bar model in the editor), page
// errors collected; and the teardown that closes them and removes the folder.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { editorText, SHOTS, until } from './page-steps.js';
import { assertBuilt, launchChromium, startWebHost, type WebHost } from './web-host-process.js';

export interface LandingSession {
  browser: Browser;
  host: WebHost;
  page: Page;
  dataDir: string;
  /** Messages of uncaught errors in the page. */
  pageErrors: string[];
}

export async function openLanding(prefix: string): Promise<LandingSession> {
  assertBuilt();
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const browser = await launchChromium();
  const host = await startWebHost(undefined, dataDir);
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(host.url);
  await until('the editor shows the landing model', async () => (await editorText(page)).includes('nn.Conv2d(2, 8, 3'), 60_000);
  return { browser, host, page, dataDir, pageErrors };
}

export async function closeLanding(s: LandingSession | undefined): Promise<void> {
  if (!s) return;
  await s.page.close();
  await s.browser.close();
  await s.host.stop();
  rmSync(s.dataDir, { recursive: true, force: true });
}
