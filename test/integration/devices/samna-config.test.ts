// Every golden fixture that compiles for speck2fdevkit, deployed through the SamnaDriver
// (a real bridge child process) into the fake samna, read back from what the fake
// recorded (FAKE_SAMNA_RECORD) and compared leaf by leaf with what sinabs writes:
// - sequential fixtures (test/fixtures/sinabs): the expected configuration is built here
//   from the fixture's `expected.layers`, its speck2fdevkit placement and exit layers, by
//   the rules of spec/samna.md §3.1-3.2 written out below (sinabs v3.1.3's make_config);
// - graph fixtures (test/fixtures/sinabs-graph) with a recorded `expected.config` (what
//   sinabs assigned to a recording samna): those writes, with the weights of the layers.
// Leaves sinabs never writes keep the fake's defaults (a fresh SpeckConfiguration()).

import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../../../main/chips/device-registry.js';
import { compileModel } from '../../../main/compiler/compile.js';
import type { CompileRequest, CompileResult } from '../../../main/compiler/compile-types.js';
import { graphReport } from '../../../main/compiler/graph/graph-report.js';
import type { SamnaDriver } from '../../../main/devices/samna-driver.js';
import { fixtureNames, fixtureWeights, loadFixture, type Fixture, type FixtureLayer } from '../../helpers/fixtures.js';
import { graphFixtureNames, graphFixtureWeights, loadGraphFixture, type GraphFixture } from '../../helpers/graph-fixtures.js';
import { FakeSamna, speck2f } from './samna-fake.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const SERIAL = 'SN-CONFIG';
/** sinabs configures it but cannot run it (its Linear takes one branch's shape); the workbench refuses it at compile time. */
const REJECTED_ON_PURPOSE = new Set(['flatten_merge_shape_mismatch']);
let fake: FakeSamna;
let driver: SamnaDriver;
/** A fresh speck2f SpeckConfiguration() of the fake, as its to_json gives it. */
let defaults: Obj;

beforeAll(async () => {
  fake = new FakeSamna([speck2f(SERIAL, 1, 5)]);
  const type = new DeviceRegistry().get('speck2fdevkit')!;
  driver = fake.host().create({ id: 'speck2fdevkit:0', type, usb: { bus: 1, address: 5, vendorId: 0, productId: 0 } }) as SamnaDriver;
  await driver.open();
  const text = execFileSync('python3', ['-c', 'import samna; print(samna.speck2f.configuration.SpeckConfiguration().to_json())'], { env: fake.env(), encoding: 'utf8' });
  defaults = JSON.parse(text) as Obj;
});

afterAll(async () => {
  await driver?.close();
  await fake?.cleanup();
});

/** Every leaf as path -> value (arrays of scalars are leaves element by element). */
function leaves(v: Json, path = '', out = new Map<string, Json>()): Map<string, Json> {
  if (Array.isArray(v)) {
    if (v.length === 0) out.set(path, []);
    v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) leaves(x, path ? `${path}.${k}` : k, out);
  } else out.set(path, v);
  return out;
}

/** The leaves that differ, as "path: got X, want Y" (empty when equal). */
function differences(got: Json, want: Json): string[] {
  const g = leaves(got);
  const w = leaves(want);
  const out: string[] = [];
  for (const [p, v] of w) if (JSON.stringify(g.get(p)) !== JSON.stringify(v)) out.push(`${p}: got ${JSON.stringify(g.get(p))}, want ${JSON.stringify(v)}`);
  for (const p of g.keys()) if (!w.has(p)) out.push(`${p}: not in the expected configuration`);
  return out;
}

function zeros(f: number, x: number, y: number): number[][][] {
  return Array.from({ length: f }, () => Array.from({ length: x }, () => new Array<number>(y).fill(0)));
}

