// Small steps the end-to-end tests share: polling until something holds, the named regions
// of the workspace, text as a person reads it, typing into the model editor, and the pair
// of screenshots (1600x1000 and 1280x720) each looked-at state gets in test-results/.

import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { REPO_ROOT } from './web-host-process.js';

export const SHOTS = join(REPO_ROOT, 'test-results');
export const VIEWPORTS = [
  { width: 1600, height: 1000 },
  { width: 1280, height: 720 },
] as const;

/** Poll until `check` holds (or fail with `what`). */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Text as a person reads it (Monaco renders spaces as no-break spaces). */
export const text = async (l: Locator): Promise<string> => ((await l.textContent()) ?? '').replace(/\u00a0/g, ' ').trim();

export const region = (page: Page, name: string): Locator => page.getByRole('region', { name, exact: true });

/** After layout and paint settle (two animation frames). */
export async function settled(page: Page): Promise<void> {
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
}

/** The page at both sizes, as `<name>-1600x1000.png` and `<name>-1280x720.png`; leaves it at 1280x720. */
export async function shots(page: Page, name: string): Promise<void> {
  for (const v of VIEWPORTS) {
    await page.setViewportSize(v);
    await settled(page);
    await page.screenshot({ path: join(SHOTS, `${name}-${v.width}x${v.height}.png`) });
  }
}

export const editorLines = (page: Page): Locator => page.locator('.model-tab .monaco-editor .view-lines');

/** What the model editor shows (all of it: the e2e models are short). */
export const editorText = async (page: Page): Promise<string> => text(editorLines(page));

/** Types a line at the end of the model source. */
export async function appendToModel(page: Page, line: string): Promise<void> {
  await editorLines(page).click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(line);
}

export const saveState = async (page: Page): Promise<string> => text(page.getByRole('status', { name: 'Save state' }));

/** Drops a file with these bytes on the element `selector` names, as a file manager would (dragenter, dragover, drop). */
export async function dropFile(page: Page, selector: string, name: string, bytes: Uint8Array): Promise<void> {
  // Page-side as a string: this file is type-checked without the DOM library.
  await page.evaluate(`((b64, name, selector) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([data], name));
    const target = document.querySelector(selector);
    for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
  })(${JSON.stringify(Buffer.from(bytes).toString('base64'))}, ${JSON.stringify(name)}, ${JSON.stringify(selector)})`);
}
