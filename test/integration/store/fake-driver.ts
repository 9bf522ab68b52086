// A DeviceDriver double for re-run tests: each input event becomes one output event on
// core 2 with the same time and position; its channel is the input channel, plus
// `channelShift` for events with x > 40 (so two "models" differ in a known place).
// It can go away (disconnect) after a number of batches.

import type { ChipConfig } from '../../../main/chips/chip-config.js';
import type { DeviceDriver, ForwardOptions, ForwardResult } from '../../../main/devices/driver.js';
import { allocateBatch, type SpikeBatch } from '../../../main/common/spike-batch.js';

export class FakeDriver implements DeviceDriver {
  readonly type = 'speck2fdevkit';
  readonly virtual = true;
  private readonly listeners = new Set<(reason: string) => void>();

  constructor(
    readonly id: string,
    private readonly channelShift: number,
    private readonly disconnectAfterBatches: { batches: number; reason: string } | null = null,
  ) {}

  async open(): Promise<void> {}
  async writeConfig(_config: ChipConfig): Promise<void> {}
  async readNeuron(): Promise<number> {
    return 0;
  }
  async resetStates(): Promise<void> {}
  async reset(): Promise<void> {}
  async close(): Promise<void> {}

  onDisconnect(listener: (reason: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async forward(input: SpikeBatch | AsyncIterable<SpikeBatch>, options: ForwardOptions = {}): Promise<ForwardResult> {
    const batches: AsyncIterable<SpikeBatch> =
      Symbol.asyncIterator in input ? input : (async function* () { yield input; })();
    let eventsIn = 0;
    let count = 0;
    for await (const b of batches) {
      if (this.disconnectAfterBatches && count === this.disconnectAfterBatches.batches) {
        for (const l of this.listeners) l(this.disconnectAfterBatches.reason);
        throw new Error('device disconnected');
      }
      if (options.signal?.aborted) {
        return { stats: { eventsIn, eventsOut: eventsIn, synapticOps: 0, perCore: [], wallMs: 0 }, output: null, cancelled: true };
      }
      count++;
      const out = allocateBatch(b.length);
      for (let i = 0; i < b.length; i++) {
        out.t[i] = b.t[i]!;
        out.x[i] = b.x[i]!;
        out.y[i] = b.y[i]!;
        out.layer[i] = 2;
        out.channel[i] = b.channel[i]! + (b.x[i]! > 40 ? this.channelShift : 0);
      }
      eventsIn += b.length;
      options.onOutput?.(out);
    }
    return { stats: { eventsIn, eventsOut: eventsIn, synapticOps: 7 * eventsIn, perCore: [], wallMs: 1 }, output: null, cancelled: false };
  }
}
