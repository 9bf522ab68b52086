// What a run holds after `DeviceManager.open`: the device's driver behind a lease that
// ties `close()` to the manager's ownership record, so a device is freed whichever way
// its run lets go of it. After release every call fails with a clear "not open" error.

import type { ChipConfig } from '../chips/chip-config.js';
import type { SpikeBatch } from '../common/spike-batch.js';
import { DeviceStateError } from './device-errors.js';
import type { DeployOptions, DeviceDriver, ForwardOptions, ForwardResult, ManagedDeviceDriver } from './driver.js';

export class DeviceLease implements DeviceDriver {
  readonly id: string;
  readonly type: string;
  readonly virtual: boolean;
  private released = false;

  constructor(
    private readonly driver: ManagedDeviceDriver,
    readonly runId: string,
    private readonly releaseFn: () => Promise<void>,
  ) {
    this.id = driver.id;
    this.type = driver.type;
    this.virtual = driver.virtual;
  }

  /** The manager marks the lease dead once the device is released. */
  markReleased(): void {
    this.released = true;
  }

  private live(): ManagedDeviceDriver {
    if (this.released) throw new DeviceStateError(this.id, 'closed');
    return this.driver;
  }

  /** Already open when handed out; calling it again is harmless. */
  async open(): Promise<void> {
    this.live();
  }

  async writeConfig(config: ChipConfig, options?: DeployOptions): Promise<void> {
    return this.live().writeConfig(config, options);
  }

  async forward(input: SpikeBatch | AsyncIterable<SpikeBatch>, options?: ForwardOptions): Promise<ForwardResult> {
    return this.live().forward(input, options);
  }

  async readNeuron(core: number, address: number): Promise<number> {
    return this.live().readNeuron(core, address);
  }

  async resetStates(): Promise<void> {
    return this.live().resetStates();
  }

  async reset(): Promise<void> {
    return this.live().reset();
  }

  /** Closes the driver and frees the device for other runs. */
  async close(): Promise<void> {
    if (this.released) return;
    await this.releaseFn();
  }

  onDisconnect(listener: (reason: string) => void): () => void {
    return this.driver.onDisconnect(listener);
  }
}
