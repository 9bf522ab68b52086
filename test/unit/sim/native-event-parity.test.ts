// The native event loop is indistinguishable from the TypeScript engine (with its
// WebAssembly SIMD or JavaScript kernels): the same monitored events in the same batches,
// the same final states, the same counters and clock, in both processing orders, on the
// golden fixtures and both benchmark workloads (every core monitored), and on random
// chains that exercise what the loop implements: saturation and wrap-around, killed
// weights, decimators, DVS input through pooling/ROI/mirroring, drops of every kind,
// slow-clock ticks without leak, chunked processing with shouldStop, runaway limits.
// Configurations it declines (routing cycles, leak ticks) run in TypeScript and say why.

import { describe, expect, it } from 'vitest';
import type { ChipConfig } from '../../../main/chips/chip-config.js';
import type { ChipBehaviour } from '../../../main/sim/chip-behaviour.js';
import { EventEngine, SimulationRunawayError, type EventEngineOptions, type ProcessingOrder } from '../../../main/sim/event-engine.js';
import { rasterToEvents } from '../../../main/sim/raster-events.js';
import { allocateBatch, concatBatches, LAYER_DVS, packBatch, type SpikeBatch } from '../../../main/common/spike-batch.js';
import { fixtureNames, loadFixture } from '../../helpers/fixtures.js';
import { buildConfig, type TestCore } from './chip-config-builder.js';
import { mustHaveNative, nativeBackend, skipReason } from './native-backend-under-test.js';
import { compileFixture, loadBenchWorkload } from './workloads.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

const monitorAll = (config: ChipConfig): ChipConfig => ({ ...config, cnn_layers: config.cnn_layers.map((l) => ({ ...l, monitor_enable: true })) });

interface Outcome {
  engine: string;
  batches: number[];
  events: string;
  states: number[][];
  counters: ReturnType<EventEngine['counters']>;
  timeUs: number;
  consumed: number[];
  error: string | null;
}

function runEngine(config: ChipConfig, inputs: SpikeBatch[], options: EventEngineOptions, stopEvery = 0): Outcome {
  const engine = new EventEngine(config, options);
  const out: SpikeBatch[] = [];
  const consumed: number[] = [];
  let polls = 0;
  let error: string | null = null;
  try {
    for (const input of inputs) {
      const shouldStop = stopEvery > 0 ? () => ++polls % stopEvery === 0 : undefined;
      consumed.push(engine.process(input, (b) => out.push(b), shouldStop ? { shouldStop } : {}));
    }
  } catch (e) {
    if (!(e instanceof SimulationRunawayError)) throw e;
    error = e.message;
  }
  const used = engine.kernelNames.flatMap((k, i) => (k === null ? [] : [i]));
  return {
    engine: engine.engine,
    batches: out.map((b) => b.length),
    events: Buffer.from(packBatch(concatBatches(out))).toString('base64'),
    states: used.map((c) => Array.from(engine.coreState(c).data)),
    counters: engine.counters(),
    timeUs: engine.timeUs,
    consumed,
    error,
  };
}

function expectParity(config: ChipConfig, inputs: SpikeBatch[], options: EventEngineOptions = {}, stopEvery = 0): Outcome {
  const ts = runEngine(config, inputs, options, stopEvery);
  const native = runEngine(config, inputs, { ...options, native: nativeBackend! }, stopEvery);
  expect(native.engine).toBe('native');
  expect(ts.engine).not.toBe('native');
  expect(native.error).toBe(ts.error);
  expect(native.consumed).toEqual(ts.consumed);
  expect(native.batches).toEqual(ts.batches);
  expect(native.events).toBe(ts.events);
  expect(native.states).toEqual(ts.states);
  expect(native.counters).toEqual(ts.counters);
  expect(native.timeUs).toBe(ts.timeUs);
  return native;
}

