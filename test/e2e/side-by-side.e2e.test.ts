// Editor, placement and conversion side by side (issue 14, "Also"): on a wide window the
// Model view holds all three, an edit shows in the placement without switching tabs, the
// panes resize by pointer and keyboard and keep their size across a reload, the layout
// switch turns it off, and at 1280x720 the tabs remain. The time from a key press in the
// editor to the placement showing the new compile is measured (not asserted) and written
// to test-results/side-by-side-latency.json.
//
// Expects `npm run build` to have run; builds nothing itself.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeLanding, openLanding, type LandingSession } from './landing-session.js';
import { editorLines, editorText, region, settled, shots, SHOTS, text, until } from './page-steps.js';

let session: LandingSession;
let page: Page;
let pageErrors: string[];

const modelPanel = () => page.locator('#panel-model');
const placementText = () => text(modelPanel().getByRole('region', { name: 'Placement', exact: true }));
const divider = (name: RegExp) => page.getByRole('separator', { name });

/**
 * Page-side: resolves with the milliseconds from the next key press to the moment the
 * placement beside the editor shows text that `wanted` (a regular expression source)
 * matches, checked on every DOM change of the placement pane.
 */
const LATENCY_PROBE = `(wanted) => new Promise((resolve, reject) => {
  const pane = document.querySelector('#panel-model [aria-label="Placement"]').closest('.pane-scroll');
  const re = new RegExp(wanted);
  let pressed = null;
  const onKey = () => { if (pressed === null) pressed = performance.now(); };
  document.addEventListener('keydown', onKey, true);
  const done = (v) => { observer.disconnect(); document.removeEventListener('keydown', onKey, true); clearTimeout(timer); v instanceof Error ? reject(v) : resolve(v); };
  const observer = new MutationObserver(() => {
    if (pressed !== null && re.test(pane.textContent.replace(/\\u00a0/g, ' '))) done(performance.now() - pressed);
  });
  observer.observe(pane, { subtree: true, childList: true, characterData: true, attributes: true });
  const timer = setTimeout(() => done(new Error('the placement did not show /' + wanted + '/ within 10 s')), 10000);
  window.__probeReady = true;
})`;

async function timeEdit(key: string, wanted: string): Promise<number> {
  await page.evaluate('window.__probeReady = false');
  const measured = page.evaluate(`(${LATENCY_PROBE})(${JSON.stringify(wanted)})`) as Promise<number>;
  await until('the probe listens', async () => (await page.evaluate('window.__probeReady')) === true);
  await page.keyboard.press(key);
  return measured;
}

beforeAll(async () => {
  session = await openLanding('dcnn-e2e-panes-');
  ({ page, pageErrors } = session);
});

afterAll(() => closeLanding(session));

