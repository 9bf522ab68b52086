// The sequential golden fixtures deployed to boards of the other families the fake
// samna models, read back leaf by leaf like samna-config.test.ts does for speck2f:
// - Speck2eDevKit: sinabs v3.1.3 configures speck2e like speck2f (one memory table, the same
//   builder; fixture README, `chip.devices_sharing_this_table`), so the expectation is the
//   same, over the fake's speck2e defaults;
// - DynapcnnDevKit: only sinabs v2.0.3 supports it. Placement from the fixture's v2.0.3
//   cross-check; v2 additions (spec/samna.md §3.1-3.2): kill bits, and dvs_layer.merge = True
//   for a 1-channel input. The weight kill bits are expected in the weights' own samna order
//   [out][in][kx][ky] (the workbench's choice, spec §15; sinabs v2 computed them on the
//   untransposed weights, and which one samna wants is open question §17.3).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../../../main/chips/device-registry.js';
import { compileModel } from '../../../main/compiler/compile.js';
import type { CompileRequest } from '../../../main/compiler/compile-types.js';
import type { SamnaDriver } from '../../../main/devices/samna-driver.js';
import { fixtureNames, fixtureWeights, loadFixture, type Fixture } from '../../helpers/fixtures.js';
import { differences, expectedSequential, fakeDefaults, samnaWeights, zeros, type Obj } from './samna-expected-config.js';
import { FakeSamna } from './samna-fake.js';

let fake: FakeSamna;
const drivers = new Map<string, SamnaDriver>();
const defaults = new Map<string, Obj>();

const BOARDS = [
  { type: 'speck2edevkit', samna: 'Speck2eDevKit', serial: 'SN-2E', address: 6, module: 'speck2e', root: 'SpeckConfiguration' },
  { type: 'dynapcnndevkit', samna: 'DynapcnnDevKit', serial: 'SN-DYN', address: 7, module: 'dynapcnn', root: 'DynapcnnConfiguration' },
] as const;

beforeAll(async () => {
  fake = new FakeSamna(BOARDS.map((b) => ({ device_type_name: b.samna, serial_number: b.serial, usb_bus_number: 1, usb_device_address: b.address })));
  const registry = new DeviceRegistry();
  const host = fake.host();
  for (const b of BOARDS) {
    const driver = host.create({ id: `${b.type}:0`, type: registry.get(b.type)!, usb: { bus: 1, address: b.address, vendorId: 0, productId: 0 } }) as SamnaDriver;
    await driver.open();
    drivers.set(b.type, driver);
    defaults.set(b.type, fakeDefaults(fake.env(), b.module, b.root));
  }
});

afterAll(async () => {
  for (const d of drivers.values()) await d.close();
  await fake?.cleanup();
});

async function deployAndReadBack(f: Fixture, board: (typeof BOARDS)[number]): Promise<Obj> {
  const req: CompileRequest = { source: f.model_text, weights: fixtureWeights(f), inputShape: f.input_shape, device: board.type };
  if (f.conversion) req.conversion = { spikeThreshold: f.conversion.spike_threshold, minVMem: f.conversion.min_v_mem, reset: f.conversion.reset };
  const r = compileModel(req, { modelKind: f.kind });
  expect(r.error).toBeNull();
  const before = fake.recorded(board.serial).length;
  await drivers.get(board.type)!.writeConfig(r.config!);
  const after = fake.recorded(board.serial);
  expect(after).toHaveLength(before + 1);
  return after[after.length - 1] as Obj;
}

/** sinabs v2.0.3 on the DynapcnnDevKit: the v3 writes on the v2 placement, plus kill bits and the 1-channel merge. */
function expectedDynapcnn(f: Fixture): Obj {
  const ordering = f.crosscheck_v2_0_3.mapping!.dynapcnndevkit!.chip_layers_ordering!;
  const cfg = expectedSequential(f, defaults.get('dynapcnndevkit')!, ordering);
  const cores = cfg.cnn_layers as Obj[];
  f.expected.layers!.forEach((l, i) => {
    const [fo, h, w] = l.neuron_shape;
    const core = cores[ordering[i]!]!;
    core.weights_kill_bit = samnaWeights(l).map((o) => o.map((c) => c.map((row) => row.map((v) => v === 0))));
    core.biases_kill_bit = (l.biases ?? new Array<number>(fo).fill(0)).map((b) => b === 0);
    core.neurons_value_kill_bit = zeros(fo, w, h).map((c) => c.map((row) => row.map(() => false)));
  });
  if (f.input_shape[0] === 1) (cfg.dvs_layer as Obj).merge = true;
  return cfg;
}

describe('Speck2eDevKit: the sequential golden fixtures equal sinabs v3.1.3 make_config, leaf by leaf', () => {
  const board = BOARDS[0];
  for (const name of fixtureNames().filter((n) => loadFixture(n).expected.error === null)) {
    it(name, async () => {
      const f = loadFixture(name);
      expect(differences(await deployAndReadBack(f, board), expectedSequential(f, defaults.get(board.type)!))).toEqual([]);
    });
  }
});

describe('DynapcnnDevKit: the sequential golden fixtures sinabs v2.0.3 accepts equal its make_config, kill bits included', () => {
  const board = BOARDS[1];
  const names = fixtureNames().filter((n) => {
    const f = loadFixture(n);
    return f.expected.error === null && f.crosscheck_v2_0_3.error === null;
  });
  it('covers the 18 fixtures both sinabs versions accept', () => {
    expect(names).toHaveLength(18);
  });
  for (const name of names) {
    it(name, async () => {
      const f = loadFixture(name);
      expect(differences(await deployAndReadBack(f, board), expectedDynapcnn(f))).toEqual([]);
    });
  }
});
