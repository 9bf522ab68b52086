// Every golden fixture that compiles for speck2fdevkit, deployed through the SamnaDriver
// (a real bridge child process) into the fake samna, read back from what the fake
// recorded (FAKE_SAMNA_RECORD) and compared leaf by leaf with what sinabs writes:
// - sequential fixtures (test/fixtures/sinabs): the expected configuration is built here
//   from the fixture's `expected.layers`, its speck2fdevkit placement and exit layers, by
//   the rules of spec/samna.md §3.1-3.2 written out below (sinabs v3.1.3's make_config);
// - graph fixtures (test/fixtures/sinabs-graph) with a recorded `expected.config` (what
//   sinabs assigned to a recording samna): those writes, with the weights of the layers.
// Leaves sinabs never writes keep the fake's defaults (a fresh SpeckConfiguration()).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../../../main/chips/device-registry.js';
import { compileModel } from '../../../main/compiler/compile.js';
import type { CompileRequest, CompileResult } from '../../../main/compiler/compile-types.js';
import { graphReport } from '../../../main/compiler/graph/graph-report.js';
import type { SamnaDriver } from '../../../main/devices/samna-driver.js';
import { fixtureNames, fixtureWeights, loadFixture } from '../../helpers/fixtures.js';
import { graphFixtureNames, graphFixtureWeights, loadGraphFixture, type GraphFixture } from '../../helpers/graph-fixtures.js';
import { clone, coreWrites, differences, expectedSequential, fakeDefaults, setCore, withDefaults, type Json, type Obj } from './samna-expected-config.js';
import { FakeSamna, speck2f } from './samna-fake.js';

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
  defaults = fakeDefaults(fake.env(), 'speck2f', 'SpeckConfiguration');
});

afterAll(async () => {
  await driver?.close();
  await fake?.cleanup();
});

/**
 * The graph fixture's configuration: the recorded writes, plus the weights of each layer.
 * Cores are relabelled through `coreOf` (their core -> ours, matched by the layer's conv
 * module): where sinabs' layer numbering depends on Python's hash seed
 * (layer_index_hash_dependence.stable false), which branch lands on which core is arbitrary.
 */
function expectedGraph(f: GraphFixture, coreOf: (theirCore: number) => number): Obj {
  const { cfg, cores } = withDefaults(defaults);
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
      expect(differences(got, expectedSequential(f, defaults))).toEqual([]);
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

describe('a configuration samna refuses', () => {
  it("validate_configuration's message is shown, naming the core, and the board keeps its last configuration", async () => {
    const f = loadFixture('two_conv_bias');
    const req: CompileRequest = { source: f.model_text, weights: fixtureWeights(f), inputShape: f.input_shape, device: 'speck2fdevkit' };
    if (f.conversion) req.conversion = { spikeThreshold: f.conversion.spike_threshold, minVMem: f.conversion.min_v_mem, reset: f.conversion.reset };
    const config = compileModel(req, { modelKind: f.kind }).config!;
    // Core 0 sends to core 10: neither a core (0-8) nor the readout (12); the fake's rule from chip.md.
    config.cnn_layers[0]!.destinations[0]!.layer = 10;
    const before = fake.recorded(SERIAL).length;
    const err = await driver.writeConfig(config).then(
      () => null,
      (e: unknown) => e as Error & { type?: string },
    );
    expect(err?.type).toBe('config-invalid');
    expect(err?.message).toBe("samna's validate_configuration refused the configuration: layer 0: destination 0 targets layer 10");
    expect(fake.recorded(SERIAL)).toHaveLength(before);
  });
});