describe('editor, placement and conversion side by side', () => {
  it('a wide window shows all three in the Model view, the editor left of the placement, the conversion under it', async () => {
    const toggle = page.getByRole('button', { name: 'Side by side' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    const editor = await modelPanel().locator('.editor-pane').boundingBox();
    const placement = await modelPanel().getByRole('region', { name: 'Placement', exact: true }).boundingBox();
    const conversion = await modelPanel().getByRole('region', { name: 'Conversion inspector', exact: true }).boundingBox();
    expect(editor && placement && conversion).toBeTruthy();
    expect(placement!.x).toBeGreaterThan(editor!.x + editor!.width - 1);
    expect(conversion!.y).toBeGreaterThan(placement!.y);
    await until('the placement shows the compiled model', async () => /2 of 2 layers placed/.test(await placementText()));
    // Each view is drawn once: the Placement tab's own panel is empty while the Model view shows it.
    expect(await page.getByRole('region', { name: 'Placement', exact: true }).count()).toBe(1);
    // The status bar names the simulator engine the virtual devkits use (the native addon when it is built).
    const engine = await text(page.getByTestId('simulator-engine'));
    expect(engine).toMatch(/^simulator (native|WebAssembly \(native engine not in use\)|JavaScript \(native engine not in use\))$/);
    await shots(page, 'side-by-side');
    await page.setViewportSize({ width: 1600, height: 1000 });
  });

  it('an edit shows in the placement beside the editor without switching tabs (time measured)', async () => {
    await editorLines(page).getByText('nn.Conv2d(2, 8, 3').click();
    // Put the cursor just after "nn.Conv2d(2, 8".
    await page.keyboard.press('Home');
    for (let i = 0; i < 'nn.Conv2d(2, 8'.length; i++) await page.keyboard.press('ArrowRight');
    const samples: Array<{ edit: string; ms: number }> = [];
    for (let round = 0; round < 5; round++) {
      // "8" -> "86": the weights no longer fit the layer, so nothing is placed ...
      samples.push({ edit: 'break', ms: await timeEdit('6', 'Nothing to place: ') });
      expect(await placementText()).toMatch(/Nothing to place: .*weight/i);
      // ... and back: both layers on their cores again.
      samples.push({ edit: 'mend', ms: await timeEdit('Backspace', '2 of 2 layers placed') });
    }
    expect(await page.locator('#tab-model').getAttribute('aria-selected')).toBe('true');
    const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
    const summary = { samples, medianMs: ms[Math.floor(ms.length / 2)], maxMs: ms[ms.length - 1] };
    writeFileSync(join(SHOTS, 'side-by-side-latency.json'), JSON.stringify(summary, null, 2));
    console.log(`edit -> placement: median ${summary.medianMs!.toFixed(0)} ms, slowest ${summary.maxMs!.toFixed(0)} ms over ${samples.length} edits`);
  });

  it('the panes resize from the keyboard and by dragging, and keep their size after a reload', async () => {
    const main = divider(/Resize the editor and the placement/);
    const before = Number(await main.getAttribute('aria-valuenow'));
    await main.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    expect(Number(await main.getAttribute('aria-valuenow'))).toBe(before - 10);
    const box = (await main.boundingBox())!;
    const panel = (await modelPanel().boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(panel.x + panel.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    const dragged = Number(await main.getAttribute('aria-valuenow'));
    expect(Math.abs(dragged - 60)).toBeLessThanOrEqual(1);
    const lower = divider(/Resize the placement and conversion/);
    await lower.focus();
    await page.keyboard.press('End');
    expect(Number(await lower.getAttribute('aria-valuenow'))).toBe(80);
    await page.reload();
    await until('the editor is back', async () => (await editorText(page)).includes('nn.Conv2d(2, 8, 3'), 60_000);
    expect(Number(await divider(/Resize the editor and the placement/).getAttribute('aria-valuenow'))).toBe(dragged);
    expect(Number(await divider(/Resize the placement and conversion/).getAttribute('aria-valuenow'))).toBe(80);
  });

  it('the layout switch turns it off (remembered), and at 1280x720 the views are tabs with no switch', async () => {
    await page.getByRole('button', { name: 'Side by side' }).click();
    expect(await modelPanel().getByRole('region', { name: 'Placement', exact: true }).count()).toBe(0);
    await page.reload();
    await until('the editor is back', async () => (await editorText(page)).includes('nn.Conv2d(2, 8, 3'), 60_000);
    expect(await page.getByRole('button', { name: 'Side by side' }).getAttribute('aria-pressed')).toBe('false');
    expect(await modelPanel().getByRole('region', { name: 'Placement', exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Side by side' }).click();
    expect(await modelPanel().getByRole('region', { name: 'Placement', exact: true }).count()).toBe(1);

    await page.setViewportSize({ width: 1280, height: 720 });
    await settled(page);
    expect(await page.getByRole('button', { name: 'Side by side' }).count()).toBe(0);
    expect(await modelPanel().getByRole('region', { name: 'Placement', exact: true }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Placement' }).click();
    await until('the Placement tab shows the chip', async () => /2 of 2 layers placed/.test(await text(region(page, 'Placement'))));
    expect(pageErrors).toEqual([]);
  });
});
