// The device manager: which devices are there (real boards on USB or listed by samna,
// virtual devkits),
// what they are called (`TYPE:INDEX`, `sim-TYPE:INDEX`, stable while plugged in), who
// holds which one (one run per device), and what happens when one goes away. USB is
// reached only through the UsbBackend seam; every USB failure becomes a status (never
// an exception out of here). It does not compile, record or schedule runs.

import { DeviceRegistry } from '../chips/device-registry.js';
import { parseDeviceId, formatDeviceId, VIRTUAL_PREFIX } from '../chips/device-id.js';
import type { DeviceType } from '../chips/device-types.js';
import { DeviceNumbering } from './device-numbering.js';
import { DeviceBusyError, DeviceNotFoundError, DeviceTypeNotDeployableError, NotAVirtualDevkitError, type DeviceHold } from './device-errors.js';
import { DeviceLease } from './device-lease.js';
import { MAX_VIRTUAL_PER_TYPE, TooManyDevicesError } from './virtual-limit.js';
import type { DeviceDriver, ManagedDeviceDriver } from './driver.js';
import {
  linuxDeviceNodeWritable,
  loadRealUsbBackend,
  usbFailureStatus,
  workingUsbStatus,
  type Platform,
  type UsbBackend,
  type UsbDeviceLike,
  type UsbStatus,
} from './usb-backend.js';
import { vendorProtocolDrivers, type RealDriverFactory } from './vendor-board-driver.js';
import type { BoardDiscovery, DiscoveredBoard, SamnaStatus } from './samna-host.js';

export type DeviceStatus = 'available' | 'busy' | 'unsupported' | 'disconnected';

export interface DeviceInfo {
  id: string;
  type: string;
  virtual: boolean;
  /** The workbench can compile for and deploy to this type. */
  deployable: boolean;
  /** Why the device is `unsupported` (not deployable, or no driver can open it). */
  reason?: string;
  /**
   * `available`: can be opened; `busy`: a run holds it (see busyBy); `unsupported`: cannot
   * be opened (see reason); `disconnected`: gone (in `detach` events), or listed because
   * it was unplugged while a run still holds it (until that run lets go, so its name is
   * not handed to another board meanwhile).
   */
  status: DeviceStatus;
  busyBy?: DeviceHold;
  usb?: { bus: number; address: number; vendorId: number; productId: number };
  /** Serial number, when samna listed the board. */
  serial?: string;
}

export interface VirtualDeviceHandle {
  id: string;
  type: DeviceType;
  index: number;
}

export type VirtualDriverFactory = (device: VirtualDeviceHandle) => ManagedDeviceDriver;

export interface DeviceManagerEvents {
  /** A device appeared: USB attach, or a virtual devkit added. */
  attach: (device: DeviceInfo) => void;
  /** A device went away: USB detach, or a virtual devkit removed. Status `disconnected` if a run still held it. */
  detach: (device: DeviceInfo) => void;
  /** The USB status changed. */
  status: (status: UsbStatus) => void;
  /** Anything in `list()` changed (attach, detach, open, release). */
  change: (devices: DeviceInfo[]) => void;
}

export interface DeviceManagerOptions {
  registry?: DeviceRegistry;
  /** How to reach USB. Default: the `usb` package, loaded lazily. null: no USB in this session. */
  usb?: (() => Promise<UsbBackend>) | null;
  /** Follow plug/unplug (default true). Off: the list changes only on `refresh()`. */
  hotplug?: boolean;
  /** Add `sim-TYPE:0` for each deployable type at start (default true). */
  defaultVirtuals?: boolean;
  virtualDrivers?: VirtualDriverFactory;
  realDrivers?: RealDriverFactory;
  /**
   * Boards listed by the vendor's library (samna), merged with USB by bus/address: listed
   * at start and on refresh, and again after every USB attach/detach.
   */
  boards?: BoardDiscovery;
  /** For fix texts and the Linux permission check. Default: process.platform. */
  platform?: Platform;
  /** Whether the user may open a board's device node. Default: a /dev/bus/usb check on Linux with the real backend. */
  canOpenDeviceNode?: (bus: number, address: number) => boolean;
  /** Where a lab puts USB ids (shown in hints). */
  usbIdFileHint?: string;
  now?: () => Date;
  /** A listener of ours threw; default: console.error. The manager carries on. */
  onListenerError?: (error: unknown) => void;
}

