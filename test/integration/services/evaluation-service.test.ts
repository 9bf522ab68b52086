// The Evaluate view's channels end to end through the dispatcher: a real project file
// (SQLite in the store's worker thread, as the web host has it), real evaluation worker
// threads, the event bus. Both modes against the single-mode evaluations, stop and go on
// (samples done are not redone), the CSV, a sample opened as a run giving the row's exit
// spikes, and the refusals a browser tab meets.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationView, EventChannel, EventOf, ModelSpec, ReplyOf, RequestChannel, RequestOf } from '../../../preload/api.js';
import type { Dispatcher } from '../../../main/ipc/dispatcher.js';
import { createWorkbenchDispatcher } from '../../../main/ipc/workbench-dispatcher.js';
import { createServices, type Services } from '../../../main/services/compose.js';
import { decodeCameraBytes } from '../../../main/formats/events/camera-formats.js';
import { writeEvalDataset } from '../../helpers/eval-dataset.js';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';

let dir: string;
let dataset: string;
let s: Services;
let dispatcher: Dispatcher;
let spec: ModelSpec;
const events: Array<{ channel: EventChannel; payload: unknown }> = [];

async function call<C extends RequestChannel>(channel: C, req: RequestOf<C>): Promise<ReplyOf<C>> {
  const reply = await dispatcher.dispatch(channel, req);
  if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
  return reply.value as ReplyOf<C>;
}

async function refusal<C extends RequestChannel>(channel: C, req: RequestOf<C>) {
  const reply = await dispatcher.dispatch(channel, req);
  if (reply.ok) throw new Error(`${channel} succeeded; a refusal was expected`);
  return reply.error;
}

function waitFor<C extends EventChannel>(channel: C, match: (p: EventOf<C>) => boolean, timeoutMs = 120_000): Promise<EventOf<C>> {
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

async function evaluate(req: Omit<RequestOf<'eval.start'>, 'spec' | 'dataset'>): Promise<EvaluationView> {
  const started = await call('eval.start', { spec, dataset, ...req });
  const ended = await waitFor('eval.ended', (e) => e.evaluationId === started.evaluationId);
  expect(ended).toEqual({ evaluationId: started.evaluationId, status: 'completed', message: null });
  return call('eval.get', { evaluationId: started.evaluationId });
}

const predictions = (v: EvaluationView, mode: 'event' | 'timestep') => v.samples.map((x) => ({ file: x.file, ...x.results.find((r) => r.mode === mode)! }));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dcnn-eval-service-'));
  // Under the data folder: the web host reads datasets only there (and under --allow-dir).
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeEvalDataset(join(dir, 'data'), { perClass: 3, firstSeed: 10, bar: { durationMs: 40, rateHz: 400 }, blob: { durationMs: 30, rateHz: 60 } });
  dataset = join(dir, 'data', 'ds');
  s = await createServices({ dataDir: join(dir, 'data'), mode: 'web', usb: false, samna: false });
  dispatcher = createWorkbenchDispatcher(s, () => undefined);
  s.bus.subscribe((channel, payload) => events.push({ channel, payload }));
  spec = (await call('examples.list', {})).find((e) => e.id === 'lenet')!.spec;
  await call('project.new', { name: 'evaluations', exampleId: 'lenet' });
});

