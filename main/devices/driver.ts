// The one interface every device driver implements: virtual devkits (simulator in a
// worker thread) today, real boards once a vendor-protocol driver exists. Callers (runs,
// CLI, IPC) talk only to this interface, so adding a real driver touches no caller.

import type { ChipConfig } from '../chips/chip-config.js';
import type { SpikeBatch } from '../common/spike-batch.js';
import type { ForwardOptions, ForwardResult } from '../sim/forward.js';

export interface DeployOptions {
  /** Slow-clock frequency in Hz: drives leak (bias) ticks. Absent: no slow clock. */
  slowClockHz?: number;
  /**
   * Virtual devkits only: the simulator's processing order (default depth-first, as the
   * chip). A real chip has one order and ignores this.
   */
  order?: 'depth-first' | 'breadth-first';
  /** Virtual devkits only: the simulator engine ('native', 'wasm', 'js'; absent: the fastest available). */
  engine?: 'native' | 'wasm' | 'js';
}

// The forward run's options and results belong to the simulator's floor, so the worker
// threads that run it need nothing of the device layer.
export type { ForwardOptions, ForwardProgress, ForwardResult, ForwardStats } from '../sim/forward.js';

/**
 * Why an open device went away, as passed to `onDisconnect` listeners (the runs record
 * it): `device-unplugged` (USB detach, or a virtual devkit removed as an unplug),
 * `worker-exited` (a virtual devkit's simulator thread died), `manager-disposed` (the
 * app is shutting down while the device was open), `bridge-exited` (a real board's samna
 * bridge process died or stopped answering).
 */
export type DisconnectReason = 'device-unplugged' | 'worker-exited' | 'manager-disposed' | 'bridge-exited';

export interface DeviceDriver {
  /** Device id, e.g. "sim-speck2fdevkit:0" or "speck2fdevkit:1". */
  readonly id: string;
  /** Device type key, e.g. "speck2fdevkit". */
  readonly type: string;
  readonly virtual: boolean;
  open(): Promise<void>;
  writeConfig(config: ChipConfig, options?: DeployOptions): Promise<void>;
  /** Streams events in (sorted by timestamp) and delivers monitored events out. */
  forward(input: SpikeBatch | AsyncIterable<SpikeBatch>, options?: ForwardOptions): Promise<ForwardResult>;
  /** ReadNeuronValue -> NeuronValue (address per chip.md §15). */
  readNeuron(core: number, address: number): Promise<number>;
  /** All neuron states to zero (devices.md §5.4). */
  resetStates(): Promise<void>;
  /** Soft reset: back to the default configuration (no layers), states zero; `writeConfig` is needed again. */
  reset(): Promise<void>;
  close(): Promise<void>;
  /**
   * Called once if the device goes away while open; `reason` is a DisconnectReason.
   * A `forward` in flight then rejects with DeviceDisconnectedError. Returns an unsubscribe function.
   */
  onDisconnect(listener: (reason: string) => void): () => void;
}

/**
 * What a driver implements for the device manager. Callers get a DeviceDriver (the
 * manager's lease over it); only the manager calls `disconnect`.
 */
export interface ManagedDeviceDriver extends DeviceDriver {
  /** The device went away: end any forward, free resources, call the onDisconnect listeners once. Idempotent. */
  disconnect(reason: DisconnectReason): Promise<void>;
}
