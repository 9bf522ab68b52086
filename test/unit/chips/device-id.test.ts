import { describe, expect, it } from 'vitest';
import { DeviceIdSyntaxError, formatDeviceId, parseDeviceId, standardizeDeviceId } from '../../../main/chips/device-id.js';

describe('TC-49 parse_device_id / standardize_device_id (devices.md §1)', () => {
  it('a bare type means index 0', () => {
    expect(parseDeviceId('speck')).toEqual({ type: 'speck', index: 0, virtual: false });
    expect(parseDeviceId('speck:0')).toEqual(parseDeviceId('speck'));
  });

  it('standardizes to type:index', () => {
    expect(standardizeDeviceId('speck2f')).toBe('speck2f:0');
    expect(standardizeDeviceId('speck2f:00')).toBe('speck2f:0');
    expect(standardizeDeviceId('speck2f:1')).toBe('speck2f:1');
  });

  it('more than one colon is not understood, with the reference message', () => {
    expect(() => parseDeviceId('a:b:c')).toThrow('Device id not understood. A string of form `device_type:index` expected.');
    try {
      parseDeviceId('a:b:c');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DeviceIdSyntaxError);
      expect((e as DeviceIdSyntaxError).problem).toBe('too-many-parts');
      expect((e as Error).message).toBe('Device id not understood. A string of form `device_type:index` expected.');
    }
  });

  it('an empty or non-numeric index is an error', () => {
    expect(() => parseDeviceId('speck2f:')).toThrow(DeviceIdSyntaxError);
    expect(() => parseDeviceId('speck2f:x')).toThrow(DeviceIdSyntaxError);
    expect(() => parseDeviceId('speck2f:x')).toThrow(/index .* must be a whole number/);
  });
});

describe('deviations from Python int() and the reference, on purpose', () => {
  it('trims whitespace around the id and around each part', () => {
    expect(standardizeDeviceId('  speck2fdevkit  ')).toBe('speck2fdevkit:0');
    expect(standardizeDeviceId('speck2fdevkit : 1 ')).toBe('speck2fdevkit:1');
  });

  it('case-folds the type', () => {
    expect(standardizeDeviceId('Speck2fDevKit:1')).toBe('speck2fdevkit:1');
  });

  it('accepts only decimal digits as index: no sign, no underscores, no inner spaces, no hex', () => {
    for (const bad of ['speck2f:+1', 'speck2f:-1', 'speck2f:1_0', 'speck2f:1 0', 'speck2f:0x1', 'speck2f:1.0']) {
      expect(() => parseDeviceId(bad), bad).toThrow(DeviceIdSyntaxError);
    }
  });

  it('rejects a missing type', () => {
    expect(() => parseDeviceId(':1')).toThrow(/no device type/);
    expect(() => parseDeviceId('   ')).toThrow(DeviceIdSyntaxError);
    expect(() => parseDeviceId('sim-:0')).toThrow(DeviceIdSyntaxError);
  });

  it('does not validate the type (that is the registry\'s job)', () => {
    expect(parseDeviceId('cpu')).toEqual({ type: 'cpu', index: 0, virtual: false });
  });
});

describe('virtual devkit ids (sim- prefix)', () => {
  it('sim-TYPE means sim-TYPE:0', () => {
    expect(parseDeviceId('sim-speck2fdevkit')).toEqual({ type: 'speck2fdevkit', index: 0, virtual: true });
    expect(standardizeDeviceId('sim-speck2fdevkit')).toBe('sim-speck2fdevkit:0');
  });

  it('the prefix is case-folded and trimmed like the rest', () => {
    expect(standardizeDeviceId(' SIM-Speck2eDevKit:02 ')).toBe('sim-speck2edevkit:2');
  });

  it('formats back', () => {
    expect(formatDeviceId({ type: 'dynapcnndevkit', index: 3, virtual: true })).toBe('sim-dynapcnndevkit:3');
    expect(formatDeviceId({ type: 'dynapcnndevkit', index: 3, virtual: false })).toBe('dynapcnndevkit:3');
  });
});
