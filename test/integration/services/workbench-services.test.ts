// The composed services end to end through the contract's dispatcher, with a real
// project file (SQLite), real virtual devkits (simulator worker threads) and the event
// bus: project from the example, compile, run, the recorded run, replay, re-run, compare,
// stop, unplug during a run, and the error replies a UI gets for bad requests.

import { previewCounts } from '../../../main/common/input-preview.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventChannel, EventOf, ModelSpec, RequestChannel, RequestOf, ReplyOf, RunSummaryView } from '../../../preload/api.js';
import type { Dispatcher } from '../../../main/ipc/dispatcher.js';
import { createWorkbenchDispatcher } from '../../../main/ipc/workbench-dispatcher.js';
import { createServices, type Services } from '../../../main/services/compose.js';
import { unpackBatch } from '../../../main/common/spike-batch.js';

let dir: string;
let s: Services;
let dispatcher: Dispatcher;
const events: Array<{ channel: EventChannel; payload: unknown }> = [];

async function call<C extends RequestChannel>(channel: C, req: RequestOf<C>): Promise<ReplyOf<C>> {
  const reply = await dispatcher.dispatch(channel, req);
  if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
  return reply.value as ReplyOf<C>;
}

function waitFor<C extends EventChannel>(channel: C, match: (p: EventOf<C>) => boolean, timeoutMs = 60_000): Promise<EventOf<C>> {
  const seen = events.find((e) => e.channel === channel && match(e.payload as EventOf<C>));
  if (seen) return Promise.resolve(seen.payload as EventOf<C>);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${channel} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = s.bus.subscribe((c, p) => {
      if (c === channel && match(p as EventOf<C>)) {
        clearTimeout(timer);
        off();
        resolve(p as EventOf<C>);
      }
    });
  });
}

let spec: ModelSpec;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dcnn-services-'));
  s = await createServices({ dataDir: dir, mode: 'web', usb: false });
  dispatcher = createWorkbenchDispatcher(s, () => undefined);
  s.bus.subscribe((channel, payload) => events.push({ channel, payload }));
  const examples = await call('examples.list', {});
  spec = examples.find((e) => e.id === 'lenet')!.spec;
  await call('project.new', { name: 'services test', exampleId: 'lenet' });
});

