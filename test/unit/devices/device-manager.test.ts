import { describe, expect, it, vi } from 'vitest';
import { DeviceIdSyntaxError } from '../../../main/chips/device-id.js';
import { DeviceRegistry, type UsbIdEntry } from '../../../main/chips/device-registry.js';
import { supportedDevices } from '../../../main/chips/device-types.js';
import {
  DeviceBusyError,
  DeviceNotFoundError,
  DeviceStateError,
  DeviceTypeNotDeployableError,
  NotAVirtualDevkitError,
  VendorProtocolUnavailableError,
} from '../../../main/devices/device-errors.js';
import { DeviceManager, type DeviceInfo, type DeviceManagerOptions } from '../../../main/devices/device-manager.js';
import type { UsbStatus } from '../../../main/devices/usb-backend.js';
import { board, FakeUsb, LibUsbError, RecordingDriver } from './fake-devices.js';

// Made-up USB ids (tests only); 1d6b:0002 stands for any device that is not a board.
const IDS: UsbIdEntry[] = [
  { type: 'speck2fdevkit', vendorId: 0xaaaa, productId: 0x0001, source: 'user-file' },
  { type: 'speck2edevkit', vendorId: 0xaaaa, productId: 0x0002, source: 'user-file' },
  { type: 'davis346', vendorId: 0xaaaa, productId: 0x0004, source: 'user-file' },
];
const F = (address: number, bus = 1) => board(bus, address, 0xaaaa, 0x0001);
const E = (address: number, bus = 1) => board(bus, address, 0xaaaa, 0x0002);
const HUB = (address: number, bus = 1) => board(bus, address, 0x1d6b, 0x0002);
const registry = new DeviceRegistry({ userIds: IDS, userFile: '/data/usb-ids.json' });

interface Harness {
  manager: DeviceManager;
  usb: FakeUsb;
  drivers: RecordingDriver[];
  events: string[];
  statuses: UsbStatus[];
}

async function harness(devices: ReturnType<typeof board>[] = [], options: Partial<DeviceManagerOptions> = {}, usb = new FakeUsb(devices)): Promise<Harness> {
  const drivers: RecordingDriver[] = [];
  const manager = await DeviceManager.create({
    registry,
    usb: async () => usb,
    platform: 'linux',
    canOpenDeviceNode: () => true,
    virtualDrivers: (d) => {
      const drv = new RecordingDriver(d.id, d.type.key, true);
      drivers.push(drv);
      return drv;
    },
    now: () => new Date('2024-05-01T10:00:00Z'),
    ...options,
  });
  const events: string[] = [];
  const statuses: UsbStatus[] = [];
  manager.on('attach', (d) => events.push(`attach ${d.id}`));
  manager.on('detach', (d) => {
    expect(d.status).toBe('disconnected');
    events.push(`detach ${d.id}${d.busyBy ? ` (held by ${d.busyBy.runId})` : ''}`);
  });
  manager.on('status', (s) => statuses.push(s));
  return { manager, usb, drivers, events, statuses };
}

const realIds = (m: DeviceManager) => m.list().filter((d) => !d.virtual).map((d) => d.id);
const byId = (m: DeviceManager, id: string): DeviceInfo | undefined => m.list().find((d) => d.id === id);

