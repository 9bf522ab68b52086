// The samna bridge as a real child process (python3 -m samna_bridge) against the fake
// samna: the version handshake, samna's device list merged into the device manager
// (ids `TYPE:INDEX` by USB address within a type, serial numbers, two boards of one
// type), names that stay put while boards come and go, and hot plug: the fake's list
// changes (with or without a USB event) and the manager's attach/detach events say so.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceManager, type DeviceInfo } from '../../../main/devices/device-manager.js';
import { packageRoot } from '../../../main/services/package-root.js';
import { runDcnn } from '../../helpers/dcnn-process.js';
import { board, FakeUsb } from '../../unit/devices/fake-devices.js';
import { FakeSamna, speck2f, type FakeBoard } from './samna-fake.js';

let fake: FakeSamna | null = null;
let manager: DeviceManager | null = null;

afterEach(async () => {
  await manager?.dispose();
  manager = null;
  await fake?.cleanup();
  fake = null;
});

function setup(boards: FakeBoard[]): FakeSamna {
  fake = new FakeSamna(boards);
  return fake;
}

async function startManager(f: FakeSamna, usb: FakeUsb | null = null): Promise<DeviceManager> {
  const host = f.host();
  manager = await DeviceManager.create({ usb: usb ? () => Promise.resolve(usb) : null, boards: host, realDrivers: host });
  return manager;
}

function real(m: DeviceManager): Array<Pick<DeviceInfo, 'id' | 'serial' | 'status'> & { at: string }> {
  return m
    .list()
    .filter((d) => !d.virtual)
    .map((d) => ({ id: d.id, serial: d.serial, status: d.status, at: `${d.usb?.bus}-${d.usb?.address}` }));
}

function nextEvent(m: DeviceManager, event: 'attach' | 'detach'): Promise<DeviceInfo> {
  return new Promise((resolve) => {
    const off = m.on(event, (d) => {
      if (d.virtual) return;
      off();
      resolve(d);
    });
  });
}

describe('handshake', () => {
  it('reports the bridge version (from the bridge package), the fake samna version and the Python version of the interpreter', async () => {
    const f = setup([]);
    const host = f.host();
    expect(host.status().status).toBe('not-checked');
    expect(await host.list()).toEqual([]);
    const status = host.status();
    const bridgeVersion = /BRIDGE_VERSION = "([^"]+)"/.exec(readFileSync(join(packageRoot(), 'native/samna-bridge/samna_bridge/__init__.py'), 'utf8'))![1];
    const fakeVersion = /__version__ = "([^"]+)"/.exec(readFileSync(join(packageRoot(), 'test/fake-samna/samna/__init__.py'), 'utf8'))![1];
    const python = execFileSync('python3', ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3]); print(sys.executable)'], { encoding: 'utf8' }).trim().split('\n');
    expect(status.status).toBe('ok');
    expect(status.hello).toEqual({ bridge: bridgeVersion, protocol: 1, samna: fakeVersion, python: python[0], executable: python[1] });
    expect(status.message).toBe(`samna ${fakeVersion} in ${python[1]} (Python ${python[0]}), bridge ${bridgeVersion}.`);
  });
});

describe('shutdown', () => {
  it('stop() ends the bridge cleanly: exit code 0, before the grace time runs out', async () => {
    const f = setup([speck2f('SN-0001', 2, 9)]);
    const bridge = f.host().newBridge();
    await bridge.start();
    await bridge.request('list');
    const ended = new Promise<string>((resolve) => bridge.onExit((e) => resolve(e.detail)));
    // A long grace: a bridge that does not end by itself would be killed only after 20 s (and the test time out).
    await bridge.stop(20_000);
    expect(await ended).toBe('exit 0');
  }, 10_000);
});

