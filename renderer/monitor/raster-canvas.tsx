// One spike raster on a canvas: x = time column, y = neuron row, one pixel per cell of
// the RasterHistory, intensity by how many events the cell holds. Only the columns that
// changed since the last frame are repainted; the canvas is scaled by CSS.

import { useEffect, useRef } from 'react';
import type { RasterHistory } from './raster-history';
import { nextFrame, REDRAW_MS } from './use-frame';

/** Opacity for a cell with `count` events: one event is visible (0.45), eight nearly solid (0.99), nine or more solid. */
export function cellAlpha(count: number): number {
  if (count <= 0) return 0;
  return Math.min(1, 0.45 + 0.18 * Math.log2(count));
}

function accentRGB(el: Element): [number, number, number] {
  const v = getComputedStyle(el).getPropertyValue('--raster-dot').trim() || '#2f6fdb';
  const m = /^#([0-9a-f]{6})$/i.exec(v);
  if (!m) return [47, 111, 219];
  const n = parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The cell under a pointer at (clientX, clientY) over an element of `rect`, or null outside. */
export function cellAt(rect: { left: number; top: number; width: number; height: number }, clientX: number, clientY: number, columns: number, rows: number): { column: number; row: number } | null {
  if (!(rect.width > 0 && rect.height > 0)) return null;
  const fx = (clientX - rect.left) / rect.width;
  const fy = (clientY - rect.top) / rect.height;
  if (fx < 0 || fx >= 1 || fy < 0 || fy >= 1) return null;
  return { column: Math.floor(fx * columns), row: Math.floor(fy * rows) };
}

export function RasterCanvas(props: {
  history: RasterHistory;
  layerKey: number;
  label: string;
  heightPx: number;
  /** The display columns shown, [from, to) (a zoomed time view); default all. */
  columns?: { from: number; to: number };
  /** The cell under the pointer (null when it leaves), for the hover readout; `column` counts from the first shown. */
  onHover?: (cell: { column: number; row: number } | null) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { history, layerKey } = props;
  const rows = history.rowsOf(layerKey);
  const first = props.columns?.from ?? 0;
  const end = props.columns?.to ?? history.columns;
  const width = end - first;
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d') ?? null;
    if (!el || !ctx) return;
    const image = ctx.createImageData(width, rows);
    const px = new Uint32Array(image.data.buffer);
    const [r, g, b] = accentRGB(el);
    // Little-endian RGBA packed as ABGR; 256 alpha levels precomputed per count bucket.
    const colorFor = (count: number) => ((Math.round(cellAlpha(count) * 255) << 24) | (b << 16) | (g << 8) | r) >>> 0;
    let lastVersion = -1;
    // Columns from..to (inclusive, display columns) that are inside the shown range.
    const paint = (from: number, to: number) => {
      for (let c = Math.max(from, first); c <= Math.min(to, end - 1); c++) {
        for (let row = 0; row < rows; row++) {
          const n = history.cell(layerKey, c, row);
          px[row * width + c - first] = n === 0 ? 0 : colorFor(n);
        }
      }
    };
    history.takeDirty(layerKey);
    paint(0, history.columns - 1);
    ctx.putImageData(image, 0, 0);
    let cancel = () => undefined as void;
    let painted = -Infinity;
    const frame = () => {
      const now = performance.now();
      if (history.version !== lastVersion && now - painted >= REDRAW_MS) {
        lastVersion = history.version;
        painted = now;
        const d = history.takeDirty(layerKey);
        if (d) {
          if (d.all) {
            paint(0, history.columns - 1);
            ctx.putImageData(image, 0, 0);
          } else {
            // Only the columns that changed go to the canvas (a live run touches one or two).
            const from = Math.max(first, d.from);
            const to = Math.min(end - 1, d.to);
            paint(from, to);
            if (to >= from) ctx.putImageData(image, 0, 0, from - first, 0, to - from + 1, rows);
          }
        }
      }
      cancel = nextFrame(frame);
    };
    cancel = nextFrame(frame);
    return () => cancel();
  }, [history, layerKey, rows, first, end, width]);
  const onHover = props.onHover;
  return (
    <canvas
      ref={canvas}
      className="raster"
      width={width}
      height={rows}
      style={{ height: props.heightPx }}
      role="img"
      aria-label={props.label}
      onMouseMove={onHover ? (e) => onHover(cellAt(e.currentTarget.getBoundingClientRect(), e.clientX, e.clientY, width, rows)) : undefined}
      onMouseLeave={onHover ? () => onHover(null) : undefined}
    />
  );
}