describe('enumeration at start (TC-51)', () => {
  it('numbers boards per type in address order and skips unknown USB devices', async () => {
    const { manager } = await harness([F(9), F(4), E(7), HUB(1)]);
    expect(realIds(manager)).toEqual(['speck2edevkit:0', 'speck2fdevkit:0', 'speck2fdevkit:1']);
    expect(byId(manager, 'speck2fdevkit:0')?.usb).toEqual({ bus: 1, address: 4, vendorId: 0xaaaa, productId: 0x0001 });
    expect(byId(manager, 'speck2fdevkit:1')?.usb?.address).toBe(9);
    expect(byId(manager, 'speck2edevkit:0')?.usb?.address).toBe(7);
    expect(manager.usbStatus()).toEqual({ status: 'ok', message: '4 USB devices seen; boards: speck2edevkit:0, speck2fdevkit:0, speck2fdevkit:1.', fix: null });
  });

  it('lists real boards first, then virtual devkits, one of each deployable type', async () => {
    const { manager } = await harness([F(4)]);
    const list = manager.list();
    expect(list[0]?.id).toBe('speck2fdevkit:0');
    expect(list.slice(1).map((d) => d.id).sort()).toEqual(supportedDevices().map((t) => `sim-${t}:0`).sort());
    expect(list.slice(1).every((d) => d.virtual && d.deployable && d.status === 'available')).toBe(true);
  });

  it('a real deployable board is listed as unsupported: no vendor protocol yet', async () => {
    const { manager } = await harness([F(4), board(1, 5, 0xaaaa, 0x0004)]);
    expect(byId(manager, 'speck2fdevkit:0')).toMatchObject({ deployable: true, status: 'unsupported', reason: expect.stringMatching(/vendor protocol \(samna\)/) });
    expect(byId(manager, 'davis346:0')).toMatchObject({ deployable: false, status: 'unsupported', reason: expect.stringMatching(/Event camera/) });
  });

  it('no USB devices at all is its own status', async () => {
    const { manager } = await harness([]);
    expect(manager.usbStatus().status).toBe('no-devices');
    expect(manager.usbStatus().fix).toMatch(/--device \/dev\/bus\/usb/);
  });

  it('USB devices but no known board: the fix says how to add ids', async () => {
    const { manager } = await harness([HUB(1)], { usbIdFileHint: '/data/usb-ids.json' });
    expect(manager.usbStatus()).toMatchObject({ status: 'ok', message: '1 USB device seen, none of them a board the workbench knows.' });
    expect(manager.usbStatus().fix).toMatch(/lsusb.*\/data\/usb-ids\.json/);
  });

  it('usb: null means no USB in this session; virtual devkits are still there', async () => {
    const { manager } = await harness([], { usb: null });
    expect(manager.usbStatus().status).toBe('unavailable');
    expect(manager.list()).toHaveLength(supportedDevices().length);
  });
});

describe('hot-plug: stable names across attach/detach sequences', () => {
  it('follows a scripted sequence', async () => {
    const h = await harness([F(9), F(4), E(7)]);
    h.usb.unplug(1, 4); // speck2fdevkit:0 goes
    expect(realIds(h.manager)).toEqual(['speck2edevkit:0', 'speck2fdevkit:1']);
    h.usb.plug(F(12)); // takes the free :0 although its address is the highest
    h.usb.plug(F(3)); // next free: :2
    h.usb.plug(HUB(20)); // not a board: no event
    h.usb.unplug(1, 7);
    h.usb.plug(E(8));
    expect(h.events).toEqual([
      'detach speck2fdevkit:0',
      'attach speck2fdevkit:0',
      'attach speck2fdevkit:2',
      'detach speck2edevkit:0',
      'attach speck2edevkit:0',
    ]);
    expect(byId(h.manager, 'speck2fdevkit:0')?.usb?.address).toBe(12);
    expect(byId(h.manager, 'speck2fdevkit:1')?.usb?.address).toBe(9);
    expect(byId(h.manager, 'speck2fdevkit:2')?.usb?.address).toBe(3);
    expect(byId(h.manager, 'speck2edevkit:0')?.usb?.address).toBe(8);
  });

  it('an attach event for a device already listed changes nothing', async () => {
    const h = await harness([F(4)]);
    for (const l of h.usb.listeners.attach) l(F(4));
    expect(h.events).toEqual([]);
    expect(realIds(h.manager)).toEqual(['speck2fdevkit:0']);
  });

  it('status follows the bus: from no devices to ok and back', async () => {
    const h = await harness([]);
    h.usb.plug(F(4));
    h.usb.unplug(1, 4);
    expect(h.statuses.map((s) => s.status)).toEqual(['ok', 'no-devices']);
  });

  it('refresh() reconciles when events were missed, keeping names of boards still there', async () => {
    const h = await harness([F(4), F(9)], { hotplug: false });
    expect(h.usb.listenerCount()).toBe(0);
    h.usb.devices = [F(9), F(2), E(7)];
    await h.manager.refresh();
    expect(h.events).toEqual(['detach speck2fdevkit:0', 'attach speck2fdevkit:0', 'attach speck2edevkit:0']);
    expect(byId(h.manager, 'speck2fdevkit:1')?.usb?.address).toBe(9);
    expect(byId(h.manager, 'speck2fdevkit:0')?.usb?.address).toBe(2);
  });

  it('setRegistry() with new ids picks up a board already plugged in', async () => {
    const h = await harness([board(1, 5, 0xbbbb, 0x0009)]);
    expect(realIds(h.manager)).toEqual([]);
    await h.manager.setRegistry(new DeviceRegistry({ userIds: [{ type: 'dynapcnndevkit', vendorId: 0xbbbb, productId: 9, source: 'user-file' }] }));
    expect(h.events).toEqual(['attach dynapcnndevkit:0']);
  });
});

