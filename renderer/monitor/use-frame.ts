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

export function useFrameVersion(version: () => number, active = true): number {
  const [seen, setSeen] = useState(() => version());
  useEffect(() => {
    if (!active) return;
    let cancel: () => void = () => undefined;
    let last = seen;
    const tick = () => {
      const v = version();
      if (v !== last) {
        last = v;
        setSeen(v);
      }
      cancel = nextFrame(tick);
    };
    cancel = nextFrame(tick);
    return () => cancel();
  }, [version, active]);
  return seen;
}

export { nextFrame };