interface Hold extends DeviceHold {
  driver: ManagedDeviceDriver;
  lease: DeviceLease;
  ready: Promise<DeviceDriver>;
}

interface Entry {
  id: string;
  type: DeviceType;
  index: number;
  virtual: boolean;
  /** Unique per attachment (numbering key). */
  slot: string;
  usb?: { bus: number; address: number; vendorId: number; productId: number };
  /** False once unplugged/removed while still held. */
  present: boolean;
  hold?: Hold;
  serial?: string;
  /** Known from the board discovery only (no USB id matched it): it goes away when the discovery stops listing it. */
  fromDiscovery?: boolean;
}

type Listeners = { [E in keyof DeviceManagerEvents]: Set<DeviceManagerEvents[E]> };

const NO_USB: UsbStatus = { status: 'unavailable', message: 'USB is not used in this session.', fix: null };

export class DeviceManager {
  private registry: DeviceRegistry;
  private readonly options: DeviceManagerOptions;
  private readonly platform: Platform;
  private readonly entries = new Map<string, Entry>();
  private readonly realNumbers = new DeviceNumbering();
  private readonly virtualNumbers = new DeviceNumbering();
  private readonly listeners: Listeners = { attach: new Set(), detach: new Set(), status: new Set(), change: new Set() };
  private slotSeq = 0;

  private backend: UsbBackend | null = null;
  private subscribed = false;
  /** Every USB device the backend lists (boards or not), by bus-address. */
  private usbSeen = new Set<string>();
  private loadFailure: UsbStatus | null = null;
  private listFailure: UsbStatus | null = null;
  private hotplugFailure: UsbStatus | null = null;
  private currentStatus: UsbStatus = { status: 'no-devices', message: 'USB not started yet.', fix: null };
  private started = false;
  private disposed = false;
  /** USB ids of every device seen, by bus-address (for boards only the discovery recognises). */
  private usbIds = new Map<string, { vendorId: number; productId: number }>();
  private discoveryChain: Promise<void> = Promise.resolve();

  private readonly onUsbAttach = (device: UsbDeviceLike): void => this.guardUsb(() => this.usbAttached(device));
  private readonly onUsbDetach = (device: UsbDeviceLike): void => this.guardUsb(() => this.usbDetached(device));

  constructor(options: DeviceManagerOptions = {}) {
    this.options = options;
    this.registry = options.registry ?? new DeviceRegistry();
    this.platform = options.platform ?? process.platform;
  }

  /** A started manager: virtual devkits added, USB enumerated and followed. */
  static async create(options: DeviceManagerOptions = {}): Promise<DeviceManager> {
    const manager = new DeviceManager(options);
    await manager.start();
    return manager;
  }

  /** Adds the default virtual devkits and starts USB (once; later calls do nothing). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.options.defaultVirtuals ?? true) {
      for (const t of this.registry.supported()) this.addVirtual(t.key);
    }
    if (this.options.usb === null) {
      this.setStatus(NO_USB);
    } else {
      await this.loadBackend();
      if (this.backend) {
        const list = this.listUsb();
        if (list) this.enumerate(list);
        this.subscribe();
      }
      this.updateStatus();
    }
    await this.discoverBoards();
  }

  // ---- queries ---------------------------------------------------------------------

  list(): DeviceInfo[] {
    const order = new Map(this.registry.types().map((t, n) => [t.key, n]));
    return [...this.entries.values()]
      .sort((a, b) => Number(a.virtual) - Number(b.virtual) || (order.get(a.type.key) ?? 0) - (order.get(b.type.key) ?? 0) || a.index - b.index)
      .map((e) => this.info(e));
  }

  usbStatus(): UsbStatus {
    return { ...this.currentStatus };
  }

  /** What the board discovery (samna) says about itself; null without one. */
  boardStatus(): SamnaStatus | null {
    return this.options.boards?.status() ?? null;
  }

  registryStatus(): DeviceRegistry['status'] {
    return this.registry.status;
  }

  deviceRegistry(): DeviceRegistry {
    return this.registry;
  }

