// A "real" board through the whole workspace: `dcnn web` started with the fake samna on
// PYTHONPATH (test/fake-samna: a stand-in written from spec/samna.md, not samna, and no
// board) lists a Speck2f devkit with its serial number beside the virtual devkits; the
// user picks it and deploys the landing example on it through the samna bridge; the run
// completes and is recorded, and the fake received the configuration the compile made.
// This checks the workbench's side of the bridge in a browser; it proves nothing about a
// real board.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSamna, speck2f } from '../integration/devices/samna-fake.js';
import { shots, text, until } from './page-steps.js';
import { assertBuilt, launchChromium, startWebHost, type WebHost } from './web-host-process.js';

let browser: Browser;
let host: WebHost;
let page: Page;
const fake = new FakeSamna([speck2f('FAKE-0042', 3, 7)]);
const pageErrors: string[] = [];

beforeAll(async () => {
  assertBuilt();
  host = await startWebHost(90_000, undefined, fake.env());
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(host.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await fake.cleanup();
});

describe('a board through the samna bridge (fake samna)', () => {
  it('is listed with its serial number and samna is reported as found', async () => {
    const devices = page.getByRole('region', { name: 'Devices', exact: true });
    const board = devices.locator('[data-device="speck2fdevkit:0"]');
    await board.waitFor({ timeout: 60_000 });
    expect(await text(board)).toContain('FAKE-0042');
    expect(await text(page.getByTestId('samna-status'))).not.toMatch(/missing/);
    await shots(page, 'fake-board-listed');
  });

  it('deploys the landing example on it and runs the example input to the end', async () => {
    const devices = page.getByRole('region', { name: 'Devices', exact: true });
    await devices.getByRole('button', { name: /^speck2fdevkit:0/ }).click();
    await page.getByRole('tab', { name: /Run/ }).click();
    expect(await text(page.getByTestId('run-device'))).toBe('speck2fdevkit:0');
    await page.getByRole('radio', { name: /Example input/ }).check();
    await page.getByRole('button', { name: 'Deploy and run' }).click();
    const summary = page.getByTestId('run-summary');
    await until('the run on the board completes', async () => /Run #\d+ completed/.test(await text(summary)), 120_000);
    expect(await text(summary)).toMatch(/: 1\s413 events in/);
    expect(Number((await text(page.getByTestId('monitor-events'))).replace(/\D/g, ''))).toBeGreaterThan(0);
    const runs = page.getByRole('region', { name: 'Runs', exact: true });
    await until('the run is listed on the board', async () => /speck2fdevkit:0/.test(await text(runs)));
    // The fake kept the configuration the bridge applied: the landing model placed on cores
    // 0 and 1 (the status bar says so), core 0 sending to core 1 and core 1 monitored.
    expect(await text(page.locator('.status-bar'))).toContain('placed on cores 0 1');
    const applied = fake.recorded('FAKE-0042');
    expect(applied.length).toBeGreaterThan(0);
    const cnn = (applied[applied.length - 1]! as { cnn_layers: Array<{ destinations: Array<{ enable: boolean; layer: number }>; monitor_enable: boolean }> }).cnn_layers;
    expect(cnn[0]!.destinations[0]).toMatchObject({ enable: true, layer: 1 });
    expect(cnn[1]!.monitor_enable).toBe(true);
    await shots(page, 'fake-board-run');
  });

  it('evaluates a dataset on the board from the Evaluate view, one sample at a time, and keeps it as an evaluation on that board', async () => {
    // The fake's rule (test/fake-samna/README.md): each input event of channel c comes back as
    // one exit spike of channel c, so a sample's exit counts are its event counts per polarity,
    // and the prediction is the polarity with more events. Channels 0 and 1 are "right" and "left".
    const ds = join(host.dataDir, 'board-ds');
    const samples: Array<[string, number, number]> = [
      ['right/s0.csv', 3, 1], // right: correct
      ['left/s0.csv', 1, 2], // left: correct
      ['down/s0.csv', 2, 1], // predicted right: wrong
    ];
    for (const [file, c0, c1] of samples) {
      mkdirSync(join(ds, dirname(file)), { recursive: true });
      const rows = ['t,x,y,p'];
      for (let i = 0; i < c0 + c1; i++) rows.push(`${10 * (i + 1)},${i % 16},4,${i < c0 ? 0 : 1}`);
      writeFileSync(join(ds, file), `${rows.join('\n')}\n`);
    }
    writeFileSync(join(ds, 'classes.txt'), 'right\nleft\ndown\nup\n');
    await page.keyboard.press('Alt+6');
    const setup = page.getByRole('region', { name: 'Evaluation setup' });
    await setup.getByLabel('Dataset folder').fill(ds);
    await setup.getByRole('radio', { name: /^The board speck2fdevkit:0 · FAKE-0042/ }).check();
    // The board decides the semantics: no mode to pick, no workers.
    expect(await setup.getByRole('radio', { name: 'Both, side by side' }).isDisabled()).toBe(true);
    expect(await setup.getByLabel('Workers').count()).toBe(0);
    const before = fake.recorded('FAKE-0042').length;
    await setup.getByRole('button', { name: 'Evaluate' }).click();
    const results = page.getByRole('region', { name: 'Evaluation results' });
    await until('the evaluation on the board has ended', async () => (await results.getByTestId('accuracy-event').count()) > 0, 120_000);
    expect(await text(setup.getByTestId('eval-ended'))).toMatch(/^Evaluation #\d+ completed/);
    expect(await text(results.getByTestId('accuracy-event'))).toBe('66.7 %');
    expect(await text(results)).toContain('on the board speck2fdevkit:0');
    const past = page.getByRole('region', { name: 'Past evaluations' });
    expect(await text(past.getByRole('button', { name: /completed board-ds · on speck2fdevkit:0/ }))).toMatch(/3\/3/);
    // The configuration written once, then re-applied with zero states before each sample.
    expect(fake.recorded('FAKE-0042').length - before).toBe(1 + samples.length);
    await shots(page, 'fake-board-evaluate');
  });

  it('Refresh follows a board unplugged and plugged in again (for systems that send no hot-plug events)', async () => {
    const devices = page.getByRole('region', { name: 'Devices', exact: true });
    fake.setBoards([]);
    await devices.getByRole('button', { name: 'Refresh' }).click();
    await until('the unplugged board is gone', async () => (await devices.locator('[data-device="speck2fdevkit:0"]').count()) === 0, 30_000);
    fake.setBoards([speck2f('FAKE-0042', 3, 7)]);
    await devices.getByRole('button', { name: 'Refresh' }).click();
    await until('the board is back, under the same name', async () => /FAKE-0042/.test(await text(devices.locator('[data-device="speck2fdevkit:0"]'))), 30_000);
  });

  it('threw nothing in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
