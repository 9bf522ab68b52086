// When the samna side fails, against the fake samna with real bridge processes: the
// bridge SIGKILLed in the middle of a recorded run (the run ends interrupted, what was
// recorded is kept, the next run on the board starts a new bridge), a bridge that hangs
// (fake knob, or SIGSTOP) gives a timeout error naming the request and its limit, and a
// missing Python or a Python without samna is a status naming the interpreter tried and
// the fix, while the virtual devkits go on working.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../../../main/chips/device-registry.js';
import { concatBatches, eventsOfBatch } from '../../../main/common/spike-batch.js';
import { DeviceManager } from '../../../main/devices/device-manager.js';
import { DeviceDisconnectedError } from '../../../main/devices/device-errors.js';
import type { SamnaDriver, SamnaTimings } from '../../../main/devices/samna-driver.js';
import { SamnaHost } from '../../../main/devices/samna-host.js';
import { RunService } from '../../../main/services/run-service.js';
import { localProjectStore } from '../../../main/store/project-store.js';
import { openProject } from '../../../main/store/project.js';
import { runDcnn } from '../../helpers/dcnn-process.js';
import { board, FakeUsb } from '../../unit/devices/fake-devices.js';
import { FAST_TIMINGS, FakeSamna, PYTHON3, speck2f } from './samna-fake.js';
import { compileTwoConv, CORE1, expectedOutput, inputBatch } from './samna-model.js';