  /** Parses, standardizes and looks up an id; throws DeviceIdSyntaxError or DeviceNotFoundError (listing what is there). */
  resolve(idText: string): DeviceInfo {
    return this.info(this.lookup(idText));
  }

  // ---- events ----------------------------------------------------------------------

  on<E extends keyof DeviceManagerEvents>(event: E, listener: DeviceManagerEvents[E]): () => void {
    (this.listeners[event] as Set<DeviceManagerEvents[E]>).add(listener);
    return () => this.off(event, listener);
  }

  off<E extends keyof DeviceManagerEvents>(event: E, listener: DeviceManagerEvents[E]): void {
    (this.listeners[event] as Set<DeviceManagerEvents[E]>).delete(listener);
  }

  private emit<E extends keyof DeviceManagerEvents>(event: E, ...args: Parameters<DeviceManagerEvents[E]>): void {
    for (const listener of [...this.listeners[event]]) {
      try {
        (listener as (...a: Parameters<DeviceManagerEvents[E]>) => void)(...args);
      } catch (e) {
        (this.options.onListenerError ?? ((err: unknown) => console.error('device manager listener failed:', err)))(e);
      }
    }
  }

  private changed(): void {
    if (this.listeners.change.size > 0) this.emit('change', this.list());
  }

  // ---- virtual devkits -------------------------------------------------------------

  /** Adds a virtual devkit of a deployable type (`speck2fdevkit` or `sim-speck2fdevkit`); returns its id. Fires `attach`. */
  addVirtual(typeText: string): string {
    const key = typeText.trim().toLowerCase().replace(new RegExp(`^${VIRTUAL_PREFIX}`), '').trim();
    const type = this.registry.get(key);
    const deployable = this.registry.supported().map((t) => t.key);
    if (!type) throw new DeviceNotFoundError(`${VIRTUAL_PREFIX}${key}`, 'unknown-type', this.ids(), this.registry.types().map((t) => t.key));
    if (!type.deployable) throw new DeviceTypeNotDeployableError(type.key, type.reason ?? 'no configuration builder.', deployable);
    const sameType = [...this.entries.values()].filter((e) => e.virtual && e.present && e.type.key === type.key).map((e) => e.id);
    if (sameType.length >= MAX_VIRTUAL_PER_TYPE) throw new TooManyDevicesError(type.key, sameType);
    const slot = `sim#${++this.slotSeq}`;
    const index = this.virtualNumbers.attach({ key: slot, type: type.key, bus: 0, address: 0 });
    const id = formatDeviceId({ type: type.key, index, virtual: true });
    const entry: Entry = { id, type, index, virtual: true, slot, present: true };
    this.entries.set(id, entry);
    this.emit('attach', this.info(entry));
    this.changed();
    return id;
  }

  /**
   * Removes a virtual devkit; fires `detach`. Refused (DeviceBusyError naming the run)
   * while a run holds it, unless `unplug: true`: then it is treated exactly like a USB
   * unplug (the run's driver reports 'device-unplugged').
   */
  async removeVirtual(idText: string, options: { unplug?: boolean } = {}): Promise<void> {
    const entry = this.lookup(idText);
    if (!entry.virtual) throw new NotAVirtualDevkitError(entry.id);
    if (entry.hold && !options.unplug) throw new DeviceBusyError(entry.id, hold(entry.hold), 'remove', null);
    await this.goneAway(entry);
  }

  // ---- ownership -------------------------------------------------------------------

