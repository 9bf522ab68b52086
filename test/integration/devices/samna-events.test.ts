// Events through the samna bridge and the fake samna: spike batches go in through the
// SamnaDriver (packed frames to the real bridge process, samna Spike/DvsEvent objects into
// the fake's source node), the fake's chip rule (test/fake-samna/README.md) makes output
// events, which come back as packed batches. Expected outputs are written out here from
// that rule: for each input event, in arrival order, one Spike per monitored core m with
// feature % F_m, x % W_m, y % H_m and the same timestamp. Then a whole run on the board
// through the RunService, recorded in a real project file.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../../../main/chips/device-registry.js';
import { concatBatches, eventsOfBatch, LAYER_DVS, type SpikeBatch } from '../../../main/common/spike-batch.js';
import { DeviceManager } from '../../../main/devices/device-manager.js';
import type { SamnaDriver } from '../../../main/devices/samna-driver.js';
import { RunService } from '../../../main/services/run-service.js';
import { localProjectStore } from '../../../main/store/project-store.js';
import { openProject } from '../../../main/store/project.js';
import { FakeSamna, speck2f } from './samna-fake.js';
import { compileTwoConv, CORE0, CORE1, expectedOutput, inputBatch } from './samna-model.js';

const SERIAL = 'SN-EVENTS';

let fake: FakeSamna;
let driver: SamnaDriver;

beforeAll(async () => {
  fake = new FakeSamna([speck2f(SERIAL, 1, 5)]);
  const type = new DeviceRegistry().get('speck2fdevkit')!;
  driver = fake.host().create({ id: 'speck2fdevkit:0', type, usb: { bus: 1, address: 5, vendorId: 0, productId: 0 } }) as SamnaDriver;
  await driver.open();
});

afterAll(async () => {
  await driver?.close();
  await fake?.cleanup();
});

describe('forward through the driver', () => {
  it('a spike batch into the entry core comes back as the monitored cores answer it, timestamps and order kept', async () => {
    await driver.writeConfig(compileTwoConv({ monitorLayers: 'all' }).config!);
    expect(driver.lastApplied).toEqual({ cores: [0, 1], monitored: [0, 1], dvs: false, validation: '' });
    const inp = inputBatch(300, 0);
    const r = await driver.forward(inp);
    expect(r.cancelled).toBe(false);
    expect(eventsOfBatch(r.output!)).toEqual(expectedOutput(inp, [CORE0, CORE1]));
    expect(r.stats.eventsIn).toBe(300);
    expect(r.stats.eventsOut).toBe(600);
    expect(r.stats.perCore).toEqual([
      { core: 0, eventsIn: 300, spikesOut: 300, dropped: 0 },
      { core: 1, eventsIn: 0, spikesOut: 300, dropped: 0 },
    ]);
    // The bridge says where its time went; every phase ran, so none is zero or missing.
    const p = driver.lastPhases!;
    expect(Object.keys(p).sort()).toEqual(['convertIn', 'convertOut', 'read', 'send', 'write']);
    for (const v of Object.values(p)) expect(v).toBeGreaterThan(0);
  });

  it('a batch larger than one frame (70,000 events) streams in parts and comes back whole, in order', async () => {
    await driver.writeConfig(compileTwoConv({}).config!);
    const inp = inputBatch(70_000, 0, 1);
    const parts: SpikeBatch[] = [];
    const r = await driver.forward(inp, { onOutput: (b) => parts.push(b) });
    expect(r.output).toBeNull();
    expect(parts.length).toBeGreaterThan(1);
    expect(eventsOfBatch(concatBatches(parts))).toEqual(expectedOutput(inp, [CORE1]));
  });

  it('DVS events (layer 13) enter the DVS layer: monitored, they come back as layer-13 spikes with the polarity as channel', async () => {
    await driver.writeConfig(compileTwoConv({ dvsInput: true, monitorLayers: ['dvs', -1] }).config!);
    expect(driver.lastApplied).toMatchObject({ monitored: [1, 13], dvs: true });
    const inp = inputBatch(50, LAYER_DVS);
    const r = await driver.forward(inp);
    expect(eventsOfBatch(r.output!)).toEqual(expectedOutput(inp, [CORE1], true));
  });

  it('readNeuron answers with the events the core received (the fake chip rule); resetStates re-applies and zeroes it', async () => {
    await driver.writeConfig(compileTwoConv({}).config!);
    await driver.forward(inputBatch(37, 0));
    expect(await driver.readNeuron(0, 5)).toBe(37);
    expect(await driver.readNeuron(1, 5)).toBe(0);
    await driver.resetStates();
    expect(await driver.readNeuron(0, 5)).toBe(0);
  });
});