describe('backend failures become a status, never a crash', () => {
  it('the usb module does not load', async () => {
    const h = await harness([], {
      usb: async () => {
        throw new Error("Cannot find module 'usb'");
      },
    });
    expect(h.manager.usbStatus()).toMatchObject({ status: 'unavailable', message: expect.stringMatching(/Cannot find module 'usb'/) });
    expect(h.manager.usbStatus().fix).toMatch(/Virtual devkits keep working/);
    expect(h.manager.list()).toHaveLength(supportedDevices().length);
  });

  it('listing fails with LIBUSB_ERROR_ACCESS: permission denied, fix names the udev rule and commands', async () => {
    const usb = new FakeUsb([F(4)]);
    usb.listError = new LibUsbError('LIBUSB_ERROR_ACCESS', -3);
    const h = await harness([], {}, usb);
    const s = h.manager.usbStatus();
    expect(s.status).toBe('permission-denied');
    expect(s.fix).toContain('packaging/linux/99-dynapcnn-workbench.rules');
    expect(s.fix).toContain(
      'sudo cp packaging/linux/99-dynapcnn-workbench.rules /etc/udev/rules.d/ && sudo udevadm control --reload-rules && sudo udevadm trigger',
    );
    // Fixed, then Refresh: the board appears.
    usb.listError = null;
    await h.manager.refresh();
    expect(h.manager.usbStatus().status).toBe('ok');
    expect(h.events).toEqual(['attach speck2fdevkit:0']);
  });

  it('the fix text fits the platform', async () => {
    const usb = new FakeUsb();
    usb.listError = new LibUsbError('LIBUSB_ERROR_ACCESS', -3);
    expect((await harness([], { platform: 'win32' }, usb)).manager.usbStatus().fix).toMatch(/Zadig.*WinUSB/);
    expect((await harness([], { platform: 'darwin' }, usb)).manager.usbStatus().fix).toMatch(/macOS needs no driver/);
  });

  it('another libusb error while listing', async () => {
    const usb = new FakeUsb();
    usb.listError = new LibUsbError('LIBUSB_ERROR_IO', -1);
    const h = await harness([], {}, usb);
    expect(h.manager.usbStatus()).toMatchObject({ status: 'error', message: 'Listing USB devices failed (LIBUSB_ERROR_IO).' });
  });

  it('hot-plug cannot be followed: listed boards stay, status says to use Refresh', async () => {
    const usb = new FakeUsb([F(4)]);
    usb.onError = new LibUsbError('LIBUSB_ERROR_NOT_SUPPORTED', -12);
    const h = await harness([], {}, usb);
    expect(realIds(h.manager)).toEqual(['speck2fdevkit:0']);
    expect(h.manager.usbStatus()).toMatchObject({ status: 'error', fix: expect.stringMatching(/Refresh/) });
    usb.onError = null;
    await h.manager.refresh();
    expect(h.manager.usbStatus().status).toBe('ok');
    expect(usb.listenerCount()).toBe(2);
  });

  it('an exception inside a hot-plug event (a device whose descriptor cannot be read)', async () => {
    const h = await harness([F(4)]);
    const broken = {
      busNumber: 1,
      deviceAddress: 6,
      get deviceDescriptor(): never {
        throw new LibUsbError('LIBUSB_ERROR_NO_DEVICE', -4);
      },
    };
    expect(() => {
      for (const l of h.usb.listeners.attach) l(broken);
    }).not.toThrow();
    expect(h.manager.usbStatus()).toMatchObject({ status: 'error', message: 'Following USB plug/unplug failed (LIBUSB_ERROR_NO_DEVICE).' });
    expect(realIds(h.manager)).toEqual(['speck2fdevkit:0']);
  });

  it('a board the user may not open (Linux device node) is reported as permission-denied', async () => {
    const h = await harness([F(4), F(9)], { canOpenDeviceNode: (_bus, address) => address !== 9 });
    expect(h.manager.usbStatus()).toMatchObject({ status: 'permission-denied', message: 'Your user may not open speck2fdevkit:1 (bus 1, address 9).' });
  });

  it('a throwing listener of ours does not stop the manager', async () => {
    const onListenerError = vi.fn();
    const h = await harness([], { onListenerError });
    h.manager.on('attach', () => {
      throw new Error('UI bug');
    });
    h.usb.plug(F(4));
    expect(onListenerError).toHaveBeenCalledOnce();
    expect(h.events).toEqual(['attach speck2fdevkit:0']);
    expect(h.manager.usbStatus().status).toBe('ok');
  });
});