/** sinabs: `weight.transpose(2, 3).tolist()`: [out][in][kx][ky] from the fixture's [out, in, kh, kw]. */
function samnaWeights(l: FixtureLayer): number[][][][] {
  const [out, inp, kh, kw] = l.weights.shape as [number, number, number, number];
  const d = l.weights.data;
  return Array.from({ length: out }, (_, o) =>
    Array.from({ length: inp }, (_, i) => Array.from({ length: kw }, (_, kx) => Array.from({ length: kh }, (_, ky) => d[((o * inp + i) * kh + ky) * kw + kx]!))),
  );
}

/** What sinabs writes into one core for a layer (spec/samna.md §3.1), except destinations. */
function coreWrites(l: FixtureLayer, monitored: boolean): Obj {
  const [cin, hin, win] = l.input_shape;
  const [f, h, w] = l.neuron_shape;
  const biases = l.biases ?? new Array<number>(f).fill(0);
  return {
    dimensions: {
      input_shape: { size: { x: win, y: hin }, feature_count: cin },
      output_shape: { size: { x: w, y: h }, feature_count: f },
      padding: { x: l.conv.padding[1], y: l.conv.padding[0] },
      stride: { x: l.conv.stride[1], y: l.conv.stride[0] },
      kernel_size: l.conv.kernel_size[0],
    },
    weights: samnaWeights(l),
    biases,
    leak_enable: biases.some((b) => b !== 0),
    return_to_zero: l.reset === 'zero',
    threshold_high: l.spike_threshold,
    threshold_low: l.min_v_mem,
    monitor_enable: monitored,
    neurons_initial_value: zeros(f, w, h),
  };
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function withDefaults(): { cfg: Obj; cores: Obj[] } {
  const cfg = clone(defaults);
  return { cfg, cores: cfg.cnn_layers as Obj[] };
}

function setCore(cores: Obj[], core: number, writes: Obj, dests: Array<{ layer: number; pooling: number }>): void {
  const c = cores[core]!;
  Object.assign(c, writes);
  const slots = c.destinations as Obj[];
  dests.forEach((d, s) => Object.assign(slots[s]!, { layer: d.layer, enable: true, pooling: d.pooling }));
}

/** The sequential fixture's configuration as sinabs v3.1.3 writes it. */
function expectedSequential(f: Fixture): Obj {
  const { cfg, cores } = withDefaults();
  const ordering = f.expected.mapping!.speck2fdevkit!.chip_layers_ordering!;
  f.expected.layers!.forEach((l, i) => {
    // Exit destinations (< 0) write nothing; the others fill the slots in order, pooling as one number.
    const dests = l.destinations.flatMap((d, j) => (d < 0 ? [] : [{ layer: ordering[d]!, pooling: l.pooling[j]![0] }]));
    setCore(cores, ordering[i]!, coreWrites(l, f.expected.exit_layers!.includes(i)), dests);
  });
  (cfg.dvs_layer as Obj).pass_sensor_events = false;
  return cfg;
}

/**
 * The graph fixture's configuration: the recorded writes, plus the weights of each layer.
 * Cores are relabelled through `coreOf` (their core -> ours, matched by the layer's conv
 * module): where sinabs' layer numbering depends on Python's hash seed
 * (layer_index_hash_dependence.stable false), which branch lands on which core is arbitrary.
 */
function expectedGraph(f: GraphFixture, coreOf: (theirCore: number) => number): Obj {
  const { cfg, cores } = withDefaults();
  const rec = f.expected.config!;
  for (const c of rec.cores) {
    const l = f.expected.layers!.find((x) => x.index === c.layer)!;
    const writes = coreWrites(l, c.monitor_enable);
    Object.assign(writes, { dimensions: c.dimensions as Json, return_to_zero: c.return_to_zero, threshold_high: c.threshold_high, threshold_low: c.threshold_low, leak_enable: c.leak_enable });
    const core = coreOf(c.core);
    setCore(cores, core, writes, []);
    for (const d of c.destinations) Object.assign((cores[core]!.destinations as Obj[])[d.slot]!, { layer: coreOf(d.layer), enable: d.enable, pooling: d.pooling });
  }
  const dvs = cfg.dvs_layer as Obj;
  for (const [k, v] of Object.entries(rec.dvs_layer)) {
    if (k === 'destinations') {
      for (const d of v as Array<{ slot: number; layer: number; enable: boolean }>) Object.assign((dvs.destinations as Obj[])[d.slot]!, { layer: coreOf(d.layer), enable: d.enable });
    } else dvs[k] = v as Json;
  }
  return cfg;
}

/**
 * The two destination slots in a canonical order: the chip treats them alike, and sinabs
 * fills them in the order of its destination map, which follows its graph traversal.
 */
function slotsAsSet(cfg: Obj): Obj {
  const out = clone(cfg);
  const sortSlots = (o: Obj) => {
    (o.destinations as Obj[]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
  };
  (out.cnn_layers as Obj[]).forEach(sortSlots);
  sortSlots(out.dvs_layer as Obj);
  return out;
}

async function deployAndReadBack(req: CompileRequest, kind: 'ann' | 'snn'): Promise<{ got: Obj; compiled: CompileResult }> {
  const compiled = compileModel(req, { modelKind: kind });
  expect(compiled.error).toBeNull();
  const before = fake.recorded(SERIAL).length;
  await driver.writeConfig(compiled.config!);
  const after = fake.recorded(SERIAL);
  expect(after).toHaveLength(before + 1);
  return { got: after[after.length - 1] as Obj, compiled };
}

/** Their core -> our core, through the conv module each core's layer was built from. */
function coreMatch(f: GraphFixture, compiled: CompileResult): (theirCore: number) => number {
  const g = graphReport(compiled)!;
  const m = new Map<number, number>();
  for (const e of f.expected.layers!) {
    const ours = g.layers.findIndex((l) => l.modules.conv === e.modules.conv);
    expect(ours, `a layer built from ${e.modules.conv}`).toBeGreaterThanOrEqual(0);
    m.set(f.expected.layer2core_map![String(e.index)]!, g.layer2core_map![String(g.layer_numbers[ours])]!);
  }
  return (c) => m.get(c) ?? c;
}

describe('sequential golden fixtures written through the bridge equal sinabs make_config, leaf by leaf', () => {
  const names = fixtureNames().filter((n) => loadFixture(n).expected.error === null);
  it('covers every fixture that compiles (19 of 30)', () => {
    expect(names).toHaveLength(19);
  });
  for (const name of names) {
    it(name, async () => {
      const f = loadFixture(name);
      const req: CompileRequest = { source: f.model_text, weights: fixtureWeights(f), inputShape: f.input_shape, device: 'speck2fdevkit' };
      if (f.conversion) req.conversion = { spikeThreshold: f.conversion.spike_threshold, minVMem: f.conversion.min_v_mem, reset: f.conversion.reset };
      const { got } = await deployAndReadBack(req, f.kind);
      expect(differences(got, expectedSequential(f))).toEqual([]);
    });
  }
});

describe('graph golden fixtures with a recorded sinabs configuration, leaf by leaf', () => {
  const names = graphFixtureNames().filter((n) => {
    const f = loadGraphFixture(n);
    return f.expected.error === null && f.expected.config != null && !REJECTED_ON_PURPOSE.has(n);
  });
  it('covers every graph fixture sinabs configured and the workbench accepts (11 of 19)', () => {
    expect(names).toHaveLength(11);
  });
  for (const name of names) {
    it(name, async () => {
      const f = loadGraphFixture(name);
      const req: CompileRequest = { source: f.model_text, weights: graphFixtureWeights(f), inputShape: f.input_shape, device: 'speck2fdevkit', dvsInput: f.dvs_input === true };
      if (f.conversion) req.conversion = { spikeThreshold: f.conversion.spike_threshold, minVMem: f.conversion.min_v_mem, reset: f.conversion.reset };
      const { got, compiled } = await deployAndReadBack(req, f.kind);
      expect(differences(slotsAsSet(got), slotsAsSet(expectedGraph(f, coreMatch(f, compiled))))).toEqual([]);
    });
  }
});
