// The Evaluate view end to end: the real web host (`dcnn web`: its services, the project
// store's worker, the evaluation worker threads) and Debian's Chromium. A small dataset
// of moving bars (a folder per direction, made by the workbench's own generator) under the
// host's data folder is checked, evaluated in both modes on the landing model, its
// accuracy side by side and confusion matrices read off the page, then one sample opened
// as a run and its spikes seen in the Run tab; the CSV exported; a longer evaluation
// stopped part way and gone on with. Screenshots at both sizes in test-results/.
//
// Expects `npm run build` to have run (dist/ with dist/renderer); builds nothing itself.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEventFile } from '../../main/formats/event-files.js';
import { movingBar } from '../../main/sim/input-generators.js';
import { SHOTS, shots, text, until, VIEWPORTS } from './page-steps.js';
import { assertBuilt, launchChromium, startWebHost, type WebHost } from './web-host-process.js';

const DIRECTIONS = ['right', 'left', 'down', 'up'] as const;

let browser: Browser;
let host: WebHost;
let page: Page;
let dataset: string;
let longer: string;
let cameras: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  assertBuilt();
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'dcnn-e2e-eval-'));
  // Under the data folder: a browser tab may read datasets only there (and under --allow-dir).
  dataset = join(dataDir, 'bars');
  for (const [i, direction] of DIRECTIONS.entries()) {
    mkdirSync(join(dataset, direction), { recursive: true });
    for (let k = 0; k < 2; k++) {
      const batch = movingBar({ shape: [2, 16, 16], durationMs: 80 + 40 * k, rateHz: 400, seed: 900 + 10 * i + k, layer: 0, direction });
      writeFileSync(join(dataset, direction, `s${k}.npy`), writeEventFile(batch, 'npy', 'xytp'));
    }
  }
  // The moving-bar example answers right, left, down, up on channels 0..3: classes.txt says so.
  writeFileSync(join(dataset, 'classes.txt'), `${DIRECTIONS.join('\n')}\n`);
  // Long enough on one worker to be stopped part way, also with the native engine (about 75k events a sample).
  longer = join(dataDir, 'more-bars');
  for (const [i, direction] of DIRECTIONS.entries()) {
    mkdirSync(join(longer, direction), { recursive: true });
    for (let k = 0; k < 10; k++) {
      const batch = movingBar({ shape: [2, 16, 16], durationMs: 2000 + 10 * k, rateHz: 4000 + 40 * k, seed: 700 + 20 * i + k, layer: 0, direction });
      writeFileSync(join(longer, direction, `s${k}.npy`), writeEventFile(batch, 'npy', 'xytp'));
    }
  }
  writeFileSync(join(longer, 'classes.txt'), `${DIRECTIONS.join('\n')}\n`);
  // Camera recordings (a real DAVIS346 recording) need an input mapping onto the 2x16x16 model.
  cameras = join(dataDir, 'cameras');
  const recording = readFileSync(fileURLToPath(new URL('../fixtures/real/events/tonic_sample.aedat4', import.meta.url)));
  for (const direction of DIRECTIONS.slice(0, 2)) {
    mkdirSync(join(cameras, direction), { recursive: true });
    writeFileSync(join(cameras, direction, 'rec.aedat4'), recording);
  }
  writeFileSync(join(cameras, 'classes.txt'), `${DIRECTIONS.join('\n')}\n`);
  host = await startWebHost(90_000, dataDir);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: VIEWPORTS[0] });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(host.url);
  await until('the landing model has compiled', async () => /chip layers/.test(await text(page.getByTestId('compile-summary')).catch(() => '')), 60_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('the Evaluate view', () => {
  it('checks the dataset, evaluates it in both modes, and shows accuracy side by side and the confusion matrices', async () => {
    await page.keyboard.press('Alt+6');
    expect(await page.getByRole('tab', { name: 'Evaluate' }).getAttribute('aria-selected')).toBe('true');
    const setup = page.getByRole('region', { name: 'Evaluation setup' });
    // A folder outside the data folder is refused with what to do.
    await setup.getByLabel('Dataset folder').fill('/etc');
    await setup.getByLabel('Dataset folder').press('Enter');
    await until('the refusal shows', async () => /--allow-dir/.test(await text(setup.getByRole('alert')).catch(() => '')));
    await setup.getByLabel('Dataset folder').fill(dataset);
    await setup.getByRole('button', { name: 'Check' }).click();
    const classes = setup.getByRole('table', { name: 'Classes of the dataset' });
    await classes.waitFor();
    expect(await classes.getByRole('row').allTextContents()).toEqual(['channelclasssamples', '0right2', '1left2', '2down2', '3up2', 'class folders8']);
    await setup.getByRole('radio', { name: 'Both, side by side' }).check();
    await setup.getByLabel('Workers').fill('2');
    await setup.getByRole('button', { name: 'Evaluate' }).click();
    const results = page.getByRole('region', { name: 'Evaluation results' });
    await until('the evaluation has ended and its results show', async () => (await results.getByTestId('accuracy-timestep').count()) > 0, 120_000);
    expect(await text(setup.getByTestId('eval-ended'))).toMatch(/^Evaluation #1 completed/);
    const event = await text(results.getByTestId('accuracy-event'));
    const timestep = await text(results.getByTestId('accuracy-timestep'));
    expect(event).toMatch(/^\d+\.\d %$/);
    expect(timestep).toMatch(/^\d+\.\d %$/);
    // The trained example tells the directions apart in both modes.
    expect(Number.parseFloat(event)).toBeGreaterThanOrEqual(75);
    expect(Number.parseFloat(timestep)).toBeGreaterThanOrEqual(75);
    for (const [mode, name] of [
      ['event', 'Confusion, event'],
      ['timestep', 'Confusion, time-stepped'],
    ] as const) {
      const matrix = results.getByRole('table', { name });
      expect(await matrix.getByRole('rowheader').allTextContents()).toEqual([...DIRECTIONS]);
      expect(await matrix.getByRole('columnheader').allTextContents()).toEqual(['true ↓ predicted →', ...DIRECTIONS, 'other', 'samples']);
      const cells = await matrix.locator('td.cell').allTextContents();
      expect(cells.reduce((a, b) => a + Number(b), 0)).toBe(8);
      expect(await results.getByTestId(`confusion-${mode}`).isVisible()).toBe(true);
    }
    expect(Number(await text(results.getByTestId('disagreeing')))).toBeGreaterThanOrEqual(0);
    const past = page.getByRole('region', { name: 'Past evaluations' });
    expect(await text(past.getByRole('button', { name: /^#1 completed bars · both modes/ }))).toMatch(/8\/8/);
    await page.getByRole('tab', { name: 'Evaluate' }).focus();
    await shots(page, 'evaluate');
    await page.setViewportSize(VIEWPORTS[0]);
  });

  it('exports the per-sample rows as CSV', async () => {
    const results = page.getByRole('region', { name: 'Evaluation results' });
    const [download] = await Promise.all([page.waitForEvent('download'), results.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('evaluation-1.csv');
    const path = await download.path();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines[0]).toMatch(/^file,label,predicted,correct,.*,timestep_predicted,timestep_correct,timestep_synaptic_ops,disagree,causes$/);
  });

  it('opens a sample as a run: the Run tab shows its spikes and predicted class', async () => {
    const results = page.getByRole('region', { name: 'Evaluation results' });
    await results.getByRole('radio', { name: /^all/ }).check();
    await results.getByRole('button', { name: 'Open down/s0.npy as a run' }).click();
    await until('the Run tab is shown', async () => (await page.getByRole('tab', { name: /Run/ }).getAttribute('aria-selected')) === 'true');
    await until('the run has ended', async () => /completed/.test(await text(page.getByTestId('run-summary')).catch(() => '')), 60_000);
    expect(Number(await page.getByTestId('monitor-events').getAttribute('data-count'))).toBeGreaterThan(0);
    const runs = page.getByRole('region', { name: 'Runs', exact: true });
    expect(await text(runs)).toContain('#1');
    await shots(page, 'evaluate-sample-run');
    await page.setViewportSize(VIEWPORTS[0]);
  });

  it('a dataset sample picked by class and index in the Run tab runs on the virtual devkit; the run names file, class and index', async () => {
    await page.getByRole('tab', { name: /Run/ }).click();
    const run = page.locator('#panel-run');
    const back = run.getByRole('button', { name: /Back to live/ });
    if (await back.count()) await back.click();
    await run.getByRole('radio', { name: /Dataset sample/ }).check();
    await run.getByLabel('Dataset folder').fill(dataset);
    await run.getByRole('button', { name: 'Check' }).click();
    const cls = run.getByRole('combobox').filter({ hasText: 'channel 3' });
    await cls.waitFor();
    await cls.selectOption('up');
    await run.getByLabel('Sample index in the class').fill('1');
    await run.getByRole('button', { name: 'Deploy and run' }).click();
    const runs = page.getByRole('region', { name: 'Runs', exact: true });
    await until('the sample run is listed with its input', async () => (await text(runs)).includes('up/s1.npy (sample 1 of class "up"'), 60_000);
    await until('the run has ended', async () => /completed/.test(await text(page.getByTestId('run-summary')).catch(() => '')), 60_000);
    expect(Number(await page.getByTestId('monitor-events').getAttribute('data-count'))).toBeGreaterThan(0);
    await shots(page, 'run-dataset-sample');
    await page.setViewportSize(VIEWPORTS[0]);
  });

  it('stops an evaluation part way and goes on with the samples not done', async () => {
    await page.keyboard.press('Alt+6');
    const setup = page.getByRole('region', { name: 'Evaluation setup' });
    await setup.getByLabel('Dataset folder').fill(longer);
    await setup.getByRole('radio', { name: 'Event-driven (chip semantics)' }).check();
    await setup.getByLabel('Workers').fill('1');
    await setup.getByRole('button', { name: 'Evaluate' }).click();
    await until('a few samples are done', async () => /evaluation #2: ([2-9]|\d\d) \/ 40 samples/.test(await text(setup.getByTestId('eval-progress')).catch(() => '')), 60_000);
    expect(await text(setup.getByTestId('eval-progress'))).toMatch(/samples\/s/);
    await setup.getByRole('button', { name: 'Stop' }).click();
    await until('it has stopped', async () => /^Evaluation #2 stopped/.test(await text(setup.getByTestId('eval-ended')).catch(() => '')), 60_000);
    const results = page.getByRole('region', { name: 'Evaluation results' });
    const goOn = results.getByRole('button', { name: /^Go on with the \d+ samples not done$/ });
    const left = Number(/(\d+)/.exec(await text(goOn))![1]);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(40);
    await shots(page, 'evaluate-stopped');
    await page.setViewportSize(VIEWPORTS[0]);
    await goOn.click();
    await until('it goes on from where it stopped', async () => new RegExp(`${40 - left} done before`).test(await text(setup.getByTestId('eval-progress')).catch(() => '')), 30_000);
    await until('it has ended', async () => /^Evaluation #2 completed/.test(await text(setup.getByTestId('eval-ended')).catch(() => '')), 120_000);
    expect(await text(results.getByRole('heading', { level: 2 }))).toMatch(/^Evaluation #2 completed/);
    expect(await text(results.getByRole('table', { name: 'Accuracy per mode' }).getByRole('row').nth(1))).toMatch(/all 40 samples/);
    expect(pageErrors).toEqual([]);
  });

  it('maps camera recordings onto the model input: the mapping is previewed on the first recording, edited, and kept with the evaluation', async () => {
    await page.keyboard.press('Alt+6');
    const setup = page.getByRole('region', { name: 'Evaluation setup' });
    await setup.getByLabel('Dataset folder').fill(cameras);
    await setup.getByRole('button', { name: 'Check' }).click();
    const mapping = setup.getByRole('group', { name: 'Input mapping' });
    await until('the mapping shows the recording', async () => /AEDAT.*\d+×\d+ · .* events over/.test(await text(mapping.getByTestId('recording-facts')).catch(() => '')), 60_000);
    // An evaluation feeds the simulator: the mapping is the host's, there is no DVS-layer choice.
    expect(await mapping.getByLabel('Where the mapping is done').count()).toBe(0);
    await mapping.getByLabel('Window from (ms)').fill('0');
    await mapping.getByLabel('Window to (ms)').fill('20');
    await until('the preview follows the edit', async () => !/previewing/.test(await text(mapping)), 30_000);
    await setup.getByRole('radio', { name: 'Event-driven (chip semantics)' }).check();
    await setup.getByRole('button', { name: 'Evaluate' }).click();
    const results = page.getByRole('region', { name: 'Evaluation results' });
    await until('the mapped evaluation has ended', async () => /^Evaluation #\d+ completed/.test(await text(setup.getByTestId('eval-ended')).catch(() => '')), 120_000);
    await until('its results show', async () => /input mapping: window 0\.\.20000 µs/.test(await text(results.locator('.eval-header')).catch(() => '')), 30_000);
    expect(await text(results)).toContain('right/rec.aedat4');
    expect(pageErrors).toEqual([]);
    await shots(page, 'evaluate-camera-mapping');
    await page.setViewportSize(VIEWPORTS[0]);
  });
});
