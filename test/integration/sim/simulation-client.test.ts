// The simulator in a real worker thread: same results as the in-process engine, progress
// while running, prompt cancellation with a consistent state, bounded read-ahead of long
// inputs, and the neuron-level requests.

import { afterEach, describe, expect, it } from 'vitest';
import { SimConfigError } from '../../../main/sim/chip-loader.js';
import { EventEngine } from '../../../main/sim/event-engine.js';
import { allocateBatch, concatBatches, packBatch, type SpikeBatch } from '../../../main/common/spike-batch.js';
import { SimulationClient } from '../../../main/threads/simulation-client.js';
import { buildConfig } from '../../unit/sim/chip-config-builder.js';

const config = buildConfig([
  { core: 1, input: [2, 32, 32], outChannels: 32, kernel: 3, padding: 1, weights: (f, c, ky, kx) => ((f * 7 + c * 3 + ky * 5 + kx) % 9) - 3, threshold: 40, low: -40, destinations: [{ core: 4, pooling: 2 }] },
  { core: 4, input: [32, 16, 16], outChannels: 10, kernel: 3, weights: (f, c, ky, kx) => ((f + c + ky + kx) % 5) - 1, threshold: 400, low: -400, monitor: true },
]);

/** Deterministic pseudo-random input for core 1, timestamps ascending from `t0`. */
function inputs(n: number, seed = 1, t0 = 0): SpikeBatch {
  const b = allocateBatch(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    b.t[i] = t0 + i;
    b.layer[i] = 1;
    b.channel[i] = s & 1;
    b.x[i] = (s >>> 8) % 32;
    b.y[i] = (s >>> 16) % 32;
  }
  return b;
}

/** Byte-for-byte equality of two event streams (fast for large streams). */
function sameEvents(a: readonly SpikeBatch[], b: readonly SpikeBatch[]): boolean {
  return Buffer.from(packBatch(concatBatches(a))).equals(Buffer.from(packBatch(concatBatches(b))));
}

let client: SimulationClient | null = null;
afterEach(async () => {
  await client?.close();
  client = null;
});