describe('resolve: parse, standardize, look up', () => {
  it('finds devices by any spelling of their id', async () => {
    const { manager } = await harness([F(4)]);
    expect(manager.resolve(' Speck2fDevKit ').id).toBe('speck2fdevkit:0');
    expect(manager.resolve('speck2fdevkit:00').id).toBe('speck2fdevkit:0');
    expect(manager.resolve('SIM-speck2edevkit').id).toBe('sim-speck2edevkit:0');
  });

  it('not connected: the error lists the devices that are there', async () => {
    const { manager } = await harness([F(4)], { defaultVirtuals: false });
    manager.addVirtual('speck2fdevkit');
    try {
      manager.resolve('speck2fdevkit:1');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DeviceNotFoundError);
      const err = e as DeviceNotFoundError;
      expect(err.reason).toBe('not-connected');
      expect(err.available).toEqual(['speck2fdevkit:0', 'sim-speck2fdevkit:0']);
      expect(err.message).toBe('Device speck2fdevkit:1 has not been found. Make sure it is connected. Devices there: speck2fdevkit:0, sim-speck2fdevkit:0.');
    }
  });

  it('unknown type, virtual of a non-deployable type, bad syntax', async () => {
    const { manager } = await harness([]);
    expect(() => manager.resolve('cpu')).toThrow(/"cpu" is not a known device type/);
    expect(() => manager.resolve('sim-davis346')).toThrow(/virtual devkits exist only for deployable types/);
    expect(() => manager.resolve('a:b:c')).toThrow(DeviceIdSyntaxError);
  });
});

