// The real `usb` package (node-usb 2.x) on this machine. There is no USB bus here
// (no /dev/bus/usb), so libusb lists nothing: the point is that loading it, listing and
// following hot-plug neither crash nor hang, and the manager reports 'no-devices'.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DeviceManager } from '../../../main/devices/device-manager.js';
import { loadRealUsbBackend } from '../../../main/devices/usb-backend.js';

const hasBus = existsSync('/dev/bus/usb');

describe('the real usb package', () => {
  it('loads and lists without throwing', async () => {
    const usb = await loadRealUsbBackend();
    const list = usb.getDeviceList();
    expect(Array.isArray(list)).toBe(true);
    if (!hasBus) expect(list).toEqual([]);
  });

  it('the manager over it starts, reports the bus status, and shuts down', async () => {
    const manager = await DeviceManager.create({ hotplug: false, defaultVirtuals: false });
    const status = manager.usbStatus();
    if (!hasBus) {
      expect(status.status).toBe('no-devices');
      expect(manager.list()).toEqual([]);
    } else {
      expect(['ok', 'no-devices', 'permission-denied']).toContain(status.status);
    }
    await manager.dispose();
  });

  it('with hot-plug listeners attached (in a child process), the process still exits by itself', () => {
    // A child process, so a misbehaving native hot-plug thread cannot take the test runner with it.
    const script = `
      const { DeviceManager } = await import(${JSON.stringify(new URL('../../../main/devices/device-manager.ts', import.meta.url).href)});
      const m = await DeviceManager.create({ defaultVirtuals: false });
      console.log(JSON.stringify(m.usbStatus()));
      // No dispose on purpose: the listeners are unref'd, so the process must exit anyway.
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    const status = JSON.parse(out.trim().split('\n').pop() as string) as { status: string };
    if (!hasBus) expect(status.status).toBe('no-devices');
    else expect(['ok', 'no-devices', 'permission-denied', 'error']).toContain(status.status);
  });
});