/** A random chain of 1-4 cores with the features the native loop implements. */
function randomChain(seed: number, opts: { decimator?: boolean; kill?: boolean; dvs?: boolean } = {}) {
  const r = rng(seed);
  const n = 1 + r(4);
  const cores: TestCore[] = [];
  const pools: number[] = [];
  let shape: [number, number, number] = opts.dvs ? [2, 32, 32] : [1 + r(3), 6 + r(10), 6 + r(10)];
  const ids = [0, 1, 2, 3, 4, 5, 6, 7, 8].sort(() => r(3) - 1).slice(0, n);
  for (let i = 0; i < n; i++) {
    const k = 1 + r(4);
    const stride = 1 + r(2);
    const padding = r(Math.min(3, k));
    const F = 1 + r(40);
    const oh = Math.floor((shape[1] + 2 * padding - k) / stride) + 1;
    const ow = Math.floor((shape[2] + 2 * padding - k) / stride) + 1;
    if (oh < 2 || ow < 2) break;
    const pool = [1, 1, 2, 4][r(4)]!;
    const threshold = 20 + r(200);
    const nearTop = r(4) === 0;
    cores.push({
      core: ids[i]!,
      input: shape,
      outChannels: F,
      kernel: k,
      stride,
      padding,
      weights: () => (r(5) === 0 ? 0 : r(256) - 128),
      threshold: nearTop ? 32767 : threshold,
      low: r(6) === 0 ? -32768 : -threshold - r(200),
      returnToZero: r(2) === 0,
      monitor: r(3) !== 0 || i === n - 1,
      initial: Array.from({ length: F * oh * ow }, () => (nearTop ? 32700 + r(60) : r(2 * threshold) - threshold)),
      destinations: [{ core: 0, pooling: pool, enable: false }],
      ...(opts.decimator && r(2) === 0 ? { decimator: r(3) } : {}),
      ...(opts.kill ? { weightKill: Array.from({ length: F * shape[0] * k * k }, () => (r(4) === 0 ? 1 : 0)) } : {}),
    });
    pools.push(pool);
    shape = [F, Math.floor(oh / pool), Math.floor(ow / pool)];
    if (shape[1] < 1 || shape[2] < 1) break;
  }
  for (let i = 0; i + 1 < cores.length; i++) {
    // Feature shifts and a second destination now and then: drops of both kinds.
    const shift = r(4) === 0 ? r(3) : 0;
    cores[i]!.destinations = [{ core: cores[i + 1]!.core, pooling: pools[i]!, featureShift: shift }];
    if (i + 2 < cores.length && r(3) === 0) cores[i]!.destinations!.push({ core: cores[i + 2]!.core, pooling: 1 });
  }
  const first = cores[0]!;
  const events = allocateBatch(2500);
  let t = 0;
  for (let e = 0; e < events.length; e++) {
    t += r(3) === 0 ? r(400) : 0;
    events.t[e] = t;
    const odd = r(40);
    // Now and then an event outside the input, to an unused core, or to no layer at all.
    events.layer[e] = opts.dvs ? LAYER_DVS : odd === 0 ? 9 : odd === 1 ? ids[8]! : first.core;
    events.channel[e] = opts.dvs ? (r(30) === 0 ? 2 : r(2)) : r(first.input[0] + (odd === 2 ? 2 : 0));
    events.y[e] = r(opts.dvs ? 140 : first.input[1]);
    events.x[e] = r(opts.dvs ? 140 : first.input[2] + (odd === 3 ? 3 : 0));
  }
  const family = opts.kill ? ('speck2' as const) : ('speck2f' as const);
  const dvs = opts.dvs
    ? {
        dvs: {
          destinations: [{ layer: first.core, enable: true }, { layer: 0, enable: false }] as [{ layer: number; enable: boolean }, { layer: number; enable: boolean }],
          pooling: { x: 4, y: 4 },
          origin: { x: r(3), y: 0 },
          cut: { x: 31 - r(3), y: 31 },
          monitor_enable: true,
          raw_monitor_enable: r(2) === 0,
          mirror: { x: r(2) === 1, y: r(2) === 1 },
          mirror_diagonal: r(2) === 1,
          off_channel: r(3) !== 0,
        },
      }
    : {};
  return { config: buildConfig(cores, { family, ...dvs }), events };
}

const split = (b: SpikeBatch, at: number): SpikeBatch[] => [
  { ...b, length: at },
  { length: b.length - at, t: b.t.subarray(at), x: b.x.subarray(at), y: b.y.subarray(at), channel: b.channel.subarray(at), layer: b.layer.subarray(at) },
];

const fixtures = fixtureNames().filter((n) => loadFixture(n).simulation !== undefined);

