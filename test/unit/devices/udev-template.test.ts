import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DeviceRegistry, UDEV_RULES_FILE, udevRuleFor } from '../../../main/chips/device-registry.js';
import { UDEV_INSTALL_COMMANDS } from '../../../main/devices/usb-backend.js';

const template = readFileSync(new URL(`../../../packaging/linux/${UDEV_RULES_FILE}`, import.meta.url), 'utf8');

describe('packaging/linux udev rule template', () => {
  it('ships no active rule (no public ids) and gives the same install commands as the status fix', () => {
    expect(template.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'))).toEqual([]);
    expect(template).toContain(UDEV_INSTALL_COMMANDS);
  });

  it('its example rule has the shape udevRuleFor writes', () => {
    const example = template.split('\n').find((l) => l.startsWith('# SUBSYSTEM'))?.slice(2);
    const generated = udevRuleFor(
      new DeviceRegistry({ userIds: [{ type: 'speck2fdevkit', vendorId: 0x1a2b, productId: 0x3c4d, source: 'user-file' }] }),
    )
      .split('\n')
      .find((l) => l.startsWith('SUBSYSTEM'));
    expect(example).toBe(generated);
  });
});
