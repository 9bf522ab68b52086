// Events per second of each monitored layer over the raster's time window, as line
// series in one uPlot chart (a small, fast time-series library): the rate a solid raster
// block hides. Redrawn from the raster's column totals at most four times a second.

import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RasterHistory } from './raster-history';
import { nextFrame } from './use-frame';
import { canDraw, COLOURS, compactRate, msAxis, msSeries } from './chart-parts';

export { compactRate } from './chart-parts';

/** Seconds at each shown column's middle, and per layer events/s in that column (columns [first, end), default all). */
export function rateSeries(history: RasterHistory, keys: readonly number[], shown?: { from: number; to: number }): { seconds: number[]; rates: number[][] } {
  const { from } = history.window;
  const bin = history.binUs;
  const first = shown?.from ?? 0;
  const n = (shown?.to ?? history.columns) - first;
  const seconds = Array.from({ length: n }, (_, i) => (from + (first + i + 0.5) * bin) / 1e6);
  const rates = keys.map((k) => Array.from({ length: n }, (_, i) => (history.columnTotal(k, first + i) * 1e6) / bin));
  return { seconds, rates };
}

const PLOT_HEIGHT = 160;

export function RatePlot(props: { history: RasterHistory; keys: readonly number[]; labels: readonly string[]; columns?: { from: number; to: number } }) {
  const host = useRef<HTMLDivElement>(null);
  const { history, keys, labels } = props;
  // The shown columns change with zoom and pan: read at each redraw, not a reason to rebuild the chart.
  const shown = useRef(props.columns);
  const shownKey = props.columns ? `${props.columns.from}:${props.columns.to}` : 'all';
  shown.current = props.columns;
  const shownKeyRef = useRef(shownKey);
  shownKeyRef.current = shownKey;
  const keysText = keys.join(',');
  useEffect(() => {
    const el = host.current;
    if (!el || !canDraw()) return;
    // Loaded on first use: uPlot reads the display's pixel ratio when it is imported.
    let plot: uPlot | null = null;
    let closed = false;
    const data = () => {
      const { seconds, rates } = rateSeries(history, keys, shown.current);
      return [seconds, ...rates] as uPlot.AlignedData;
    };
    const width = () => Math.max(200, el.clientWidth || 600);
    const make = (UPlot: typeof uPlot) => new UPlot(
      {
        width: width(),
        height: PLOT_HEIGHT,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false } },
        axes: [
          msAxis,
          { label: 'events/s', size: 64, space: 18, values: (_u, vals) => vals.map(compactRate) },
        ],
        series: [msSeries, ...keys.map((_, i) => ({ label: labels[i] ?? `layer ${keys[i]}`, stroke: COLOURS[i % COLOURS.length], width: 1.5, points: { show: false } }))],
      },
      data(),
      el,
    );
    void import('uplot').then(({ default: UPlot }) => {
      if (!closed) plot = make(UPlot);
    });
    let lastVersion = history.version;
    let lastShown = shownKeyRef.current;
    let lastDraw = performance.now();
    let cancel = () => undefined as void;
    const frame = () => {
      const now = performance.now();
      const moved = shownKeyRef.current !== lastShown;
      if (moved || (history.version !== lastVersion && now - lastDraw > 250)) {
        lastVersion = history.version;
        lastShown = shownKeyRef.current;
        lastDraw = now;
        plot?.setData(data());
      }
      cancel = nextFrame(frame);
    };
    cancel = nextFrame(frame);
    const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(() => plot?.setSize({ width: width(), height: PLOT_HEIGHT })) : null;
    ro?.observe(el);
    return () => {
      cancel();
      ro?.disconnect();
      closed = true;
      plot?.destroy();
    };
    // keysText stands for keys (a new array each render); labels follow the keys.
  }, [history, keysText]);
  return <div className="rate-plot" ref={host} role="img" aria-label={`Event rate per layer over time: ${labels.join(', ')}`} data-testid="rate-plot" />;
}