afterAll(async () => {
  await s.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('project, compile and the example model', () => {
  it('a new project from the example holds the LeNet model as its first version', async () => {
    const project = await call('project.current', {});
    expect(project?.name).toBe('services test');
    expect(project?.path).toBe(join(dir, 'projects', 'services-test.dcnnproj'));
    expect(project?.modelVersions).toHaveLength(1);
    expect(project?.current?.source).toBe(spec.source);
    expect(project?.current?.weightsId).toBe(spec.weightsId);
  });

  it('compile.run gives the inspector and placement what they show', async () => {
    const view = await call('compile.run', { spec });
    expect(view.ok).toBe(true);
    expect(view.placement).toEqual({ ordering: [0, 3, 5, 6, 1], auto: true });
    expect(view.chipLayers.map((l) => l.memory.kernel)).toEqual([1024, 20480, 65536, 65536, 8000]);
    const first = view.chipLayers[0]!;
    expect(first.floatHistogram.counts.reduce((a, b) => a + b, 0)).toBe(first.weightCount);
    expect(first.intHistogram.counts.reduce((a, b) => a + b, 0)).toBe(first.weightCount);
    // Hover: the Conv2d on line 4 outputs the 20x24x24 neuron map, its AvgPool 20x12x12.
    const conv = view.modelLayers.find((l) => l.span.line === 4)!;
    expect(conv.outputShape).toEqual([20, 24, 24]);
    expect(view.modelLayers.find((l) => l.span.line === 6)!.outputShape).toEqual([20, 12, 12]);
  });

  it('a syntax error comes back as a diagnostic with its span, not a failed request', async () => {
    const broken = { ...spec, source: spec.source.replace('nn.ReLU(),', 'nn.ReLU(,') };
    const view = await call('compile.run', { spec: broken });
    expect(view.ok).toBe(false);
    expect(view.error?.stage).toBe('parse');
    expect(view.diagnostics.some((d) => d.severity === 'error' && d.span !== undefined)).toBe(true);
  });

  it('a manual ordering that does not fit says which memory overflows', async () => {
    const view = await call('compile.run', { spec: { ...spec, ordering: [0, 7, 5, 6, 1] } });
    expect(view.ok).toBe(false);
    expect(view.placementProblems).toContainEqual({ kind: 'does-not-fit', layer: 1, core: 7, overflows: [{ memory: 'kernel', need: 20480, have: 16384 }] });
  });
});

describe('runs on the virtual devkit, recorded in the project', () => {
  let first: RunSummaryView;

  it('runs the example input and reports spikes, progress and the predicted class', async () => {
    const started = await call('run.start', { deviceId: 'sim-speck2fdevkit:0', model: spec, input: { kind: 'example', exampleId: 'lenet' } });
    expect(started.monitored).toEqual([{ core: 1, layer: 4, neuronShape: [10, 1, 1] }]);
    // The input preview: 8 windows of the 28x28 input holding every event sent.
    const preview = started.inputPreview!;
    expect({ frames: preview.frames, width: preview.width, height: preview.height }).toEqual({ frames: 8, width: 28, height: 28 });
    expect(previewCounts(preview).reduce((a, b) => a + b, 0)).toBe(started.eventsInTotal);
    first = await waitFor('run.ended', (e) => e.runId === started.runId);
    expect(first.status).toBe('completed');
    expect(first.eventsIn).toBe(started.eventsInTotal);
    expect(first.exitCounts.reduce((a, b) => a + b, 0)).toBe(first.eventsOut);
    expect(first.predicted).toBe(first.exitCounts.indexOf(Math.max(...first.exitCounts)));
    const spikes = events.filter((e) => e.channel === 'run.spikes' && (e.payload as EventOf<'run.spikes'>).runId === started.runId);
    const delivered = spikes.reduce((n, e) => n + unpackBatch((e.payload as EventOf<'run.spikes'>).spikes).length, 0);
    expect(delivered).toBe(first.eventsOut);
    const runs = await call('runs.list', {});
    expect(runs.find((r) => r.id === started.runId)).toMatchObject({
      status: 'completed',
      device: 'sim-speck2fdevkit:0',
      eventsIn: first.eventsIn,
      eventsOut: first.eventsOut,
      // Stored with the run, so its replay knows the layers whatever the editor shows later.
      monitored: started.monitored,
      exitCore: 1,
    });
  });

  it('the recording replays at max speed event for event', async () => {
    const info = await call('recording.info', { runId: first.runId, stream: 'output' });
    expect(info.count).toBe(first.eventsOut);
    const { replayId } = await call('replay.start', { runId: first.runId, stream: 'output', speed: 'max' });
    await waitFor('replay.state', (e) => e.replayId === replayId && e.state === 'ended');
    const replayed = events
      .filter((e) => e.channel === 'replay.spikes' && (e.payload as EventOf<'replay.spikes'>).replayId === replayId)
      .reduce((n, e) => n + unpackBatch((e.payload as EventOf<'replay.spikes'>).spikes).length, 0);
    expect(replayed).toBe(first.eventsOut);
  });

  it('a re-run on another virtual devkit of the same chip reproduces the output exactly', async () => {
    const { id } = await call('devices.addVirtual', { type: 'speck2fdevkit' });
    expect(id).toBe('sim-speck2fdevkit:1');
    const started = await call('run.rerun', { runId: first.runId, deviceId: id });
    const ended = await waitFor('run.ended', (e) => e.runId === started.runId);
    expect(ended.status).toBe('completed');
    const runs = await call('runs.list', {});
    expect(runs.find((r) => r.id === started.runId)?.parentRun).toBe(first.runId);
    const cmp = await call('runs.compare', { a: first.runId, b: started.runId });
    expect(cmp.firstDivergence).toBeNull();
    expect(cmp.perLayer).toEqual([{ layer: 1, a: first.eventsOut, b: first.eventsOut }]);
    // Over what both monitored, with the counts over time for the plot: the same in both, adding up to the totals.
    expect(cmp.basis).toBe('both-monitored');
    expect(cmp.notCompared).toEqual([]);
    expect(cmp.timeline!.perLayer.map((l) => l.layer)).toEqual([1]);
    const line = cmp.timeline!.perLayer[0]!;
    expect(line.a).toEqual(line.b);
    expect(line.a.length).toBe(120);
    expect(line.a.reduce((x, y) => x + y, 0)).toBe(first.eventsOut);
  });

  describe('one rule for device types: a model compiled for one type runs only on that type', () => {
    async function refusal<C extends RequestChannel>(channel: C, req: RequestOf<C>): Promise<{ code: string; message: string }> {
      const reply = await dispatcher.dispatch(channel, req);
      if (reply.ok) throw new Error(`${channel} was accepted`);
      return reply.error;
    }

    it('run.start refuses a speck2fdevkit model on a speck2edevkit, naming both types', async () => {
      const { id } = await call('devices.addVirtual', { type: 'speck2edevkit' });
      const error = await refusal('run.start', { deviceId: id, model: spec, input: { kind: 'example', exampleId: 'lenet' } });
      expect(error.code).toBe('DEVICE_TYPE_MISMATCH');
      expect(error.message).toContain('compiled for speck2fdevkit');
      expect(error.message).toContain(`${id} is a speck2edevkit`);
    });

    it('run.rerun on another type asks first; with recompile it runs a new model version and the project keeps its chip', async () => {
      const versionsBefore = (await call('project.current', {}))!.modelVersions.length;
      const error = await refusal('run.rerun', { runId: first.runId, deviceId: 'sim-speck2edevkit:0' });
      expect(error.code).toBe('NEEDS_RECOMPILE');
      expect(error.message).toContain('compiles a new model version for speck2edevkit');
      expect((await call('project.current', {}))!.modelVersions.length).toBe(versionsBefore);

      const started = await call('run.rerun', { runId: first.runId, deviceId: 'sim-speck2edevkit:0', recompile: true });
      const ended = await waitFor('run.ended', (e) => e.runId === started.runId);
      expect(ended.status).toBe('completed');
      const project = (await call('project.current', {}))!;
      expect(project.modelVersions.length).toBe(versionsBefore + 1);
      expect(project.modelVersions.find((v) => v.id === started.modelVersion)?.chip).toBe('speck2edevkit');
      // What the project opens with is still its own model, for its own chip.
      expect(project.current?.chip).toBe('speck2fdevkit');
      // Same model, same input, a chip of the same core structure: the same output.
      const cmp = await call('runs.compare', { a: first.runId, b: started.runId });
      expect(cmp.firstDivergence).toBeNull();
    });
  });

  it('run.stop ends a long run as stopped (by the user, not interrupted)', async () => {
    const started = await call('run.start', {
      deviceId: 'sim-speck2fdevkit:0',
      model: spec,
      input: { kind: 'generator', generator: 'poisson', durationMs: 60_000, rateHz: 200, seed: 1 },
    });
    await waitFor('run.progress', (e) => e.runId === started.runId && e.eventsIn > 0);
    await call('run.stop', { runId: started.runId });
    const ended = await waitFor('run.ended', (e) => e.runId === started.runId);
    expect(ended).toMatchObject({ status: 'stopped', reason: null, message: 'stopped by the user' });
    expect(ended.eventsIn).toBeLessThan(started.eventsInTotal);
  });

  it('unplugging the device during a run ends it as interrupted (device-unplugged) and frees the name', async () => {
    const { id } = await call('devices.addVirtual', { type: 'speck2edevkit' });
    const started = await call('run.start', {
      deviceId: id,
      model: { ...spec, chip: 'speck2edevkit' },
      input: { kind: 'generator', generator: 'moving-bar', durationMs: 60_000, rateHz: 500, seed: 2 },
    });
    await waitFor('run.progress', (e) => e.runId === started.runId && e.eventsIn > 0);
    const busy = await dispatcher.dispatch('devices.removeVirtual', { id });
    expect(busy.ok).toBe(false);
    if (!busy.ok) expect(busy.error.message).toContain(`run ${started.runId}`);
    await s.devices.removeVirtual(id, { unplug: true });
    const ended = await waitFor('run.ended', (e) => e.runId === started.runId);
    expect(ended).toMatchObject({ status: 'interrupted', reason: 'device-unplugged' });
    const runs = await call('runs.list', {});
    expect(runs.find((r) => r.id === started.runId)).toMatchObject({ status: 'interrupted', reason: 'device-unplugged' });
    await waitFor('devices.changed', (e) => e.change === 'detach' && e.id === id);
    expect((await call('devices.list', {})).devices.find((d) => d.id === id)).toBeUndefined();
  });
});

describe('bad requests get error replies naming what was wrong', () => {
  it('an unknown device lists the devices that are there', async () => {
    const reply = await dispatcher.dispatch('run.start', { deviceId: 'speck2fdevkit:3', model: spec, input: { kind: 'example', exampleId: 'lenet' } });
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.message).toContain('sim-speck2fdevkit:0');
  });
  it('an event file outside the input shape names the row and field', async () => {
    const csv = new TextEncoder().encode('t,x,y,p\n0,1,1,0\n10,40,2,0\n');
    const reply = await dispatcher.dispatch('run.start', { deviceId: 'sim-speck2fdevkit:0', model: spec, input: { kind: 'file', name: 'bad.csv', bytes: csv } });
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('BAD_EVENT_FILE');
      expect(reply.error.message).toMatch(/line 3/);
      expect(reply.error.message).toMatch(/x/);
    }
  });
  it('the same file with dropOutOfRange runs, and an unsorted one with sort runs; each flag does only its own job', async () => {
    const outside = new TextEncoder().encode('t,x,y,p\n0,1,1,0\n10,40,2,0\n20,3,3,0\n');
    const dropped = await dispatcher.dispatch('run.start', { deviceId: 'sim-speck2fdevkit:0', model: spec, input: { kind: 'file', name: 'outside.csv', bytes: outside, dropOutOfRange: true } });
    expect(dropped.ok).toBe(true);
    if (!dropped.ok) return;
    const first = dropped.value as { runId: number; eventsInTotal: number };
    expect(first.eventsInTotal).toBe(2);
    expect((await waitFor('run.ended', (e) => e.runId === first.runId)).status).toBe('completed');
    const unsorted = new TextEncoder().encode('t,x,y,p\n0,1,1,0\n30,2,2,0\n20,3,3,0\n');
    const refused = await dispatcher.dispatch('run.start', { deviceId: 'sim-speck2fdevkit:0', model: spec, input: { kind: 'file', name: 'unsorted.csv', bytes: unsorted, dropOutOfRange: true } });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/line 4: timestamp 20 µs is earlier than the 30 µs/);
    const sorted = await dispatcher.dispatch('run.start', { deviceId: 'sim-speck2fdevkit:0', model: spec, input: { kind: 'file', name: 'unsorted.csv', bytes: unsorted, sort: true } });
    expect(sorted.ok).toBe(true);
    if (!sorted.ok) return;
    const second = sorted.value as { runId: number; eventsInTotal: number; inputDurationUs: number };
    expect(second).toMatchObject({ eventsInTotal: 3, inputDurationUs: 30 });
    expect((await waitFor('run.ended', (e) => e.runId === second.runId)).status).toBe('completed');
  });
  it('a model that does not compile is refused before anything is recorded', async () => {
    const before = (await call('runs.list', {})).length;
    const reply = await dispatcher.dispatch('run.start', { deviceId: 'sim-speck2fdevkit:0', model: { ...spec, source: 'nn.Sequential(nn.MaxPool2d(2))' }, input: { kind: 'example', exampleId: 'lenet' } });
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe('COMPILE_FAILED');
    expect((await call('runs.list', {})).length).toBe(before);
  });
});
