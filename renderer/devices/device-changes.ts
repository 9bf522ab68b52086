// Which devices came and went between two device lists, so the panel can flash the
// newcomers and let the departed fade out instead of vanishing mid-glance. Pure.

import type { DeviceView } from '../../preload/api';

export interface DeviceDiff {
  attached: string[];
  detached: DeviceView[];
}

export function diffDevices(before: readonly DeviceView[], after: readonly DeviceView[]): DeviceDiff {
  const was = new Set(before.map((d) => d.id));
  const now = new Set(after.map((d) => d.id));
  return {
    attached: after.filter((d) => !was.has(d.id)).map((d) => d.id),
    detached: before.filter((d) => !now.has(d.id)),
  };
}

/**
 * The device to use when the user has not picked one (or theirs went away): the first
 * available deployable device of the model's chip type, else any deployable one.
 */
export function defaultDevice(devices: readonly DeviceView[], chip: string | null): DeviceView | null {
  const usable = devices.filter((d) => d.deployable && d.status !== 'disconnected');
  const rank = (d: DeviceView) => (d.type === chip ? 0 : 2) + (d.status === 'available' ? 0 : 1);
  return [...usable].sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

/** "deployable", "busy (run #12)", or why not. */
export function deviceStatusText(d: DeviceView): string {
  if (d.status === 'disconnected') return 'disconnected';
  if (!d.deployable) return d.reason ?? 'not deployable';
  if (d.status === 'busy') return d.busyBy ? `busy: run #${d.busyBy.runId}` : 'busy';
  return 'deployable';
}
