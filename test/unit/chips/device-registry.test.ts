import { describe, expect, it } from 'vitest';
import { BUILT_IN_USB_IDS, DeviceRegistry, udevRuleFor, type UsbIdEntry } from '../../../main/chips/device-registry.js';
import { deviceType, deviceTypes, supportedDevices } from '../../../main/chips/device-types.js';
import { CHIP_FAMILIES } from '../../../main/chips/families.js';

// Made-up ids for tests only (no real board has been looked up).
const TEST_IDS: UsbIdEntry[] = [
  { type: 'speck2fdevkit', vendorId: 0xaaaa, productId: 0x0001, source: 'user-file', note: 'bench 3' },
  { type: 'speck2edevkit', vendorId: 0xaaaa, productId: 0x0002, source: 'user-file' },
];

describe('device types (devices.md §2)', () => {
  it('holds the seed list, the later io-table types and the two config-only minis', () => {
    const seed = ['speck', 'dynapse2', 'dynapse2_stack', 'speck2devkit', 'dynapse1devkit', 'davis346', 'davis240', 'dvxplorer', 'pollendevkit', 'dynapcnndevkit'];
    const later = ['speck2b', 'speck2btiny', 'speck2e', 'speck2edevkit', 'speck2fcharacter', 'speck2fmodule', 'speck2fdevkit'];
    const configOnly = ['speck2cmini', 'speck2dmini'];
    expect(deviceTypes().map((t) => t.key).sort()).toEqual([...seed, ...later, ...configOnly].sort());
  });

  it('uses samna device_type_name as the vendor name (devices.md §2 table)', () => {
    const samna: Record<string, string> = {
      speck: 'speck',
      dynapse2: 'DYNAP-SE2 DevBoard',
      dynapse2_stack: 'DYNAP-SE2 Stack',
      speck2devkit: 'Speck2DevKit',
      dynapse1devkit: 'Dynapse1DevKit',
      davis346: 'Davis 346',
      davis240: 'Davis 240',
      dvxplorer: 'DVXplorer',
      pollendevkit: 'PollenDevKit',
      dynapcnndevkit: 'DynapcnnDevKit',
      speck2b: 'Speck2bTestboard',
      speck2btiny: 'Speck2bDevKitTiny',
      speck2e: 'Speck2eTestBoard',
      speck2edevkit: 'Speck2eDevKit',
      speck2fcharacter: 'Speck2fCharacterizationBoard',
      speck2fmodule: 'Speck2fModuleDevKit',
      speck2fdevkit: 'Speck2fDevKit',
    };
    for (const [key, name] of Object.entries(samna)) expect(deviceType(key)?.samnaName, key).toBe(name);
    expect(deviceType('speck2cmini')?.samnaName).toBeNull();
    expect(deviceType('speck2dmini')?.samnaName).toBeNull();
  });

  it('supportedDevices() is the reference v2.0.0-v2.0.3 supported_devices list (devices.md §3)', () => {
    expect(supportedDevices().sort()).toEqual(
      ['dynapcnndevkit', 'speck2b', 'speck2btiny', 'speck2cmini', 'speck2dmini', 'speck2e', 'speck2edevkit', 'speck2fmodule', 'speck2fdevkit'].sort(),
    );
  });

  it('maps each type to its chip family (chip.md §2)', () => {
    const family: Record<string, string | null> = {
      dynapcnndevkit: 'dynapcnn',
      speck: 'speck2',
      speck2devkit: 'speck2',
      speck2b: 'speck2b',
      speck2btiny: 'speck2b',
      speck2cmini: 'speck2cmini',
      speck2dmini: 'speck2dmini',
      speck2e: 'speck2e',
      speck2edevkit: 'speck2e',
      speck2fcharacter: 'speck2f',
      speck2fmodule: 'speck2f',
      speck2fdevkit: 'speck2f',
      dynapse2: null,
      dynapse2_stack: null,
      dynapse1devkit: null,
      davis346: null,
      davis240: null,
      dvxplorer: null,
      pollendevkit: null,
    };
    for (const t of deviceTypes()) expect(t.family, t.key).toBe(family[t.key]);
    for (const t of deviceTypes()) if (t.family) expect(CHIP_FAMILIES[t.family]).toBeDefined();
  });

  it('every deployable type has a family; every other type says why in one line', () => {
    for (const t of deviceTypes()) {
      if (t.deployable) {
        expect(t.family, t.key).not.toBeNull();
        expect(t.reason, t.key).toBeUndefined();
      } else {
        expect(t.reason, t.key).toMatch(/\S/);
        expect(t.reason, t.key).not.toContain('\n');
      }
    }
  });

  it('kinds: the three iniVation sensors are event cameras, the rest processors', () => {
    const cameras = deviceTypes().filter((t) => t.kind === 'event-camera').map((t) => t.key);
    expect(cameras.sort()).toEqual(['davis240', 'davis346', 'dvxplorer']);
  });

  it('flags the speck2btiny 9-vs-5-core uncertainty (chip.md §2 note)', () => {
    expect(deviceType('speck2btiny')?.notes.join(' ')).toMatch(/9 cores.*5/);
  });
});

