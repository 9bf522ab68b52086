// The centre's tab strip, keyboard-friendly as WAI-ARIA tabs: one tab in the Tab order,
// arrow keys / Home / End move between tabs and select them (automatic activation).

import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabDef<T extends string> {
  id: T;
  label: string;
  badge?: ReactNode;
}

export function tabId(id: string): string {
  return `tab-${id}`;
}

export function panelId(id: string): string {
  return `panel-${id}`;
}

export function TabBar<T extends string>(props: { tabs: ReadonlyArray<TabDef<T>>; active: T; onSelect(id: T): void; label: string; extra?: ReactNode }) {
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const move = (e: KeyboardEvent, index: number) => {
    const n = props.tabs.length;
    let next: number | null = null;
    if (e.key === 'ArrowRight') next = (index + 1) % n;
    else if (e.key === 'ArrowLeft') next = (index - 1 + n) % n;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = n - 1;
    if (next === null) return;
    e.preventDefault();
    const tab = props.tabs[next]!;
    props.onSelect(tab.id);
    refs.current.get(tab.id)?.focus();
  };
  // Only tabs may sit in a tablist: `extra` (a layout switch) goes beside it.
  return (
    <div className="tab-strip">
      <div role="tablist" aria-label={props.label} className="tab-bar">
        {props.tabs.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              if (el) refs.current.set(t.id, el);
              else refs.current.delete(t.id);
            }}
            role="tab"
            id={tabId(t.id)}
            aria-controls={panelId(t.id)}
            aria-selected={t.id === props.active}
            tabIndex={t.id === props.active ? 0 : -1}
            className="tab"
            onClick={() => props.onSelect(t.id)}
            onKeyDown={(e) => move(e, i)}
          >
            {t.label}
            {t.badge}
          </button>
        ))}
      </div>
      {props.extra}
    </div>
  );
}
