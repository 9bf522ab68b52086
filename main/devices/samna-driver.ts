// The DeviceDriver of real boards through samna: each open board gets its own bridge
// process (a hung or dead one takes down only its board's run), the configuration goes
// over as the workbench's JSON and is walked into samna's object by the bridge, events
// stream both ways as packed batches. A bridge that dies or stops answering is a
// disconnect with reason `bridge-exited` (the run ends interrupted, what was recorded is
// kept); the next open starts a new bridge. It does not discover boards (samna-host.ts).

import { chipConfigToJson } from '../chips/chip-config-json.js';
import type { ChipConfig } from '../chips/chip-config.js';
import type { DeviceType } from '../chips/device-types.js';
import { allocateBatch, concatBatches, sliceBatch, type SpikeBatch } from '../common/spike-batch.js';
import { ConfigFamilyMismatchError, DeviceDisconnectedError, DeviceStateError } from './device-errors.js';
import type { DeployOptions, DisconnectReason, ForwardOptions, ForwardResult, ForwardStats, ManagedDeviceDriver } from './driver.js';
import { BridgeExitedError, type SamnaBridge } from './samna-bridge-process.js';

export interface SamnaDeviceHandle {
  id: string;
  type: DeviceType;
  usb: { bus: number; address: number };
}

export interface SamnaTimings {
  /** Seconds to wait after apply_configuration (sinabs sleeps 1 s). */
  settleS: number;
  /** The output counts as done after this long without new events (sinabs polls every 100 ms until a poll is empty). */
  quietMs: number;
  /** A forward pass with no word from the bridge for this long counts as hung. */
  stallMs: number;
  /** Time limit of apply / reset_states requests. */
  applyTimeoutMs: number;
}

export const DEFAULT_SAMNA_TIMINGS: SamnaTimings = { settleS: 1, quietMs: 100, stallMs: 10_000, applyTimeoutMs: 60_000 };

/** Events per batch frame sent to the bridge. */
const FRAME_EVENTS = 65536;

/** What the bridge reported having written with the last configuration. */
export interface AppliedSummary {
  cores: number[];
  /** Monitored cores (13: the DVS layer). */
  monitored: number[];
  dvs: boolean;
  validation: string;
}

export class SamnaDriver implements ManagedDeviceDriver {
  readonly id: string;
  readonly type: string;
  readonly virtual = false;
  private state: 'closed' | 'open' | 'gone' = 'closed';
  private goneReason: DisconnectReason | null = null;
  /** How the bridge went (which request timed out, or how it exited), for the errors that follow. */
  private goneDetail: string | null = null;
  private bridge: SamnaBridge | null = null;
  private unsubscribeExit: (() => void) | null = null;
  private applied: AppliedSummary | null = null;
  private readonly listeners = new Set<(reason: string) => void>();
  private running: { gone: (e: Error) => void } | null = null;
  /** Seconds the bridge spent per phase in the last forward pass (for the benchmark). */
  lastPhases: BridgePhases | null = null;

  constructor(
    private readonly device: SamnaDeviceHandle,
    private readonly newBridge: () => SamnaBridge,
    private readonly timings: SamnaTimings = DEFAULT_SAMNA_TIMINGS,
  ) {
    this.id = device.id;
    this.type = device.type.key;
  }

  /** The last configuration written, as the bridge reported it. */
  get lastApplied(): AppliedSummary | null {
    return this.applied;
  }

  async open(): Promise<void> {
    if (this.state === 'gone') throw this.goneError();
    if (this.state === 'open') return;
    const bridge = this.newBridge();
    await bridge.start();
    this.bridge = bridge;
    this.unsubscribeExit = bridge.onExit((e) => void this.bridgeGone(e));
    try {
      await bridge.request('open', { device: this.id, bus: this.device.usb.bus, address: this.device.usb.address });
    } catch (e) {
      this.unsubscribeExit();
      this.bridge = null;
      await bridge.stop().catch(() => undefined);
      throw e;
    }
    this.state = 'open';
  }

