// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, renderHook, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { App } from '../../../renderer/app/app';
import { useProject } from '../../../renderer/app/use-project';
import { WorkbenchContext } from '../../../renderer/app/workbench-api';
import { FakeWorkbench, LENET_SOURCE } from './fake-workbench';

vi.mock('../../../renderer/editor/code-editor', async () => {
  const stub = await import('./code-editor-stub');
  return { CodeEditor: stub.CodeEditorStub };
});

beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];
});
afterEach(cleanup);

async function openWorkspace(fake = new FakeWorkbench()) {
  fake.settings = { ...fake.settings, compileDebounceMs: 20 };
  render(<App api={fake.api()} />);
  await screen.findByDisplayValue(/nn\.Conv2d\(1, 20, 5, 1/);
  await waitFor(() => expect(screen.getByTestId('compile-summary').textContent).toMatch(/5 chip layers/));
  return fake;
}

describe('workspace start', () => {
  it('makes a new project from the first example when none is open, so the model is there at once', async () => {
    const fake = await openWorkspace();
    expect(fake.callsOf('project.new')).toEqual([{ name: 'lenet', exampleId: 'lenet' }]);
    expect((screen.getByRole('textbox', { name: 'Model source (nn.Sequential)' }) as HTMLTextAreaElement).value).toBe(LENET_SOURCE);
    expect(screen.getByRole('status', { name: 'Save state' }).textContent).toBe('saved');
    expect(screen.getByTestId('compile-summary').textContent).toBe('compiled in 1.5 ms · 5 chip layers · placed on cores 0 3 5 6 1 · 0 errors · 0 warnings');
  });

  it('opens the current project instead when there is one', async () => {
    const fake = await openWorkspace(new FakeWorkbench({ project: true }));
    expect(fake.callsOf('project.new')).toEqual([]);
    expect(screen.getByText('demo')).toBeTruthy();
  });

  it('reopens the most recent project when none is open (a returning user)', async () => {
    const fake = new FakeWorkbench({ project: true });
    const last = fake.project!;
    fake.project = null;
    fake.recent = [{ path: '/lab/gesture.dcnnproj', name: 'gesture', lastOpened: '2025-01-02T00:00:00Z', missing: false }];
    // The fake's project.open reopens the project it held, under the path asked for.
    fake.project = last;
    const api = fake.api();
    const current = api['project.current'];
    api['project.current'] = async (req) => (fake.callsOf('project.open').length === 0 ? null : current(req));
    render(<App api={api} />);
    await waitFor(() => expect(fake.callsOf('project.open')).toEqual([{ path: '/lab/gesture.dcnnproj' }]));
    await screen.findByText('gesture');
    expect(fake.callsOf('project.new')).toEqual([]);
  });

  it('a missing last project leads to the chooser, which says why and offers a new project', async () => {
    const fake = new FakeWorkbench();
    fake.recent = [{ path: '/lab/gone.dcnnproj', name: 'gone', lastOpened: '2025-01-02T00:00:00Z', missing: true }];
    render(<App api={fake.api()} />);
    expect((await screen.findByRole('alert')).textContent).toBe('The last project, "gone", is no longer at /lab/gone.dcnnproj. Open another project or start a new one.');
    expect((screen.getByRole('button', { name: 'Open gone' }) as HTMLButtonElement).disabled).toBe(true);
    const form = screen.getByRole('form', { name: 'Start a new project' });
    fireEvent.change(within(form).getByLabelText('Project name'), { target: { value: 'fresh' } });
    await act(async () => fireEvent.click(within(form).getByRole('button', { name: 'Create' })));
    expect(fake.callsOf('project.new')).toEqual([{ name: 'fresh', exampleId: 'lenet' }]);
    await screen.findByDisplayValue(/nn\.Conv2d\(1, 20, 5, 1/);
  });

  it('New project with unsaved edits asks first: Cancel keeps the edits, Discard goes on; Empty model opens empty and saved', async () => {
    const fake = await openWorkspace();
    const editor = () => screen.getByRole('textbox', { name: 'Model source (nn.Sequential)' }) as HTMLTextAreaElement;
    fireEvent.change(editor(), { target: { value: `${LENET_SOURCE}# note\n` } });
    const create = async () => {
      fireEvent.click(screen.getByRole('button', { name: 'New project…' }));
      const dialog = await screen.findByRole('dialog', { name: 'New project' });
      fireEvent.change(within(dialog).getByLabelText('Project name'), { target: { value: 'blank' } });
      fireEvent.change(within(dialog).getByLabelText('Start from'), { target: { value: '' } });
      await act(async () => fireEvent.click(within(dialog).getByRole('button', { name: 'Create' })));
    };
    await create();
    const ask = screen.getByRole('alertdialog', { name: 'Unsaved changes' });
    fireEvent.click(within(ask).getByRole('button', { name: 'Cancel' }));
    expect(fake.callsOf('project.new')).toHaveLength(1);
    expect(editor().value).toBe(`${LENET_SOURCE}# note\n`);
    await create();
    await act(async () => fireEvent.click(within(screen.getByRole('alertdialog', { name: 'Unsaved changes' })).getByRole('button', { name: 'Discard changes' })));
    expect(fake.callsOf('project.new')[1]).toEqual({ name: 'blank' });
    expect(fake.callsOf('project.saveModel').map((c) => c.name)).toEqual(['empty model']);
    await waitFor(() => expect(editor().value).toContain('# add layers here'));
    expect(editor().value).not.toContain('Conv2d(1, 20');
    expect(screen.getByRole('status', { name: 'Save state' }).textContent).toBe('saved');
  });

  it('has the named landmarks', async () => {
    await openWorkspace();
    for (const name of ['Model editor', 'Devices', 'Runs']) expect(screen.getByRole('region', { name })).toBeTruthy();
  });
});

describe('editing the model', () => {
  it('an introduced syntax error shows as a marker and in the problems list; fixing it clears both', async () => {
    await openWorkspace();
    const editor = screen.getByRole('textbox', { name: 'Model source (nn.Sequential)' });
    const broken = LENET_SOURCE.replace('nn.Conv2d(1, 20, 5, 1, bias=False),', 'nn.Conv2d(1, 20, 5, 1, bias=False,');
    fireEvent.change(editor, { target: { value: broken } });
    expect(screen.getByRole('status', { name: 'Save state' }).textContent).toContain('unsaved changes');
    const problems = screen.getByRole('region', { name: 'Problems' });
    await waitFor(() => expect(within(problems).getByRole('button', { name: /invalid syntax/ })).toBeTruthy());
    expect(screen.getByTestId('markers-python').textContent).toContain('invalid syntax');
    expect(screen.getByRole('tab', { name: /Model/ }).textContent).toContain('1');
    fireEvent.click(within(problems).getByRole('button', { name: /invalid syntax/ }));
    expect(screen.getByTestId('reveal').textContent).toMatch(/^\d+:\d+$/);
    fireEvent.change(editor, { target: { value: LENET_SOURCE } });
    await waitFor(() => expect(within(problems).queryByRole('button', { name: /invalid syntax/ })).toBeNull());
    expect(screen.getByTestId('markers-python').textContent).not.toContain('invalid syntax');
  });

  it('Ctrl+S saves a model version and the bar says saved again', async () => {
    const fake = await openWorkspace();
    fireEvent.change(screen.getByRole('textbox', { name: 'Model source (nn.Sequential)' }), { target: { value: `${LENET_SOURCE}# note\n` } });
    expect(screen.getByRole('status', { name: 'Save state' }).textContent).toContain('unsaved changes');
    await act(async () => {
      fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    });
    await waitFor(() => expect(screen.getByRole('status', { name: 'Save state' }).textContent).toBe('saved'));
    expect(fake.callsOf('project.saveModel')[0]?.spec.source).toBe(`${LENET_SOURCE}# note\n`);
  });

  it('a save right after edits React has not rendered yet saves those edits (Monaco edits arrive outside React events)', async () => {
    const fake = new FakeWorkbench();
    const { result } = renderHook(() => useProject(), { wrapper: ({ children }) => <WorkbenchContext.Provider value={fake.api()}>{children}</WorkbenchContext.Provider> });
    await waitFor(() => expect(result.current[0].status).toBe('ready'));
    // Both edits and the save in one batch: no render between them, as when Ctrl+S follows the last keystrokes.
    await act(async () => {
      const [, actions] = result.current;
      actions.updateSpec((s) => ({ ...s, source: `${s.source}# kept across rest` }));
      actions.updateSpec((s) => ({ ...s, source: `${s.source}arts` }));
      void actions.save();
    });
    await waitFor(() => expect(result.current[2]).toBe(false));
    expect(fake.callsOf('project.saveModel').map((r) => r.spec.source.endsWith('# kept across restarts'))).toEqual([true]);
  });

  it('Open… lists recent projects (missing ones disabled) and opens the one picked', async () => {
    // The list is read when the dialog opens (set before the start, it would be reopened at once).
    const fake = await openWorkspace();
    fake.recent = [
      { path: '/lab/gesture.dcnnproj', name: 'gesture', lastOpened: '2025-01-02T00:00:00Z', missing: false },
      { path: '/lab/old.dcnnproj', name: 'old', lastOpened: '2025-01-01T00:00:00Z', missing: true },
    ];
    fireEvent.click(screen.getByRole('button', { name: 'Open…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Open project' });
    const list = await within(dialog).findByRole('list', { name: 'Recent projects' });
    expect((within(list).getByRole('button', { name: 'old' }) as HTMLButtonElement).disabled).toBe(true);
    await act(async () => fireEvent.click(within(list).getByRole('button', { name: 'gesture' })));
    expect(fake.callsOf('project.open')).toEqual([{ path: '/lab/gesture.dcnnproj' }]);
    await waitFor(() => expect(screen.getByText('gesture')).toBeTruthy());
    expect(screen.queryByRole('dialog', { name: 'Open project' })).toBeNull();
  });

  it('Open… refuses a path that is not a project file and Escape closes it', async () => {
    await openWorkspace();
    fireEvent.click(screen.getByRole('button', { name: 'Open…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Open project' });
    fireEvent.change(within(dialog).getByLabelText(/Project file/), { target: { value: '/lab/notes.txt' } });
    expect(within(dialog).getByText('A project file ends in .dcnnproj.')).toBeTruthy();
    expect((within(dialog).getByRole('button', { name: 'Open' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'Open project' })).toBeNull();
  });

  it('bad input-shape text is explained next to the field and not compiled', async () => {
    const fake = await openWorkspace();
    const before = fake.callsOf('compile.run').length;
    fireEvent.change(screen.getByRole('textbox', { name: 'Input height' }), { target: { value: 'x' } });
    expect(screen.getByRole('alert').textContent).toBe('input height must be a whole number, got "x"');
    await new Promise((r) => setTimeout(r, 60));
    expect(fake.callsOf('compile.run').length).toBe(before);
  });
});

describe('tabs', () => {
  it('arrow keys move between tabs and show their panel', async () => {
    await openWorkspace();
    const model = screen.getByRole('tab', { name: /Model/ });
    expect(model.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(model, { key: 'ArrowRight' });
    fireEvent.keyDown(screen.getByRole('tab', { name: /Config patch/ }), { key: 'ArrowRight' });
    const conversion = screen.getByRole('tab', { name: /Conversion/ });
    expect(conversion.getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(conversion);
    const inspector = screen.getByRole('region', { name: 'Conversion inspector' });
    // One body per chip layer, grouped under its source lines.
    expect(within(inspector).getAllByRole('button', { name: /^Chip layer \d: highlight lines/ })).toHaveLength(5);
    expect(within(inspector).getByText('L13–15')).toBeTruthy();
    fireEvent.keyDown(conversion, { key: 'End' });
    expect(screen.getByRole('tab', { name: /Evaluate/ }).getAttribute('aria-selected')).toBe('true');
  });

  it('clicking an inspector row highlights its source lines in the editor', async () => {
    await openWorkspace();
    fireEvent.click(screen.getByRole('tab', { name: /Conversion/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Chip layer 1: highlight lines 7 to 9' }));
    expect(screen.getByTestId('highlight').textContent).toBe('7-9');
  });
});

describe('devices panel', () => {
  it('Refresh asks the workbench to look for boards again and shows the list it answers', async () => {
    const fake = await openWorkspace();
    const panel = screen.getByRole('region', { name: 'Devices' });
    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: 'Refresh' })));
    expect(fake.callsOf('devices.refresh')).toHaveLength(1);
    expect(within(panel).getByText('sim-speck2fdevkit:0')).toBeTruthy();
  });

  it('shows a virtual devkit as soon as it attaches, highlighted, and lets it go on removal', async () => {
    const fake = await openWorkspace();
    const panel = screen.getByRole('region', { name: 'Devices' });
    expect(within(panel).getByText('sim-speck2fdevkit:0')).toBeTruthy();
    expect(within(panel).getByText(/Different chip \(DYNAP-SE2/)).toBeTruthy();
    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: '+ Add virtual devkit' })));
    expect(fake.callsOf('devices.addVirtual')).toEqual([{ type: 'speck2fdevkit' }]);
    const row = await waitFor(() => {
      const el = panel.querySelector('[data-device="sim-speck2fdevkit:1"]');
      expect(el).not.toBeNull();
      return el!;
    });
    expect(row.className).toContain('fresh');
    await act(async () => fireEvent.click(within(panel).getByRole('button', { name: 'Remove sim-speck2fdevkit:1' })));
    await waitFor(() => expect(panel.querySelector('[data-device="sim-speck2fdevkit:1"]')?.className ?? '').toContain('leaving'));
    await waitFor(() => expect(panel.querySelector('[data-device="sim-speck2fdevkit:1"]')).toBeNull(), { timeout: 3000 });
  });

  it('shows the USB fix-it text when access is denied', async () => {
    const fake = new FakeWorkbench();
    fake.usb = { status: 'permission-denied', message: 'USB access denied for 1 SynSense board.', fix: 'Install the udev rule:\nsudo cp 60-synsense.rules /etc/udev/rules.d/' };
    await openWorkspace(fake);
    const usb = screen.getByTestId('usb-status');
    expect(usb.textContent).toContain('permission denied');
    expect(usb.textContent).toContain('USB access denied for 1 SynSense board.');
    expect(usb.textContent).toContain('sudo cp 60-synsense.rules');
  });
});

describe('running', () => {
  it('deploys to the selected device with the spec and follows the run to its predicted class', async () => {
    const fake = await openWorkspace();
    fireEvent.click(screen.getByRole('tab', { name: /Run/ }));
    expect(screen.getByTestId('run-device').textContent).toBe('sim-speck2fdevkit:0');
    const monitor0 = screen.getByRole('checkbox', { name: 'Monitor layer 0' });
    fireEvent.click(monitor0);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Deploy and run' })));
    const req = fake.callsOf('run.start')[0]!;
    expect(req.deviceId).toBe('sim-speck2fdevkit:0');
    expect(req.input).toEqual({ kind: 'example', exampleId: 'lenet' });
    expect(req.model.monitorLayers).toEqual([0, -1]);
    await act(async () => {
      fake.emit('run.spikes', { runId: 1, spikes: FakeWorkbench.lenetSpikes(0, 50_000) });
      fake.emit('run.progress', { runId: 1, eventsIn: 392, eventsOut: 300, totalIn: 784, timeUs: 50_000 });
    });
    expect(screen.getByRole('progressbar', { name: 'Input events sent' })).toBeTruthy();
    await act(async () => fake.finishRun(1, 'completed'));
    expect(screen.getByTestId('run-summary').textContent).toContain('Run #1 completed');
    expect(screen.getByTestId('predicted-class').textContent).toBe('7');
    // The input beside the outputs: the fake's two windows, with their events.
    const input = screen.getByRole('region', { name: 'Run input' });
    expect(within(input).getAllByRole('img').map((i) => i.getAttribute('aria-label'))).toEqual([
      'Input window 1 of 2: 0 µs – 50.0 ms, 1 event',
      'Input window 2 of 2: 50.0 ms – 100.0 ms, 2 events',
    ]);
    const runs = screen.getByRole('region', { name: 'Runs' });
    expect(within(runs).getByRole('button', { name: /#1\s*done/ })).toBeTruthy();
  });
});
