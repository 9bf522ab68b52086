// The driver for real boards as things stand: opening one needs SynSense's vendor
// protocol (samna), which the workbench does not have, so `open()` rejects with a
// specific error instead of crashing or pretending. A real driver replaces this factory
// (see RealDriverFactory) and no caller changes.

import type { DeviceType } from '../chips/device-types.js';
import type { ChipConfig } from '../chips/chip-config.js';
import type { SpikeBatch } from '../common/spike-batch.js';
import { DeviceStateError, VendorProtocolUnavailableError } from './device-errors.js';
import type { DeployOptions, DisconnectReason, ForwardOptions, ForwardResult, ManagedDeviceDriver } from './driver.js';

export interface RealDeviceHandle {
  id: string;
  type: DeviceType;
  usb: { bus: number; address: number; vendorId: number; productId: number };
}

/** How the manager gets drivers for real boards. */
export interface RealDriverFactory {
  /** Whether drivers from this factory can open boards of this type (decides the `unsupported` status). */
  canOpen(type: DeviceType): boolean;
  /** Why boards of this type cannot be opened (shown as the device's reason) when canOpen is false. */
  reason?(type: DeviceType): string | undefined;
  create(device: RealDeviceHandle): ManagedDeviceDriver;
}

export class VendorProtocolDriver implements ManagedDeviceDriver {
  readonly id: string;
  readonly type: string;
  readonly virtual = false;

  constructor(private readonly device: RealDeviceHandle) {
    this.id = device.id;
    this.type = device.type.key;
  }

  async open(): Promise<void> {
    const alternative = this.device.type.deployable ? `sim-${this.device.type.key}:0` : null;
    throw new VendorProtocolUnavailableError(this.id, this.type, alternative);
  }

  private closed(): Promise<never> {
    return Promise.reject(new DeviceStateError(this.id, 'closed'));
  }

  writeConfig(_config: ChipConfig, _options?: DeployOptions): Promise<void> {
    return this.closed();
  }

  forward(_input: SpikeBatch | AsyncIterable<SpikeBatch>, _options?: ForwardOptions): Promise<ForwardResult> {
    return this.closed();
  }

  readNeuron(_core: number, _address: number): Promise<number> {
    return this.closed();
  }

  resetStates(): Promise<void> {
    return this.closed();
  }

  reset(): Promise<void> {
    return this.closed();
  }

  async close(): Promise<void> {}

  onDisconnect(_listener: (reason: string) => void): () => void {
    // Never open, so never disconnected while open.
    return () => {};
  }

  async disconnect(_reason: DisconnectReason): Promise<void> {}
}

export const vendorProtocolDrivers: RealDriverFactory = {
  canOpen: () => false,
  create: (device) => new VendorProtocolDriver(device),
};
