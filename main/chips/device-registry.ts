// The device-type registry: the table of device types (device-types.ts) joined with the
// USB ids that recognise them. SynSense's vendor/product ids are not public in our
// sources, so the built-in id table is empty for their boards and a lab adds the ids it
// reads with `lsusb` in a user file (parsed and validated in main/devices/usb-id-file.ts,
// which hands the entries here). This module reads no files and talks to no USB stack.

import { deviceType, deviceTypes, type DeviceType } from './device-types.js';

export interface UsbId {
  vendorId: number;
  productId: number;
}

export interface UsbIdEntry extends UsbId {
  /** Device type key. */
  type: string;
  source: 'built-in' | 'user-file';
  note?: string;
  /** 1-based line in the user file, for messages. */
  line?: number;
}

/**
 * Built-in USB ids. Deliberately empty: no USB vendor/product id of a SynSense board (or
 * of the iniVation cameras of the io table) appears in the sources this workbench is
 * built from, and a guessed id would mislabel someone else's device. Labs add theirs in
 * usb-ids.json (see README, "USB ids of your boards").
 */
export const BUILT_IN_USB_IDS: readonly UsbIdEntry[] = [];

export interface UsbIdFileProblem {
  message: string;
  line: number;
  column: number;
}

export interface RegistryStatus {
  /** `ok`: built-in table plus a valid user file (or no user file); `invalid-user-file`: the file was ignored. */
  status: 'ok' | 'invalid-user-file';
  /** Path of the user file when one was found. */
  file: string | null;
  message: string;
  problems: readonly UsbIdFileProblem[];
}

export interface DeviceRegistryOptions {
  /** Entries from a valid user file. */
  userIds?: readonly UsbIdEntry[];
  /** The user file's path (whether valid or not). */
  userFile?: string | null;
  /** Problems found in the user file; when non-empty the file's entries are not used. */
  userFileProblems?: readonly UsbIdFileProblem[];
}

export function hex4(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

function idKey(vendorId: number, productId: number): number {
  return vendorId * 0x10000 + productId;
}

export class DeviceRegistry {
  readonly status: RegistryStatus;
  private readonly ids: readonly UsbIdEntry[];
  private readonly byUsbId: ReadonlyMap<number, UsbIdEntry>;

  constructor(options: DeviceRegistryOptions = {}) {
    const problems = options.userFileProblems ?? [];
    const file = options.userFile ?? null;
    const user = problems.length === 0 ? (options.userIds ?? []) : [];
    // A user entry wins over a built-in one for the same ids: the lab has the board in hand.
    const byUsbId = new Map<number, UsbIdEntry>();
    for (const e of [...BUILT_IN_USB_IDS, ...user]) byUsbId.set(idKey(e.vendorId, e.productId), e);
    this.byUsbId = byUsbId;
    this.ids = [...byUsbId.values()];
    this.status = registryStatus(file, problems, user.length);
  }

  /** Every recognised type (deployable or not), in table order. */
  types(): readonly DeviceType[] {
    return deviceTypes();
  }

  /** Deployable types only. */
  supported(): readonly DeviceType[] {
    return deviceTypes().filter((t) => t.deployable);
  }

  get(key: string): DeviceType | undefined {
    return deviceType(key);
  }

  usbIds(): readonly UsbIdEntry[] {
    return this.ids;
  }

  usbIdsFor(type: string): readonly UsbIdEntry[] {
    return this.ids.filter((e) => e.type === type);
  }

  /** The type a USB device with these ids is, or undefined for devices that are not boards we know. */
  matchUsb(vendorId: number, productId: number): DeviceType | undefined {
    const entry = this.byUsbId.get(idKey(vendorId, productId));
    return entry ? deviceType(entry.type) : undefined;
  }
}

function registryStatus(file: string | null, problems: readonly UsbIdFileProblem[], userCount: number): RegistryStatus {
  if (problems.length > 0) {
    const first = problems[0] as UsbIdFileProblem;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    return {
      status: 'invalid-user-file',
      file,
      message: `${file ?? 'usb-ids.json'} was ignored: line ${first.line}, column ${first.column}: ${first.message}${more}. Only the built-in USB id table is used until the file is fixed.`,
      problems,
    };
  }
  if (file === null) {
    return { status: 'ok', file, message: 'No usb-ids.json: only the built-in USB id table is used.', problems };
  }
  return { status: 'ok', file, message: `${file}: ${userCount} USB id${userCount === 1 ? '' : 's'} added to the built-in table.`, problems };
}

export const UDEV_RULES_FILE = '99-dynapcnn-workbench.rules';

/**
 * Text of a udev rules file that gives the logged-in user access to every board the
 * registry knows (built-in and user file). MODE 0666 rather than TAG+="uaccess":
 * uaccess only takes effect in rules files numbered below 73, and this one is 99.
 */
export function udevRuleFor(registry: DeviceRegistry): string {
  const lines = [
    `# ${UDEV_RULES_FILE}: USB access for the DYNAP-CNN workbench (generated from its USB id table).`,
    '# Install:',
    `#   sudo cp ${UDEV_RULES_FILE} /etc/udev/rules.d/`,
    '#   sudo udevadm control --reload-rules && sudo udevadm trigger',
    '# then unplug and replug the board.',
  ];
  const ids = registry.usbIds();
  if (ids.length === 0) {
    lines.push('# No USB ids are known yet: add your boards to usb-ids.json (see README) and generate this file again.');
  }
  for (const e of ids) {
    const t = deviceType(e.type);
    lines.push(`# ${e.type}${t ? ` (${t.name})` : ''}${e.note ? `: ${e.note.replace(/\s+/g, ' ')}` : ''}`);
    lines.push(
      `SUBSYSTEM=="usb", ATTR{idVendor}=="${hex4(e.vendorId).slice(2)}", ATTR{idProduct}=="${hex4(e.productId).slice(2)}", MODE="0666"`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export { deviceTypes, supportedDevices } from './device-types.js';