describe('discovery through the device manager', () => {
  it('one board: listed as speck2fdevkit:0 with its serial number and USB place, next to the virtual devkits', async () => {
    const m = await startManager(setup([speck2f('SN-0001', 2, 9)]));
    expect(real(m)).toEqual([{ id: 'speck2fdevkit:0', serial: 'SN-0001', status: 'available', at: '2-9' }]);
    expect(m.list().some((d) => d.id === 'sim-speck2fdevkit:0' && d.status === 'available')).toBe(true);
    expect(m.boardStatus()?.status).toBe('ok');
  });

  it('two boards of one type, listed by samna out of address order and apart: numbered by USB address within the type', async () => {
    // samna lists the address-9 board first and a Speck2e in between (sinabs' groupby would lose one of the two 2f boards).
    const m = await startManager(setup([speck2f('SN-HIGH', 1, 9), { device_type_name: 'Speck2eDevKit', serial_number: 'SN-E', usb_bus_number: 1, usb_device_address: 3 }, speck2f('SN-LOW', 1, 4)]));
    expect(real(m)).toEqual([
      { id: 'speck2edevkit:0', serial: 'SN-E', status: 'available', at: '1-3' },
      { id: 'speck2fdevkit:0', serial: 'SN-LOW', status: 'available', at: '1-4' },
      { id: 'speck2fdevkit:1', serial: 'SN-HIGH', status: 'available', at: '1-9' },
    ]);
  });

  it('a type samna knows but the workbench cannot deploy to is listed as unsupported, an unknown type not at all', async () => {
    const m = await startManager(
      setup([
        { device_type_name: 'Davis 346', serial_number: 'CAM', usb_bus_number: 1, usb_device_address: 2 },
        { device_type_name: 'SomethingNew', serial_number: 'X', usb_bus_number: 1, usb_device_address: 3 },
      ]),
    );
    expect(real(m)).toEqual([{ id: 'davis346:0', serial: 'CAM', status: 'unsupported', at: '1-2' }]);
  });
});

describe('from the command line', () => {
  it('dcnn devices --json (a child process whose bridge finds the fake through PYTHONPATH) lists the board with its serial and the samna status', async () => {
    const f = setup([speck2f('SN-CLI', 4, 2)]);
    const r = await runDcnn(['devices', '--json'], { cwd: f.dir, env: { ...f.env(), DCNN_DATA_DIR: join(f.dir, 'data') } });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { samna: { status: string; samnaVersion: string }; devices: Array<{ id: string; serial?: string; virtual: boolean }> };
    expect(out.samna).toMatchObject({ status: 'ok', samnaVersion: '0.0.0+fake' });
    expect(out.devices.filter((d) => !d.virtual)).toEqual([expect.objectContaining({ id: 'speck2fdevkit:0', serial: 'SN-CLI', status: 'available' })]);
  });
});

describe('hot plug', () => {
  it('the fake list changes and Refresh: boards appear and disappear through attach/detach; a board that stays keeps its name', async () => {
    const f = setup([speck2f('SN-A', 1, 4), speck2f('SN-B', 1, 9)]);
    const m = await startManager(f);
    expect(real(m).map((d) => d.id + '=' + d.serial)).toEqual(['speck2fdevkit:0=SN-A', 'speck2fdevkit:1=SN-B']);

    // SN-A unplugged: SN-B stays speck2fdevkit:1 (stable while plugged in).
    f.setBoards([speck2f('SN-B', 1, 9)]);
    const gone = nextEvent(m, 'detach');
    await m.refresh();
    expect(await gone).toMatchObject({ id: 'speck2fdevkit:0', serial: 'SN-A', status: 'disconnected' });
    expect(real(m).map((d) => d.id + '=' + d.serial)).toEqual(['speck2fdevkit:1=SN-B']);

    // A new board takes the smallest free index, whatever its address.
    f.setBoards([speck2f('SN-B', 1, 9), speck2f('SN-C', 1, 12)]);
    const came = nextEvent(m, 'attach');
    await m.refresh();
    expect(await came).toMatchObject({ id: 'speck2fdevkit:0', serial: 'SN-C', status: 'available', usb: { bus: 1, address: 12 } });
    expect(real(m).map((d) => d.id + '=' + d.serial)).toEqual(['speck2fdevkit:0=SN-C', 'speck2fdevkit:1=SN-B']);
  });

  it('a USB attach makes the manager ask samna again (a board whose USB ids only samna recognises); a USB detach removes it', async () => {
    const f = setup([]);
    const usb = new FakeUsb();
    const m = await startManager(f, usb);
    expect(real(m)).toEqual([]);

    f.setBoards([speck2f('SN-HOT', 3, 17)]);
    const came = nextEvent(m, 'attach');
    usb.plug(board(3, 17, 0x1234, 0xabcd));
    expect(await came).toMatchObject({ id: 'speck2fdevkit:0', serial: 'SN-HOT', usb: { bus: 3, address: 17, vendorId: 0x1234, productId: 0xabcd } });

    f.setBoards([]);
    const gone = nextEvent(m, 'detach');
    usb.unplug(3, 17);
    expect(await gone).toMatchObject({ id: 'speck2fdevkit:0', serial: 'SN-HOT' });
    expect(real(m)).toEqual([]);
  });
});
