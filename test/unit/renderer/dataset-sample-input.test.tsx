// @vitest-environment jsdom
// "Dataset sample" as a run's input: the folder is checked by the host (eval.inspect), its
// classes become a select with their sample counts, and the request carries the folder,
// the class and the index; what is missing or malformed is said instead of running.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkbenchApi } from '../../../preload/api';
import { WorkbenchContext } from '../../../renderer/app/workbench-api';
import { DEFAULT_INPUT, InputSourcePicker, inputSourceOf, type InputChoice } from '../../../renderer/runs/input-source';

afterEach(cleanup);

const inspected = { path: '/data/bars', layout: 'class-folders' as const, classes: [{ channel: 0, name: 'left', samples: 3 }, { channel: 1, name: 'right', samples: 5 }], samples: 8 };

describe('a dataset sample as the input', () => {
  it('says what is missing, in order, before it builds the request', () => {
    const base: InputChoice = { ...DEFAULT_INPUT, kind: 'dataset' };
    expect(inputSourceOf(base, null)).toEqual({ ok: false, message: "Type the dataset folder (on the workbench's machine) and press Check." });
    expect(inputSourceOf({ ...base, dataset: { dir: '/d', className: '', index: '0' } }, null)).toEqual({ ok: false, message: 'Check the dataset folder, then pick a class.' });
    expect(inputSourceOf({ ...base, dataset: { dir: '/d', className: 'left', index: '-1' } }, null)).toEqual({ ok: false, message: 'The sample index must be a whole number ≥ 0.' });
    expect(inputSourceOf({ ...base, dataset: { dir: ' /d ', className: 'left', index: ' 2' } }, null)).toEqual({ ok: true, input: { kind: 'dataset', dir: '/d', className: 'left', index: 2 } });
  });

  it('Check asks the host, offers the classes with their counts, and the choice goes into the request', async () => {
    const asked: string[] = [];
    const api = { 'eval.inspect': async (req: { path: string }) => (asked.push(req.path), inspected) } as unknown as WorkbenchApi;
    let latest: InputChoice = { ...DEFAULT_INPUT, kind: 'dataset' };
    function Harness() {
      const [c, setC] = useState<InputChoice>(latest);
      return <InputSourcePicker choice={c} onChoice={(n) => { latest = n; setC(n); }} example={null} disabled={false} />;
    }
    render(<WorkbenchContext.Provider value={api}><Harness /></WorkbenchContext.Provider>);
    fireEvent.change(screen.getByLabelText('Dataset folder'), { target: { value: '/data/bars' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    const select = await screen.findByRole('combobox');
    expect(asked).toEqual(['/data/bars']);
    expect(Array.from((select as HTMLSelectElement).options).map((o) => o.textContent)).toEqual(['left (channel 0, 3 samples)', 'right (channel 1, 5 samples)']);
    await waitFor(() => expect(inputSourceOf(latest, null)).toEqual({ ok: true, input: { kind: 'dataset', dir: '/data/bars', className: 'left', index: 0 } }));
    fireEvent.change(select, { target: { value: 'right' } });
    fireEvent.change(screen.getByLabelText('Sample index in the class'), { target: { value: '4' } });
    expect(screen.getByText('of 0–4')).toBeTruthy();
    expect(inputSourceOf(latest, null)).toEqual({ ok: true, input: { kind: 'dataset', dir: '/data/bars', className: 'right', index: 4 } });
  });
});