  /**
   * Opens a device for a run. The same run opening it again gets the same driver (a
   * model moved twice to one board); another run gets DeviceBusyError naming the holder.
   * A driver whose `open()` fails (e.g. a real board without the vendor protocol) leaves
   * the device free and the error propagates.
   */
  async open(idText: string, options: { runId: string }): Promise<DeviceDriver> {
    const entry = this.lookup(idText);
    if (entry.hold) {
      if (entry.hold.runId === options.runId) return entry.hold.ready;
      throw new DeviceBusyError(entry.id, hold(entry.hold), 'open', options.runId);
    }
    const driver = entry.virtual && !this.options.virtualDrivers ? await this.defaultVirtualDriver(entry) : this.createDriver(entry);
    // Re-check: another open may have won while the simulator module loaded.
    const winner = entry.hold as Hold | undefined;
    if (winner) {
      if (winner.runId === options.runId) return winner.ready;
      throw new DeviceBusyError(entry.id, hold(winner), 'open', options.runId);
    }
    if (!entry.present) throw new DeviceNotFoundError(entry.id, 'not-connected', this.ids());
    const runId = options.runId;
    const lease = new DeviceLease(driver, runId, () => this.release(entry.id, runId));
    const h: Hold = { runId, since: (this.options.now?.() ?? new Date()).toISOString(), driver, lease, ready: Promise.resolve(lease) };
    h.ready = (async () => {
      try {
        await driver.open();
        return lease;
      } catch (e) {
        if (entry.hold === h) {
          entry.hold = undefined;
          lease.markReleased();
          if (!entry.present) this.removeEntry(entry);
          this.changed();
        }
        throw e;
      }
    })();
    entry.hold = h;
    this.changed();
    return h.ready;
  }

  /** Closes the run's driver and frees the device (also what the lease's `close()` does). */
  async release(idText: string, runId: string): Promise<void> {
    const id = this.standardOrRaw(idText);
    const entry = this.entries.get(id);
    if (!entry?.hold) return;
    if (entry.hold.runId !== runId) throw new DeviceBusyError(entry.id, hold(entry.hold), 'release', runId);
    const h = entry.hold;
    entry.hold = undefined;
    h.lease.markReleased();
    try {
      await h.ready.catch(() => undefined);
      await h.driver.close();
    } finally {
      if (!entry.present) this.removeEntry(entry);
      this.changed();
    }
  }

  /**
   * Soft-resets a device (default configuration, states zero). If a run holds it, only
   * that run may reset it (pass its runId); otherwise the device is opened for the reset
   * and closed again.
   */
  async reset(idText: string, options: { runId?: string } = {}): Promise<void> {
    const entry = this.lookup(idText);
    if (entry.hold) {
      if (entry.hold.runId !== options.runId) throw new DeviceBusyError(entry.id, hold(entry.hold), 'reset', options.runId ?? null);
      await entry.hold.ready;
      await entry.hold.driver.reset();
      return;
    }
    const runId = `reset:${entry.id}`;
    const driver = await this.open(entry.id, { runId });
    try {
      await driver.reset();
    } finally {
      await this.release(entry.id, runId);
    }
  }

  // ---- USB -------------------------------------------------------------------------

  /**
   * Lists USB again and reconciles: boards that vanished are detached, new ones attached
   * (names of boards still plugged in do not change). Retries loading USB and hot-plug if
   * they failed before, so "fix the permission, press Refresh" works.
   */
  async refresh(): Promise<void> {
    if (this.disposed) return;
    if (this.options.usb !== null) {
      if (!this.backend) await this.loadBackend();
      if (this.backend) {
        const list = this.listUsb();
        if (list) this.reconcile(list);
        if (!this.subscribed) this.subscribe();
      }
      this.updateStatus();
    }
    await this.discoverBoards();
  }

  /** Uses another registry (e.g. after usb-ids.json changed) and reconciles the list with it. */
  async setRegistry(registry: DeviceRegistry): Promise<void> {
    this.registry = registry;
    await this.refresh();
  }

