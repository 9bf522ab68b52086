// The spike monitor: one raster per monitored layer on a shared time axis, per-channel
// rate bars for the exit layer and the predicted class, large. Works for a live run and
// for a replay alike (both feed a SpikeMonitorModel).

import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { SpikeMonitorModel } from './spike-monitor';
import { formatCount, formatMicros, formatRate } from '../../main/common/number-format';
import { barFractions, eventsPerSecond, predictedClass } from './class-rates';
import { cellAlpha, RasterCanvas } from './raster-canvas';
import { cellReadout, describeNeurons } from './raster-readout';
import { RatePlot } from './rate-plot';
import { clampView, panView, viewColumns, zoomView, type TimeView } from './time-zoom';
import { TEXT_REDRAW_MS, useFrameVersion } from './use-frame';

export interface SpikeMonitorViewProps {
  model: SpikeMonitorModel | null;
  title: ReactNode;
  /** Authoritative exit counts from the run summary, when the run has ended. */
  finalCounts?: number[] | null;
  /** Current time of the stream (progress / replay clock), µs: drawn as a cursor. */
  cursorUs?: number | null;
  /** The stream has ended: show the time it covered, not the whole planned axis (a stopped run, or 'fit' merging that doubled the axis). */
  fitToData?: boolean;
  children?: ReactNode;
  empty?: ReactNode;
}

const MAX_BARS = 32;

/** The channels to draw bars for: all of them, or the busiest MAX_BARS in channel order. */
export function shownChannels(counts: readonly number[]): number[] {
  const all = counts.map((_, i) => i);
  if (counts.length <= MAX_BARS) return all;
  return all
    .sort((a, b) => counts[b]! - counts[a]! || a - b)
    .slice(0, MAX_BARS)
    .sort((a, b) => a - b);
}

export function rasterHeight(rows: number): number {
  return rows <= 16 ? Math.max(24, rows * 8) : rows <= 64 ? 96 : 128;
}

function ticks(from: number, to: number, count = 6): number[] {
  const span = to - from;
  if (span <= 0) return [from];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  const first = Math.ceil(from / step);
  for (let i = first; i * step <= to + 1e-9; i++) out.push(i * step);
  return out;
}

/** The shared time axis under the rasters: as many labelled ticks as fit the width. */
function TimeAxis({ from, to }: { from: number; to: number }) {
  const el = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const node = el.current;
    if (!node || typeof ResizeObserver !== 'function') return;
    const ro = new ResizeObserver(() => setWidth(node.clientWidth || 600));
    ro.observe(node);
    return () => ro.disconnect();
  }, []);
  const all = ticks(from, to, Math.max(2, Math.floor(width / 80)));
  return (
    <div className="time-axis" aria-hidden="true" ref={el}>
      {all.map((t, i) => (
        <span
          key={t}
          className={`tick ${i === 0 && t === from ? 'first' : ''} ${i === all.length - 1 && (t - from) / (to - from) > 0.9 ? 'last' : ''}`}
          style={{ left: `${((t - from) / (to - from)) * 100}%` }}
        >
          {formatMicros(t)}
        </span>
      ))}
    </div>
  );
}

/** How dark a cell is for 1, 2, 4 and 8 or more events (cellAlpha), as a legend. */
function DensityLegend() {
  return (
    <span className="density-legend" aria-label="Colour scale: events per cell">
      {[1, 2, 4, 8].map((n) => (
        <span key={n} className="swatch-item">
          <span className="swatch" style={{ opacity: cellAlpha(n) }} />
          {n === 8 ? '≥8' : n}
        </span>
      ))}
      <span>events per cell</span>
    </span>
  );
}

/** Neuron numbers beside a raster: the first at the top, the last at the bottom, channel starts between. */
function NeuronAxis({ shape }: { shape: readonly [number, number, number] }) {
  const [c, h, w] = shape;
  const neurons = c * h * w;
  const channelTicks = c > 1 && c <= 8 && h * w > 1 ? Array.from({ length: c - 1 }, (_, i) => i + 1) : [];
  return (
    <div className="neuron-axis" aria-hidden="true">
      <span className="tick top">0</span>
      {channelTicks.map((ch) => (
        <span key={ch} className="tick mid" style={{ top: `${(ch / c) * 100}%` }}>
          ch {ch}
        </span>
      ))}
      <span className="tick bottom">{neurons - 1}</span>
    </div>
  );
}

