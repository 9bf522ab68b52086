// @vitest-environment jsdom
// The spike monitor's reading aids: which neurons a raster row shows (the inverse of the
// binning RasterHistory does), a cell under the pointer in user terms, the density scale,
// the neuron axis, and the rate series the plot draws (events/s per column).
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batchFromEvents } from '../../../main/common/spike-batch';
import { cellAt } from '../../../renderer/monitor/raster-canvas';
import { RasterHistory } from '../../../renderer/monitor/raster-history';
import { cellReadout, describeNeurons, rowNeurons } from '../../../renderer/monitor/raster-readout';
import { compactRate, rateSeries } from '../../../renderer/monitor/rate-plot';
import { SpikeMonitorModel } from '../../../renderer/monitor/spike-monitor';
import { SpikeMonitorView } from '../../../renderer/monitor/spike-monitor-view';

beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];
});
afterEach(cleanup);

describe('raster rows and cells', () => {
  it('rowNeurons inverts the binning: every neuron lands on the row that claims it', () => {
    for (const [neurons, rows] of [
      [2048, 128],
      [1000, 128],
      [10, 10],
      [130, 128],
    ] as const) {
      const h = new RasterHistory({ columns: 2, binUs: 10, startUs: 0, mode: 'fit', layers: [{ key: 0, neurons, rows }] });
      for (let n = 0; n < neurons; n++) h.add(0, 0, n);
      let covered = 0;
      for (let r = 0; r < rows; r++) {
        const { from, to } = rowNeurons(r, rows, neurons);
        expect(h.cell(0, 0, r), `${neurons}/${rows} row ${r}`).toBe(to - from + 1);
        covered += to - from + 1;
      }
      expect(covered).toBe(neurons);
    }
  });

  it('a cell reads as its time span, neurons with channel/y/x, and count', () => {
    const h = new RasterHistory({ columns: 4, binUs: 250, startUs: 1000, mode: 'fit', layers: [{ key: 3, neurons: 2 * 4 * 4, rows: 8 }] });
    h.add(3, 1300, 17);
    h.add(3, 1400, 16);
    const r = cellReadout(h, 3, [2, 4, 4], 1, 4);
    expect(r).toEqual({ fromUs: 1250, toUs: 1500, neuronFrom: 16, neuronTo: 19, count: 2 });
    expect(describeNeurons(16, 19, [2, 4, 4])).toBe('neurons 16–19: ch 1 (y 0, x 0) to ch 1 (y 0, x 3)');
    expect(describeNeurons(2, 2, [4, 1, 1])).toBe('neuron 2: ch 2');
    expect(cellAt({ left: 10, top: 20, width: 400, height: 80 }, 110, 59, 4, 8)).toEqual({ column: 1, row: 3 });
    expect(cellAt({ left: 10, top: 20, width: 400, height: 80 }, 9, 59, 4, 8)).toBeNull();
  });

  it('the rate series is each column total over the column time', () => {
    const h = new RasterHistory({ columns: 4, binUs: 500, startUs: 0, mode: 'fit', layers: [{ key: 0, neurons: 4, rows: 4 }, { key: 1, neurons: 4, rows: 4 }] });
    for (let i = 0; i < 10; i++) h.add(0, 100, i % 4);
    h.add(1, 1600, 0);
    const s = rateSeries(h, [0, 1]);
    expect(s.seconds).toEqual([0.00025, 0.00075, 0.00125, 0.00175]);
    expect(s.rates).toEqual([
      [20000, 0, 0, 0],
      [0, 0, 0, 2000],
    ]);
    expect([0, 950, 12_000, 1_500_000, 2_345_678].map(compactRate)).toEqual(['0', '950', '12k', '1.5M', '2.35M']);
  });
});

describe('the monitor view', () => {
  it('pointing at a raster reads the cell; the legend and the neuron axis are there', () => {
    const model = new SpikeMonitorModel({ monitored: [{ core: 2, layer: 0, neuronShape: [2, 4, 4] }], exitCore: null, startUs: 0, durationUs: 1000, columns: 10 });
    model.ingest(batchFromEvents([{ t: 150, layer: 2, channel: 1, y: 0, x: 1 }, { t: 160, layer: 2, channel: 1, y: 0, x: 1 }]));
    render(<SpikeMonitorView model={model} title="Run" />);
    const legend = screen.getByLabelText('Colour scale: events per cell');
    expect(legend.textContent).toBe('124≥8events per cell');
    // The swatches use the raster's own intensities (cellAlpha): one event faint, eight nearly solid.
    expect([...legend.querySelectorAll<HTMLElement>('.swatch')].map((e) => Number(e.style.opacity))).toEqual([0.45, 0.63, 0.81, 0.99]);
    const canvas = screen.getByRole('img', { name: /Layer 0 · core 2 raster/ });
    expect(canvas.parentElement!.querySelector('.neuron-axis')!.textContent).toBe('0ch 131');
    canvas.getBoundingClientRect = () => ({ left: 0, top: 0, width: 100, height: 64, right: 100, bottom: 64, x: 0, y: 0, toJSON: () => ({}) });
    // Column 1 of 10 (100-200 µs), row of neuron 17 (32 neurons on 32 rows).
    fireEvent.mouseMove(canvas, { clientX: 15, clientY: 17 * 2 + 1 });
    expect(screen.getByTestId('raster-readout').textContent).toBe('Layer 0 · core 2: 100 µs – 200 µs · neuron 17: ch 1 (y 0, x 1) · 2 events');
    fireEvent.mouseLeave(canvas);
    expect(screen.getByTestId('raster-readout').textContent).toMatch(/^Point at a raster/);
  });
});