  /** Stops following USB; devices still open are disconnected ('manager-disposed') and closed. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.unsubscribe();
    const held = [...this.entries.values()].filter((e) => e.hold);
    for (const e of held) {
      const h = e.hold as Hold;
      h.lease.markReleased();
      await h.driver.disconnect('manager-disposed').catch(() => undefined);
      await h.driver.close().catch(() => undefined);
      e.hold = undefined;
    }
    this.entries.clear();
    for (const set of Object.values(this.listeners)) set.clear();
  }

  private async loadBackend(): Promise<void> {
    try {
      this.backend = await (this.options.usb ?? loadRealUsbBackend)();
      this.loadFailure = null;
    } catch (e) {
      this.backend = null;
      this.loadFailure = usbFailureStatus(e, 'load', this.platform);
    }
  }

  private listUsb(): UsbDeviceLike[] | null {
    try {
      const list = (this.backend as UsbBackend).getDeviceList();
      if (!Array.isArray(list)) throw new Error('getDeviceList() did not return a list');
      this.listFailure = null;
      return list;
    } catch (e) {
      this.listFailure = usbFailureStatus(e, 'list', this.platform);
      return null;
    }
  }

  private subscribe(): void {
    if (!this.backend || this.subscribed || this.options.hotplug === false) return;
    try {
      this.backend.on('attach', this.onUsbAttach);
      this.backend.on('detach', this.onUsbDetach);
      this.subscribed = true;
      this.hotplugFailure = null;
      // Following hot-plug must not keep the process alive (the CLI exits when done).
      try {
        this.backend.unrefHotplugEvents?.();
      } catch {
        // Older builds lack it or refuse it; the listeners still work.
      }
    } catch (e) {
      this.unsubscribe();
      this.hotplugFailure = usbFailureStatus(e, 'hotplug', this.platform);
    }
  }

  private unsubscribe(): void {
    if (!this.backend) return;
    try {
      this.backend.off('attach', this.onUsbAttach);
      this.backend.off('detach', this.onUsbDetach);
    } catch {
      // Nothing more to stop.
    }
    this.subscribed = false;
  }

  private guardUsb(action: () => void): void {
    if (this.disposed) return;
    try {
      action();
    } catch (e) {
      this.hotplugFailure = usbFailureStatus(e, 'hotplug', this.platform);
    }
    this.updateStatus();
  }

  private describe(d: UsbDeviceLike): { key: string; bus: number; address: number; vendorId: number; productId: number; type: DeviceType | undefined } {
    const bus = d.busNumber;
    const address = d.deviceAddress;
    const vendorId = d.deviceDescriptor.idVendor;
    const productId = d.deviceDescriptor.idProduct;
    this.usbIds.set(`${bus}-${address}`, { vendorId, productId });
    return { key: `${bus}-${address}`, bus, address, vendorId, productId, type: this.registry.matchUsb(vendorId, productId) };
  }

  /** First listing: per-type indices in bus/address order. */
  private enumerate(list: UsbDeviceLike[]): void {
    const boards = list.map((d) => this.describe(d));
    this.usbSeen = new Set(boards.map((b) => b.key));
    const matched = boards.filter((b): b is typeof b & { type: DeviceType } => b.type !== undefined);
    const slots = matched.map((b) => ({ slot: `usb#${++this.slotSeq}`, b }));
    const numbers = this.realNumbers.enumerate(slots.map(({ slot, b }) => ({ key: slot, type: b.type.key, bus: b.bus, address: b.address })));
    for (const { slot, b } of slots) {
      const index = numbers.get(slot) as number;
      this.addRealEntry(b.type, index, slot, b, false);
    }
    if (slots.length > 0) this.changed();
  }

  private usbAttached(device: UsbDeviceLike): void {
    const b = this.describe(device);
    this.usbSeen.add(b.key);
    // samna may know the board even when no USB id does.
    void this.discoverBoards();
    if (!b.type || this.presentUsbEntry(b.key)) return;
    const slot = `usb#${++this.slotSeq}`;
    const index = this.realNumbers.attach({ key: slot, type: b.type.key, bus: b.bus, address: b.address });
    this.addRealEntry(b.type, index, slot, b, true);
    this.changed();
  }

  private usbDetached(device: UsbDeviceLike): void {
    const key = `${device.busNumber}-${device.deviceAddress}`;
    this.usbSeen.delete(key);
    this.usbIds.delete(key);
    const entry = this.presentUsbEntry(key);
    if (entry) void this.goneAway(entry);
  }

  // ---- board discovery (samna) ------------------------------------------------------

  /** Lists the discovery's boards and merges them (one listing at a time, in call order). */
  private discoverBoards(): Promise<void> {
    const boards = this.options.boards;
    if (!boards || this.disposed) return Promise.resolve();
    const run = this.discoveryChain.then(async () => {
      if (this.disposed) return;
      let list: DiscoveredBoard[];
      try {
        list = await boards.list();
      } catch (e) {
        (this.options.onListenerError ?? console.error)(e);
        return;
      }
      if (!this.disposed) this.mergeDiscovered(list);
    });
    this.discoveryChain = run.catch(() => undefined);
    return run;
  }

