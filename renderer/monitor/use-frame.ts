// Re-render a component at most once per animation frame while a mutable model changes
// (spike monitors are fed far more often than a screen refreshes).

import { useEffect, useState } from 'react';

const nextFrame: (fn: () => void) => () => void =
  typeof requestAnimationFrame === 'function'
    ? (fn) => {
        const h = requestAnimationFrame(fn);
        return () => cancelAnimationFrame(h);
      }
    : (fn) => {
        const h = setTimeout(fn, 16);
        return () => clearTimeout(h);
      };

/**
 * Live displays redraw at most every REDRAW_MS (about 30 times a second): fast enough to
 * follow a run, and it halves the canvas uploads and compositing of a busy monitor, which
 * is what made frames late on a 2-core machine with software rendering. Pointer feedback
 * (hover, zoom) does not wait for it.
 */
export const REDRAW_MS = 32;

/**
 * The monitor's text, bars and axes (counts, rates, the predicted class) re-render at most
 * every TEXT_REDRAW_MS: ten times a second reads as live, and each re-render restyles and
 * lays out the whole view, which a busy run cannot afford 30 times a second beside the
 * rasters (those repaint themselves every REDRAW_MS, without React).
 */
export const TEXT_REDRAW_MS = 100;

export function useFrameVersion(version: () => number, active = true, minIntervalMs = 0): number {
  const [seen, setSeen] = useState(() => version());
  useEffect(() => {
    if (!active) return;
    let cancel: () => void = () => undefined;
    let last = seen;
    let drawn = -Infinity;
    const tick = () => {
      const v = version();
      const now = performance.now();
      if (v !== last && now - drawn >= minIntervalMs) {
        last = v;
        drawn = now;
        setSeen(v);
      }
      cancel = nextFrame(tick);
    };
    cancel = nextFrame(tick);
    return () => cancel();
  }, [version, active, minIntervalMs]);
  return seen;
}

export { nextFrame };
