// A camera recording as a lab user has one (issue 12): the real 320x240 DVXplorer AEDAT4
// sample dropped on the Run tab of the landing project (a 2x16x16 model). The tab shows
// the input mapping the host fitted (a centred 240x240 square, factor 15) with the raw
// recording's event-count image next to the mapped one; a crop outside the sensor is
// named beside the crop field and the run cannot start; back to the fit, the recording
// runs on the virtual devkit, the run keeps its mapping (shown in its context), and the
// run's input exports as HDF5, read back here with h5wasm. Asked to map on the chip's DVS
// layer, the tab says why this sensor cannot (larger than 128x128, factor 15). Screenshots at 1600x1000 and
// 1280x720 in test-results/ (camera-*.png).
//
// Expects `npm run build` to have run; builds nothing itself.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeLanding, openLanding, type LandingSession } from './landing-session.js';
import { withHdf5Bytes, type H5Dataset } from '../../main/formats/nir/hdf5-memory.js';
import { dropFile, region, shots, text, until } from './page-steps.js';
import { REPO_ROOT } from './web-host-process.js';

const RECORDING = join(REPO_ROOT, 'test', 'fixtures', 'real', 'events', 'tonic_sample.aedat4');
let session: LandingSession;
let page: Page;
let pageErrors: string[];


beforeAll(async () => {
  session = await openLanding('dcnn-e2e-camera-');
  ({ page, pageErrors } = session);
});

afterAll(() => closeLanding(session));

