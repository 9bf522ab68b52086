// devices.* : the device panel's channels (list, registry, virtual devkits).

import { typeRows } from '../../devices/device-report.js';
import type { Services } from '../../services/compose.js';
import { devicesView } from '../../services/devices-view.js';
import type { Handlers } from '../dispatcher.js';

export function deviceHandlers(s: Services): Pick<Handlers, 'devices.list' | 'devices.types' | 'devices.addVirtual' | 'devices.removeVirtual' | 'devices.refresh'> {
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
    'devices.refresh': async () => {
      await s.devices.refresh();
      return devicesView(s.devices);
    },
  };
}
