// Model files as users have them, opened in the workspace (issue 11, item 5): ONNX through
// "Open model file…", a whole torch.save module and a state_dict dropped on the editor, and
// a file that is no model. Opening fills the editor with the model text the workbench
// wrote, binds the file's tensors and the input shape it states, and compiles; a weights
// file binds to the model in the editor; a bad file says what can be opened. Screenshots
// at 1600x1000 and 1280x720 in test-results/.
//
// Expects `npm run build` to have run; builds nothing itself.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeLanding, openLanding, type LandingSession } from './landing-session.js';
import { dropFile, editorText, saveState, shots, text, until } from './page-steps.js';
import { readNir } from '../../main/formats/nir/nir-importer.js';
import { REPO_ROOT } from './web-host-process.js';

const MODELS = join(REPO_ROOT, 'test', 'fixtures', 'real', 'models');
let session: LandingSession;
let page: Page;
let pageErrors: string[];

const opened = () => text(page.getByRole('status', { name: 'Opened file' }));
const compileSummary = () => text(page.getByTestId('compile-summary'));


async function drop(file: string, bytes: Uint8Array = new Uint8Array(readFileSync(join(MODELS, file)))): Promise<void> {
  await dropFile(page, '.model-tab .editor-pane', file, bytes);
}

beforeAll(async () => {
  session = await openLanding('dcnn-e2e-model-files-');
  ({ page, pageErrors } = session);
});

afterAll(() => closeLanding(session));

describe('opening model files in the workspace', () => {
  it('Open model file… with an ONNX file: the editor shows the model text written from it, its weights and input shape are bound, and it compiles', async () => {
    await page.getByLabel(/^Model file \(/).setInputFiles(join(MODELS, 'lenet_seed_28.opset13.onnx'));
    await until('the file is opened', async () => (await opened().catch(() => '')).includes('lenet_seed_28.opset13.onnx'));
    expect(await opened()).toMatch(/Opened lenet_seed_28\.opset13\.onnx \(ONNX opset 13\); the model text below was written from the file; its \d+ tensors are the weights; input 1 × 28 × 28/);
    await until('the editor shows the ONNX model', async () => (await editorText(page)).includes('nn.Conv2d(1, 20'));
    await until('it compiled to 5 chip layers', async () => /5 chip layers/.test(await compileSummary()));
    expect(await page.getByLabel('Input channels').inputValue()).toBe('1');
    expect(await page.getByLabel('Input height').inputValue()).toBe('28');
    expect(await text(page.getByTestId('weights-in-use'))).toBe('lenet_seed_28.opset13.onnx');
    expect(await saveState(page)).toContain('unsaved changes');
    await shots(page, 'model-file-onnx');
    await page.setViewportSize({ width: 1600, height: 1000 });
  });

  it('Export as NIR saves the converted SNN; the workbench reads the file back as the same 5-layer network', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export as NIR' }).click()]);
    expect(download.suggestedFilename()).toBe('moving-bar.nir');
    const path = join(session.dataDir, 'exported.nir');
    await download.saveAs(path);
    const bytes = new Uint8Array(readFileSync(path));
    expect(Buffer.from(bytes.subarray(0, 8)).toString('latin1')).toBe('\x89HDF\r\n\x1a\n');
    const back = await readNir(bytes);
    expect(back.modelText).toMatch(/nn\.Conv2d\(1, 20, kernel_size=\(?5/);
    expect(await text(page.getByRole('status', { name: 'NIR export' }))).toMatch(/^Saved moving-bar\.nir: 5 chip layers as NIR\./);
  });

  it('a whole torch.save module dropped on the editor: its model text, as torch printed it', async () => {
    await drop('lenet_seed_28.module.pt');
    await until('the module is opened', async () => (await opened().catch(() => '')).includes('lenet_seed_28.module.pt'));
    expect(await opened()).toContain('(PyTorch module (torch.save))');
    await until('the editor shows the module text', async () => (await editorText(page)).includes('nn.Linear(500, 10, bias=False)'));
    await until('it compiled to 5 chip layers', async () => /5 chip layers/.test(await compileSummary()));
  });

  it('a state_dict dropped on the editor binds as the weights of the model already there', async () => {
    const before = await editorText(page);
    await drop('lenet_seed_28.state_dict.pt');
    await until('the weights are bound', async () => (await opened().catch(() => '')).includes('lenet_seed_28.state_dict.pt'));
    expect(await opened()).toMatch(/a state_dict or checkpoint holds weights without layers; its 5 tensors are now the weights/);
    expect(await editorText(page)).toBe(before);
    expect(await text(page.getByTestId('weights-in-use'))).toBe('lenet_seed_28.state_dict.pt');
    await until('it compiled with them', async () => /5 chip layers/.test(await compileSummary()));
  });

  it('a graph network (class form, a split and a merge) opened as .py: the conversion shows where each chip layer takes its input from and sends to', async () => {
    const fixture = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'sinabs-graph', 'dummy2_merge_split.json'), 'utf8')) as { model_text: string };
    await drop('merge_split.py', new TextEncoder().encode(fixture.model_text));
    await until('the class form is in the editor', async () => (await editorText(page)).includes('class Net(nn.Module):'));
    await page.getByRole('button', { name: 'Use random weights' }).click();
    for (const [dim, v] of [['channels', '2'], ['height', '34'], ['width', '34']] as const) await page.getByLabel(`Input ${dim}`).fill(v);
    await until('it compiled to 7 chip layers', async () => /7 chip layers/.test(await compileSummary()));
    // sinabs 3.1.3 maps this graph with edges 0→1, 1→2, 1→3, 2→4, 3→5, 4→6, 5→6 (the fixture's expected.edges).
    const flows = await page.locator('#panel-model .inspector td.flow').allTextContents();
    expect(flows).toEqual(['input → 1', '0 → 2, 3', '1 → 4', '1 → 5', '2 → 6', '3 → 6', '4 + 5 → output']);
    await shots(page, 'model-file-graph');
    await page.setViewportSize({ width: 1600, height: 1000 });
  });

  it('a file that is no model: an alert saying what can be opened; the editor keeps its text', async () => {
    await drop('photo.jpg', Uint8Array.from({ length: 600 }, (_, i) => (i * 37) & 0xff));
    const alert = page.getByRole('alert').filter({ hasText: 'photo.jpg' });
    await alert.waitFor();
    expect(await text(alert)).toMatch(/photo\.jpg was not opened: photo\.jpg: not a file the workbench reads as a model: open model text \(\.py/);
    // (Monaco draws only the lines in view, and the alert takes room: compare what must be there.)
    expect(await editorText(page)).toContain('class Net(nn.Module):');
    await shots(page, 'model-file-refused');
    expect(pageErrors).toEqual([]);
  });
});
