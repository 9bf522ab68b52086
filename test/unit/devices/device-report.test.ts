import { describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../../../main/chips/device-registry.js';
import type { DeviceInfo } from '../../../main/devices/device-manager.js';
import { devicesJson, formatDeviceEvent, formatDeviceTable, formatTypeTable, typeRows, typesJson } from '../../../main/devices/device-report.js';
import type { UsbStatus } from '../../../main/devices/usb-backend.js';

const devices: DeviceInfo[] = [
  {
    id: 'speck2fdevkit:0',
    type: 'speck2fdevkit',
    virtual: false,
    deployable: true,
    status: 'unsupported',
    reason: 'Needs the vendor protocol.',
    usb: { bus: 1, address: 4, vendorId: 0xaaaa, productId: 1 },
  },
  { id: 'sim-speck2fdevkit:0', type: 'speck2fdevkit', virtual: true, deployable: true, status: 'busy', busyBy: { runId: 'r1', since: '2024-05-01T10:00:00.000Z' } },
  { id: 'sim-speck2edevkit:0', type: 'speck2edevkit', virtual: true, deployable: true, status: 'available' },
];
const usb: UsbStatus = { status: 'no-devices', message: 'USB works, but the system lists no USB devices at all.', fix: 'Plug the board in.' };

describe('dcnn devices --json', () => {
  it('has the CLI contract fields', () => {
    const json = devicesJson(devices, usb);
    expect(json.devices[2]).toEqual({ id: 'sim-speck2edevkit:0', type: 'speck2edevkit', virtual: true, deployable: true, status: 'available' });
    expect(json.devices[0]).toMatchObject({ id: 'speck2fdevkit:0', usb: { bus: 1, address: 4, vendorId: '0xaaaa', productId: '0x0001' } });
    expect(json.devices[1]?.busyBy).toEqual({ runId: 'r1', since: '2024-05-01T10:00:00.000Z' });
    expect(json.usb).toEqual({ status: 'no-devices', message: 'USB works, but the system lists no USB devices at all.', fix: 'Plug the board in.' });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('dcnn devices (text)', () => {
  it('prints a table, the unsupported reasons, and the USB status with its fix', () => {
    expect(formatDeviceTable(devices, usb)).toBe(
      [
        'ID                   TYPE           VIRTUAL  DEPLOYABLE  STATUS',
        'speck2fdevkit:0      speck2fdevkit  no       yes         unsupported',
        'sim-speck2fdevkit:0  speck2fdevkit  yes      yes         busy (run r1)',
        'sim-speck2edevkit:0  speck2edevkit  yes      yes         available',
        '',
        'Unsupported:',
        '  speck2fdevkit:0: Needs the vendor protocol.',
        '',
        'USB: no-devices - USB works, but the system lists no USB devices at all.',
        'Fix: Plug the board in.',
        '',
      ].join('\n'),
    );
  });

  it('mentions a rejected usb-ids.json', () => {
    const registry = new DeviceRegistry({ userFile: '/d/usb-ids.json', userFileProblems: [{ line: 2, column: 5, message: 'bad' }] });
    expect(formatDeviceTable([], { status: 'ok', message: 'fine', fix: null }, registry.status)).toBe(
      'No devices.\n\nUSB: ok - fine\nUSB ids: /d/usb-ids.json was ignored: line 2, column 5: bad. Only the built-in USB id table is used until the file is fixed.\n',
    );
  });
});

describe('dcnn devices --types', () => {
  const registry = new DeviceRegistry({ userIds: [{ type: 'speck2fdevkit', vendorId: 0xaaaa, productId: 1, source: 'user-file', note: 'bench 3' }] });

  it('--json has key, name, kind, family, deployable, usb for every type', () => {
    const json = typesJson(registry);
    expect(json.types).toHaveLength(19);
    expect(json.types.find((t) => t.key === 'speck2fdevkit')).toMatchObject({
      key: 'speck2fdevkit',
      name: 'Speck2fDevKit',
      kind: 'neuromorphic-processor',
      family: 'speck2f',
      deployable: true,
      usb: { ids: [{ vendorId: '0xaaaa', productId: '0x0001', source: 'user-file', note: 'bench 3' }] },
    });
    expect(json.types.find((t) => t.key === 'davis346')).toMatchObject({ kind: 'event-camera', family: null, deployable: false, usb: { ids: [] } });
  });

  it('text: one row per type, then reasons and notes', () => {
    const text = formatTypeTable(typeRows(registry));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^KEY\s+NAME\s+KIND\s+FAMILY\s+DEPLOYABLE\s+USB IDS$/);
    expect(lines.find((l) => l.startsWith('speck2fdevkit '))).toMatch(/^speck2fdevkit\s+Speck2fDevKit\s+neuromorphic-processor\s+speck2f\s+yes\s+aaaa:0001$/);
    expect(lines.find((l) => l.startsWith('dvxplorer '))).toMatch(/^dvxplorer\s+DVXplorer\s+event-camera\s+-\s+no\s+-$/);
    expect(text).toContain('Not deployable:\n  speck: Early Speck');
    expect(text).toContain('Notes:\n  speck2btiny: Treated as 9 cores');
  });

  it('says where ids come from when none are known', () => {
    expect(formatTypeTable(typeRows(new DeviceRegistry()))).toContain('No USB ids known');
  });
});

describe('dcnn devices --watch', () => {
  const at = new Date('2024-05-01T10:00:07Z');
  it('one line per event', () => {
    expect(formatDeviceEvent('attach', devices[0] as DeviceInfo, at)).toBe('10:00:07 attach  speck2fdevkit:0 (speck2fdevkit, bus 1, address 4, aaaa:0001)');
    expect(formatDeviceEvent('detach', { ...(devices[1] as DeviceInfo), status: 'disconnected' }, at)).toBe(
      "10:00:07 detach  sim-speck2fdevkit:0 (speck2fdevkit, virtual); run r1 held it and is told 'device-unplugged'",
    );
    expect(formatDeviceEvent('status', usb, at)).toBe('10:00:07 usb     no-devices: USB works, but the system lists no USB devices at all. Fix: Plug the board in.');
  });
});

describe('watchDeviceEvents', () => {
  it('prints add/remove of a virtual devkit as they happen, until unsubscribed', async () => {
    const { DeviceManager } = await import('../../../main/devices/device-manager.js');
    const { watchDeviceEvents } = await import('../../../main/devices/device-report.js');
    const manager = await DeviceManager.create({ usb: null, defaultVirtuals: false });
    const lines: string[] = [];
    const stop = watchDeviceEvents(manager, (l) => lines.push(l), () => new Date('2024-05-01T10:00:07Z'));
    const id = manager.addVirtual('speck2fdevkit');
    await manager.removeVirtual(id);
    stop();
    manager.addVirtual('speck2fdevkit');
    expect(lines).toEqual([
      '10:00:07 attach  sim-speck2fdevkit:0 (speck2fdevkit, virtual)',
      '10:00:07 detach  sim-speck2fdevkit:0 (speck2fdevkit, virtual)',
    ]);
    await manager.dispose();
  });
});