  async writeConfig(config: ChipConfig, options: DeployOptions = {}): Promise<void> {
    const bridge = this.usable();
    const family = this.device.type.family;
    if (family !== config.family) throw new ConfigFamilyMismatchError(this.id, family ?? 'no', config.family);
    if (this.running) throw new Error(`Cannot write a configuration to ${this.id} while a forward pass is running: wait for it or cancel it first.`);
    const args: Record<string, unknown> = { device: this.id, config: chipConfigToJson(config), settleS: this.timings.settleS };
    if (options.slowClockHz !== undefined) args.slowClockHz = options.slowClockHz;
    const r = await this.call(() => bridge.request('apply', args, this.timings.applyTimeoutMs));
    this.applied = {
      cores: numbers(r.cores),
      monitored: numbers(r.monitored),
      dvs: r.dvs === true,
      validation: typeof r.validation === 'string' ? r.validation : '',
    };
  }

  async forward(input: SpikeBatch | AsyncIterable<SpikeBatch>, options: ForwardOptions = {}): Promise<ForwardResult> {
    const bridge = this.configured();
    if (this.running) throw new Error(`A forward pass is already running on ${this.id}: wait for it or cancel it first.`);
    const t0 = performance.now();
    const perCore = new Map<number, { core: number; eventsIn: number; spikesOut: number; dropped: number }>();
    const tally = (layer: number) => {
      let c = perCore.get(layer);
      if (!c) perCore.set(layer, (c = { core: layer, eventsIn: 0, spikesOut: 0, dropped: 0 }));
      return c;
    };
    let eventsIn = 0;
    let eventsOut = 0;
    let lastT = 0;
    const outputs: SpikeBatch[] = [];
    const stream = bridge.stream(
      'forward',
      { device: this.id, quietMs: this.timings.quietMs },
      {
        onBatch: (b) => {
          eventsOut += b.length;
          for (let i = 0; i < b.length; i++) tally(b.layer[i]!).spikesOut++;
          if (options.onOutput) options.onOutput(b);
          else outputs.push(b);
        },
        onProgress: () => options.onProgress?.({ eventsIn, eventsOut, timeUs: lastT }),
      },
      this.timings.stallMs,
    );
    let gone: (e: Error) => void = () => {};
    const disconnected = new Promise<never>((_, reject) => (gone = reject));
    disconnected.catch(() => {});
    const running = { gone };
    this.running = running;
    const cancel = () => stream.cancel();
    options.signal?.addEventListener('abort', cancel, { once: true });
    const feed = (async () => {
      const batches: AsyncIterable<SpikeBatch> | Iterable<SpikeBatch> = isBatch(input) ? [input] : input;
      for await (const batch of batches) {
        if (options.signal?.aborted || this.state !== 'open') break;
        for (let s = 0; s < batch.length; s += FRAME_EVENTS) {
          const part = s === 0 && batch.length <= FRAME_EVENTS ? batch : sliceBatch(batch, s, s + FRAME_EVENTS);
          for (let i = 0; i < part.length; i++) tally(part.layer[i]!).eventsIn++;
          eventsIn += part.length;
          if (part.length > 0) lastT = part.t[part.length - 1]!;
          await stream.send(part, false);
        }
      }
      await stream.send(allocateBatch(0), true);
    })();
    feed.catch(() => {});
    try {
      const result = await this.call(() => Promise.race([Promise.all([stream.done, feed]).then(([r]) => r), disconnected]));
      const stats: ForwardStats = {
        eventsIn,
        eventsOut,
        synapticOps: 0,
        perCore: [...perCore.values()].sort((a, b) => a.core - b.core),
        wallMs: performance.now() - t0,
      };
      this.lastPhases = phases(result.seconds);
      return { stats, output: options.onOutput ? null : concatBatches(outputs), cancelled: result.cancelled === true };
    } finally {
      options.signal?.removeEventListener('abort', cancel);
      if (this.running === running) this.running = null;
    }
  }