afterAll(async () => {
  await s.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('eval.inspect', () => {
  it('lists the classes in channel order with their sample counts', async () => {
    expect(await call('eval.inspect', { path: dataset })).toEqual({
      path: dataset,
      layout: 'class-folders',
      classes: [
        { channel: 0, name: 'bar', samples: 3 },
        { channel: 1, name: 'blob', samples: 3 },
      ],
      samples: 6,
      // .npy samples: no input mapping to preview.
      cameraSample: null,
    });
  });

  it('refuses a folder outside the data folder without saying whether it exists, and names what to do', async () => {
    const outside = await refusal('eval.inspect', { path: dir });
    expect(outside.code).toBe('PATH_OUTSIDE_DATA');
    expect(outside.message).toContain('--allow-dir');
    expect(outside.message).not.toContain(dir);
    const empty = join(dir, 'data', 'empty');
    mkdirSync(empty);
    expect((await refusal('eval.inspect', { path: empty })).message).toContain('holds no samples');
  });
});

describe('evaluating in both modes', () => {
  let both: EvaluationView;

  it('scores each mode as the single-mode evaluations do, and marks the samples whose prediction changes', async () => {
    both = await evaluate({ mode: 'both', readout: 'first', windowUs: null, workers: 2 });
    const event = await evaluate({ mode: 'event', readout: 'first', windowUs: null, workers: 2 });
    const timestep = await evaluate({ mode: 'timestep', readout: 'first', windowUs: null, workers: 1 });
    expect(both.mode).toBe('both');
    expect(both.status).toBe('completed');
    expect(both.modes.map((m) => m.mode)).toEqual(['event', 'timestep']);
    expect(predictions(both, 'event')).toEqual(predictions(event, 'event'));
    expect(predictions(both, 'timestep')).toEqual(predictions(timestep, 'timestep'));
    expect(both.modes[0]!.confusion).toEqual(event.modes[0]!.confusion);
    expect(both.modes[1]!.confusion).toEqual(timestep.modes[0]!.confusion);
    const differ = event.samples.filter((x, i) => x.results[0]!.predicted !== timestep.samples[i]!.results[0]!.predicted).map((x) => x.file);
    expect(differ.length).toBeGreaterThan(0);
    expect(both.samples.filter((x) => x.disagree).map((x) => x.file)).toEqual(differ);
    expect(both.agreement?.disagreeing).toBe(differ.length);
    for (const x of both.samples) {
      if (x.disagree) expect(x.causes?.length).toBeGreaterThan(0);
      else expect(x.causes).toBeNull();
    }
    const done = events.filter((e) => e.channel === 'eval.progress' && (e.payload as EventOf<'eval.progress'>).evaluationId === both.id).map((e) => e.payload as EventOf<'eval.progress'>);
    expect(done.at(-1)).toMatchObject({ done: 6, total: 6 });
  }, 240_000);

  it('lists the evaluations newest first with accuracy per mode', async () => {
    const list = await call('evals.list', {});
    expect(list.map((e) => e.mode)).toEqual(['timestep', 'event', 'both']);
    const item = list.find((e) => e.id === both.id)!;
    expect(item.accuracy).toEqual([
      { mode: 'event', accuracy: both.modes[0]!.accuracy },
      { mode: 'timestep', accuracy: both.modes[1]!.accuracy },
    ]);
    expect(item).toMatchObject({ status: 'completed', active: false, done: 6, sampleCount: 6, notResumable: null });
  });

  it('writes the rows as the CSV dcnn evals writes, with the time-stepped columns', async () => {
    const csv = await call('eval.csv', { evaluationId: both.id });
    expect(csv.name).toBe(`evaluation-${both.id}.csv`);
    const lines = csv.text.trim().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatch(/^file,label,predicted,correct,.*,timestep_predicted,timestep_correct,timestep_synaptic_ops,disagree,causes$/);
  });

  it("opens a sample as a recorded run whose exit spikes are the row's", async () => {
    const row = both.samples.find((x) => x.file === 'bar/s1.npy')!;
    const started = await call('eval.openSample', { evaluationId: both.id, file: row.file, deviceId: 'sim-speck2fdevkit:0' });
    const ended = await waitFor('run.ended', (e) => e.runId === started.runId);
    expect(ended.status).toBe('completed');
    const exitCore = started.exitCore;
    expect(ended.perLayer.find((l) => l.core === exitCore)?.events).toBe(row.results[0]!.exitCounts.reduce((a, b) => a + b, 0));
    expect(ended.exitCounts.slice(0, row.results[0]!.exitCounts.length)).toEqual(row.results[0]!.exitCounts);
    const run = (await call('runs.list', {})).find((r) => r.id === started.runId)!;
    expect(run.input).toBe(`bar/s1.npy (sample of evaluation ${both.id})`);
    expect((await refusal('eval.openSample', { evaluationId: both.id, file: 'bar/nope.npy', deviceId: 'sim-speck2fdevkit:0' })).code).toBe('BAD_DATASET');
  }, 120_000);
});

describe('stop and go on', () => {
  it('a stopped evaluation goes on with the samples not done and ends with the rows of one run in one go', async () => {
    const whole = await evaluate({ mode: 'event', readout: 'count', windowUs: 20_000, workers: 1 });
    const started = await call('eval.start', { spec, dataset, mode: 'event', readout: 'count', windowUs: 20_000, workers: 1, fresh: true });
    expect(started).toMatchObject({ total: 6, resumedSamples: 0, workers: 1 });
    expect((await refusal('eval.start', { spec, dataset, mode: 'timestep', readout: 'count', windowUs: null })).code).toBe('EVALUATION_RUNNING');
    await waitFor('eval.progress', (p) => p.evaluationId === started.evaluationId && p.done >= 1);
    await call('eval.stop', { evaluationId: started.evaluationId });
    expect(await waitFor('eval.ended', (e) => e.evaluationId === started.evaluationId)).toMatchObject({ status: 'stopped' });
    const stopped = (await call('evals.list', {})).find((e) => e.id === started.evaluationId)!;
    expect(stopped.status).toBe('stopped');
    expect(stopped.done).toBeGreaterThanOrEqual(1);
    expect(stopped.done).toBeLessThan(6);
    const again = await call('eval.resume', { evaluationId: started.evaluationId });
    expect(again).toMatchObject({ evaluationId: started.evaluationId, total: 6, resumedSamples: stopped.done });
    events.length = 0;
    await waitFor('eval.ended', (e) => e.evaluationId === started.evaluationId);
    const resumed = await call('eval.get', { evaluationId: started.evaluationId });
    expect(resumed.status).toBe('completed');
    expect(predictions(resumed, 'event')).toEqual(predictions(whole, 'event'));
    expect((await refusal('eval.resume', { evaluationId: started.evaluationId })).code).toBe('NOT_RESUMABLE');
    expect((await refusal('eval.get', { evaluationId: 999 })).code).toBe('UNKNOWN_EVALUATION');
  }, 240_000);
});

describe('camera recordings with an input mapping', () => {
  it('previews the mapping on the first recording, evaluates every sample through it, and stores it so the evaluation can go on', async () => {
    const bytes = readFileSync(join(EXAMPLES_DIR, '..', 'test', 'fixtures', 'real', 'events', 'tonic_sample.aedat4'));
    const cam = join(dir, 'data', 'cam');
    for (const cls of ['a', 'b']) {
      mkdirSync(join(cam, cls), { recursive: true });
      writeFileSync(join(cam, cls, 'rec.aedat4'), bytes);
    }
    // Worked out from the decode, independently of the evaluation: events in the first 50 ms.
    const { events: decoded } = decodeCameraBytes(bytes, 'aedat4');
    let inWindow = 0;
    for (let i = 0; i < decoded.length; i++) if (decoded.t[i]! - decoded.t[0]! < 50_000) inWindow++;

    expect(await call('eval.inspect', { path: cam })).toMatchObject({ samples: 2, cameraSample: 'a/rec.aedat4' });
    expect((await call('eval.inspect', { path: dataset })).cameraSample).toBeNull();
    const mapping = { window: { fromUs: 0, toUs: 50_000 }, crop: { x: 0, y: 0, width: 320, height: 240 }, downsample: { width: 28, height: 28 }, polarity: 'merge' as const };
    const preview = await call('eval.previewSample', { dataset: cam, inputShape: [1, 28, 28], mapping });
    expect(preview).toMatchObject({ camera: true, format: expect.stringContaining('AEDAT'), mappedShape: [1, 28, 28], problem: null, kept: inWindow });
    // A mapping is for camera recordings; on .npy samples it is refused, with why.
    expect(await refusal('eval.previewSample', { dataset, inputShape: [1, 28, 28] })).toMatchObject({ code: 'BAD_INPUT_MAPPING' });
    expect(await refusal('eval.start', { spec, dataset, mode: 'event', readout: 'count', windowUs: null, mapping })).toMatchObject({ code: 'BAD_INPUT_MAPPING' });

    const started = await call('eval.start', { spec, dataset: cam, mode: 'event', readout: 'count', windowUs: null, workers: 1, mapping });
    expect(await waitFor('eval.ended', (e) => e.evaluationId === started.evaluationId)).toMatchObject({ status: 'completed', message: null });
    const v = await call('eval.get', { evaluationId: started.evaluationId });
    expect(v.samples.map((s) => [s.file, s.eventsIn, s.error])).toEqual([
      ['a/rec.aedat4', inWindow, null],
      ['b/rec.aedat4', inWindow, null],
    ]);
    expect(v.mapping).toBe('window 0..50000 µs, crop 0,0 320x240, downsample to 28x28, polarities merged');
    expect(v.notResumable).toBeNull();
    // Opened as a run, the sample goes through the same mapping: the same input and exit spikes.
    const row = v.samples[0]!;
    const run = await call('eval.openSample', { evaluationId: v.id, file: row.file, deviceId: 'sim-speck2fdevkit:0' });
    const ended = await waitFor('run.ended', (e) => e.runId === run.runId);
    expect(ended.status).toBe('completed');
    expect(ended.exitCounts.slice(0, row.results[0]!.exitCounts.length)).toEqual(row.results[0]!.exitCounts);
    expect((await call('runs.list', {})).find((r) => r.id === run.runId)!.eventsIn).toBe(inWindow);
  }, 120_000);
});
