// Whether the Model view shows placement and conversion beside the editor: follows the
// window width (tabs only on small screens) and the user's remembered choice.

import { useCallback, useEffect, useState } from 'react';
import { readSideBySide, sideBySideActive, SIDE_BY_SIDE_MIN_WIDTH, writeSideBySide, type SideBySidePreference } from './pane-share';

export interface SideBySide {
  active: boolean;
  /** The window is wide enough to offer it. */
  available: boolean;
  toggle(): void;
}

export function useSideBySide(): SideBySide {
  const [width, setWidth] = useState(() => window.innerWidth);
  const [pref, setPref] = useState<SideBySidePreference>(() => readSideBySide());

  useEffect(() => {
    const onResize = () => setWidth(window.innerWidth);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);

  const active = sideBySideActive(width, pref);
  const toggle = useCallback(() => {
    const next = active ? 'off' : 'on';
    writeSideBySide(next);
    setPref(next);
  }, [active]);

  return { active, available: width >= SIDE_BY_SIDE_MIN_WIDTH, toggle };
}