  async readNeuron(core: number, address: number): Promise<number> {
    const bridge = this.configured();
    const r = await this.call(() => bridge.request('read_neuron', { device: this.id, core, address }));
    return Number(r.state);
  }

  async resetStates(): Promise<void> {
    const bridge = this.configured();
    await this.call(() => bridge.request('reset_states', { device: this.id, settleS: this.timings.settleS }, this.timings.applyTimeoutMs));
  }

  async reset(): Promise<void> {
    const bridge = this.usable();
    await this.call(() => bridge.request('reset', { device: this.id }));
    this.applied = null;
  }

  async close(): Promise<void> {
    const bridge = this.bridge;
    if (this.state === 'open') this.state = 'closed';
    this.applied = null;
    this.unsubscribeExit?.();
    this.unsubscribeExit = null;
    this.bridge = null;
    if (!bridge) return;
    if (bridge.running) await bridge.request('close', { device: this.id }).catch(() => undefined);
    await bridge.stop();
  }

  onDisconnect(listener: (reason: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async disconnect(reason: DisconnectReason): Promise<void> {
    if (this.state === 'gone') return;
    this.state = 'gone';
    this.goneReason = reason;
    this.running?.gone(this.goneError());
    for (const listener of [...this.listeners]) {
      try {
        listener(reason);
      } catch {
        // A listener's failure must not keep the device from being torn down.
      }
    }
    const bridge = this.bridge;
    this.unsubscribeExit?.();
    this.unsubscribeExit = null;
    this.bridge = null;
    this.applied = null;
    // The board is gone (or the bridge is): nothing to close politely.
    if (bridge?.running) await bridge.stop(500);
  }

  /** Runs a bridge call; a bridge that went away becomes this device's disconnect error. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof BridgeExitedError) {
        await this.bridgeGone(e);
        throw this.goneError();
      }
      throw e;
    }
  }

  /** The bridge ended or was ended (a request timed out): the error names what happened. */
  private bridgeGone(e: BridgeExitedError): Promise<void> {
    if (this.state !== 'gone') this.goneDetail = `bridge-exited: ${e.message}`;
    return this.disconnect('bridge-exited');
  }

  private goneError(): DeviceDisconnectedError {
    return new DeviceDisconnectedError(this.id, this.goneDetail ?? this.goneReason ?? 'device-unplugged');
  }

  private usable(): SamnaBridge {
    if (this.state === 'gone') throw this.goneError();
    if (this.state !== 'open' || !this.bridge) throw new DeviceStateError(this.id, 'closed');
    return this.bridge;
  }

  private configured(): SamnaBridge {
    const bridge = this.usable();
    if (!this.applied) throw new DeviceStateError(this.id, 'not-configured');
    return bridge;
  }
}

function isBatch(input: SpikeBatch | AsyncIterable<SpikeBatch>): input is SpikeBatch {
  return (input as SpikeBatch).t instanceof Float64Array;
}

/**
 * Where the bridge's time went: converting to samna events (the keyword construction is
 * samna's cost, the loop around it the bridge's), samna's write and get_events, converting
 * samna's events back to columns, and sending frames.
 */
export interface BridgePhases {
  convertIn: number;
  write: number;
  read: number;
  convertOut: number;
  send: number;
}

function phases(v: unknown): BridgePhases | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const n = (k: string) => (typeof o[k] === 'number' ? (o[k] as number) : 0);
  return { convertIn: n('convertIn'), write: n('write'), read: n('read'), convertOut: n('convertOut'), send: n('send') };
}

function numbers(v: unknown): number[] {
  return Array.isArray(v) ? v.filter((n): n is number => typeof n === 'number') : [];
}
