// The live device list: `devices.list` once, then every `devices.changed` event, with a
// short highlight for devices that just attached and a short fade for those that left.
// Also the device types (for "add virtual devkit") and add/remove actions.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeviceTypeView, DeviceView, DevicesView } from '../../preload/api';
import { diffDevices } from '../devices/device-changes';
import { errorText, useWorkbench } from './workbench-api';

export const HIGHLIGHT_MS = 2000;
export const FADE_MS = 1200;

export interface DevicesState {
  view: DevicesView | null;
  types: DeviceTypeView[];
  /** Ids that attached within the last HIGHLIGHT_MS. */
  fresh: ReadonlySet<string>;
  /** Devices that detached within the last FADE_MS (still shown, faded). */
  leaving: readonly DeviceView[];
  busy: boolean;
  error: string | null;
}

export interface DevicesActions {
  addVirtual(type: string): Promise<string | null>;
  removeVirtual(id: string): Promise<void>;
  /** Looks for boards again (the list follows through devices.changed). */
  refresh(): Promise<void>;
  dismissError(): void;
}

export function useDevices(): [DevicesState, DevicesActions] {
  const api = useWorkbench();
  const [state, setState] = useState<DevicesState>({ view: null, types: [], fresh: new Set(), leaving: [], busy: false, error: null });
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  const viewRef = useRef<DevicesView | null>(null);

  const later = useCallback((ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.current.delete(t);
      fn();
    }, ms);
    timers.current.add(t);
  }, []);

  const apply = useCallback(
    (next: DevicesView) => {
      const before = viewRef.current;
      viewRef.current = next;
      const diff = before ? diffDevices(before.devices, next.devices) : { attached: [], detached: [] };
      setState((s) => ({
        ...s,
        view: next,
        fresh: diff.attached.length ? new Set([...s.fresh, ...diff.attached]) : s.fresh,
        leaving: [...s.leaving.filter((d) => !next.devices.some((n) => n.id === d.id)), ...diff.detached],
      }));
      for (const id of diff.attached) {
        later(HIGHLIGHT_MS, () => setState((s) => ({ ...s, fresh: new Set([...s.fresh].filter((x) => x !== id)) })));
      }
      for (const d of diff.detached) {
        later(FADE_MS, () => setState((s) => ({ ...s, leaving: s.leaving.filter((x) => x.id !== d.id) })));
      }
    },
    [later],
  );

  useEffect(() => {
    let cancelled = false;
    const off = api.on('devices.changed', (e) => apply(e.devices));
    Promise.all([api['devices.list']({}), api['devices.types']({})]).then(
      ([view, types]) => {
        if (cancelled) return;
        if (!viewRef.current) apply(view);
        setState((s) => ({ ...s, types }));
      },
      (e: unknown) => !cancelled && setState((s) => ({ ...s, error: `Listing devices failed: ${errorText(e)}` })),
    );
    const pending = timers.current;
    return () => {
      cancelled = true;
      off();
      for (const t of pending) clearTimeout(t);
      pending.clear();
    };
  }, [api, apply]);

  const actions: DevicesActions = {
    addVirtual: useCallback(
      async (type: string) => {
        setState((s) => ({ ...s, busy: true, error: null }));
        try {
          const { id } = await api['devices.addVirtual']({ type });
          setState((s) => ({ ...s, busy: false }));
          return id;
        } catch (e) {
          setState((s) => ({ ...s, busy: false, error: `Adding a virtual ${type} failed: ${errorText(e)}` }));
          return null;
        }
      },
      [api],
    ),
    removeVirtual: useCallback(
      async (id: string) => {
        setState((s) => ({ ...s, busy: true, error: null }));
        try {
          await api['devices.removeVirtual']({ id });
          setState((s) => ({ ...s, busy: false }));
        } catch (e) {
          setState((s) => ({ ...s, busy: false, error: `Removing ${id} failed: ${errorText(e)}` }));
        }
      },
      [api],
    ),
    refresh: useCallback(async () => {
      setState((s) => ({ ...s, busy: true, error: null }));
      try {
        apply(await api['devices.refresh']({}));
        setState((s) => ({ ...s, busy: false }));
      } catch (e) {
        setState((s) => ({ ...s, busy: false, error: `Looking for devices failed: ${errorText(e)}` }));
      }
    }, [api, apply]),
    dismissError: useCallback(() => setState((s) => ({ ...s, error: null })), []),
  };
  return [state, actions];
}