export function SpikeMonitorView(p: SpikeMonitorViewProps) {
  const model = p.model;
  const version = useCallback(() => model?.version ?? 0, [model]);
  useFrameVersion(version, model !== null, TEXT_REDRAW_MS);
  const [hover, setHover] = useState<{ key: number; column: number; row: number } | null>(null);
  // null: the default view (the data, when fitToData; else everything); 'all': the whole window.
  const [zoom, setZoom] = useState<TimeView | 'all' | null>(null);
  // The raster window and bin of the latest render, for the wheel and drag handlers.
  const geometry = useRef<{ window: TimeView; binUs: number; view: TimeView | null } | null>(null);
  const rastersEl = useRef<HTMLDivElement | null>(null);
  const drag = useRef<{ x: number; width: number; view: TimeView | null } | null>(null);
  useEffect(() => {
    const el = rastersEl.current;
    if (!el) return;
    // Not React's onWheel: that listener is passive, and the page must not scroll while zooming.
    const wheel = (e: WheelEvent) => {
      const g = geometry.current;
      const frame = (e.target as HTMLElement).closest('.raster-frame');
      if (!g || !frame || e.deltaY === 0) return;
      e.preventDefault();
      const rect = frame.getBoundingClientRect();
      const at = rect.width > 0 ? Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width)) : 0.5;
      setZoom(zoomView(g.view, g.window, g.binUs, e.deltaY < 0 ? 0.8 : 1.25, at) ?? 'all');
    };
    const move = (e: MouseEvent) => {
      const d = drag.current;
      const g = geometry.current;
      if (!d || !g || d.width <= 0) return;
      setZoom(panView(d.view, g.window, g.binUs, -(e.clientX - d.x) / d.width) ?? 'all');
    };
    const up = () => (drag.current = null);
    el.addEventListener('wheel', wheel, { passive: false });
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
    return () => {
      el.removeEventListener('wheel', wheel);
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
    };
  }, [model]);
  if (!model) {
    return (
      <section className="monitor" aria-label="Spike monitor">
        <header className="view-header">
          <h2>{p.title}</h2>
        </header>
        {p.empty}
        {p.children}
      </section>
    );
  }
  const full = model.raster.window;
  const bin = model.raster.binUs;
  const fullView: TimeView = { fromUs: full.from, toUs: full.to };
  const fitted = p.fitToData && model.lastTimeUs !== null ? { fromUs: full.from, toUs: model.lastTimeUs + bin } : null;
  const view = zoom === 'all' ? null : clampView(zoom ?? fitted, fullView, bin);
  geometry.current = { window: fullView, binUs: bin, view };
  const cols = viewColumns(view, fullView, bin, model.raster.columns);
  // The time span shown: all of the raster's window, or the zoomed part of it.
  const win = { from: full.from + cols.from * bin, to: full.from + cols.to * bin };
  const onKey = (e: React.KeyboardEvent) => {
    const step: Record<string, () => TimeView | null> = {
      '+': () => zoomView(view, fullView, bin, 0.5),
      '=': () => zoomView(view, fullView, bin, 0.5),
      '-': () => zoomView(view, fullView, bin, 2),
      ArrowLeft: () => panView(view, fullView, bin, -0.25),
      ArrowRight: () => panView(view, fullView, bin, 0.25),
      '0': () => null,
    };
    const f = step[e.key];
    if (!f) return;
    e.preventDefault();
    setZoom(f() ?? 'all');
  };
  const liveCounts = model.exitCounts();
  const counts = p.finalCounts && p.finalCounts.length > 0 ? p.finalCounts : liveCounts;
  const predicted = predictedClass(counts);
  const fractions = barFractions(counts);
  const spanUs = Math.max(0, (model.lastTimeUs ?? model.startUs) - model.startUs);
  const keys = model.raster.layerKeys();
  const cursor = p.cursorUs ?? null;
  const cursorFrac = cursor === null ? null : (cursor - win.from) / (win.to - win.from);
  return (
    <section className="monitor" aria-label="Spike monitor">
      <header className="view-header">
        <h2>{p.title}</h2>
        <span className="num quiet" data-testid="monitor-events" data-count={model.events}>
          {formatCount(model.events)} events
        </span>
      </header>
      <div className="monitor-body">
        <div
          className="rasters"
          ref={rastersEl}
          tabIndex={0}
          onKeyDown={onKey}
          aria-label="Spike rasters: + and - zoom the time axis, the arrow keys pan, 0 shows all (or the mouse wheel, drag, double-click)"
        >
          {keys.map((key) => {
            const layer = model.layers.find((l) => l.key === key);
            const label = layer?.label ?? `core ${key}`;
            const total = model.layerTotal(key);
            const shape = layer?.neuronShape.join('×') ?? '';
            return (
              <div className="raster-row" key={key}>
                <div className="raster-label">
                  <span>{label}</span>
                  <span className="quiet" data-testid={`raster-count-${key}`}>
                    {formatCount(total)} events
                  </span>
                  <span className="quiet">{shape} neurons</span>
                </div>
                <div
                  className="raster-frame"
                  onMouseDown={(e) => {
                    if (e.button === 0) drag.current = { x: e.clientX, width: e.currentTarget.getBoundingClientRect().width, view };
                  }}
                  onDoubleClick={() => setZoom('all')}
                >
                  {layer && <NeuronAxis shape={layer.neuronShape} />}
                  <RasterCanvas
                    history={model.raster}
                    layerKey={key}
                    heightPx={rasterHeight(model.raster.rowsOf(key))}
                    label={`${label} raster: ${total} events between ${formatMicros(win.from)} and ${formatMicros(win.to)}`}
                    columns={cols}
                    onHover={(cell) => setHover(cell ? { key, column: cols.from + cell.column, row: cell.row } : null)}
                  />
                  {cursorFrac !== null && cursorFrac >= 0 && cursorFrac <= 1 && <div className="cursor" style={{ left: `${cursorFrac * 100}%` }} />}
                </div>
              </div>
            );
          })}
          <div className="raster-row axis-row">
            <div className="raster-label quiet">time</div>
            <TimeAxis from={win.from} to={win.to} />
          </div>
          {view && (
            <p className="small zoom-bar" data-testid="zoom-bar">
              Showing {formatMicros(win.from)} – {formatMicros(win.to)}
              {zoom === null ? ' (the time the run covered)' : ''} of {formatMicros(full.from)} – {formatMicros(full.to)}{' '}
              <button type="button" className="link" onClick={() => setZoom('all')}>
                Show all
              </button>
            </p>
          )}
          <p className="quiet small monitor-legend">
            {formatMicros(model.raster.binUs)} per column · <DensityLegend />
            {model.raster.offWindow > 0 ? ` · ${formatCount(model.raster.offWindow)} events scrolled out of view (still counted)` : ''}
          </p>
          <p className="small raster-readout" data-testid="raster-readout" aria-live="polite">
            {(() => {
              const layer = hover ? model.layers.find((l) => l.key === hover.key) : undefined;
              if (!hover || !layer) return 'Point at a raster to read a cell: time, neurons, events.';
              const r = cellReadout(model.raster, hover.key, layer.neuronShape, hover.column, hover.row);
              return `${layer.label}: ${formatMicros(r.fromUs)} – ${formatMicros(r.toUs)} · ${describeNeurons(r.neuronFrom, r.neuronTo, layer.neuronShape)} · ${formatCount(r.count)} event${r.count === 1 ? '' : 's'}`;
            })()}
          </p>
          <RatePlot history={model.raster} keys={keys} labels={keys.map((k) => model.layers.find((l) => l.key === k)?.label ?? `core ${k}`)} columns={cols} />
        </div>
        {model.exitCore !== null && (
          <div className="classes">
            <div className="predicted" role="status" aria-label="Predicted class">
              <span className="label">predicted class</span>
              <span className="predicted-value" data-testid="predicted-class">
                {predicted ?? '—'}
              </span>
            </div>
            <table className="dense rate-bars" aria-label="Events per output channel">
              <thead>
                <tr>
                  <th scope="col">Class</th>
                  <th scope="col">
                    <span className="sr-only">Bar</span>
                  </th>
                  <th scope="col" className="num">
                    Events
                  </th>
                  <th scope="col" className="num">
                    Rate
                  </th>
                </tr>
              </thead>
              <tbody>
                {shownChannels(counts).map((i) => {
                  const c = counts[i]!;
                  return (
                  <tr key={i} className={i === predicted ? 'winner' : ''}>
                    <th scope="row" className="num">
                      {i}
                    </th>
                    <td className="bar-cell">
                      <span className="bar" style={{ width: `${(fractions[i] ?? 0) * 100}%` }} />
                    </td>
                    <td className="num">{formatCount(c)}</td>
                    <td className="num">{formatRate(eventsPerSecond(c, spanUs))}</td>
                  </tr>
                  );
                })}
              </tbody>
            </table>
            {counts.length > MAX_BARS && <p className="quiet small">The {MAX_BARS} busiest of {counts.length} channels.</p>}
          </div>
        )}
      </div>
      {p.children}
    </section>
  );
}
