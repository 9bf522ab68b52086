// Layout preferences kept in the page's localStorage: how the split panes are shared,
// and whether the workspace shows the editor, placement and conversion side by side.
// Storage can be missing or full (private windows, a locked profile): then nothing is
// remembered and the defaults apply.

export const SHARE_STEP = 0.02;

export function clampShare(share: number, min: number): number {
  if (!Number.isFinite(share)) return 0.5;
  return Math.min(1 - min, Math.max(min, share));
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function readShare(key: string): number | null {
  const raw = storage()?.getItem(`dcnn.split.${key}`);
  const v = raw === null || raw === undefined ? NaN : Number(raw);
  return Number.isFinite(v) ? v : null;
}

export function writeShare(key: string, share: number): void {
  try {
    storage()?.setItem(`dcnn.split.${key}`, share.toFixed(3));
  } catch {
    // not remembered; the layout still works
  }
}

/** Side by side needs this much window width; below it the views are tabs. */
export const SIDE_BY_SIDE_MIN_WIDTH = 1460;

export type SideBySidePreference = 'on' | 'off' | null;

export function readSideBySide(): SideBySidePreference {
  const v = storage()?.getItem('dcnn.sideBySide');
  return v === 'on' || v === 'off' ? v : null;
}

export function writeSideBySide(v: 'on' | 'off'): void {
  try {
    storage()?.setItem('dcnn.sideBySide', v);
  } catch {
    // not remembered
  }
}

/** On by default where it fits; the user's choice wins, but never below the minimum width. */
export function sideBySideActive(windowWidth: number, pref: SideBySidePreference): boolean {
  return windowWidth >= SIDE_BY_SIDE_MIN_WIDTH && pref !== 'off';
}
