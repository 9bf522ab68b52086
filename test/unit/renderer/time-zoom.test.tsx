// @vitest-environment jsdom
// Zoom and pan of the spike monitor's time axis: views stay inside the raster's window and
// at least MIN_COLUMNS columns wide, the point under the pointer stays put, and in the
// view the keys zoom and pan the rasters, the axis and the readout together.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batchFromEvents } from '../../../main/common/spike-batch';
import { SpikeMonitorModel } from '../../../renderer/monitor/spike-monitor';
import { SpikeMonitorView } from '../../../renderer/monitor/spike-monitor-view';
import { clampView, MIN_COLUMNS, panView, viewColumns, zoomView } from '../../../renderer/monitor/time-zoom';

beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];
});
afterEach(cleanup);

const win = { fromUs: 0, toUs: 60_000 };
const bin = 100; // 600 columns

describe('time views', () => {
  it('zooming keeps the pivot, stops at MIN_COLUMNS, and zooming out past the window shows all', () => {
    const half = zoomView(null, win, bin, 0.5, 0.25);
    expect(half).toEqual({ fromUs: 7_500, toUs: 37_500 });
    let v = half;
    for (let i = 0; i < 20; i++) v = zoomView(v, win, bin, 0.5, 0.5);
    expect(v!.toUs - v!.fromUs).toBe(MIN_COLUMNS * bin);
    expect(zoomView(half, win, bin, 4)).toBeNull();
  });

  it('panning stays inside the window; columns follow the view', () => {
    const v = { fromUs: 10_000, toUs: 20_000 };
    expect(panView(v, win, bin, -5)).toEqual({ fromUs: 0, toUs: 10_000 });
    expect(panView(v, win, bin, 10)).toEqual({ fromUs: 50_000, toUs: 60_000 });
    expect(panView(null, win, bin, 1)).toBeNull();
    expect(viewColumns(v, win, bin, 600)).toEqual({ from: 100, to: 200 });
    expect(viewColumns(null, win, bin, 600)).toEqual({ from: 0, to: 600 });
    expect(clampView({ fromUs: -5_000, toUs: 5_000 }, win, bin)).toEqual({ fromUs: 0, toUs: 10_000 });
  });
});

describe('zoom in the monitor', () => {
  it('+ zooms the rasters and the axis, the readout names the zoomed cell, 0 and Show all go back', () => {
    const model = new SpikeMonitorModel({ monitored: [{ core: 0, layer: 0, neuronShape: [1, 1, 4] }], exitCore: null, startUs: 0, durationUs: 60_000, columns: 600 });
    model.ingest(batchFromEvents([{ t: 30_050, layer: 0, channel: 0, y: 0, x: 2 }]));
    render(<SpikeMonitorView model={model} title="Run" />);
    const rasters = screen.getByLabelText(/^Spike rasters/);
    const canvas = () => screen.getByRole('img', { name: /raster/ }) as HTMLCanvasElement;
    expect(canvas().width).toBe(600);
    fireEvent.keyDown(rasters, { key: '+' });
    // Half the window around its middle: 15 ms to 45 ms, 300 columns.
    expect(canvas().width).toBe(300);
    expect(screen.getByTestId('zoom-bar').textContent).toMatch(/^Showing 15\.0 ms – 45\.0 ms of 0 µs – 60\.0 ms/);
    canvas().getBoundingClientRect = () => ({ left: 0, top: 0, width: 300, height: 32, right: 300, bottom: 32, x: 0, y: 0, toJSON: () => ({}) });
    // Pointer at x = 150 of 300: column 150 of the view, 30.0-30.1 ms; row of neuron 2.
    fireEvent.mouseMove(canvas(), { clientX: 150.5, clientY: 2 * 8 + 1 });
    expect(screen.getByTestId('raster-readout').textContent).toBe('Layer 0 · core 0: 30.0 ms – 30.1 ms · neuron 2: ch 0 (y 0, x 2) · 1 event');
    fireEvent.keyDown(rasters, { key: 'ArrowRight' });
    expect(screen.getByTestId('zoom-bar').textContent).toMatch(/^Showing 22\.5 ms – 52\.5 ms/);
    fireEvent.keyDown(rasters, { key: '0' });
    expect(screen.queryByTestId('zoom-bar')).toBeNull();
    expect(canvas().width).toBe(600);
    fireEvent.keyDown(rasters, { key: '+' });
    fireEvent.click(screen.getByRole('button', { name: 'Show all' }));
    expect(screen.queryByTestId('zoom-bar')).toBeNull();
  });
});

describe('an ended stream shows the time it covered', () => {
  it('a run stopped after 149 ms of a planned 80 s shows the columns it covered, and Show all the planned axis', () => {
    const model = new SpikeMonitorModel({ monitored: [{ core: 0, layer: 0, neuronShape: [1, 1, 4] }], exitCore: null, startUs: 0, durationUs: 80_000_000, columns: 600 });
    model.ingest(batchFromEvents([{ t: 1_000, layer: 0, channel: 0, y: 0, x: 1 }, { t: 149_000, layer: 0, channel: 0, y: 0, x: 2 }]));
    const { rerender } = render(<SpikeMonitorView model={model} title="Run" />);
    expect(screen.queryByTestId('zoom-bar')).toBeNull();
    rerender(<SpikeMonitorView model={model} title="Run" fitToData />);
    // 80 s over 600 columns is 133.3 ms per column: the 149 ms covered take two, and a view is at least MIN_COLUMNS (8), so 0 - 1.07 s.
    const bar = screen.getByTestId('zoom-bar').textContent!;
    expect(bar).toMatch(/^Showing 0 µs – 1\.07 s \(the time the run covered\) of 0 µs – 80\.00 s Show all$/);
    fireEvent.click(screen.getByRole('button', { name: 'Show all' }));
    expect(screen.queryByTestId('zoom-bar')).toBeNull();
  });

  it('a live run (planned duration) keeps fine columns when stopped early: 0-150 ms of a planned 80 s', () => {
    const model = new SpikeMonitorModel({ monitored: [{ core: 0, layer: 0, neuronShape: [1, 1, 4] }], exitCore: null, startUs: 0, durationUs: 80_000_000, planned: true, columns: 600 });
    expect(model.raster.binUs).toBe(1000);
    model.ingest(batchFromEvents([{ t: 1_000, layer: 0, channel: 0, y: 0, x: 1 }, { t: 149_000, layer: 0, channel: 0, y: 0, x: 2 }]));
    render(<SpikeMonitorView model={model} title="Run" fitToData />);
    expect(screen.getByTestId('zoom-bar').textContent).toBe('Showing 0 µs – 150.0 ms (the time the run covered) of 0 µs – 600.0 ms Show all');
    expect((screen.getByRole('img', { name: /raster/ }) as HTMLCanvasElement).width).toBe(150);
  });
});