describe('SimulationClient (worker thread)', () => {
  it('gives the same monitored events and counts as the in-process engine', async () => {
    const input = inputs(20_000);
    const engine = new EventEngine(config);
    const expected: SpikeBatch[] = [];
    engine.process(input, (b) => expected.push(b));
    const c = engine.counters();

    client = await SimulationClient.start(config, { chunkEvents: 3000 });
    const res = await client.forward(input);
    expect(res.cancelled).toBe(false);
    expect(res.output!.length).toBe(c.eventsOut);
    expect(res.output!.length).toBeGreaterThan(100);
    expect(sameEvents([res.output!], expected)).toBe(true);
    expect(res.stats.eventsIn).toBe(20_000);
    expect(res.stats.eventsOut).toBe(c.eventsOut);
    expect(res.stats.synapticOps).toBe(c.synapticOps);
    expect(res.stats.perCore[4]).toEqual({ core: 4, eventsIn: c.perCore[4]!.eventsIn, spikesOut: c.perCore[4]!.spikesOut, dropped: 0 });
    expect(input.length).toBe(20_000); // the caller's batch is not detached
    expect(input.t[19_999]).toBe(19_999);
  });

  it('accepts an async iterable, delivers outputs through onOutput, and reports progress', async () => {
    const engine = new EventEngine(config);
    const expected: SpikeBatch[] = [];
    const parts = [inputs(150_000, 7), inputs(150_000, 8, 150_000)];
    for (const p of parts) engine.process(p, (b) => expected.push(b));

    client = await SimulationClient.start(config, { chunkEvents: 10_000 });
    async function* source() {
      for (const p of parts) yield p;
    }
    const got: SpikeBatch[] = [];
    const progress: number[] = [];
    const res = await client.forward(source(), { onOutput: (b) => got.push(b), onProgress: (p) => progress.push(p.eventsIn) });
    expect(res.output).toBeNull();
    expect(got.reduce((n, b) => n + b.length, 0)).toBe(engine.counters().eventsOut);
    expect(sameEvents(got, expected)).toBe(true);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[progress.length - 1]).toBe(300_000);
  });

  it('progress carries the total for a batch input', async () => {
    client = await SimulationClient.start(config);
    const totals = new Set<number | undefined>();
    await client.forward(inputs(5000), { onProgress: (p) => totals.add(p.totalIn) });
    expect(totals).toEqual(new Set([5000]));
  });

  it('cancels promptly, reads ahead only a few chunks, and leaves a consistent state', async () => {
    const chunk = 5000;
    client = await SimulationClient.start(config, { chunkEvents: chunk, maxChunksInFlight: 2 });
    let pulled = 0;
    async function* endless() {
      for (let k = 0; ; k++) {
        pulled += chunk;
        yield inputs(chunk, 1000 + k, k * chunk);
      }
    }
    const ctrl = new AbortController();
    const res = await client.forward(endless(), {
      signal: ctrl.signal,
      onProgress: (p) => {
        if (p.eventsIn >= 50_000) ctrl.abort();
      },
    });
    expect(res.cancelled).toBe(true);
    const processed = res.stats.eventsIn;
    expect(processed).toBeGreaterThanOrEqual(50_000);
    // Backpressure: never more than the chunks in flight (+ the one being handed over) ahead.
    expect(pulled).toBeLessThanOrEqual(processed + 4 * chunk);

    // The state is that of exactly the processed events.
    const engine = new EventEngine(config);
    for (let k = 0; k * chunk < processed; k++) {
      const part = inputs(chunk, 1000 + k, k * chunk);
      const take = Math.min(chunk, processed - k * chunk);
      engine.process({ ...part, length: take }, () => {});
    }
    for (const address of [0, 1, 17, 100, 513, 2047]) {
      expect(await client.readNeuron(1, address)).toBe(engine.readNeuronValue(1, address));
    }
    // And the simulator is ready for the next pass.
    const again = await client.forward(inputs(100));
    expect(again.cancelled).toBe(false);
    expect(again.stats.eventsIn).toBe(100);
  });

  it('an already aborted signal does nothing', async () => {
    client = await SimulationClient.start(config);
    const ctrl = new AbortController();
    ctrl.abort();
    const res = await client.forward(inputs(100), { signal: ctrl.signal });
    expect(res).toMatchObject({ cancelled: true, output: null, stats: { eventsIn: 0 } });
  });

  it('readNeuron, resetStates and advanceTo (leak) through the worker', async () => {
    const leak = buildConfig([{ core: 0, input: [1, 1, 1], outChannels: 1, kernel: 1, weights: [127], biases: [-13], threshold: 127, low: -127, initial: [127], monitor: true }]);
    client = await SimulationClient.start(leak, { slowClockHz: 1 });
    expect(await client.readNeuron(0, 0)).toBe(127);
    expect((await client.advanceTo(3_000_000)).length).toBe(0);
    expect(await client.readNeuron(0, 0)).toBe(88); // 127 − 3·13
    await client.resetStates();
    expect(await client.readNeuron(0, 0)).toBe(0);
    await expect(client.readNeuron(0, 1)).rejects.toThrow(/outside core 0's 1x1x1 neuron map/);
  });

  it('a configuration that cannot be simulated is rejected at start with its issues', async () => {
    const bad = buildConfig([{ core: 0, input: [1, 1, 1], outChannels: 1, kernel: 1, weights: [1], threshold: 1, destinations: [{ core: 12 }] }]);
    const err = await SimulationClient.start(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimConfigError);
    expect((err as SimConfigError).issues.map((i) => i.code)).toEqual(['READOUT_NOT_SIMULATED']);
  });

  it('warns at start (e.g. biases without a slow clock)', async () => {
    const leak = buildConfig([{ core: 0, input: [1, 1, 1], outChannels: 1, kernel: 1, weights: [1], biases: [-1], threshold: 1 }]);
    client = await SimulationClient.start(leak);
    expect(client.warnings.map((w) => w.code)).toContain('LEAK_WITHOUT_SLOW_CLOCK');
  });

  it('an error inside the run (runaway routing cycle) rejects the forward; the simulator stays usable', async () => {
    const loop = buildConfig([{ core: 0, input: [1, 1, 1], outChannels: 1, kernel: 1, weights: [127], threshold: 100, destinations: [{ core: 0 }] }]);
    client = await SimulationClient.start(loop, { maxEventsPerInput: 1000 });
    const one = allocateBatch(1);
    await expect(client.forward(one)).rejects.toThrow(/routing cycle keeps itself busy/);
    expect(typeof (await client.readNeuron(0, 0))).toBe('number');
  });
});