describe('USB id table', () => {
  it('the built-in table is empty: no SynSense ids in our sources', () => {
    expect(BUILT_IN_USB_IDS).toEqual([]);
    const r = new DeviceRegistry();
    expect(r.usbIds()).toEqual([]);
    expect(r.matchUsb(0xaaaa, 0x0001)).toBeUndefined();
    expect(r.status.status).toBe('ok');
  });

  it('user ids recognise boards', () => {
    const r = new DeviceRegistry({ userIds: TEST_IDS, userFile: '/data/usb-ids.json' });
    expect(r.matchUsb(0xaaaa, 0x0001)?.key).toBe('speck2fdevkit');
    expect(r.matchUsb(0xaaaa, 0x0002)?.key).toBe('speck2edevkit');
    expect(r.matchUsb(0xaaaa, 0x0003)).toBeUndefined();
    expect(r.usbIdsFor('speck2fdevkit')).toHaveLength(1);
    expect(r.status).toMatchObject({ status: 'ok', file: '/data/usb-ids.json' });
    expect(r.status.message).toContain('2 USB ids');
  });

  it('a user file with problems is ignored and reported, the built-in table stays', () => {
    const r = new DeviceRegistry({ userIds: TEST_IDS, userFile: '/data/usb-ids.json', userFileProblems: [{ line: 4, column: 18, message: 'bad id' }] });
    expect(r.matchUsb(0xaaaa, 0x0001)).toBeUndefined();
    expect(r.status.status).toBe('invalid-user-file');
    expect(r.status.message).toContain('line 4, column 18: bad id');
    expect(r.status.message).toContain('/data/usb-ids.json');
  });

  it('supported() and types() agree with the type table', () => {
    const r = new DeviceRegistry();
    expect(r.supported().map((t) => t.key)).toEqual(supportedDevices());
    expect(r.types()).toHaveLength(19);
  });
});

describe('udevRuleFor', () => {
  it('writes one rule per known id, lowercase 4-digit hex, MODE 0666', () => {
    const text = udevRuleFor(new DeviceRegistry({ userIds: TEST_IDS }));
    const rules = text.split('\n').filter((l) => l.startsWith('SUBSYSTEM'));
    expect(rules).toEqual([
      'SUBSYSTEM=="usb", ATTR{idVendor}=="aaaa", ATTR{idProduct}=="0001", MODE="0666"',
      'SUBSYSTEM=="usb", ATTR{idVendor}=="aaaa", ATTR{idProduct}=="0002", MODE="0666"',
    ]);
    expect(text).toContain('# speck2fdevkit (Speck2fDevKit): bench 3');
    expect(text).toContain('sudo udevadm control --reload-rules && sudo udevadm trigger');
  });

  it('without ids it says how to get them instead of writing no rule silently', () => {
    const text = udevRuleFor(new DeviceRegistry());
    expect(text.split('\n').filter((l) => l.startsWith('SUBSYSTEM'))).toEqual([]);
    expect(text).toContain('usb-ids.json');
  });
});
