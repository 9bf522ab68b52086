// The project store in its worker thread (what the app and the web host use): the same
// answers as a project opened in this thread, errors that keep their name and code across
// the thread, replays played next to the data, and a thread that dies taking nothing
// committed with it.

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { concatBatches, eventsOfBatch, unpackBatch, type SpikeBatch } from '../../../main/common/spike-batch.js';
import { openProject } from '../../../main/store/project.js';
import type { ReplayEvent } from '../../../main/store/replay-session.js';
import { StoreClient } from '../../../main/threads/store-client.js';
import { makeTempDirs, MODEL, streamBatch, streamEvent } from '../store/store-fixtures.js';

const temp = makeTempDirs();
const clients: StoreClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.dispose();
  temp.cleanup();
});

function client(): StoreClient {
  const c = new StoreClient();
  clients.push(c);
  return c;
}

function expectedEvents(from: number, n: number) {
  return Array.from({ length: n }, (_, k) => streamEvent(from + k));
}

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected the call to fail');
}

describe('the project store in its worker thread', () => {
  it('records a run there and answers what a project opened here reads back', async () => {
    const path = join(temp.make(), 'w.dcnnproj');
    const store = await client().open(path, { create: true, name: 'worker test' });
    expect((await store.meta()).name).toBe('worker test');
    const version = await store.addModelVersion(MODEL);
    expect(version.inputShape).toEqual([1, 28, 28]);
    expect(await store.modelWeights(version.id)).toEqual(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));

    const run = await store.startRun({ modelVersionId: version.id, deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', monitorLayers: [0] });
    for (let i = 0; i < 5000; i += 1000) run.recordInput(streamBatch(i, 1000));
    run.recordOutput(streamBatch(0, 30));
    const ending = await run.finish({ status: 'completed' }, { eventsIn: 5000 });
    expect(ending).toEqual({ status: 'completed' });

    const [info] = await store.listRuns();
    expect(info).toMatchObject({ id: run.runId, status: 'completed', eventsIn: 5000, eventsOut: 30, counters: { eventsIn: 5000 } });
    expect(await store.recordingInfo(run.runId, 'input')).toEqual({ runId: run.runId, stream: 'input', count: 5000, firstUs: 1000, lastUs: 1000 + 7 * Math.floor(4999 / 3) });
    expect(eventsOfBatch(await store.readRecording(run.runId, 'input'))).toEqual(expectedEvents(0, 5000));
    await store.close();

    // The file the worker wrote, read in this thread.
    const here = openProject(path);
    expect(here.getRun(run.runId)?.status).toBe('completed');
    expect(here.openRecording(run.runId, 'output').count).toBe(30);
    here.close();
  });

  it('plays a replay in the worker and delivers every event and the end state', async () => {
    const path = join(temp.make(), 'r.dcnnproj');
    const store = await client().open(path, { create: true });
    const version = await store.addModelVersion(MODEL);
    const run = await store.startRun({ modelVersionId: version.id, deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', monitorLayers: [0] });
    run.recordOutput(streamBatch(0, 3000));
    await run.finish({ status: 'completed' });

    const batches: SpikeBatch[] = [];
    const states: string[] = [];
    const emit = (e: ReplayEvent) => (e.kind === 'spikes' ? batches.push(unpackBatch(e.spikes)) : states.push(e.state));
    const { handle, info, state } = await store.startReplay('replay-1', { runId: run.runId, stream: 'output', speed: 'max' }, emit);
    expect(info.count).toBe(3000);
    expect(state.state).toBe('playing');
    await handle.done;
    expect(eventsOfBatch(concatBatches(batches))).toEqual(expectedEvents(0, 3000));
    expect(states[0]).toBe('playing');
    expect(states.at(-1)).toBe('ended');
    const gone = await rejection(handle.control({ action: 'pause' }));
    expect(gone.code).toBe('UNKNOWN_REPLAY');
  });

  it('keeps the name, code and fields of errors thrown in the worker', async () => {
    const dir = temp.make();
    const c = client();
    const missing = await rejection(c.open(join(dir, 'none.dcnnproj')));
    expect(missing.name).toBe('DatabaseFileError');
    expect(missing.message).toContain('none.dcnnproj');

    const store = await c.open(join(dir, 'e.dcnnproj'), { create: true });
    const unknown = await rejection(store.recordingInfo(42, 'input'));
    expect(unknown.name).toBe('NotInProjectError');
    expect(unknown.message).toMatch(/run 42 does not exist/);
    const badShape = await rejection(store.addModelVersion({ ...MODEL, inputShape: [1, 0, 28] }));
    expect(badShape.name).toBe('RangeError');
  });

  it('when the thread dies: pending calls and live recordings fail with STORE_STOPPED, committed data stays, the next open works', async () => {
    const path = join(temp.make(), 'k.dcnnproj');
    const c = client();
    const store = await c.open(path, { create: true });
    const version = await store.addModelVersion(MODEL);
    const run = await store.startRun({ modelVersionId: version.id, deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', monitorLayers: [0], recording: { chunkEvents: 1000 } });
    run.recordInput(streamBatch(0, 4000));
    // A call after the batch is answered after it: the chunks are committed by then.
    expect((await store.getRun(run.runId))?.eventsIn).toBe(4000);
    const failed = new Promise<Error & { code?: string }>((resolve) => run.onRecordingFailed((e) => resolve(e as Error & { code?: string })));

    await c.stopThread();
    expect((await failed).code).toBe('STORE_STOPPED');
    expect((await rejection(store.listRuns())).code).toBe('STORE_STOPPED');
    expect((await rejection(run.finish({ status: 'completed' }))).code).toBe('STORE_STOPPED');

    const reopened = await c.open(path);
    expect(reopened.interruptedOnOpen).toEqual([run.runId]);
    const after = await reopened.getRun(run.runId);
    expect(after).toMatchObject({ status: 'interrupted', reason: 'crashed', eventsIn: 4000 });
    expect(eventsOfBatch(await reopened.readRecording(run.runId, 'input'))).toEqual(expectedEvents(0, 4000));
  });
});