describe('a camera recording dropped on the Run tab', () => {
  let runId = 0;
  const mapping = () => page.getByRole('group', { name: 'Input mapping' });
  const deploy = () => page.getByRole('button', { name: 'Deploy and run' });

  it('selects the file and shows the fitted mapping with the raw and mapped previews', async () => {
    const devices = region(page, 'Devices');
    await devices.locator('[data-device]').first().waitFor({ timeout: 30_000 });
    if ((await devices.locator('[data-device^="sim-speck2fdevkit:"]').count()) === 0) {
      await devices.getByRole('button', { name: '+ Add virtual devkit' }).click();
      await devices.locator('[data-device^="sim-speck2fdevkit:"]').first().waitFor();
    }
    const deviceId = (await devices.locator('[data-device^="sim-speck2fdevkit:"]').first().getAttribute('data-device'))!;
    await devices.getByRole('button', { name: new RegExp(`^${deviceId.replace(/[.:]/g, '\\$&')}`) }).click();
    await page.getByRole('tab', { name: /Run/ }).click();
    await page.locator('.run-tab').waitFor();
    await dropFile(page, '.run-tab', 'tonic_sample.aedat4', new Uint8Array(readFileSync(RECORDING)));
    await until('the mapping is shown', async () => (await mapping().count()) > 0, 30_000);
    expect(await text(page.getByTestId('event-file-name'))).toBe('tonic_sample.aedat4');
    expect(await page.getByRole('radio', { name: 'Event file' }).isChecked()).toBe(true);
    await until('both previews are drawn', async () => (await mapping().getByRole('img').count()) === 2, 30_000);
    expect(await text(page.getByTestId('recording-facts'))).toMatch(/^AEDAT 4\.0 .* · 320×240 · 112 k events over/);
    expect(await mapping().getByRole('img', { name: /^Raw recording: 320×240 pixels, 111954 events, the crop outlined$/ }).count()).toBe(1);
    const mapped = await mapping().getByRole('img', { name: /^Mapped input: 16×16 pixels, \d+ events to the model$/ }).getAttribute('aria-label');
    expect(Number(/(\d+) events/.exec(mapped!)![1])).toBeGreaterThan(100_000);
    expect(await mapping().getByLabel('Crop x').inputValue()).toBe('40');
    expect(await mapping().getByLabel('Crop width').inputValue()).toBe('240');
    expect(await mapping().getByLabel('Downsampling factor').inputValue()).toBe('15');
    expect(await deploy().isEnabled()).toBe(true);
    await shots(page, 'camera-mapping');
  });

  it('a crop outside the sensor is named beside the crop, and the run cannot start', async () => {
    await page.setViewportSize({ width: 1600, height: 1000 });
    await mapping().getByLabel('Crop x').fill('300');
    const error = mapping().locator('[data-field="crop"]');
    await until('the crop is refused', async () => (await error.count()) > 0 && /reaches outside the 320x240 sensor/.test(await text(error)), 30_000);
    expect(await deploy().isEnabled()).toBe(false);
    expect(await text(page.locator('.run-setup .field-error').last())).toMatch(/Fix the input mapping: the crop 300,0 240x240 reaches outside/);
    await shots(page, 'camera-mapping-error');
    await mapping().getByRole('button', { name: /^Fit to the model/ }).click();
    await until('the error is gone', async () => (await error.count()) === 0 && (await deploy().isEnabled()), 30_000);
  });

  it("the chip's DVS layer as the place of the mapping: not available for this sensor, and the note says why", async () => {
    await page.setViewportSize({ width: 1600, height: 1000 });
    const where = mapping().getByLabel('Where the mapping is done');
    await where.selectOption('dvs');
    const note = mapping().getByTestId('dvs-layer-fit');
    await until('the DVS layer note is shown', async () => (await note.count()) > 0, 30_000);
    expect(await text(note)).toBe(
      "Not available on the chip's DVS layer, so the host maps it: the sensor is 320x240 pixels and the DVS layer takes events of a 128x128 pixel array at most; downsampling by 15: the DVS layer pools by 1, 2, 4 only.",
    );
    // Still runnable: the host maps it.
    expect(await deploy().isEnabled()).toBe(true);
    await shots(page, 'camera-dvs-layer');
    await where.selectOption('host');
    await until('the note is gone', async () => (await note.count()) === 0, 30_000);
  });

  it('runs on the virtual devkit, and the run keeps its mapping', async () => {
    await page.setViewportSize({ width: 1600, height: 1000 });
    await deploy().click();
    const summary = page.getByTestId('run-summary');
    await summary.waitFor({ timeout: 120_000 });
    await until('the run completes', async () => /completed/.test(await text(summary)), 120_000);
    runId = Number(/Run #(\d+)/.exec(await text(summary))![1]);
    await shots(page, 'camera-run');
    await page.setViewportSize({ width: 1600, height: 1000 });
    const item = region(page, 'Runs').locator(`[data-run="${runId}"]`);
    await until('the run is listed as done', async () => /done/.test(await text(item)), 30_000);
    await item.click();
    await until('the run context shows the mapping', async () => (await page.getByTestId('context-mapping').count()) > 0, 30_000);
    expect(await text(page.getByTestId('context-mapping'))).toBe('crop 40,0 240x240, downsample 15');
    expect(await text(page.getByTestId('context-input'))).toBe('tonic_sample.aedat4');
  });

  it('exports the run input as HDF5 from the replay pane', async () => {
    const group = page.getByRole('group', { name: 'Export run' });
    await group.getByLabel('Stream to export').selectOption('input');
    await group.getByLabel('Export format').selectOption('h5');
    const [download] = await Promise.all([page.waitForEvent('download'), group.getByRole('button', { name: `Export run #${runId}` }).click()]);
    expect(download.suggestedFilename()).toBe(`run-${runId}-input.h5`);
    const bytes = new Uint8Array(readFileSync((await download.path())!));
    await until('the export says what it saved', async () => /^Saved run-\d+-input\.h5/.test(await text(page.getByTestId('export-result'))), 30_000);
    await shots(page, 'camera-replay-export');
    const back = await withHdf5Bytes(bytes, (f) => ({
      events: (f.get('t') as H5Dataset).shape?.[0],
      columns: f.attrs['columns']?.value,
      run: Number(f.attrs['run']?.value),
      input: f.attrs['input']?.value,
    }));
    expect(back).toMatchObject({ columns: 't,layer,x,y,feature', run: runId, input: 'tonic_sample.aedat4 (input mapping: crop 40,0 240x240, downsample 15)' });
    expect(back.events).toBeGreaterThan(100_000);
    expect(pageErrors).toEqual([]);
  });
});
