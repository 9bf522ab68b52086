// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { batchFromEvents, packBatch } from '../../../main/common/spike-batch';
import { WorkbenchContext } from '../../../renderer/app/workbench-api';
import { ProblemsList } from '../../../renderer/editor/problems-list';
import { SpikeMonitorModel } from '../../../renderer/monitor/spike-monitor';
import { SpikeMonitorView } from '../../../renderer/monitor/spike-monitor-view';
import { PlacementView } from '../../../renderer/placement/placement-view';
import { CompareTable, ReplayPanel } from '../../../renderer/runs/replay-panel';
import { fakeCompile, FakeWorkbench, LENET_EXAMPLE } from './fake-workbench';

beforeAll(() => {
  // jsdom has no canvas; the raster simply does not paint.
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];
});
afterEach(cleanup);

describe('placement view', () => {
  const auto = fakeCompile(LENET_EXAMPLE.spec);

  it('draws the nine cores and says every layer is placed', () => {
    render(<PlacementView view={auto} pending={false} ordering="auto" onOrdering={() => undefined} />);
    const region = screen.getByRole('region', { name: 'Placement' });
    expect(within(region).getAllByRole('group', { name: /^Core \d$/ })).toHaveLength(9);
    expect(screen.getByTestId('placed-count').textContent).toBe('5 of 5 layers placed');
    const core5 = screen.getByRole('group', { name: 'Core 5' });
    expect(core5.textContent).toContain('L2 Conv 32→128');
    expect(core5.textContent).toContain('64 Ki / 64 Ki');
    expect((screen.getByRole('button', { name: 'Back to auto' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('picking a core for a layer starts a manual ordering from the automatic one (swapping)', () => {
    const onOrdering = vi.fn();
    render(<PlacementView view={auto} pending={false} ordering="auto" onOrdering={onOrdering} />);
    const select = screen.getByRole('combobox', { name: 'Core for layer 2' });
    expect(within(select).getByRole('option', { name: 'core 0 — too small (kernel)' })).toBeTruthy();
    fireEvent.change(select, { target: { value: '0' } });
    // auto [0,3,5,6,1]: layer 2 -> core 0, layer 0 takes core 5
    expect(onOrdering).toHaveBeenCalledWith([5, 3, 0, 6, 1]);
  });

  it('shows at once which memory of a too-small core overflows and by how much', () => {
    const onOrdering = vi.fn();
    render(<PlacementView view={auto} pending={false} ordering={[5, 3, 0, 6, 1]} onOrdering={onOrdering} />);
    const core0 = screen.getByRole('group', { name: 'Core 0' });
    // Layer 2 needs kernel 64 Ki; core 0 has 16 Ki: 48 Ki over. Layer 0 (neuron 20 Ki) on core 5 (16 Ki): 4 Ki over.
    expect(core0.textContent).toContain('Does not fit: kernel 64 Ki > 16 Ki (48 Ki over)');
    expect(screen.getByRole('group', { name: 'Core 5' }).textContent).toContain('neuron 20 Ki > 16 Ki (4 Ki over)');
    expect(screen.getByTestId('placed-count').textContent).toContain('does not fit');
    fireEvent.click(screen.getByRole('button', { name: 'Back to auto' }));
    expect(onOrdering).toHaveBeenCalledWith('auto');
  });

  it('shows layers without a core in the tray with the reason', () => {
    const view = { ...auto, placement: null, placementProblems: [{ kind: 'too-few-cores' as const, layers: [2, 3], cores: [5] }] };
    render(<PlacementView view={view} pending={false} ordering="auto" onOrdering={() => undefined} />);
    const tray = screen.getByRole('region', { name: 'Unplaced layers' });
    expect(tray.textContent).toContain('Layers 2, 3 can only use cores 5: 2 layers for 1 cores.');
    expect(screen.getByTestId('placed-count').textContent).toContain('0 of 5');
  });
});

describe('problems list', () => {
  it('lists problems and jumps to one with a place', () => {
    const onGo = vi.fn();
    const p = { severity: 'error' as const, code: 'SYNTAX', message: "'(' was never closed", span: { line: 4, column: 14, endLine: 4, endColumn: 15 } };
    render(<ProblemsList problems={[p, { severity: 'warning', code: 'W', message: 'no place' }]} pending={false} failure={null} onGo={onGo} />);
    expect(screen.getByRole('heading', { name: /Problems \(2\)/ })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /was never closed/ }));
    expect(onGo).toHaveBeenCalledWith(p);
    // A problem without a place is text, not a button.
    expect(screen.queryByRole('button', { name: /no place/ })).toBeNull();
  });
});

describe('spike monitor view', () => {
  it('shows a raster per monitored layer, rate bars per class and the predicted class', async () => {
    const model = new SpikeMonitorModel({
      monitored: [
        { core: 0, layer: 0, neuronShape: [20, 24, 24] },
        { core: 1, layer: 4, neuronShape: [10, 1, 1] },
      ],
      exitCore: 1,
      startUs: 0,
      durationUs: 100_000,
    });
    const ev = (t: number, channel: number) => ({ t, layer: 1, channel, x: 0, y: 0 });
    model.ingestPacked(packBatch(batchFromEvents([ev(0, 7), ev(25_000, 7), ev(50_000, 2), ev(99_000, 7)])));
    render(<SpikeMonitorView model={model} title="Run #1" />);
    expect(screen.getByRole('region', { name: 'Spike monitor' })).toBeTruthy();
    expect(screen.getAllByRole('img', { name: /raster/ })).toHaveLength(2);
    expect(screen.getByTestId('predicted-class').textContent).toBe('7');
    const table = screen.getByRole('table', { name: 'Events per output channel' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(10);
    // 3 events of class 7 over the 99 ms between the axis start and the last event: 30.3 events/s
    expect(rows[7]!.textContent).toContain('3');
    expect(rows[7]!.textContent).toContain('30 events/s');
    expect(screen.getByTestId('raster-count-1').textContent).toBe('4 events');
  });

  it('prefers the run summary counts once the run has ended', () => {
    const model = new SpikeMonitorModel({ monitored: [{ core: 1, layer: 4, neuronShape: [3, 1, 1] }], exitCore: 1, startUs: 0, durationUs: 10 });
    render(<SpikeMonitorView model={model} title="Run #1" finalCounts={[0, 9, 1]} />);
    expect(screen.getByTestId('predicted-class').textContent).toBe('1');
  });
});

describe('replay panel', () => {
  it('opens the recording showing all of it, then plays, pauses and changes speed through the replay channels', async () => {
    const fake = new FakeWorkbench({ project: true });
    const api = fake.api();
    const run = { id: 3, status: 'completed' as const, reason: null, message: null, device: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', modelVersion: 1, parentRun: null, started: '2025-01-01T12:00:00Z', ended: '2025-01-01T12:00:01Z', eventsIn: 784, eventsOut: 600, monitorLayers: '-1', monitored: [], exitCore: null, input: null };
    render(
      <WorkbenchContext.Provider value={api}>
        <ReplayPanel run={run} runs={[run]} started={null} compile={fakeCompile(LENET_EXAMPLE.spec)} deviceId="sim-speck2fdevkit:0" onRerun={() => undefined} onBackToLive={() => undefined} />
      </WorkbenchContext.Provider>,
    );
    // Opening previews the whole recording as fast as possible.
    await waitFor(() => expect(fake.callsOf('replay.start')).toEqual([{ runId: 3, stream: 'output', speed: 'max', fromUs: 0 }]));
    const spikes = (replayId: string, channel: number) => packBatch(batchFromEvents([{ t: 10, layer: 1, channel, x: 0, y: 0 }]));
    // The run was not started in this window: its layers come from the compile (core 1 = layer 4, the exit).
    await act(async () => fake.emit('replay.spikes', { replayId: 'replay-1', spikes: spikes('replay-1', 5), timeUs: 10 }));
    await act(async () => fake.emit('replay.state', { replayId: 'replay-1', state: 'ended', timeUs: 100_000, speed: 'max' }));
    await screen.findByText('Layer 4 · core 1');
    expect(screen.getByTestId('predicted-class').textContent).toBe('5');
    expect((screen.getByRole('combobox', { name: 'Replay speed' }) as HTMLSelectElement).value).toBe('1');
    // Play after the end replays from the start at the chosen speed, on a clean monitor.
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Play' })));
    expect(fake.callsOf('replay.start')[1]).toEqual({ runId: 3, stream: 'output', speed: 1, fromUs: 0 });
    expect(screen.getByTestId('monitor-events').getAttribute('data-count')).toBe('0');
    await act(async () => fake.emit('replay.spikes', { replayId: 'replay-2', spikes: spikes('replay-2', 2), timeUs: 10 }));
    expect(screen.getByTestId('predicted-class').textContent).toBe('2');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Pause' })));
    await act(async () => fireEvent.change(screen.getByRole('combobox', { name: 'Replay speed' }), { target: { value: '4' } }));
    expect(fake.callsOf('replay.control')).toEqual([
      { replayId: 'replay-2', action: 'pause' },
      { replayId: 'replay-2', action: 'speed', speed: 4 },
    ]);
    expect(screen.getByRole('slider', { name: 'Replay position' })).toBeTruthy();
  });

  it('uses the layers the run recorded, even when the model in the editor has changed since', async () => {
    const fake = new FakeWorkbench({ project: true });
    const api = fake.api();
    // Recorded: core 7 was chip layer 2 (12 channels) and the exit. The editor's compile places layers elsewhere.
    const run = { id: 9, status: 'completed' as const, reason: null, message: null, device: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', modelVersion: 1, parentRun: null, started: '2025-01-01T12:00:00Z', ended: '2025-01-01T12:00:01Z', eventsIn: 10, eventsOut: 1, monitorLayers: '7', monitored: [{ core: 7, layer: 2, neuronShape: [12, 1, 1] as [number, number, number] }], exitCore: 7, input: null };
    render(
      <WorkbenchContext.Provider value={api}>
        <ReplayPanel run={run} runs={[run]} started={null} compile={fakeCompile(LENET_EXAMPLE.spec)} deviceId="sim-speck2fdevkit:0" onRerun={() => undefined} onBackToLive={() => undefined} />
      </WorkbenchContext.Provider>,
    );
    await waitFor(() => expect(fake.callsOf('replay.start')).toHaveLength(1));
    await act(async () => fake.emit('replay.spikes', { replayId: 'replay-1', spikes: packBatch(batchFromEvents([{ t: 10, layer: 7, channel: 11, x: 0, y: 0 }])), timeUs: 10 }));
    await act(async () => fake.emit('replay.state', { replayId: 'replay-1', state: 'ended', timeUs: 100_000, speed: 'max' }));
    await screen.findByText('Layer 2 · core 7');
    expect(screen.getByTestId('predicted-class').textContent).toBe('11');
  });

  it('shows a comparison side by side with the first divergence, by chip layer and core', () => {
    render(
      <CompareTable
        result={{
          a: 3,
          b: 4,
          perLayer: [
            { layer: 0, a: 10, b: 10 },
            { layer: 4, a: 40, b: 38 },
          ],
          perChannel: [{ layer: 4, channel: 7, a: 30, b: 28 }],
          firstDivergence: { index: 812, a: { t: 40_200, layer: 1, channel: 7, x: 0, y: 0 }, b: null },
          basis: 'everything',
          layers: [],
          notCompared: [],
          timeline: null,
        }}
      />,
    );
    const rows = screen.getAllByRole('row');
    expect(rows[2]!.textContent).toBe('core 44038-2');
    expect(screen.getByTestId('first-divergence').textContent).toBe('First divergence at event 812: #3 t 40.2 ms · core 1 · ch 7 · (0, 0); #4 no event (stream ended).');
    expect(screen.getByTestId('compare-basis').textContent).toMatch(/every recorded event/);
  });

  it('names chip layers (placed on other cores in each run), says what was not compared, lists the largest differences only', () => {
    const perChannel = Array.from({ length: 12 }, (_, ch) => ({ layer: 5, channel: ch, a: 100, b: 100 - ch }));
    render(
      <CompareTable
        result={{
          a: 1,
          b: 2,
          perLayer: [{ layer: 5, a: 1200, b: 1134 }],
          perChannel,
          firstDivergence: null,
          basis: 'both-monitored',
          layers: [{ chipLayer: 2, coreA: 5, coreB: 3 }],
          notCompared: [{ run: 'b', core: 1, chipLayer: 0, events: 4321, reason: 'only-this-run-monitored' }],
          timeline: { fromUs: 0, binUs: 1000, perLayer: [{ layer: 5, a: [600, 600], b: [600, 534] }] },
        }}
      />,
    );
    // Counts are grouped with a narrow space: matched as \s.
    expect(screen.getAllByRole('row')[1]!.textContent).toMatch(/^chip layer 2 \(core 5 in #1, 3 in #2\)1\s2001\s134-66$/);
    expect(screen.getByTestId('not-compared').textContent).toMatch(/^Not compared: run #2's chip layer 0 \(core 1\), 4\s321 events — only run #2 monitored it\.$/);
    const top = screen.getByTestId('top-differences').textContent!;
    expect(top).toMatch(/^11 channels differ; the 8 largest differences: chip layer 2 \(core 5 in #1, 3 in #2\) ch 11 \(100 vs 89\), /);
    expect(top).not.toMatch(/ch 3 \(/);
    // No canvas in jsdom: the plot's region is there, its chart is drawn only in a browser.
    expect(screen.getByTestId('compare-plot').getAttribute('aria-label')).toMatch(/run #1 \(solid\) against run #2 \(dashed\)/);
  });
});
