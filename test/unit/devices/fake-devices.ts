// Test doubles for the device layer: a USB backend with the `usb` package's shape whose
// bus is a script, and a driver that records what the manager does to it.

import type { ChipConfig } from '../../../main/chips/chip-config.js';
import type { DisconnectReason, ForwardResult, ManagedDeviceDriver } from '../../../main/devices/driver.js';
import type { UsbBackend, UsbDeviceLike, UsbHotplugEvent } from '../../../main/devices/usb-backend.js';

export function board(bus: number, address: number, idVendor: number, idProduct: number): UsbDeviceLike {
  return { busNumber: bus, deviceAddress: address, deviceDescriptor: { idVendor, idProduct } };
}

export class FakeUsb implements UsbBackend {
  devices: UsbDeviceLike[] = [];
  /** Thrown by getDeviceList when set. */
  listError: unknown = null;
  /** Thrown by on() when set. */
  onError: unknown = null;
  readonly listeners: Record<UsbHotplugEvent, Set<(d: UsbDeviceLike) => void>> = { attach: new Set(), detach: new Set() };

  constructor(devices: UsbDeviceLike[] = []) {
    this.devices = [...devices];
  }

  getDeviceList(): UsbDeviceLike[] {
    if (this.listError) throw this.listError;
    return [...this.devices];
  }

  on(event: UsbHotplugEvent, listener: (d: UsbDeviceLike) => void): void {
    if (this.onError) throw this.onError;
    this.listeners[event].add(listener);
  }

  off(event: UsbHotplugEvent, listener: (d: UsbDeviceLike) => void): void {
    this.listeners[event].delete(listener);
  }

  listenerCount(): number {
    return this.listeners.attach.size + this.listeners.detach.size;
  }

  plug(d: UsbDeviceLike): void {
    this.devices.push(d);
    for (const l of this.listeners.attach) l(d);
  }

  unplug(bus: number, address: number): void {
    const d = this.devices.find((x) => x.busNumber === bus && x.deviceAddress === address);
    if (!d) throw new Error(`test script: nothing at ${bus}-${address}`);
    this.devices = this.devices.filter((x) => x !== d);
    for (const l of this.listeners.detach) l(d);
  }
}

export class LibUsbError extends Error {
  constructor(
    message: string,
    readonly errno: number,
  ) {
    super(message);
  }
}

export class RecordingDriver implements ManagedDeviceDriver {
  readonly calls: string[] = [];
  openError: Error | null = null;
  private listeners = new Set<(reason: string) => void>();
  private gone = false;

  constructor(
    readonly id: string,
    readonly type: string,
    readonly virtual: boolean,
  ) {}

  async open(): Promise<void> {
    this.calls.push('open');
    if (this.openError) throw this.openError;
  }
  async writeConfig(config: ChipConfig): Promise<void> {
    this.calls.push(`writeConfig:${config.family}`);
  }
  async forward(): Promise<ForwardResult> {
    this.calls.push('forward');
    return { stats: { eventsIn: 0, eventsOut: 0, synapticOps: 0, perCore: [], wallMs: 0 }, output: null, cancelled: false };
  }
  async readNeuron(): Promise<number> {
    this.calls.push('readNeuron');
    return 0;
  }
  async resetStates(): Promise<void> {
    this.calls.push('resetStates');
  }
  async reset(): Promise<void> {
    this.calls.push('reset');
  }
  async close(): Promise<void> {
    this.calls.push('close');
  }
  onDisconnect(listener: (reason: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async disconnect(reason: DisconnectReason): Promise<void> {
    this.calls.push(`disconnect:${reason}`);
    if (this.gone) return;
    this.gone = true;
    for (const l of this.listeners) l(reason);
  }
}