const SERIAL = 'SN-FAIL';
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function fakeWithBoard(): FakeSamna {
  const fake = new FakeSamna([speck2f(SERIAL, 1, 5)]);
  cleanups.push(() => fake.cleanup());
  return fake;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dcnn-samna-fail-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function managerOver(host: SamnaHost): Promise<DeviceManager> {
  const m = await DeviceManager.create({ usb: null, boards: host, realDrivers: host });
  cleanups.push(() => m.dispose());
  return m;
}

async function openDriver(fake: FakeSamna, timings: Partial<SamnaTimings>): Promise<SamnaDriver> {
  const type = new DeviceRegistry().get('speck2fdevkit')!;
  const driver = fake.host({ timings: { ...FAST_TIMINGS, ...timings } }).create({ id: 'speck2fdevkit:0', type, usb: { bus: 1, address: 5, vendorId: 0, productId: 0 } }) as SamnaDriver;
  cleanups.push(() => driver.close());
  await driver.open();
  return driver;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('bridge killed in the middle of a run', () => {
  it('the run ends interrupted naming the bridge, the input and the output received so far are kept; the next run starts a new bridge', async () => {
    const fake = fakeWithBoard();
    const manager = await managerOver(fake.host());
    const project = openProject(join(tempDir(), 'killed.dcnnproj'), { create: true });
    cleanups.push(() => project.close());
    const runs = new RunService(manager);
    const compiled = compileTwoConv();
    // 500 events over 10 s of input time: the bridge waits for the replay time, so the run is still going when the kill comes.
    const inp = inputBatch(500, 0, 20_000);
    let killed = 0;
    const seen: Array<ReturnType<typeof eventsOfBatch>> = [];
    const handle = await runs.start(
      { project: localProjectStore(project), deviceId: 'speck2fdevkit:0', compiled, modelVersion: { source: 'two_conv_bias', weights: null, compileOptions: {} }, input: inp, deploy: {} },
      {
        onSpikes: (_, batch) => {
          seen.push(eventsOfBatch(batch));
          if (killed === 0) {
            killed = fake.openerPid(SERIAL);
            process.kill(killed, 'SIGKILL');
          }
        },
      },
    );
    const summary = await handle.done;
    expect(killed).toBeGreaterThan(0);
    expect(summary).toMatchObject({ status: 'interrupted', reason: 'crashed', message: "the board's samna bridge process ended or stopped answering during the run" });
    const run = project.getRun(summary.runId)!;
    expect(run).toMatchObject({ status: 'interrupted', reason: 'crashed' });
    // Kept: the whole input (it was fed before the kill) and exactly the output delivered before it.
    expect(eventsOfBatch(concatBatches([...project.openRecording(run.id, 'input').read()]))).toEqual(eventsOfBatch(inp));
    const recordedOut = eventsOfBatch(concatBatches([...project.openRecording(run.id, 'output').read()]));
    expect(recordedOut.length).toBeGreaterThan(0);
    expect(recordedOut).toEqual(seen.flat());
    expect(recordedOut).toEqual(expectedOutput(inp, [CORE1]).slice(0, recordedOut.length));
    expect(alive(killed)).toBe(false);

    // The board itself is still there: the next run opens it with a new bridge and completes.
    expect(manager.resolve('speck2fdevkit:0').status).toBe('available');
    const again = await runs.start({ project: localProjectStore(project), deviceId: 'speck2fdevkit:0', compiled, modelVersion: run.modelVersionId, input: inputBatch(20, 0), deploy: {} });
    expect(await again.done).toMatchObject({ status: 'completed', eventsIn: 20, eventsOut: 20 });
    expect(fake.openerPid(SERIAL)).not.toBe(killed);
  });
});

describe('board unplugged in the middle of a run', () => {
  it('samna stops listing it and USB reports the detach: the run ends interrupted (device-unplugged), recordings kept, the board is no longer listed', async () => {
    const fake = fakeWithBoard();
    const usb = new FakeUsb([board(1, 5, 0x1234, 0xabcd)]);
    const host = fake.host();
    const manager = await DeviceManager.create({ usb: () => Promise.resolve(usb), boards: host, realDrivers: host });
    cleanups.push(() => manager.dispose());
    const project = openProject(join(tempDir(), 'unplugged.dcnnproj'), { create: true });
    cleanups.push(() => project.close());
    const inp = inputBatch(500, 0, 20_000);
    const detached = new Promise<string>((resolve) => manager.on('detach', (d) => resolve(`${d.id} ${d.status}`)));
    let unplugged = false;
    const handle = await new RunService(manager).start(
      { project: localProjectStore(project), deviceId: 'speck2fdevkit:0', compiled: compileTwoConv(), modelVersion: { source: 'two_conv_bias', weights: null, compileOptions: {} }, input: inp, deploy: {} },
      {
        onSpikes: () => {
          if (unplugged) return;
          unplugged = true;
          fake.setBoards([]);
          usb.unplug(1, 5);
        },
      },
    );
    const summary = await handle.done;
    expect(await detached).toBe('speck2fdevkit:0 disconnected');
    expect(summary).toMatchObject({ status: 'interrupted', reason: 'device-unplugged' });
    const run = project.getRun(summary.runId)!;
    expect(eventsOfBatch(concatBatches([...project.openRecording(run.id, 'input').read()]))).toEqual(eventsOfBatch(inp));
    const out = eventsOfBatch(concatBatches([...project.openRecording(run.id, 'output').read()]));
    expect(out.length).toBeGreaterThan(0);
    expect(out).toEqual(expectedOutput(inp, [CORE1]).slice(0, out.length));
    expect(manager.list().filter((d) => !d.virtual)).toEqual([]);
  });
});

describe('bridge that stops answering', () => {
  it('hung in samna while events are written (fake knob): forward fails with the stall time limit, the bridge is ended and the device is gone', async () => {
    const fake = fakeWithBoard();
    const driver = await openDriver(fake, { stallMs: 700 });
    await driver.writeConfig(compileTwoConv().config!);
    const pid = fake.openerPid(SERIAL);
    fake.setKnobs({ hang: 'write' });
    const gone: string[] = [];
    driver.onDisconnect((reason) => gone.push(reason));
    const err = await driver.forward(inputBatch(10, 0)).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(DeviceDisconnectedError);
    expect(err!.message).toContain('request forward got no answer within 700 ms');
    expect(gone).toEqual(['bridge-exited']);
    expect(alive(pid)).toBe(false);
    await expect(driver.writeConfig(compileTwoConv().config!)).rejects.toBeInstanceOf(DeviceDisconnectedError);
  });

  it('stopped (SIGSTOP) before a configuration is written: writeConfig fails naming apply and its time limit', async () => {
    const fake = fakeWithBoard();
    const driver = await openDriver(fake, { applyTimeoutMs: 700 });
    const pid = fake.openerPid(SERIAL);
    process.kill(pid, 'SIGSTOP');
    const err = await driver.writeConfig(compileTwoConv().config!).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(DeviceDisconnectedError);
    expect(err!.message).toContain('request apply got no answer within 700 ms');
    expect(alive(pid)).toBe(false);
  });

  it('hung while listing devices: the samna status says the list request timed out; the virtual devkits are listed', async () => {
    const fake = fakeWithBoard();
    fake.setKnobs({ hang: 'list' });
    const manager = await managerOver(fake.host({ requestTimeoutMs: 700 }));
    expect(manager.boardStatus()).toMatchObject({ status: 'error' });
    expect(manager.boardStatus()!.message).toContain('request list got no answer within 700 ms');
    expect(manager.list().filter((d) => !d.virtual)).toEqual([]);
    expect(manager.resolve('sim-speck2fdevkit:0').status).toBe('available');
    // samna answers again: Refresh starts a new bridge and the board appears.
    fake.setKnobs({});
    await manager.refresh();
    expect(manager.boardStatus()!.status).toBe('ok');
    expect(
      manager
        .list()
        .filter((d) => !d.virtual)
        .map((d) => `${d.id} ${d.serial}`),
    ).toEqual([`speck2fdevkit:0 ${SERIAL}`]);
  });
});

describe('no Python, no samna', () => {
  it('Python missing: the status names the interpreter tried and how to name another; a virtual devkit still runs', async () => {
    const missing = '/nonexistent/venv/bin/python3';
    const manager = await managerOver(new SamnaHost({ python: [{ command: missing, source: 'option' }], timings: FAST_TIMINGS }));
    const status = manager.boardStatus()!;
    expect(status.status).toBe('python-missing');
    expect(status.message).toContain(`${missing} (from --python)`);
    expect(status.fix).toContain('pip install samna');
    expect(status.fix).toContain('--python /path/to/python');
    expect(status.fix).toContain('DCNN_PYTHON=/path/to/python');
    expect(status.fix).toContain('Virtual devkits keep working');
    const runs = new RunService(manager);
    const run = await runs.start({ project: null, deviceId: 'sim-speck2fdevkit:0', compiled: compileTwoConv(), modelVersion: 0, input: inputBatch(40, 0), deploy: {} });
    expect(await run.done).toMatchObject({ status: 'completed', eventsIn: 40 });
  });

  it('a name on PATH that is not there is skipped for the next one (python3 then python)', async () => {
    const fake = fakeWithBoard();
    const host = fake.host({ python: [{ command: 'python3-not-installed-here', source: 'path' }, ...PYTHON3] });
    expect(await host.list()).toHaveLength(1);
    expect(host.status().status).toBe('ok');
  });

  it('Python missing, from the command line: dcnn devices --json --python says the same and lists the virtual devkits', async () => {
    const dir = tempDir();
    const missing = '/nonexistent/venv/bin/python3';
    const r = await runDcnn(['devices', '--json', '--python', missing], { cwd: dir, env: { ...process.env, DCNN_DATA_DIR: join(dir, 'data') } });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { samna: { status: string; message: string; fix: string }; devices: Array<{ id: string; status: string }> };
    expect(out.samna.status).toBe('python-missing');
    expect(out.samna.message).toContain(`${missing} (from --python)`);
    expect(out.samna.fix).toContain('pip install samna');
    expect(out.devices).toContainEqual(expect.objectContaining({ id: 'sim-speck2fdevkit:0', status: 'available' }));
  });

  it('samna missing (python3 without the fake on its path): the status names the interpreter and says pip install samna', async () => {
    const env = { ...process.env };
    delete env.PYTHONPATH;
    const manager = await managerOver(new SamnaHost({ python: PYTHON3, env, timings: FAST_TIMINGS }));
    const status = manager.boardStatus()!;
    expect(status.status).toBe('samna-missing');
    expect(status.message).toContain('python3 (from PATH)');
    expect(status.message).toContain('cannot import samna');
    expect(status.fix).toMatch(/`\S*python3\S* -m pip install samna`/);
    expect(manager.resolve('sim-speck2fdevkit:0').status).toBe('available');
  });
});
