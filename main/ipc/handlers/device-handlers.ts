// devices.* : the device panel's channels (list, registry, virtual devkits).

import type { DevicesView, DeviceView } from '../../../preload/api.js';
import type { DeviceManager } from '../../devices/device-manager.js';
import { typeRows } from '../../devices/device-report.js';
import type { Services } from '../../services/compose.js';
import type { Handlers } from '../dispatcher.js';

export function devicesView(devices: DeviceManager): DevicesView {
  const registry = devices.deviceRegistry();
  const list: DeviceView[] = devices.list().map((d) => {
    const type = registry.get(d.type);
    return {
      id: d.id,
      type: d.type,
      name: type?.name ?? d.type,
      virtual: d.virtual,
      deployable: d.deployable,
      status: d.status,
      family: type?.family ?? null,
      ...(d.reason ? { reason: d.reason } : {}),
      ...(d.busyBy ? { busyBy: { runId: d.busyBy.runId, since: d.busyBy.since } } : {}),
      ...(d.serial !== undefined ? { serial: d.serial } : {}),
    };
  });
  const usb = devices.usbStatus();
  const samna = devices.boardStatus();
  return {
    devices: list,
    usb: { status: usb.status, message: usb.message, ...(usb.fix ? { fix: usb.fix } : {}) },
    ...(samna ? { samna: { status: samna.status, message: samna.message, ...(samna.fix ? { fix: samna.fix } : {}) } } : {}),
  };
}

export function deviceHandlers(s: Services): Pick<Handlers, 'devices.list' | 'devices.types' | 'devices.addVirtual' | 'devices.removeVirtual'> {
  return {
    'devices.list': () => devicesView(s.devices),
    'devices.types': () =>
      typeRows(s.devices.deviceRegistry()).map((t) => ({
        key: t.key,
        name: t.name,
        kind: t.kind,
        family: t.family,
        deployable: t.deployable,
        ...(t.reason ? { reason: t.reason } : {}),
        usb: t.usb.note,
      })),
    'devices.addVirtual': (req) => ({ id: s.devices.addVirtual(req.type) }),
    'devices.removeVirtual': async (req) => {
      await s.devices.removeVirtual(req.id);
      return {};
    },
  };
}
