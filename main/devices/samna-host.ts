// samna for one workbench session: which Python to use, whether it has samna (the
// status the devices panel and `dcnn devices` show, with the interpreter tried and the
// fix), samna's device list (for the device manager's discovery), and the factory of
// SamnaDrivers for real boards. Listing uses a long-lived bridge of its own; each opened
// board gets a fresh bridge (samna-driver.ts). It does not number or track devices.

import type { DeviceType } from '../chips/device-types.js';
import { describeCandidate, type PythonCandidate } from './python-locator.js';
import { BridgeRequestError, BridgeUnavailableError, SamnaBridge, type BridgeHello, type SamnaBridgeOptions } from './samna-bridge-process.js';
import { DEFAULT_SAMNA_TIMINGS, SamnaDriver, type SamnaTimings } from './samna-driver.js';
import type { RealDeviceHandle, RealDriverFactory } from './vendor-board-driver.js';
import type { ManagedDeviceDriver } from './driver.js';

/** A board as samna lists it (samna.md §2: DeviceInfo). */
export interface DiscoveredBoard {
  /** samna `device_type_name`, e.g. "Speck2fDevKit". */
  typeName: string;
  serial: string;
  bus: number;
  address: number;
  logicVersion: number;
}

/** A source of boards besides USB ids (the device manager merges it with USB). */
export interface BoardDiscovery {
  list(): Promise<DiscoveredBoard[]>;
  status(): SamnaStatus;
}

export interface SamnaStatus {
  status: 'ok' | 'samna-missing' | 'python-missing' | 'bridge-failed' | 'error' | 'not-checked';
  message: string;
  fix: string | null;
  /** What the handshake said, when it succeeded. */
  hello?: BridgeHello;
}

export interface SamnaHostOptions {
  python: readonly PythonCandidate[];
  bridgeDir?: string;
  env?: NodeJS.ProcessEnv;
  helloTimeoutMs?: number;
  requestTimeoutMs?: number;
  timings?: Partial<SamnaTimings>;
  log?: (message: string) => void;
}

export class SamnaHost implements BoardDiscovery, RealDriverFactory {
  private lister: SamnaBridge | null = null;
  private current: SamnaStatus;
  private readonly timings: SamnaTimings;

  constructor(private readonly options: SamnaHostOptions) {
    this.timings = { ...DEFAULT_SAMNA_TIMINGS, ...options.timings };
    this.current = { status: 'not-checked', message: `samna not checked yet (Python: ${options.python.map(describeCandidate).join(', then ')}).`, fix: null };
  }

  status(): SamnaStatus {
    return { ...this.current };
  }

  /** samna's device list; [] (and the status says why) when Python or samna is missing. */
  async list(): Promise<DiscoveredBoard[]> {
    const bridge = (this.lister ??= this.newBridge());
    let hello: BridgeHello;
    try {
      hello = await bridge.start();
    } catch (e) {
      this.current = e instanceof BridgeUnavailableError ? { status: e.kind, message: e.message.replace(` ${e.fix}`, ''), fix: e.fix } : { status: 'error', message: (e as Error).message, fix: null };
      return [];
    }
    try {
      const r = await bridge.request('list');
      const rows = Array.isArray(r.devices) ? (r.devices as Array<Record<string, unknown>>) : [];
      this.current = { status: 'ok', message: okMessage(hello), fix: null, hello };
      return rows.map((d) => ({
        typeName: String(d.typeName ?? ''),
        serial: String(d.serial ?? ''),
        bus: Number(d.bus ?? 0),
        address: Number(d.address ?? 0),
        logicVersion: Number(d.logicVersion ?? 0),
      }));
    } catch (e) {
      const text = e instanceof BridgeRequestError ? `samna could not list devices: ${e.message}` : (e as Error).message;
      this.current = { status: 'error', message: text, fix: 'Replug the boards and refresh; if it persists, restart the workbench.', hello };
      return [];
    }
  }

  canOpen(type: DeviceType): boolean {
    return (this.current.status === 'ok' || this.current.status === 'not-checked') && type.deployable && type.family !== null;
  }

  /** Why a deployable board cannot be opened (the devices list shows it). */
  reason(type: DeviceType): string | undefined {
    if (this.canOpen(type)) return undefined;
    if (!type.deployable) return type.reason ?? 'not deployable';
    return `${this.current.message}${this.current.fix ? ` ${this.current.fix}` : ''}`;
  }

  create(device: RealDeviceHandle): ManagedDeviceDriver {
    return new SamnaDriver({ id: device.id, type: device.type, usb: { bus: device.usb.bus, address: device.usb.address } }, () => this.newBridge(), this.timings);
  }

  newBridge(): SamnaBridge {
    const o: SamnaBridgeOptions = { python: this.options.python };
    if (this.options.bridgeDir !== undefined) o.bridgeDir = this.options.bridgeDir;
    if (this.options.env !== undefined) o.env = this.options.env;
    if (this.options.helloTimeoutMs !== undefined) o.helloTimeoutMs = this.options.helloTimeoutMs;
    if (this.options.requestTimeoutMs !== undefined) o.requestTimeoutMs = this.options.requestTimeoutMs;
    if (this.options.log !== undefined) o.log = this.options.log;
    return new SamnaBridge(o);
  }

  async dispose(): Promise<void> {
    const bridge = this.lister;
    this.lister = null;
    await bridge?.stop(1000);
  }
}

function okMessage(h: BridgeHello): string {
  return `samna ${h.samna} in ${h.executable} (Python ${h.python}), bridge ${h.bridge}.`;
}
