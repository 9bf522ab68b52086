// The workspace end to end, as a lab user walks it: the real web host (`dcnn web`, its
// services, the simulator) and Debian's Chromium. New project from the example ->
// the editor shows the model -> a syntax error gets a marker and a problems entry ->
// fixed -> the inspector lists the chip layers -> placement shows every layer placed ->
// a layer put on a core that is too small says why -> deploy to the virtual devkit ->
// run the example input -> raster and predicted class -> the run in the list -> replay
// -> re-run and compare -> add a virtual devkit, see it, remove it, see it go.
// Screenshots of each main view go to test-results/ (they are looked at).
//
// Expects `npm run build` to have run (dist/ with dist/renderer); builds nothing itself.

import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, launchChromium, REPO_ROOT, startWebHost, type WebHost } from './web-host-process.js';

const SHOTS = join(REPO_ROOT, 'test-results');

// Page-side scripts (strings: this file is type-checked for Node, without the DOM).
/** Visible controls outside Monaco without an accessible name (aria-label/-labelledby, <label>, text, title). */
const UNLABELLED_CONTROLS = `(() => {
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && !el.closest('[hidden]'); };
  const nameOf = (el) => {
    const aria = el.getAttribute('aria-label');
    if (aria) return aria;
    const by = el.getAttribute('aria-labelledby');
    if (by) return by.split(' ').map((id) => (document.getElementById(id) || {}).textContent || '').join(' ');
    if (el.labels && el.labels.length > 0) return Array.from(el.labels).map((l) => l.textContent || '').join(' ');
    if (el.tagName === 'BUTTON') return el.textContent || '';
    return el.getAttribute('title') || '';
  };
  return Array.from(document.querySelectorAll('button, input, select, textarea, [role=tab], [tabindex]'))
    .filter((el) => visible(el) && !el.closest('.monaco-editor'))
    .filter((el) => nameOf(el).trim() === '')
    .map((el) => el.outerHTML.slice(0, 120));
})()`;
/** The focused element's name as a person would hear it ('' for the page itself). */
const FOCUSED_NAME = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return '';
  return (el.getAttribute('aria-label') || el.textContent || '').trim();
})()`;

let host: WebHost;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const consoleErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** Poll until `check` holds (or fail with `what`). */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const region = (name: string): Locator => page.getByRole('region', { name, exact: true });
/** Text as a person reads it (Monaco renders spaces as no-break spaces). */
const text = async (l: Locator): Promise<string> => ((await l.textContent()) ?? '').replace(/\u00a0/g, ' ').trim();
const number = (s: string): number => Number(s.replace(/[^\d.]/g, ''));

async function selectTab(name: RegExp): Promise<void> {
  // Keyboard, as the tablist is meant to be used: focus the selected tab, arrow to the target.
  const tabs = page.getByRole('tab');
  const names = await tabs.allTextContents();
  const target = names.findIndex((n) => name.test(n));
  expect(target, `tab ${name}`).toBeGreaterThanOrEqual(0);
  await page.locator('[role=tab][aria-selected=true]').focus();
  for (let guard = 0; guard < names.length; guard++) {
    const selected = await text(page.locator('[role=tab][aria-selected=true]'));
    if (name.test(selected)) return;
    await page.keyboard.press('ArrowRight');
  }
  throw new Error(`could not reach tab ${name} with the arrow keys`);
}

beforeAll(async () => {
  assertBuilt();
  mkdirSync(SHOTS, { recursive: true });
  // Screenshots of failed steps from an earlier run would mislead whoever looks.
  for (const f of readdirSync(SHOTS)) if (f.startsWith('failed-') && f.endsWith('.png')) rmSync(join(SHOTS, f));
  host = await startWebHost();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

// The scenario is one walk: once a step fails, the later ones say so instead of timing out.
let failedStep: string | null = null;
function step(name: string, body: () => Promise<void>): void {
  it(name, async () => {
    if (failedStep) throw new Error(`not attempted: an earlier step failed (${failedStep})`);
    try {
      await body();
    } catch (e) {
      failedStep = name;
      await shot(`failed-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
      throw e;
    }
  });
}