describe('cancel', () => {
  it('an aborted forward pass ends at once as cancelled, with the output so far, without waiting for the replay time', async () => {
    await driver.writeConfig(compileTwoConv({}).config!);
    // 200 events over 20 s of input time: only a cancel can end this pass within the test's time.
    const inp = inputBatch(200, 0, 100_000);
    const abort = new AbortController();
    const got: SpikeBatch[] = [];
    const r = await driver.forward(inp, {
      signal: abort.signal,
      onOutput: (b) => {
        got.push(b);
        abort.abort();
      },
    });
    expect(r.cancelled).toBe(true);
    const out = eventsOfBatch(concatBatches(got));
    expect(out.length).toBeGreaterThan(0);
    expect(out).toEqual(expectedOutput(inp, [CORE1]).slice(0, out.length));
    // The bridge is ready for the next pass.
    const again = await driver.forward(inputBatch(5, 0));
    expect(eventsOfBatch(again.output!)).toEqual(expectedOutput(inputBatch(5, 0), [CORE1]));
  });
});

describe('a run on the board, recorded', () => {
  let dir: string;
  let manager: DeviceManager;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dcnn-samna-run-'));
    const host = fake.host();
    manager = await DeviceManager.create({ usb: null, boards: host, realDrivers: host, defaultVirtuals: false });
  });

  afterAll(async () => {
    await manager.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs through the RunService on speck2fdevkit:0 and the project holds the input and the output events', async () => {
    // The board of the driver tests is this board too; close that handle first (samna opens a board in one process only).
    await driver.close();
    const project = openProject(join(dir, 'board.dcnnproj'), { create: true });
    try {
      const compiled = compileTwoConv({});
      const inp = inputBatch(500, 0);
      const runs = new RunService(manager);
      const handle = await runs.start({ project: localProjectStore(project), deviceId: 'speck2fdevkit:0', compiled, modelVersion: { source: 'two_conv_bias', weights: null, compileOptions: {} }, input: inp, deploy: {} });
      const summary = await handle.done;
      expect(summary).toMatchObject({ status: 'completed', reason: null, eventsIn: 500, eventsOut: 500 });
      const run = project.getRun(summary.runId)!;
      expect(run).toMatchObject({ status: 'completed', deviceId: 'speck2fdevkit:0', deviceType: 'speck2fdevkit', eventsIn: 500, eventsOut: 500 });
      expect(eventsOfBatch(concatBatches([...project.openRecording(run.id, 'input').read()]))).toEqual(eventsOfBatch(inp));
      expect(eventsOfBatch(concatBatches([...project.openRecording(run.id, 'output').read()]))).toEqual(expectedOutput(inp, [CORE1]));
      // The device is free again after the run.
      expect(manager.resolve('speck2fdevkit:0').status).toBe('available');
    } finally {
      project.close();
    }
  });
});

describe('two boards of one type at once', () => {
  it('two runs at the same time, one per board, each through its own bridge, each get their own output', async () => {
    const two = new FakeSamna([speck2f('SN-ONE', 2, 3), speck2f('SN-TWO', 2, 4)]);
    const host = two.host();
    const m = await DeviceManager.create({ usb: null, boards: host, realDrivers: host, defaultVirtuals: false });
    try {
      const runs = new RunService(m);
      const compiled = compileTwoConv({});
      const a = inputBatch(120, 0);
      const b = inputBatch(80, 0, 7);
      const outA: SpikeBatch[] = [];
      const outB: SpikeBatch[] = [];
      const mv = { source: 'two_conv_bias', weights: null, compileOptions: {} };
      const [ra, rb] = await Promise.all([
        runs.start({ project: null, deviceId: 'speck2fdevkit:0', compiled, modelVersion: mv, input: a, deploy: {} }, { onSpikes: (_, x) => outA.push(x) }),
        runs.start({ project: null, deviceId: 'speck2fdevkit:1', compiled, modelVersion: mv, input: b, deploy: {} }, { onSpikes: (_, x) => outB.push(x) }),
      ]);
      expect(m.resolve('speck2fdevkit:0').status).toBe('busy');
      expect(m.resolve('speck2fdevkit:1').status).toBe('busy');
      const pids = [two.openerPid('SN-ONE'), two.openerPid('SN-TWO')];
      expect(new Set(pids).size).toBe(2);
      expect(await ra.done).toMatchObject({ status: 'completed', eventsIn: 120, eventsOut: 120 });
      expect(await rb.done).toMatchObject({ status: 'completed', eventsIn: 80, eventsOut: 80 });
      expect(eventsOfBatch(concatBatches(outA))).toEqual(expectedOutput(a, [CORE1]));
      expect(eventsOfBatch(concatBatches(outB))).toEqual(expectedOutput(b, [CORE1]));
      expect(two.recorded('SN-ONE')).toHaveLength(1);
      expect(two.recorded('SN-TWO')).toHaveLength(1);
    } finally {
      await m.dispose();
      await two.cleanup();
    }
  });
});
