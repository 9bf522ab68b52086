// The spike monitor's frame budget, measured (issue 14, item 5: 60 fps with all layers
// monitored, no frame over 50 ms). Long Poisson runs with every layer monitored, on the
// landing model (2 chip layers) and on LeNet (5); while spikes stream in, the page records
// requestAnimationFrame intervals for 4 s. The figures go to
// test-results/monitor-frames-*.json and the closing notes; nothing here asserts a time
// (machines are shared), only that frames were drawn while spikes came in.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOTS, text, until } from './page-steps.js';
import { assertBuilt, launchChromium, startWebHost, type WebHost } from './web-host-process.js';

let browser: Browser;
let host: WebHost;
let page: Page;

beforeAll(async () => {
  assertBuilt();
  host = await startWebHost();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(host.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

/** Frame intervals over 4 s in the page, and the figures of them. */
async function measureFrames(name: string): Promise<Record<string, number>> {
  // Page-side (a string: this file is type-checked without the DOM library).
  const intervals = (await page.evaluate(`new Promise((resolve) => {
    const out = [];
    let last = performance.now();
    const end = last + 4000;
    const tick = (now) => {
      out.push(now - last);
      last = now;
      if (now < end) requestAnimationFrame(tick);
      else resolve(out);
    };
    requestAnimationFrame(tick);
  })`)) as number[];
  const eventsSeen = Number(await page.getByTestId('monitor-events').getAttribute('data-count'));
  await page.getByRole('button', { name: 'Stop run' }).click().catch(() => undefined);
  const sorted = [...intervals].sort((x, y) => x - y);
  const total = intervals.reduce((x, y) => x + y, 0);
  const figures = {
    frames: intervals.length,
    fps: Math.round((intervals.length / total) * 1000 * 10) / 10,
    medianMs: Math.round(sorted[Math.floor(sorted.length / 2)]! * 10) / 10,
    p99Ms: Math.round(sorted[Math.floor(sorted.length * 0.99)]! * 10) / 10,
    maxMs: Math.round(sorted[sorted.length - 1]! * 10) / 10,
    over50ms: intervals.filter((d) => d > 50).length,
    monitoredEventsShown: eventsSeen,
  };
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(join(SHOTS, `monitor-frames-${name}.json`), JSON.stringify(figures, null, 1));
  process.stdout.write(`monitor frames (${name}): ${JSON.stringify(figures)}\n`);
  return figures;
}

async function busyRun(durationMs: string, rateHz: string): Promise<void> {
  await page.getByRole('tab', { name: /Run/ }).click();
  for (const box of await page.getByRole('checkbox', { name: /^Monitor layer/ }).all()) await box.check();
  await page.getByRole('radio', { name: /Generator/ }).check();
  await page.locator('.generator').getByLabel(/Duration/).fill(durationMs);
  await page.locator('.generator').getByLabel(/Rate/).fill(rateHz);
  await page.getByRole('button', { name: 'Deploy and run' }).click();
  await until('spikes are arriving', async () => Number((await page.getByTestId('monitor-events').getAttribute('data-count').catch(() => '0')) ?? 0) > 1000, 60_000);
}

describe('spike monitor frames during a busy run', () => {
  it('the landing model, every layer monitored', async () => {
    const devices = page.getByRole('region', { name: 'Devices', exact: true });
    await devices.locator('[data-device^="sim-speck2fdevkit:"]').first().waitFor({ timeout: 60_000 });
    await busyRun('80000', '200');
    const f = await measureFrames('landing');
    expect(f.frames).toBeGreaterThan(10);
    expect(f.monitoredEventsShown).toBeGreaterThan(1000);
  }, 180_000);

  it('LeNet, all five chip layers monitored', async () => {
    await until('the previous run has ended', async () => /stopped|completed/.test(await text(page.getByTestId('run-summary')).catch(() => '')), 60_000);
    await page.getByRole('button', { name: 'New project…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New project' });
    await dialog.getByLabel('Project name').fill('lenet-frames');
    await dialog.getByLabel('Start from').selectOption({ label: 'LeNet (seed model)' });
    await dialog.getByRole('button', { name: 'Create' }).click();
    await until('the LeNet compile is in', async () => /5 chip layers/.test(await text(page.getByTestId('compile-summary'))), 60_000);
    // 784 pixels x 200 Hz x 40 s: 6.3 M expected events, inside the generator limit.
    await busyRun('40000', '200');
    const f = await measureFrames('lenet');
    expect(f.frames).toBeGreaterThan(10);
    expect(f.monitoredEventsShown).toBeGreaterThan(1000);
  }, 180_000);
});
