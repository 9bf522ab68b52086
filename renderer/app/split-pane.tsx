// Two panes with a divider the user drags (pointer) or moves with the keyboard (it is a
// focusable WAI-ARIA separator: arrows move it, Home/End go to the limits). The share
// of the first pane is remembered per `storageKey`, so the layout survives a restart.

import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { clampShare, readShare, SHARE_STEP, writeShare } from './pane-share';

export interface SplitPaneProps {
  /** `row`: panes side by side, a vertical divider; `column`: one above the other. */
  direction: 'row' | 'column';
  storageKey: string;
  /** Share of the first pane when nothing is remembered, 0..1. */
  initialShare: number;
  /** Neither pane gets smaller than this share. */
  minShare?: number;
  /** Names the divider for screen readers ("Resize editor and placement"). */
  label: string;
  first: ReactNode;
  second: ReactNode;
  /** Only the first pane, full size (the second and the divider are not drawn). The first
   * pane keeps its place in the tree either way, so what it holds (an editor with its undo
   * history) is not re-created when the layout changes. */
  firstOnly?: boolean;
  className?: string;
}

export function SplitPane(p: SplitPaneProps) {
  const min = p.minShare ?? 0.2;
  const [share, setShare] = useState(() => clampShare(readShare(p.storageKey) ?? p.initialShare, min));
  const box = useRef<HTMLDivElement>(null);
  const dragging = useRef(false);

  useEffect(() => writeShare(p.storageKey, share), [p.storageKey, share]);

  const fromPointer = useCallback(
    (e: PointerEvent) => {
      const r = box.current?.getBoundingClientRect();
      if (!r) return;
      const s = p.direction === 'row' ? (e.clientX - r.left) / r.width : (e.clientY - r.top) / r.height;
      setShare(clampShare(s, min));
    },
    [p.direction, min],
  );

  const onKey = (e: KeyboardEvent) => {
    const back = p.direction === 'row' ? 'ArrowLeft' : 'ArrowUp';
    const forward = p.direction === 'row' ? 'ArrowRight' : 'ArrowDown';
    let next: number | null = null;
    if (e.key === back) next = share - SHARE_STEP;
    else if (e.key === forward) next = share + SHARE_STEP;
    else if (e.key === 'Home') next = min;
    else if (e.key === 'End') next = 1 - min;
    if (next === null) return;
    e.preventDefault();
    setShare(clampShare(next, min));
  };

  const percent = Math.round(share * 100);
  const template = p.firstOnly ? 'minmax(0, 1fr)' : `minmax(0, ${share}fr) 6px minmax(0, ${1 - share}fr)`;
  return (
    <div ref={box} className={`split-pane ${p.direction}${p.className ? ` ${p.className}` : ''}`} style={p.direction === 'row' ? { gridTemplateColumns: template } : { gridTemplateRows: template }}>
      <div className="split-pane-part">{p.first}</div>
      {!p.firstOnly && (
        <div
          role="separator"
          tabIndex={0}
          aria-label={p.label}
          aria-orientation={p.direction === 'row' ? 'vertical' : 'horizontal'}
          aria-valuemin={Math.round(min * 100)}
          aria-valuemax={Math.round((1 - min) * 100)}
          aria-valuenow={percent}
          aria-valuetext={`${percent} %`}
          className="split-divider"
          onKeyDown={onKey}
          onPointerDown={(e) => {
            dragging.current = true;
            e.currentTarget.setPointerCapture(e.pointerId);
          }}
          onPointerMove={(e) => {
            if (dragging.current) fromPointer(e);
          }}
          onPointerUp={(e) => {
            dragging.current = false;
            e.currentTarget.releasePointerCapture(e.pointerId);
          }}
        />
      )}
      {!p.firstOnly && <div className="split-pane-part">{p.second}</div>}
    </div>
  );
}