describe('virtual devkits are devices too', () => {
  it('add and remove fire attach and detach like hot-plug', async () => {
    const h = await harness([]);
    const id = h.manager.addVirtual('speck2fdevkit');
    expect(id).toBe('sim-speck2fdevkit:1');
    expect(h.manager.addVirtual(' Sim-Speck2fDevKit ')).toBe('sim-speck2fdevkit:2');
    await h.manager.removeVirtual('sim-speck2fdevkit:1');
    expect(h.manager.addVirtual('speck2fdevkit')).toBe('sim-speck2fdevkit:1'); // smallest free index again
    expect(h.events).toEqual(['attach sim-speck2fdevkit:1', 'attach sim-speck2fdevkit:2', 'detach sim-speck2fdevkit:1', 'attach sim-speck2fdevkit:1']);
  });

  it('only deployable types, and only virtual ids can be removed', async () => {
    const h = await harness([F(4)]);
    expect(() => h.manager.addVirtual('davis346')).toThrow(DeviceTypeNotDeployableError);
    expect(() => h.manager.addVirtual('davis346')).toThrow(/Event camera/);
    expect(() => h.manager.addVirtual('nope')).toThrow(DeviceNotFoundError);
    await expect(h.manager.removeVirtual('speck2fdevkit:0')).rejects.toThrow(NotAVirtualDevkitError);
  });
});

