// The USB seam: the part of the `usb` package (major 2) the device manager uses, a
// loader for the real package, and the translation of every USB failure into a status a
// person can act on (with the fix for their platform). The manager never lets a USB
// error escape; this module decides what such an error means. It opens no device.

import { accessSync, constants as fsConstants } from 'node:fs';
import { UDEV_RULES_FILE } from '../chips/device-registry.js';

/** What the manager reads of a USB device: the `usb` package's `Device` has these fields. */
export interface UsbDeviceLike {
  busNumber: number;
  deviceAddress: number;
  deviceDescriptor: { idVendor: number; idProduct: number; iSerialNumber?: number };
}

export type UsbHotplugEvent = 'attach' | 'detach';

/** The `usb` package's `usb` object has this shape (it is an EventEmitter with getDeviceList). */
export interface UsbBackend {
  getDeviceList(): UsbDeviceLike[];
  on(event: UsbHotplugEvent, listener: (device: UsbDeviceLike) => void): unknown;
  off(event: UsbHotplugEvent, listener: (device: UsbDeviceLike) => void): unknown;
  /** Present on the real package: lets the process exit while hot-plug listeners are attached. */
  unrefHotplugEvents?(): void;
  /** Non-zero when libusb failed to initialise (real package). */
  readonly INIT_ERROR?: number;
}

export type UsbStatusCode = 'ok' | 'no-devices' | 'permission-denied' | 'unavailable' | 'error';

export interface UsbStatus {
  status: UsbStatusCode;
  message: string;
  /** What to do about it; null when nothing needs doing. */
  fix: string | null;
}

export type Platform = NodeJS.Platform;

export const UDEV_INSTALL_COMMANDS = `sudo cp packaging/linux/${UDEV_RULES_FILE} /etc/udev/rules.d/ && sudo udevadm control --reload-rules && sudo udevadm trigger`;

export function permissionFix(platform: Platform): string {
  switch (platform) {
    case 'linux':
      return (
        `Give your user access to the board with the udev rule shipped in packaging/linux/${UDEV_RULES_FILE} ` +
        `(add your board's USB ids to it first, see the comments in the file): ${UDEV_INSTALL_COMMANDS} — then unplug and replug the board.`
      );
    case 'win32':
      return 'Install the WinUSB driver for the board with Zadig (https://zadig.akeo.ie): Options > List All Devices, select the board, choose WinUSB, Install Driver; then replug the board.';
    case 'darwin':
      return 'macOS needs no driver: replug the board, allow the accessory if macOS asks, and close other programs that hold it open.';
    default:
      return 'Make sure your user may open USB devices (device node permissions), then replug the board.';
  }
}

function unavailableFix(platform: Platform): string {
  const base = 'Virtual devkits keep working. To use real boards, ';
  switch (platform) {
    case 'linux':
      return `${base}make sure libusb can run here (a container or VM needs the USB bus passed through, e.g. --device /dev/bus/usb) and reinstall the app's dependencies if the native module is missing.`;
    case 'win32':
      return `${base}reinstall the app (the native USB module is missing or does not load) and install the WinUSB driver for the board with Zadig.`;
    default:
      return `${base}reinstall the app: the native USB module is missing or does not load.`;
  }
}

/** libusb's error names (the `usb` package puts them in the message) and numbers. */
const LIBUSB_ERROR_ACCESS = -3;

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * What a failure of the USB layer means for the user. `stage` says what was being done:
 * loading the native module, listing devices, or following hot-plug.
 */
