// @vitest-environment jsdom
// The Evaluate view in the workspace against the fake workbench: Alt+6 opens it, the
// dataset is checked before anything runs (classes and counts, or what is wrong), an
// evaluation in both modes shows accuracy side by side, a confusion matrix per mode with
// counts and class names, the disagreeing sample with its cause; a sample opens as a run
// in the Run tab; the form says which field is wrong.

import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { App } from '../../../renderer/app/app';
import { parseEvalForm, DEFAULT_EVAL_FORM } from '../../../renderer/evaluate/eval-form';
import type { DeviceView } from '../../../preload/api';
import { FAKE_DATASET } from './fake-evaluations';
import { FakeWorkbench } from './fake-workbench';

vi.mock('../../../renderer/editor/code-editor', async () => {
  const stub = await import('./code-editor-stub');
  return { CodeEditor: stub.CodeEditorStub };
});

beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];
});
afterEach(cleanup);

async function openEvaluate() {
  const fake = new FakeWorkbench();
  fake.settings = { ...fake.settings, compileDebounceMs: 20 };
  render(<App api={fake.api()} />);
  await waitFor(() => expect(screen.getByTestId('compile-summary').textContent).toMatch(/5 chip layers/));
  fireEvent.keyDown(window, { key: '6', altKey: true });
  expect(screen.getByRole('tab', { name: 'Evaluate' }).getAttribute('aria-selected')).toBe('true');
  return fake;
}