describe('the workspace, end to end', () => {
  step('a new project starts from the example and the editor shows the model', async () => {
    await page.goto(host.url);
    await region('Model editor').waitFor({ timeout: 60_000 });
    const lines = page.locator('.model-tab .monaco-editor .view-lines');
    // The landing example is the trained moving-bar direction detector (examples/moving-bar).
    await until('the editor shows the moving-bar model', async () => (await lines.count()) === 1 && (await text(lines)).includes('nn.Conv2d(2, 8, 3'), 60_000);
    expect(await text(lines)).toContain('nn.Linear(128, 4');
    await until('the first compile is in', async () => /2 chip layers/.test(await text(page.getByTestId('compile-summary'))));
    expect(await text(page.getByRole('status', { name: 'Save state' }))).toBe('saved');
    await shot('editor-landing');
    // The rest of the walk edits, inspects and places LeNet's five chip layers: a project from that example.
    await page.getByRole('button', { name: 'New project…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New project' });
    await dialog.getByLabel('Project name').fill('lenet');
    await dialog.getByLabel('Start from').selectOption({ label: 'LeNet (seed model)' });
    await dialog.getByRole('button', { name: 'Create' }).click();
    await until('the editor shows the LeNet model', async () => (await lines.count()) === 1 && (await text(lines)).includes('nn.Conv2d(1, 20, 5, 1'), 60_000);
    expect(await text(lines)).toContain('nn.Linear(500, 10');
    await until('the LeNet compile is in', async () => /5 chip layers/.test(await text(page.getByTestId('compile-summary'))));
    expect(await text(page.getByRole('status', { name: 'Save state' }))).toBe('saved');
    await shot('editor');
  });

  step('an introduced syntax error shows a marker and a problems entry; fixing it clears both', async () => {
    const editor = page.locator('.model-tab .monaco-editor');
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    // Line 4 is "    nn.Conv2d(1, 20, 5, 1, bias=False),": drop its closing "),".
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    const problems = region('Model editor').getByRole('region', { name: 'Problems' });
    await until('an error marker and an error in the problems list appear', async () => (await editor.locator('.squiggly-error').count()) > 0 && (await problems.locator('.problem.error').count()) > 0);
    expect(await text(page.getByRole('status', { name: 'Save state' }))).toContain('unsaved changes');
    await shot('problems');
    // The problems entry takes the cursor to where the parser stopped (the editor has focus again).
    await problems.locator('button.problem.error').first().click();
    await until('the editor has the focus again', async () => page.evaluate<boolean>(`!!document.activeElement && !!document.activeElement.closest('.model-tab .monaco-editor')`), 5_000);
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.type('),');
    await until('the error is gone again', async () => (await editor.locator('.squiggly-error').count()) === 0 && (await problems.locator('.problem.error').count()) === 0);
    await until('the model compiles again', async () => /5 chip layers · placed on cores/.test(await text(page.getByTestId('compile-summary'))));
  });

  step('the conversion inspector lists the chip layers with their source lines', async () => {
    await selectTab(/Conversion/);
    const inspector = region('Conversion inspector');
    await inspector.waitFor();
    expect(await inspector.getByRole('button', { name: /^Chip layer \d: highlight lines/ }).count()).toBe(5);
    // LeNet: conv+ReLU+pool on lines 4-6, 7-9, 10-12; Flatten+Linear+ReLU 13-15; Linear 16.
    for (const lines of ['L4–6', 'L7–9', 'L10–12', 'L13–15', 'L16']) expect(await inspector.getByRole('button', { name: lines, exact: true }).count()).toBe(1);
    await shot('inspector');
  });

  step('placement shows every layer placed', async () => {
    await selectTab(/Placement/);
    const placement = region('Placement');
    await placement.waitFor();
    expect(await placement.getByRole('group', { name: /^Core \d$/ }).count()).toBe(9);
    expect(await text(page.getByTestId('placed-count'))).toBe('5 of 5 layers placed');
    await shot('placement');
  });

  step('putting a layer on a core that is too small shows which memory overflows and by how much', async () => {
    const placement = region('Placement');
    // Layer 2 (Conv 32->128, k3) needs 32 x 16 x 128 = 65536 kernel entries; core 0 has 16 Ki.
    await placement.getByRole('combobox', { name: 'Core for layer 2' }).selectOption('0');
    const core0 = placement.getByRole('group', { name: 'Core 0' });
    await until('core 0 reports the overflow', async () => (await text(core0)).includes('kernel 64 Ki > 16 Ki (48 Ki over)'), 5_000);
    await until('the compile confirms the ordering does not fit', async () => /does not fit/.test(await text(page.getByTestId('placed-count'))) && /not placed/.test(await text(page.getByTestId('compile-summary'))));
    await shot('placement-misfit');
    await placement.getByRole('button', { name: 'Back to auto' }).click();
    await until('automatic placement is back', async () => (await text(page.getByTestId('placed-count'))) === '5 of 5 layers placed' && /placed on cores/.test(await text(page.getByTestId('compile-summary'))));
  });

  let firstRun = 0;

  step('deploys to the virtual devkit, runs the example input, and shows the raster and the predicted class', async () => {
    const devices = region('Devices');
    await devices.locator('[data-device]').first().waitFor({ timeout: 30_000 });
    let virtual = devices.locator('[data-device^="sim-speck2fdevkit:"]');
    if ((await virtual.count()) === 0) {
      await devices.getByRole('button', { name: '+ Add virtual devkit' }).click();
      await virtual.first().waitFor();
      virtual = devices.locator('[data-device^="sim-speck2fdevkit:"]');
    }
    const deviceId = (await virtual.first().getAttribute('data-device'))!;
    await devices.getByRole('button', { name: new RegExp(`^${deviceId.replace(/[.:]/g, '\\$&')}`) }).click();
    expect(await text(page.locator('.status-bar'))).toContain(deviceId);

    await selectTab(/Run/);
    expect(await text(page.getByTestId('run-device'))).toBe(deviceId);
    await page.getByRole('checkbox', { name: 'Monitor layer 0' }).check();
    expect(await page.getByRole('checkbox', { name: 'Monitor layer 4 (exit)' }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: /Example input/ }).check();
    await page.getByRole('button', { name: 'Deploy and run' }).click();
    const summary = page.getByTestId('run-summary');
    await summary.waitFor({ timeout: 120_000 });
    await until('the run completes', async () => /completed/.test(await text(summary)), 120_000);
    firstRun = Number(/Run #(\d+)/.exec(await text(summary))![1]);
    const monitor = region('Spike monitor');
    expect(await monitor.getByRole('img', { name: /raster/ }).count()).toBeGreaterThanOrEqual(2);
    expect(number(await text(page.getByTestId('monitor-events')))).toBeGreaterThan(0);
    expect(await text(page.getByTestId('predicted-class'))).toMatch(/^\d$/);
    // The input beside the outputs: eight windows of the example's events.
    expect(await page.getByRole('region', { name: 'Run input' }).getByRole('img').count()).toBe(8);
    // Reading aids: pointing at the raster names the cell; the rate plot is drawn (uPlot's canvas).
    const raster = monitor.getByRole('img', { name: /raster/ }).first();
    const box = (await raster.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.5);
    await until('the readout names the cell', async () => /µs|ms|s –.*neurons? \d+.*events?$/.test(await text(page.getByTestId('raster-readout'))));
    expect(await text(page.getByTestId('raster-readout'))).toMatch(/^Layer \d · core \d: /);
    await until('the rate plot is drawn', async () => (await page.getByTestId('rate-plot').locator('canvas').count()) > 0);
    expect(await text(monitor.getByLabel('Colour scale: events per cell'))).toContain('events per cell');
    // The mouse wheel over a raster zooms the time axis; Show all goes back.
    await page.mouse.wheel(0, -400);
    await until('the time axis is zoomed', async () => /^Showing .* of /.test(await text(page.getByTestId('zoom-bar'))));
    await shot('run-monitor-zoomed');
    await page.getByRole('button', { name: 'Show all' }).click();
    await until('the whole run is shown again', async () => (await page.getByTestId('zoom-bar').count()) === 0);
    await shot('run-monitor');
  });

  step('the run appears in the runs list', async () => {
    const item = region('Runs').locator(`[data-run="${firstRun}"]`);
    await item.waitFor();
    await until('the run is listed as done', async () => /done/.test(await text(item)));
    await shot('runs-list');
  });

  step('replays the recording: opening shows all of it; scrubbed to the start and played, every recorded event arrives again', async () => {
    await region('Runs').locator(`[data-run="${firstRun}"]`).click();
    const monitor = region('Spike monitor');
    await until('the recording is open', async () => (await text(monitor.getByRole('heading', { level: 2 }))).includes(`Run #${firstRun} · recording`));
    const status = page.getByTestId('replay-status');
    const shown = async () => Number(await page.getByTestId('monitor-events').getAttribute('data-count'));
    await status.waitFor();
    const recorded = Number(await status.getAttribute('data-count'));
    expect(recorded).toBeGreaterThan(0);
    await until('the opened recording is shown whole', async () => /^ended/.test(await text(status)) && (await shown()) === recorded, 60_000);
    // Keyboard on the scrubber: Home goes to the start, which clears the monitor.
    await monitor.getByRole('slider', { name: 'Replay position' }).focus();
    await page.keyboard.press('Home');
    await until('the monitor starts over at the beginning', async () => (await shown()) === 0);
    await monitor.getByRole('combobox', { name: 'Replay speed' }).selectOption('16');
    await monitor.getByRole('button', { name: 'Play' }).click();
    await until('the replay ends with every recorded event shown', async () => /^ended/.test(await text(status)) && (await shown()) === recorded, 60_000);
    expect(await text(page.getByTestId('predicted-class'))).toMatch(/^\d$/);
    await shot('replay');
  });

  step('re-runs and compares the two runs side by side', async () => {
    const monitor = region('Spike monitor');
    await monitor.getByRole('button', { name: /^Re-run on / }).click();
    const summary = page.getByTestId('run-summary');
    await until('the re-run completes', async () => /Run #(\d+) completed/.test(await text(summary)) && !(await text(summary)).startsWith(`Run #${firstRun} `), 120_000);
    const second = Number(/Run #(\d+)/.exec(await text(summary))![1]);
    await region('Runs').locator(`[data-run="${second}"]`).click();
    const compare = page.getByRole('region', { name: 'Compare runs' });
    await compare.getByRole('combobox').selectOption(String(firstRun));
    await compare.getByRole('button', { name: 'Compare' }).click();
    const result = page.getByTestId('compare-result');
    await result.waitFor();
    // Same model, same input, the same deterministic simulator: the two output streams agree.
    expect(await text(page.getByTestId('first-divergence'))).toBe('The compared output streams are identical.');
    expect(await text(page.getByTestId('compare-basis'))).toBe('Compared: the chip layers both runs monitored.');
    await until('the comparison plot is drawn', async () => (await page.getByTestId('compare-plot').locator('canvas').count()) > 0);
    await page.getByTestId('compare-plot').scrollIntoViewIfNeeded();
    await shot('compare');
  });

  step('a virtual devkit added appears in the device panel at once, and goes when removed', async () => {
    const devices = region('Devices');
    const before = new Set(await devices.locator('[data-device]').evaluateAll((els) => els.map((e) => e.getAttribute('data-device'))));
    await devices.getByRole('button', { name: '+ Add virtual devkit' }).click();
    let added = '';
    await until('a new device row appears', async () => {
      const now = await devices.locator('[data-device]').evaluateAll((els) => els.map((e) => e.getAttribute('data-device')));
      added = now.find((id) => id && !before.has(id)) ?? '';
      return added !== '';
    });
    const row = devices.locator(`[data-device="${added}"]`);
    expect(await row.getAttribute('class')).toContain('fresh');
    await shot('devices');
    await devices.getByRole('button', { name: `Remove ${added}` }).click();
    await until('the removed devkit is gone', async () => (await row.count()) === 0, 15_000);
  });

  step('every control is labelled and reachable with the keyboard', async () => {
    await selectTab(/Run/);
    // A run opened for replay shows that run's context; the live run's controls are one click back.
    const back = page.getByRole('button', { name: 'Back to live run' });
    if ((await back.count()) > 0) await back.click();
    const unlabelled = await page.evaluate<string[]>(UNLABELLED_CONTROLS);
    expect(unlabelled).toEqual([]);

    await page.locator('body').click({ position: { x: 5, y: 890 } });
    const reached = new Set<string>();
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press('Tab');
      const name = await page.evaluate<string>(FOCUSED_NAME);
      if (name) reached.add(name);
    }
    for (const control of ['New project…', '+ Add virtual devkit', 'Deploy and run', 'Monitor layer 0']) {
      expect([...reached].some((n) => n.startsWith(control)), `${control} reachable with Tab`).toBe(true);
    }
    expect([...reached].some((n) => /^Run/.test(n)), 'the selected tab is reachable with Tab').toBe(true);
  });

  it('nothing failed in the page', () => {
    expect(pageErrors).toEqual([]);
    if (consoleErrors.length > 0) console.warn(`console errors in the page:\n${consoleErrors.join('\n')}`);
  });
});