export function usbFailureStatus(e: unknown, stage: 'load' | 'list' | 'hotplug', platform: Platform): UsbStatus {
  const text = errorText(e);
  const errno = typeof (e as { errno?: unknown })?.errno === 'number' ? (e as { errno: number }).errno : undefined;
  const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : undefined;
  if (errno === LIBUSB_ERROR_ACCESS || /LIBUSB_ERROR_ACCESS|permission denied|EACCES|EPERM/i.test(text) || code === 'EACCES' || code === 'EPERM') {
    return { status: 'permission-denied', message: `USB access denied (${text}).`, fix: permissionFix(platform) };
  }
  if (stage === 'load') {
    return { status: 'unavailable', message: `USB support is not available: the \`usb\` module did not load (${text}).`, fix: unavailableFix(platform) };
  }
  if (/LIBUSB_ERROR_NOT_SUPPORTED|LIBUSB_ERROR_NO_DEVICE|LIBUSB_ERROR_NOT_FOUND/.test(text) && stage === 'list') {
    return { status: 'unavailable', message: `USB is not usable here (${text}).`, fix: unavailableFix(platform) };
  }
  const what = stage === 'hotplug' ? 'Following USB plug/unplug failed' : 'Listing USB devices failed';
  const fix =
    stage === 'hotplug'
      ? 'Boards plugged in from now on may not appear by themselves: use Refresh (or restart the app) after plugging a board.'
      : 'Replug the board and press Refresh; if it persists, restart the app.';
  return { status: 'error', message: `${what} (${text}).`, fix };
}

export interface WorkingUsbFacts {
  /** USB devices the backend lists (boards or not). */
  usbDevices: number;
  /** Recognised boards, in list order. */
  boards: ReadonlyArray<{ id: string; bus: number; address: number }>;
  /** Boards whose device node the user may not open. */
  denied: ReadonlyArray<{ id: string; bus: number; address: number }>;
  hotplugFailure: UsbStatus | null;
  platform: Platform;
  /** Where the lab's usb-ids.json lives, for the hint. */
  usbIdFileHint: string;
}

/** The status when USB loaded and listed: permission problems first, then hot-plug trouble, then what is seen. */
export function workingUsbStatus(f: WorkingUsbFacts): UsbStatus {
  if (f.denied.length > 0) {
    const which = f.denied.map((b) => `${b.id} (bus ${b.bus}, address ${b.address})`).join(', ');
    return { status: 'permission-denied', message: `Your user may not open ${which}.`, fix: permissionFix(f.platform) };
  }
  if (f.hotplugFailure) return f.hotplugFailure;
  if (f.usbDevices === 0) {
    return {
      status: 'no-devices',
      message: 'USB works, but the system lists no USB devices at all.',
      fix: 'Plug the board in. In a container or virtual machine, pass the USB bus through (e.g. docker run --device /dev/bus/usb).',
    };
  }
  const seen = `${f.usbDevices} USB device${f.usbDevices === 1 ? '' : 's'} seen`;
  if (f.boards.length === 0) {
    return {
      status: 'ok',
      message: `${seen}, none of them a board the workbench knows.`,
      fix: `If a board is plugged in, add its USB ids (as \`lsusb\` shows them) to ${f.usbIdFileHint}: SynSense's ids are not built in.`,
    };
  }
  return { status: 'ok', message: `${seen}; board${f.boards.length === 1 ? '' : 's'}: ${f.boards.map((b) => b.id).join(', ')}.`, fix: null };
}

/** Loads the real `usb` package lazily, so a missing or broken native module is a status, not a crash. */
export async function loadRealUsbBackend(): Promise<UsbBackend> {
  const mod = (await import('usb')) as { usb?: UsbBackend; default?: { usb?: UsbBackend } };
  const usb = mod.usb ?? mod.default?.usb;
  if (!usb) throw new Error('the `usb` package has no `usb` export (expected version 2)');
  if (usb.INIT_ERROR) throw new Error(`libusb failed to initialise (code ${usb.INIT_ERROR})`);
  return usb;
}

/**
 * Linux only: whether the current user may open the board's device node. Listing needs
 * no permission but opening does, so this is how a missing udev rule shows up before a
 * run tries to open the board. Returns true where the check does not apply.
 */
export function linuxDeviceNodeWritable(bus: number, address: number): boolean {
  const node = `/dev/bus/usb/${String(bus).padStart(3, '0')}/${String(address).padStart(3, '0')}`;
  try {
    accessSync(node, fsConstants.R_OK | fsConstants.W_OK);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return !(code === 'EACCES' || code === 'EPERM');
  }
}