describe('the Evaluate view', () => {
  it('checks the dataset first and says what is wrong with a folder that is not one', async () => {
    const fake = await openEvaluate();
    const field = screen.getByLabelText('Dataset folder');
    fireEvent.change(field, { target: { value: '/data/none' } });
    fireEvent.keyDown(field, { key: 'Enter' });
    expect((await screen.findByRole('alert')).textContent).toContain('/data/none is not a folder: a dataset is a folder with one sub-folder per class');
    fireEvent.change(field, { target: { value: FAKE_DATASET } });
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    const classes = await screen.findByRole('table', { name: 'Classes of the dataset' });
    expect(
      within(classes)
        .getAllByRole('row')
        .map((r) => r.textContent),
    ).toEqual(['channelclasssamples', '0bar3', '1blob3', 'class folders6']);
    expect(fake.callsOf('eval.start')).toEqual([]);
  });

  it('evaluates in both modes: accuracy side by side, a confusion matrix per mode, the disagreeing sample and its cause', async () => {
    const fake = await openEvaluate();
    fireEvent.change(screen.getByLabelText('Dataset folder'), { target: { value: FAKE_DATASET } });
    fireEvent.change(screen.getByLabelText('Workers'), { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Evaluate' }));
    await screen.findByTestId('accuracy-timestep');
    expect(fake.callsOf('eval.start')[0]).toMatchObject({ dataset: FAKE_DATASET, mode: 'both', readout: 'count', windowUs: null, dtUs: 1000, workers: 2 });
    expect(screen.getByTestId('accuracy-event').textContent).toBe('100.0 %');
    expect(screen.getByTestId('accuracy-timestep').textContent).toBe('83.3 %');
    const timestep = screen.getByRole('table', { name: 'Confusion, time-stepped' });
    expect(within(timestep).getByLabelText('true blob, predicted bar: 1 of 3').textContent).toBe('1');
    expect(
      within(timestep)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['true ↓ predicted →', 'bar', 'blob', 'other', 'samples']);
    expect(
      within(timestep)
        .getAllByRole('rowheader')
        .map((h) => h.textContent),
    ).toEqual(['bar', 'blob']);
    expect(screen.getByTestId('disagreeing').textContent).toBe('1');
    // Energy: the six samples' chip-semantics operations, 40 000 to 40 005, are 240 015 in
    // all; at 10 pJ each that is 2 400 150 pJ = 2.40 µJ, 400 nJ a sample.
    expect(screen.getByTestId('energy-estimate').textContent).toContain('no energy per operation is documented');
    fireEvent.change(screen.getByLabelText('Energy per synaptic operation (pJ)'), { target: { value: '10' } });
    expect(screen.getByTestId('energy-estimate').textContent).toBe('estimate: 400 nJ per sample on average, 2.40 µJ in all (synaptic operations × 10 pJ, your figure)');
    // The table opens on the samples that change between the modes.
    const samples = screen.getByRole('table', { name: 'Per-sample results' });
    const rows = within(samples).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.textContent).toContain('blob/s1.npy');
    expect(rows[0]!.textContent).toContain('ordering: with the events inside each time step reversed');
    fireEvent.click(screen.getByRole('button', { name: 'Open blob/s1.npy as a run' }));
    await waitFor(() => expect(fake.callsOf('eval.openSample')).toEqual([{ evaluationId: 1, file: 'blob/s1.npy', deviceId: 'sim-speck2fdevkit:0' }]));
    await waitFor(() => expect(screen.getByRole('tab', { name: /Run/ }).getAttribute('aria-selected')).toBe('true'));
  });

  it("lists the evaluation among the project's and exports its CSV", async () => {
    const fake = await openEvaluate();
    fireEvent.change(screen.getByLabelText('Dataset folder'), { target: { value: FAKE_DATASET } });
    fireEvent.click(screen.getByRole('radio', { name: 'Event-driven (chip semantics)' }));
    fireEvent.click(screen.getByRole('button', { name: 'Evaluate' }));
    const past = await screen.findByRole('region', { name: 'Past evaluations' });
    await waitFor(() => expect(within(past).getByRole('button', { name: /#1 completed gestures · event/ })).toBeTruthy());
    URL.createObjectURL = vi.fn(() => 'blob:csv');
    URL.revokeObjectURL = vi.fn();
    fireEvent.click(await screen.findByRole('button', { name: 'Export CSV' }));
    await waitFor(() => expect(fake.callsOf('eval.csv')).toEqual([{ evaluationId: 1 }]));
  });
});

describe('parseEvalForm', () => {
  it('reads the window in milliseconds and names the field that is wrong', () => {
    expect(parseEvalForm({ ...DEFAULT_EVAL_FORM, dataset: ' /d ', windowMs: '2.5' })).toEqual({ ok: true, request: { dataset: '/d', mode: 'both', readout: 'count', windowUs: 2500, dtUs: 1000 } });
    expect(parseEvalForm({ ...DEFAULT_EVAL_FORM, dataset: '' })).toMatchObject({ ok: false, field: 'dataset' });
    expect(parseEvalForm({ ...DEFAULT_EVAL_FORM, dataset: '/d', windowMs: '-1' })).toMatchObject({ ok: false, field: 'windowMs' });
    expect(parseEvalForm({ ...DEFAULT_EVAL_FORM, dataset: '/d', dtUs: '0' })).toMatchObject({ ok: false, field: 'dtUs' });
    // Chip semantics has no time step: the field is not read.
    expect(parseEvalForm({ ...DEFAULT_EVAL_FORM, dataset: '/d', mode: 'event', dtUs: '' })).toEqual({ ok: true, request: { dataset: '/d', mode: 'event', readout: 'count', windowUs: null } });
    expect(parseEvalForm({ ...DEFAULT_EVAL_FORM, dataset: '/d', workers: '1.5' })).toMatchObject({
      ok: false,
      field: 'workers',
      message: 'Workers must be a whole number from 1 to 256, or empty for one per core; got “1.5”.',
    });
  });

  it('on a board: event mode, no workers or time step, and only a board that can take the model', () => {
    const board: DeviceView = { id: 'speck2fdevkit:0', type: 'speck2fdevkit', name: 'Speck 2f devkit', virtual: false, deployable: true, status: 'available', family: 'speck2f', serial: 'SN-1' };
    const form = { ...DEFAULT_EVAL_FORM, dataset: '/d', onBoard: true, mode: 'both' as const, workers: '4', windowMs: '10' };
    expect(parseEvalForm(form, board)).toEqual({ ok: true, request: { dataset: '/d', mode: 'event', readout: 'count', windowUs: 10_000, deviceId: 'speck2fdevkit:0' } });
    expect(parseEvalForm(form, null)).toMatchObject({ ok: false, field: 'board', message: expect.stringMatching(/^Cannot evaluate on a board: select a board in the Devices panel/) });
    expect(parseEvalForm(form, { ...board, id: 'speck2fdevkit:v0', virtual: true })).toMatchObject({ ok: false, field: 'board' });
    expect(parseEvalForm(form, { ...board, status: 'busy' })).toEqual({ ok: false, field: 'board', message: 'Cannot evaluate on a board: speck2fdevkit:0 is busy.' });
    // The simulator ignores the selected board.
    expect(parseEvalForm({ ...form, onBoard: false }, board)).toEqual({ ok: true, request: { dataset: '/d', mode: 'both', readout: 'count', windowUs: 10_000, dtUs: 1000, workers: 4 } });
  });
});