describe('ownership: one run per device', () => {
  it('busy names the run that holds it; the same run gets the same driver back', async () => {
    const h = await harness([]);
    const a = await h.manager.open('sim-speck2fdevkit', { runId: 'run-a' });
    expect(h.drivers[0]?.calls).toEqual(['open']);
    expect(byId(h.manager, 'sim-speck2fdevkit:0')).toMatchObject({ status: 'busy', busyBy: { runId: 'run-a', since: '2024-05-01T10:00:00.000Z' } });
    expect(await h.manager.open('sim-speck2fdevkit:0', { runId: 'run-a' })).toBe(a);
    await expect(h.manager.open('sim-speck2fdevkit:0', { runId: 'run-b' })).rejects.toThrow(
      'Device sim-speck2fdevkit:0 is busy and cannot be opened by run run-b: run run-a has it open since 2024-05-01T10:00:00.000Z.',
    );
    await expect(h.manager.release('sim-speck2fdevkit:0', 'run-b')).rejects.toThrow(DeviceBusyError);
    await a.close();
    expect(h.drivers[0]?.calls).toEqual(['open', 'close']);
    expect(byId(h.manager, 'sim-speck2fdevkit:0')?.status).toBe('available');
    await expect(a.forward({ length: 0 } as never)).rejects.toThrow(DeviceStateError);
    const b = await h.manager.open('sim-speck2fdevkit:0', { runId: 'run-b' });
    expect(b).not.toBe(a);
  });

  it('removing an open virtual devkit is refused, naming the run', async () => {
    const h = await harness([]);
    await h.manager.open('sim-speck2edevkit:0', { runId: 'run-7' });
    await expect(h.manager.removeVirtual('sim-speck2edevkit:0')).rejects.toThrow(/run run-7 has it open/);
    expect(byId(h.manager, 'sim-speck2edevkit:0')?.status).toBe('busy');
  });

  it('removing it as an unplug ends the run: device-unplugged, listed as disconnected until released', async () => {
    const h = await harness([]);
    const drv = await h.manager.open('sim-speck2edevkit:0', { runId: 'run-7' });
    const reasons: string[] = [];
    drv.onDisconnect((r) => reasons.push(r));
    await h.manager.removeVirtual('sim-speck2edevkit:0', { unplug: true });
    expect(reasons).toEqual(['device-unplugged']);
    expect(h.events).toEqual(['detach sim-speck2edevkit:0 (held by run-7)']);
    expect(byId(h.manager, 'sim-speck2edevkit:0')).toMatchObject({ status: 'disconnected', busyBy: { runId: 'run-7' } });
    expect(() => h.manager.resolve('sim-speck2edevkit:0')).toThrow(DeviceNotFoundError);
    // Its name is not handed out while the run still holds it.
    expect(h.manager.addVirtual('speck2edevkit')).toBe('sim-speck2edevkit:1');
    await drv.close();
    expect(byId(h.manager, 'sim-speck2edevkit:0')).toBeUndefined();
    expect(h.manager.addVirtual('speck2edevkit')).toBe('sim-speck2edevkit:0');
  });

  it('unplugging an open real board tells its driver and keeps its name until the run lets go', async () => {
    const realDrivers: RecordingDriver[] = [];
    const h = await harness([F(4)], {
      realDrivers: {
        canOpen: () => true,
        create: (d) => {
          const drv = new RecordingDriver(d.id, d.type.key, false);
          realDrivers.push(drv);
          return drv;
        },
      },
    });
    expect(byId(h.manager, 'speck2fdevkit:0')?.status).toBe('available');
    const drv = await h.manager.open('speck2fdevkit:0', { runId: 'run-9' });
    const reasons: string[] = [];
    drv.onDisconnect((r) => reasons.push(r));
    h.usb.unplug(1, 4);
    await Promise.resolve();
    expect(reasons).toEqual(['device-unplugged']);
    expect(byId(h.manager, 'speck2fdevkit:0')?.status).toBe('disconnected');
    h.usb.plug(F(11)); // replugged: a new address, and :0 is still held
    expect(h.events).toEqual(['detach speck2fdevkit:0 (held by run-9)', 'attach speck2fdevkit:1']);
    await h.manager.release('speck2fdevkit:0', 'run-9');
    expect(realDrivers[0]?.calls).toEqual(['open', 'disconnect:device-unplugged', 'close']);
    expect(realIds(h.manager)).toEqual(['speck2fdevkit:1']);
  });

  it('opening a real board without the vendor protocol fails clearly and leaves it free', async () => {
    const h = await harness([F(4)]);
    const err = await h.manager.open('speck2fdevkit:0', { runId: 'run-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VendorProtocolUnavailableError);
    expect((err as Error).message).toBe(
      "Opening speck2fdevkit:0 needs SynSense's vendor protocol (samna), which this workbench does not include yet. " +
        "Use a virtual devkit (sim-speck2fdevkit:0) to run the model, or record the input and replay it on the board with SynSense's own tools.",
    );
    expect(byId(h.manager, 'speck2fdevkit:0')?.busyBy).toBeUndefined();
    await expect(h.manager.open('speck2fdevkit:0', { runId: 'run-2' })).rejects.toThrow(VendorProtocolUnavailableError);
  });

  it('reset: a free device is opened, reset and closed; a held one only by its run', async () => {
    const h = await harness([]);
    await h.manager.reset('sim-speck2fdevkit:0');
    expect(h.drivers[0]?.calls).toEqual(['open', 'reset', 'close']);
    expect(byId(h.manager, 'sim-speck2fdevkit:0')?.status).toBe('available');
    await h.manager.open('sim-speck2fdevkit:0', { runId: 'run-a' });
    await expect(h.manager.reset('sim-speck2fdevkit:0')).rejects.toThrow(/cannot be reset: run run-a/);
    await h.manager.reset('sim-speck2fdevkit:0', { runId: 'run-a' });
    expect(h.drivers[1]?.calls).toEqual(['open', 'reset']);
  });

  it('a driver whose open fails leaves the device free', async () => {
    const h = await harness([], {
      virtualDrivers: (d) => {
        const drv = new RecordingDriver(d.id, d.type.key, true);
        drv.openError = new Error('worker failed to start');
        return drv;
      },
    });
    await expect(h.manager.open('sim-speck2fdevkit:0', { runId: 'r' })).rejects.toThrow('worker failed to start');
    expect(byId(h.manager, 'sim-speck2fdevkit:0')?.status).toBe('available');
  });

  it('dispose stops following USB and disconnects open devices', async () => {
    const h = await harness([F(4)]);
    const drv = await h.manager.open('sim-speck2fdevkit:0', { runId: 'r' });
    const reasons: string[] = [];
    drv.onDisconnect((r) => reasons.push(r));
    expect(h.usb.listenerCount()).toBe(2);
    await h.manager.dispose();
    expect(h.usb.listenerCount()).toBe(0);
    expect(reasons).toEqual(['manager-disposed']);
    expect(h.drivers[0]?.calls).toEqual(['open', 'disconnect:manager-disposed', 'close']);
  });
});