  private mergeDiscovered(list: readonly DiscoveredBoard[]): void {
    let changed = false;
    const listed = new Set<string>();
    const fresh: Array<{ type: DeviceType; board: DiscoveredBoard }> = [];
    for (const board of list) {
      const type = this.registry.types().find((t) => t.samnaName !== null && t.samnaName === board.typeName);
      if (!type) continue;
      const key = `${board.bus}-${board.address}`;
      listed.add(key);
      const existing = this.presentUsbEntry(key);
      if (existing) {
        if (existing.type.key === type.key && existing.serial !== board.serial) {
          existing.serial = board.serial;
          changed = true;
        }
        continue;
      }
      fresh.push({ type, board });
    }
    for (const e of [...this.entries.values()]) {
      if (e.fromDiscovery && e.present && e.usb && !listed.has(`${e.usb.bus}-${e.usb.address}`)) {
        void this.goneAway(e);
      }
    }
    // New boards take indices in (bus, address) order within their type, as an enumeration would.
    fresh.sort((a, b) => a.board.bus - b.board.bus || a.board.address - b.board.address);
    for (const { type, board } of fresh) {
      const slot = `samna#${++this.slotSeq}`;
      const index = this.realNumbers.attach({ key: slot, type: type.key, bus: board.bus, address: board.address });
      const ids = this.usbIds.get(`${board.bus}-${board.address}`) ?? { vendorId: 0, productId: 0 };
      const entry = this.addRealEntry(type, index, slot, { bus: board.bus, address: board.address, ...ids }, false);
      entry.serial = board.serial;
      entry.fromDiscovery = true;
      this.emit('attach', this.info(entry));
      changed = true;
    }
    if (changed) this.changed();
  }

  private reconcile(list: UsbDeviceLike[]): void {
    const boards = list.map((d) => this.describe(d));
    this.usbSeen = new Set(boards.map((b) => b.key));
    const now = new Map(boards.map((b) => [b.key, b]));
    for (const e of [...this.entries.values()]) {
      if (e.virtual || !e.present || !e.usb || e.fromDiscovery) continue;
      const b = now.get(`${e.usb.bus}-${e.usb.address}`);
      if (!b || b.type?.key !== e.type.key || b.vendorId !== e.usb.vendorId || b.productId !== e.usb.productId) void this.goneAway(e);
    }
    const fresh = boards
      .filter((b): b is typeof b & { type: DeviceType } => b.type !== undefined && !this.presentUsbEntry(b.key))
      .sort((a, b) => a.bus - b.bus || a.address - b.address);
    for (const b of fresh) {
      const slot = `usb#${++this.slotSeq}`;
      const index = this.realNumbers.attach({ key: slot, type: b.type.key, bus: b.bus, address: b.address });
      this.addRealEntry(b.type, index, slot, b, true);
    }
    if (fresh.length > 0) this.changed();
  }

  private addRealEntry(
    type: DeviceType,
    index: number,
    slot: string,
    b: { bus: number; address: number; vendorId: number; productId: number },
    announce: boolean,
  ): Entry {
    const id = formatDeviceId({ type: type.key, index, virtual: false });
    const entry: Entry = { id, type, index, virtual: false, slot, present: true, usb: { bus: b.bus, address: b.address, vendorId: b.vendorId, productId: b.productId } };
    this.entries.set(id, entry);
    if (announce) this.emit('attach', this.info(entry));
    return entry;
  }

  private presentUsbEntry(key: string): Entry | undefined {
    for (const e of this.entries.values()) if (!e.virtual && e.present && e.usb && `${e.usb.bus}-${e.usb.address}` === key) return e;
    return undefined;
  }

  /** A device went away (unplug or removal). Held ones stay listed as `disconnected` until released. */
  private async goneAway(entry: Entry): Promise<void> {
    if (!entry.present) return;
    entry.present = false;
    const h = entry.hold;
    if (!h) this.removeEntry(entry);
    this.emit('detach', this.info(entry));
    this.changed();
    if (h) await h.driver.disconnect('device-unplugged').catch((e: unknown) => (this.options.onListenerError ?? console.error)(e));
  }

  private removeEntry(entry: Entry): void {
    if (this.entries.get(entry.id) === entry) this.entries.delete(entry.id);
    (entry.virtual ? this.virtualNumbers : this.realNumbers).release(entry.slot);
  }