describe(`native event loop = TypeScript event engine${skipReason}`, () => {
  it.runIf(mustHaveNative)('the addon is built (CI builds it at npm install)', () => {
    expect(nativeBackend).not.toBeNull();
  });

  describe.skipIf(!nativeBackend)('golden fixtures and benchmark workloads, every core monitored', () => {
    for (const name of fixtures) {
      it(`${name}: every raster in both orders`, () => {
        const f = loadFixture(name);
        const { config, ordering } = compileFixture(f);
        const inputs = f.simulation!.rasters.map((r) => rasterToEvents({ shape: r.shape as [number, number, number, number], data: r.data }, ordering[0]!, { dt: 1e-3 }));
        for (const order of ['depth-first', 'breadth-first'] as const) {
          expectParity(monitorAll(config), inputs, { order });
          expectParity(monitorAll(config), inputs, { order, kernelImpl: 'js' });
        }
      });
    }

    for (const name of ['lenet', 'dvs128'] as const) {
      it(`${name}: both orders`, () => {
        const w = loadBenchWorkload(name);
        const input = rasterToEvents(w.raster, w.ordering[0]!, { dt: 1e-3 });
        for (const order of ['depth-first', 'breadth-first'] as ProcessingOrder[]) {
          const out = expectParity(monitorAll(w.config), [input], { order });
          expect(out.counters.eventsOut).toBeGreaterThan(1000);
        }
      });
    }
  });

  describe.skipIf(!nativeBackend)('random chains', () => {
    const variants: Array<[string, { decimator?: boolean; kill?: boolean; dvs?: boolean }, Partial<ChipBehaviour>]> = [
      ['saturating', {}, {}],
      ['wrap-around', {}, { stateOverflow: 'wrap' }],
      ['killed weights', { kill: true }, {}],
      ['decimators, last of N, monitor after', { decimator: true }, {}],
      ['decimators, first of N, monitor before', { decimator: true }, { decimatorPass: 'first-of-n', decimatorBeforeMonitor: false }],
      ['DVS input', { dvs: true }, {}],
    ];
    for (const [label, opts, behaviour] of variants) {
      it(`${label}: 10 chains, both orders`, () => {
        for (let seed = 1; seed <= 10; seed++) {
          const chain = randomChain(seed * 31 + label.length, opts);
          for (const order of ['depth-first', 'breadth-first'] as const) expectParity(chain.config, [chain.events], { order, behaviour });
        }
      });
    }

    it('slow-clock ticks (no leak), both tick orders, streamed in chunks with shouldStop and small output batches', () => {
      for (let seed = 1; seed <= 8; seed++) {
        const chain = randomChain(seed * 7);
        const parts = split(chain.events, 1000 + seed * 37);
        for (const order of ['depth-first', 'breadth-first'] as const) {
          for (const tickOrder of ['ticks-first', 'events-first'] as const) {
            expectParity(chain.config, parts, { order, slowClockHz: 1000 + seed * 333, behaviour: { tickOrder }, outputBatchSize: 97 }, 3);
          }
        }
      }
    });

    it('stops where shouldStop says, at the same input event', () => {
      const chain = randomChain(5);
      for (const order of ['depth-first', 'breadth-first'] as const) {
        const out = expectParity(chain.config, [chain.events], { order }, 4);
        expect(out.consumed[0]).toBe(4 * 256);
      }
    });

    it('a runaway (internal events per input above the limit) is the same error after the same work', () => {
      let runaways = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const chain = randomChain(seed);
        for (const order of ['depth-first', 'breadth-first'] as const) {
          const out = expectParity(chain.config, [chain.events], { order, maxEventsPerInput: 1 });
          if (out.error !== null) runaways++;
        }
      }
      expect(runaways).toBeGreaterThan(4);
    });
  });

  describe.skipIf(!nativeBackend)('what the native loop declines runs in TypeScript', () => {
    it('a routing cycle: the engine says why and gives the TypeScript results', () => {
      const config = buildConfig([
        { core: 0, input: [1, 4, 4], outChannels: 1, kernel: 1, weights: [60], threshold: 50, monitor: true, destinations: [{ core: 1 }] },
        { core: 1, input: [1, 4, 4], outChannels: 1, kernel: 1, weights: [-20], threshold: 50, monitor: true, destinations: [{ core: 0 }] },
      ]);
      const engine = new EventEngine(config, { native: nativeBackend! });
      expect(engine.engine).not.toBe('native');
      expect(engine.nativeDeclined).toMatch(/routing cycle/);
    });

    it('leak on slow-clock ticks', () => {
      const config = buildConfig([{ core: 0, input: [1, 4, 4], outChannels: 2, kernel: 1, weights: [5, 6], biases: [3, -2], threshold: 50, monitor: true }]);
      const engine = new EventEngine(config, { native: nativeBackend!, slowClockHz: 1000 });
      expect(engine.engine).not.toBe('native');
      expect(engine.nativeDeclined).toMatch(/leak/);
      expect(new EventEngine(config, { native: nativeBackend! }).engine).toBe('native');
    });
  });
});
