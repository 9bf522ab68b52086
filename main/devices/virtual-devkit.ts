// A virtual devkit: the DeviceDriver of `sim-TYPE:INDEX` devices, backed by the
// chip simulator (the documented event-driven semantics, not a bit-accurate model of the silicon) in a worker thread (SimulationClient). Opening is cheap; the
// worker starts when a configuration is written and is replaced by the next one. It
// checks that a configuration was built for the device's chip family, and it turns the
// device going away (removed as an unplug, app shutdown) into the same disconnect a
// real board reports. It does not compile, record, or decide the processing order (the
// simulator's default, chip parity).

import type { ChipConfig } from '../chips/chip-config.js';
import type { DeviceType } from '../chips/device-types.js';
import type { SpikeBatch } from '../common/spike-batch.js';
import { SimulationClient, type SimulationStartOptions } from '../threads/simulation-client.js';
import { ConfigFamilyMismatchError, DeviceDisconnectedError, DeviceStateError } from './device-errors.js';
import type { DeployOptions, DisconnectReason, ForwardOptions, ForwardResult, ManagedDeviceDriver } from './driver.js';

/** The part of SimulationClient a virtual devkit uses. */
export interface SimulationHandle {
  forward(input: SpikeBatch | AsyncIterable<SpikeBatch>, options?: ForwardOptions): Promise<ForwardResult>;
  readNeuron(core: number, address: number): Promise<number>;
  resetStates(): Promise<void>;
  close(): Promise<void>;
}

export type StartSimulation = (config: ChipConfig, options: SimulationStartOptions) => Promise<SimulationHandle>;

export interface VirtualDevkitHandle {
  id: string;
  type: DeviceType;
}

/** How long a disconnect waits for a forward in flight to stop before the worker is ended anyway. */
const STOP_GRACE_MS = 2000;

export class VirtualDevkitDriver implements ManagedDeviceDriver {
  readonly id: string;
  readonly type: string;
  readonly virtual = true;
  private state: 'closed' | 'open' | 'gone' = 'closed';
  private goneReason: DisconnectReason | null = null;
  private sim: SimulationHandle | null = null;
  private configuring: Promise<void> | null = null;
  private readonly listeners = new Set<(reason: string) => void>();
  private running: { stop: AbortController; settled: Promise<unknown>; gone: (e: Error) => void } | null = null;

  constructor(
    private readonly device: VirtualDevkitHandle,
    private readonly startSimulation: StartSimulation = (config, options) => SimulationClient.start(config, options),
  ) {
    this.id = device.id;
    this.type = device.type.key;
  }

  async open(): Promise<void> {
    if (this.state === 'gone') throw new DeviceDisconnectedError(this.id, this.goneReason ?? 'device-unplugged');
    this.state = 'open';
  }

  async writeConfig(config: ChipConfig, options: DeployOptions = {}): Promise<void> {
    this.usable();
    const family = this.device.type.family;
    if (family !== config.family) throw new ConfigFamilyMismatchError(this.id, family ?? 'no', config.family);
    if (this.running) throw new Error(`Cannot write a configuration to ${this.id} while a forward pass is running: wait for it or cancel it first.`);
    const previous = this.sim;
    this.sim = null;
    const start = (async () => {
      await previous?.close();
      const settings: SimulationStartOptions = {};
      if (options.slowClockHz !== undefined) settings.slowClockHz = options.slowClockHz;
      if (options.order !== undefined) settings.order = options.order;
      if (options.engine !== undefined) settings.engine = options.engine;
      const sim = await this.startSimulation(config, settings);
      // Gone (or closed) while the worker started: end it rather than keep it.
      if (this.state !== 'open') {
        await sim.close();
        this.usable();
      }
      this.sim = sim;
    })();
    this.configuring = start;
    try {
      await start;
    } finally {
      if (this.configuring === start) this.configuring = null;
    }
  }

  async forward(input: SpikeBatch | AsyncIterable<SpikeBatch>, options: ForwardOptions = {}): Promise<ForwardResult> {
    const sim = this.configured();
    if (this.running) throw new Error(`A forward pass is already running on ${this.id}: wait for it or cancel it first.`);
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    let gone: (e: Error) => void = () => {};
    const disconnected = new Promise<never>((_, reject) => (gone = reject));
    disconnected.catch(() => {}); // observed through the race below; never an unhandled rejection
    const pass = sim.forward(input, { ...options, signal });
    const running = { stop, settled: pass.catch(() => undefined), gone };
    this.running = running;
    try {
      return await Promise.race([pass, disconnected]);
    } finally {
      if (this.running === running) this.running = null;
    }
  }

  async readNeuron(core: number, address: number): Promise<number> {
    return this.configured().readNeuron(core, address);
  }

  async resetStates(): Promise<void> {
    await this.configured().resetStates();
  }

  /** Back to the default configuration: the simulator is ended, `writeConfig` is needed again. */
  async reset(): Promise<void> {
    this.usable();
    await this.endSimulation();
  }

  async close(): Promise<void> {
    if (this.state === 'open') this.state = 'closed';
    await this.endSimulation();
  }

  onDisconnect(listener: (reason: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async disconnect(reason: DisconnectReason): Promise<void> {
    if (this.state === 'gone') return;
    this.state = 'gone';
    this.goneReason = reason;
    const running = this.running;
    running?.gone(new DeviceDisconnectedError(this.id, reason));
    for (const listener of [...this.listeners]) {
      try {
        listener(reason);
      } catch {
        // A listener's failure must not keep the device from being torn down.
      }
    }
    await this.endSimulation();
  }

  private async endSimulation(): Promise<void> {
    const running = this.running;
    if (running) {
      running.stop.abort();
      await Promise.race([running.settled, new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref())]);
    }
    await this.configuring?.catch(() => undefined);
    const sim = this.sim;
    this.sim = null;
    await sim?.close();
  }

  private usable(): void {
    if (this.state === 'gone') throw new DeviceDisconnectedError(this.id, this.goneReason ?? 'device-unplugged');
    if (this.state !== 'open') throw new DeviceStateError(this.id, 'closed');
  }

  private configured(): SimulationHandle {
    this.usable();
    if (!this.sim) throw new DeviceStateError(this.id, 'not-configured');
    return this.sim;
  }
}

export function createVirtualDevkit(device: VirtualDevkitHandle): VirtualDevkitDriver {
  return new VirtualDevkitDriver(device);
}
