// Zoom and pan of the spike monitor's time axis, in recording time (µs) so the view stays
// on the same moment while a live run's columns merge. The rasters can show no finer
// than one display column, so a view is never narrower than MIN_COLUMNS columns; it is
// always kept inside the raster's window.

export interface TimeView {
  fromUs: number;
  toUs: number;
}

export const MIN_COLUMNS = 8;

/** The view inside `window`, at least MIN_COLUMNS columns wide; null = the whole window. */
export function clampView(view: TimeView | null, window: TimeView, binUs: number): TimeView | null {
  if (!view) return null;
  const full = window.toUs - window.fromUs;
  const span = Math.max(MIN_COLUMNS * binUs, view.toUs - view.fromUs);
  if (span >= full) return null;
  let from = Math.max(window.fromUs, Math.min(view.fromUs, window.toUs - span));
  from = Math.round((from - window.fromUs) / binUs) * binUs + window.fromUs;
  return { fromUs: from, toUs: Math.min(window.toUs, from + span) };
}

/** Zoom by `factor` (< 1 in, > 1 out) keeping the time at fraction `at` (0..1 of the view) where it is. */
export function zoomView(view: TimeView | null, window: TimeView, binUs: number, factor: number, at = 0.5): TimeView | null {
  const v = view ?? window;
  const span = v.toUs - v.fromUs;
  const pivot = v.fromUs + at * span;
  const next = span * factor;
  return clampView({ fromUs: pivot - at * next, toUs: pivot + (1 - at) * next }, window, binUs);
}

/** Pan by `fraction` of the view's width (negative: earlier). */
export function panView(view: TimeView | null, window: TimeView, binUs: number, fraction: number): TimeView | null {
  if (!view) return null;
  const shift = (view.toUs - view.fromUs) * fraction;
  return clampView({ fromUs: view.fromUs + shift, toUs: view.toUs + shift }, window, binUs);
}

/** The display columns [from, to) a view covers. */
export function viewColumns(view: TimeView | null, window: TimeView, binUs: number, columns: number): { from: number; to: number } {
  if (!view) return { from: 0, to: columns };
  const from = Math.max(0, Math.min(columns - 1, Math.floor((view.fromUs - window.fromUs) / binUs + 1e-9)));
  const to = Math.max(from + 1, Math.min(columns, Math.ceil((view.toUs - window.fromUs) / binUs - 1e-9)));
  return { from, to };
}