  private updateStatus(): void {
    this.setStatus(this.computeStatus());
  }

  private computeStatus(): UsbStatus {
    if (this.options.usb === null) return NO_USB;
    const failure = this.loadFailure ?? this.listFailure;
    if (failure) return failure;
    const boards = this.list()
      .filter((d) => d.usb && d.status !== 'disconnected')
      .map((d) => ({ id: d.id, bus: d.usb!.bus, address: d.usb!.address }));
    const canOpen = this.options.canOpenDeviceNode ?? (this.platform === 'linux' && this.options.usb === undefined ? linuxDeviceNodeWritable : () => true);
    return workingUsbStatus({
      usbDevices: this.usbSeen.size,
      boards,
      denied: boards.filter((b) => !canOpen(b.bus, b.address)),
      hotplugFailure: this.hotplugFailure,
      platform: this.platform,
      usbIdFileHint: this.options.usbIdFileHint ?? "usb-ids.json in the app's data folder",
    });
  }

  private setStatus(status: UsbStatus): void {
    const prev = this.currentStatus;
    this.currentStatus = status;
    if (prev.status !== status.status || prev.message !== status.message || prev.fix !== status.fix) this.emit('status', { ...status });
  }

  // ---- lookups ---------------------------------------------------------------------

  private ids(): string[] {
    return this.list()
      .filter((d) => d.status !== 'disconnected')
      .map((d) => d.id);
  }

  private standardOrRaw(idText: string): string {
    try {
      return formatDeviceId(parseDeviceId(idText));
    } catch {
      return idText;
    }
  }

  private lookup(idText: string): Entry {
    const parsed = parseDeviceId(idText);
    const id = formatDeviceId(parsed);
    const entry = this.entries.get(id);
    if (entry && entry.present) return entry;
    const type = this.registry.get(parsed.type);
    if (!type) throw new DeviceNotFoundError(id, 'unknown-type', this.ids(), this.registry.types().map((t) => t.key));
    if (parsed.virtual && !type.deployable) {
      throw new DeviceNotFoundError(id, 'no-virtual-of-type', this.ids(), this.registry.supported().map((t) => t.key));
    }
    throw new DeviceNotFoundError(id, 'not-connected', this.ids());
  }

  /** The simulator-backed driver, loaded on first use so listing devices never loads the simulator. */
  private async defaultVirtualDriver(entry: Entry): Promise<ManagedDeviceDriver> {
    const { createVirtualDevkit } = await import('./virtual-devkit.js');
    return createVirtualDevkit({ id: entry.id, type: entry.type });
  }

  private createDriver(entry: Entry): ManagedDeviceDriver {
    if (entry.virtual && this.options.virtualDrivers) return this.options.virtualDrivers({ id: entry.id, type: entry.type, index: entry.index });
    return (this.options.realDrivers ?? vendorProtocolDrivers).create({ id: entry.id, type: entry.type, usb: entry.usb! });
  }

  private info(e: Entry): DeviceInfo {
    const out: DeviceInfo = { id: e.id, type: e.type.key, virtual: e.virtual, deployable: e.type.deployable, status: 'available' };
    if (e.hold) {
      out.status = e.present ? 'busy' : 'disconnected';
      out.busyBy = hold(e.hold);
    } else if (!e.present) {
      out.status = 'disconnected';
    }
    if (!e.type.deployable) {
      out.reason = e.type.reason ?? 'not deployable';
      if (!e.hold && e.present) out.status = 'unsupported';
    } else if (!e.virtual && !(this.options.realDrivers ?? vendorProtocolDrivers).canOpen(e.type)) {
      out.reason =
        (this.options.realDrivers ?? vendorProtocolDrivers).reason?.(e.type) ??
        "Needs SynSense's vendor protocol (samna), which this workbench does not include yet: use the virtual devkit of this type.";
      if (!e.hold && e.present) out.status = 'unsupported';
    }
    if (e.usb) out.usb = { ...e.usb };
    if (e.serial !== undefined) out.serial = e.serial;
    return out;
  }
}

function hold(h: Hold): DeviceHold {
  return { runId: h.runId, since: h.since };
}
