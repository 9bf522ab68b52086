// The native time-stepped engine equals the TypeScript one bit for bit, and both equal
// the reference: every golden fixture the time-stepped tests use (recorded integer layers,
// compiled sequential fixtures, graph fixtures including DVS input), both benchmark
// workloads, state carried across runs, resets, and rasters the backend declines.

import { describe, expect, it } from 'vitest';
import { compileModel } from '../../../main/compiler/compile.js';
import type { CompileRequest } from '../../../main/compiler/compile-types.js';
import type { ChipConfig } from '../../../main/chips/chip-config.js';
import type { Raster } from '../../../main/sim/raster-events.js';
import { TimestepEngine, type TimestepOptions, type TimestepResult } from '../../../main/sim/timestep-engine.js';
import { fixtureNames, loadFixture } from '../../helpers/fixtures.js';
import { graphFixtureNames, graphFixtureWeights, loadGraphFixture, type GraphFixture } from '../../helpers/graph-fixtures.js';
import { configFromFixture } from './chip-config-builder.js';
import { mustHaveNative, nativeBackend, skipReason } from './native-backend-under-test.js';
import { compileFixture, loadBenchWorkload } from './workloads.js';

const withSimulation = fixtureNames().filter((n) => loadFixture(n).simulation !== undefined);
const graphCases = graphFixtureNames().filter((n) => loadGraphFixture(n).simulation && !['fan_out_three', 'flatten_merge_shape_mismatch'].includes(n));

function both(config: ChipConfig, raster: Raster, options: TimestepOptions = {}): { js: TimestepResult; native: TimestepResult; engine: string } {
  const js = new TimestepEngine(config, options).run(raster);
  const engine = new TimestepEngine(config, { ...options, backend: nativeBackend! });
  const native = engine.run(raster);
  return { js, native, engine: engine.engine };
}

function expectSame(a: TimestepResult, b: TimestepResult): void {
  expect(b.chain).toEqual(a.chain);
  expect(b.outputs.shape).toEqual(a.outputs.shape);
  expect(Array.from(b.outputs.data)).toEqual(Array.from(a.outputs.data));
  expect(b.exits.map((e) => [e.core, e.outputs.shape, Array.from(e.outputs.data)])).toEqual(a.exits.map((e) => [e.core, e.outputs.shape, Array.from(e.outputs.data)]));
  expect(b.layerSpikeTotals).toEqual(a.layerSpikeTotals);
  expect(b.destinationTotals).toEqual(a.destinationTotals);
  expect(b.synapticOps).toBe(a.synapticOps);
}

function graphRequest(f: GraphFixture): CompileRequest {
  const req: CompileRequest = { source: f.model_text, weights: graphFixtureWeights(f), inputShape: f.input_shape, device: 'speck2fdevkit', dvsInput: f.dvs_input === true };
  if (f.conversion) req.conversion = { spikeThreshold: f.conversion.spike_threshold, minVMem: f.conversion.min_v_mem, reset: f.conversion.reset };
  return req;
}

const rasterOf = (r: { shape: number[]; data: number[] }): Raster => ({ shape: r.shape as [number, number, number, number], data: r.data });

describe(`native time-stepped engine = TypeScript engine = reference${skipReason}`, () => {
  it.runIf(mustHaveNative)('the addon is built (CI builds it at npm install)', () => {
    expect(nativeBackend).not.toBeNull();
  });

  describe.skipIf(!nativeBackend)('golden fixtures', () => {
    for (const name of withSimulation) {
      it(`${name}: recorded layers and compiled model, every raster`, () => {
        const f = loadFixture(name);
        const sim = f.simulation!;
        for (const { config } of [configFromFixture(f), compileFixture(f)]) {
          sim.rasters.forEach((raster, r) => {
            const { js, native, engine } = both(config, rasterOf(raster));
            expect(engine).toBe('native');
            expectSame(js, native);
            expect(Array.from(native.outputs.data)).toEqual(sim.outputs.dynapcnn_discretized[r]!.data);
            expect(native.layerSpikeTotals).toEqual(sim.layer_spike_totals.dynapcnn_discretized[r]);
          });
        }
      });
    }

    for (const name of graphCases) {
      it(`graph ${name}: every exit and destination total`, () => {
        const f = loadGraphFixture(name);
        const r = compileModel(graphRequest(f), { modelKind: f.kind });
        expect(r.error).toBeNull();
        const options: TimestepOptions = f.dvs_input ? { input: 'dvs' } : { entryCores: r.entryLayers.map((l) => r.placement!.ordering[l]!) };
        for (const raster of f.simulation!.rasters) {
          const { js, native, engine } = both(r.config!, rasterOf(raster), options);
          expect(engine).toBe('native');
          expectSame(js, native);
        }
      });
    }
  });

  describe.skipIf(!nativeBackend)('benchmark workloads', () => {
    for (const name of ['lenet', 'dvs128'] as const) {
      it(`${name}: identical results, exit counts equal the reference`, () => {
        const w = loadBenchWorkload(name);
        const { js, native } = both(w.config, w.raster);
        expectSame(js, native);
        const [, C, H, W] = native.outputs.shape;
        const perChannel = new Array<number>(C).fill(0);
        native.outputs.data.forEach((v, i) => (perChannel[Math.floor(i / (H * W)) % C]! += v));
        expect(perChannel).toEqual(w.meta.reference_exit_counts_timestep);
      });
    }
  });

  describe.skipIf(!nativeBackend)('state between runs', () => {
    const f = loadFixture('lenet_seed_28');
    const { config } = compileFixture(f);
    const rasters = f.simulation!.rasters.map(rasterOf);

    it('continues from the state the last run left, resets and restores like the TypeScript engine', () => {
      const js = new TimestepEngine(config);
      const native = new TimestepEngine(config, { backend: nativeBackend! });
      const steps: Array<(e: TimestepEngine) => TimestepResult | void> = [
        (e) => e.run(rasters[0]!),
        (e) => e.run(rasters[1] ?? rasters[0]!),
        (e) => e.resetStates(),
        (e) => e.run(rasters[0]!),
        (e) => e.restoreInitialStates(),
        (e) => e.run(rasters[0]!),
      ];
      for (const step of steps) {
        const a = step(js);
        const b = step(native);
        if (a && b) expectSame(a, b);
      }
    });

    it('a raster of non-integer values runs in TypeScript (same results), and so does what follows until a reset', () => {
      const base = rasters[0]!;
      const fractional: Raster = { shape: base.shape, data: Float64Array.from(base.data, (v, i) => (i % 97 === 0 ? v + 0.5 : v)) };
      const js = new TimestepEngine(config);
      const native = new TimestepEngine(config, { backend: nativeBackend! });
      expectSame(js.run(base), native.run(base));
      expectSame(js.run(fractional), native.run(fractional));
      expect(native.engine).toBe('js');
      expectSame(js.run(base), native.run(base));
      expect(native.engine).toBe('js');
      js.resetStates();
      native.resetStates();
      expectSame(js.run(base), native.run(base));
      expect(native.engine).toBe('native');
    });

    it('typed rasters of every integer dtype give the same results as plain numbers', () => {
      const base = rasters[0]!;
      const want = new TimestepEngine(config).run(base);
      for (const data of [Uint8Array.from(base.data), Int16Array.from(base.data), Int32Array.from(base.data), Float32Array.from(base.data)]) {
        expectSame(want, new TimestepEngine(config, { backend: nativeBackend! }).run({ shape: base.shape, data }));
      }
    });
  });
});
