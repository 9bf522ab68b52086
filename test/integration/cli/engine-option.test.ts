// `--engine native|wasm|js` on simulate, run and eval: every engine gives the same
// numbers, `simulate --json` says which engine ran and how long the simulation took,
// asking for the native engine where it is absent is a clear error with the build
// command, the default falls back to WebAssembly when the addon is reported absent
// (DCNN_NATIVE_ENGINE=off), and `dcnn devices` says which engine is in use and why.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDcnn, type DcnnResult } from '../../helpers/dcnn-process.js';
import { writeEvalDataset } from '../../helpers/eval-dataset.js';
import { BENCH_DIR, EXAMPLES_DIR } from '../../helpers/fixtures.js';
import { mustHaveNative, nativeBackend, skipReason } from '../../unit/sim/native-backend-under-test.js';

let dir: string;
const env = { ...process.env, DCNN_DATA_DIR: '' };
const withoutNative = { ...env, DCNN_NATIVE_ENGINE: 'off' };

async function dcnn(args: string[], e: NodeJS.ProcessEnv = env): Promise<DcnnResult> {
  return runDcnn(args, { cwd: dir, env: e });
}

const lenetBench = [join(BENCH_DIR, 'lenet', 'model.py'), '--weights', join(BENCH_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28'];
const raster = ['--raster', join(BENCH_DIR, 'lenet', 'raster.npy')];
const lenet = [join(EXAMPLES_DIR, 'lenet', 'model.py'), '--weights', join(EXAMPLES_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28'];

interface SimJson {
  engine: string;
  wall_ms: number;
  outputs: { shape: number[]; data: number[] };
  layer_spike_totals: number[][];
  synaptic_ops: number;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dcnn-engine-'));
  env.DCNN_DATA_DIR = join(dir, 'data');
  withoutNative.DCNN_DATA_DIR = env.DCNN_DATA_DIR;
  writeEvalDataset(dir, { perClass: 2, firstSeed: 20, bar: { durationMs: 40, rateHz: 400 }, blob: { durationMs: 30, rateHz: 60 } });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--engine without the native engine (reported absent)', () => {
  it('simulate --engine native is a clear error naming the build command (exit 2)', async () => {
    const r = await dcnn(['simulate', ...lenetBench, ...raster, '--engine', 'native'], withoutNative);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/native engine is turned off by DCNN_NATIVE_ENGINE=off/);
    expect(r.stderr).toMatch(/npm run build:native/);
  });

  it('the default falls back to WebAssembly and gives the numbers of an explicit --engine wasm', async () => {
    const fallback = JSON.parse((await dcnn(['simulate', ...lenetBench, ...raster, '--mode', 'event', '--json'], withoutNative)).stdout) as SimJson;
    const wasm = JSON.parse((await dcnn(['simulate', ...lenetBench, ...raster, '--mode', 'event', '--engine', 'wasm', '--json'])).stdout) as SimJson;
    expect(fallback.engine).toBe('wasm');
    expect(fallback.outputs).toEqual(wasm.outputs);
    expect(fallback.layer_spike_totals).toEqual(wasm.layer_spike_totals);
  });

  it('dcnn devices says the JavaScript/WebAssembly fallback is in use, why, and how to build', async () => {
    const text = await dcnn(['devices'], withoutNative);
    expect(text.stdout).toMatch(/simulator: native engine not in use: turned off by DCNN_NATIVE_ENGINE=off; using the WebAssembly SIMD engine/);
    const json = JSON.parse((await dcnn(['devices', '--json'], withoutNative)).stdout) as { engine: { in_use: string; native: { loaded: boolean; reason: string; build: string } } };
    expect(json.engine.in_use).toBe('wasm');
    expect(json.engine.native.loaded).toBe(false);
    expect(json.engine.native.build).toMatch(/npm run build:native/);
  });

  it('an unknown engine name is refused', async () => {
    const r = await dcnn(['simulate', ...lenetBench, ...raster, '--engine', 'gpu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--engine must be "native", "wasm" or "js"/);
  });
});

describe(`--engine with the native engine${skipReason}`, () => {
  it.runIf(mustHaveNative)('the addon is built (CI builds it at npm install)', () => {
    expect(nativeBackend).not.toBeNull();
  });

  describe.skipIf(!nativeBackend)('same numbers from every engine', () => {
    it('simulate, both modes: native = wasm = js; --json has engine and wall_ms; the default is native', async () => {
      for (const mode of ['timestep', 'event'] as const) {
        const runs = await Promise.all(
          [['--engine', 'native'], ['--engine', 'wasm'], ['--engine', 'js'], []].map(async (e) => JSON.parse((await dcnn(['simulate', ...lenetBench, ...raster, '--mode', mode, ...e, '--json'])).stdout) as SimJson),
        );
        const [native, wasm, js, byDefault] = runs as [SimJson, SimJson, SimJson, SimJson];
        expect(native.engine).toBe('native');
        expect(byDefault.engine).toBe('native');
        // The time-stepped mode has no WebAssembly version: --engine wasm runs it in JavaScript.
        expect(wasm.engine).toBe(mode === 'timestep' ? 'js' : 'wasm');
        expect(js.engine).toBe('js');
        for (const other of [wasm, js, byDefault]) {
          expect(other.outputs).toEqual(native.outputs);
          expect(other.layer_spike_totals).toEqual(native.layer_spike_totals);
          expect(other.synaptic_ops).toBe(native.synaptic_ops);
        }
        for (const r of runs) expect(r.wall_ms).toBeGreaterThan(0);
      }
    });

    it('run on the virtual devkit: the same monitored events with the native and the JavaScript engine', async () => {
      const events = ['--events', join(EXAMPLES_DIR, 'lenet', 'input.npy'), '--monitor', 'all', '--json'];
      const native = JSON.parse((await dcnn(['run', ...lenet, ...events, '--engine', 'native'])).stdout) as { monitored: unknown; exit_counts: unknown };
      const js = JSON.parse((await dcnn(['run', ...lenet, ...events, '--engine', 'js'])).stdout) as { monitored: unknown; exit_counts: unknown };
      expect(native.monitored).toEqual(js.monitored);
      expect(native.exit_counts).toEqual(js.exit_counts);
    });

    it('eval, every mode (both included): the same rows with the native and the JavaScript engine', async () => {
      for (const mode of ['event', 'timestep', 'both'] as const) {
        const rows = async (engine: string) => {
          const out = JSON.parse((await dcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '1', '--mode', mode, '--engine', engine, '--json'])).stdout) as { engine: string; samples: unknown[] };
          expect(out.engine).toBe(engine);
          return out.samples;
        };
        const native = await rows('native');
        expect(native.length).toBeGreaterThan(0);
        expect(await rows('js')).toEqual(native);
      }
    });
  });
});
