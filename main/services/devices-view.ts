// The devices panel's view of the device manager: every board and virtual devkit with
// what the UI shows of it, and the USB status with its fix. Built here, in the services,
// so the event bus (device changes) and the devices.list reply give the same view.

import type { DevicesView, DeviceView } from '../../preload/api.js';
import type { DeviceManager } from '../devices/device-manager.js';

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
