import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { batchFromEvents, concatBatches, eventsOfBatch } from '../../../main/common/spike-batch.js';
import { NotInProjectError, openProject, type Project } from '../../../main/store/project.js';
import { RecordingDamagedError } from '../../../main/store/recording-reader.js';
import { RecordingOrderError } from '../../../main/store/recording-writer.js';
import { FakeFlushTimer } from '../../unit/store/fake-timer.js';
import { firstMismatch, makeTempDirs, MODEL, streamBatch, streamEvent, streamIndexAt } from './store-fixtures.js';

const temp = makeTempDirs();
const open: Project[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
  temp.cleanup();
});

function newProject(): { project: Project; path: string } {
  const path = join(temp.make(), 'rec.dcnnproj');
  const project = openProject(path, { create: true });
  open.push(project);
  return { project, path };
}

const DEVICE = { deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit' };

/** Feeds events [0, total) of the test stream in batches of varying size (1..777). */
function feed(record: (b: ReturnType<typeof streamBatch>) => void, total: number): void {
  for (let from = 0, k = 0; from < total; k++) {
    const n = Math.min(total - from, 1 + ((k * 389) % 777));
    record(streamBatch(from, n));
    from += n;
  }
}

describe('model versions', () => {
  it('round-trip every field; identical weights are stored once', () => {
    const { project, path } = newProject();
    const a = project.addModelVersion(MODEL);
    const b = project.addModelVersion({ ...MODEL, name: 'lenet, retrained threshold', compileOptions: { placement: [0, 1] } });
    const c = project.addModelVersion({ ...MODEL, name: null, weights: null });
    expect(a).toMatchObject({ name: 'lenet', modelText: MODEL.modelText, inputShape: [1, 28, 28], device: 'speck2fdevkit', compileOptions: { placement: 'auto' }, configJson: '{"cores":[]}', weightsByteLength: 8 });
    // SHA-256 of the bytes 01..08
    expect(a.weightsSha256).toBe('66840dda154e8a113c31dd0ad32f7f3a366a80e8136979d8f5a101d3d29d6f72');
    expect(b.weightsSha256).toBe(a.weightsSha256);
    expect(c).toMatchObject({ name: null, weightsSha256: null, weightsByteLength: null });
    expect([...project.modelWeights(b.id)!]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(project.modelWeights(c.id)).toBeNull();
    expect(project.listModelVersions().map((m) => m.id)).toEqual([a.id, b.id, c.id]);
    expect(project.getModelVersion(999)).toBeNull();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM weight_blobs').pluck().get()).toBe(1);
    db.close();
  });

  it('refuses an impossible input shape', () => {
    const { project } = newProject();
    expect(() => project.addModelVersion({ ...MODEL, inputShape: [1, 0, 28] })).toThrow(/input shape must be positive integers/);
  });
});

describe('runs and recordings round-trip exactly', () => {
  it('every event of both streams comes back equal, in chunks of the chosen size', () => {
    const { project } = newProject();
    const mv = project.addModelVersion(MODEL);
    const recorder = project.startRun({ modelVersionId: mv.id, ...DEVICE, deployOptions: { slowClockHz: 1 }, monitorLayers: [0, 2], recording: { chunkEvents: 1000 } });
    feed((b) => recorder.recordInput(b), 10_000);
    feed((b) => recorder.recordOutput(b), 5_500);
    recorder.finish({ status: 'completed' }, { synapticOps: 123 });

    const run = project.getRun(recorder.runId)!;
    expect(run).toMatchObject({ status: 'completed', reason: null, message: null, eventsIn: 10_000, eventsOut: 5_500, ...DEVICE, deployOptions: { slowClockHz: 1 }, monitorLayers: [0, 2], counters: { synapticOps: 123 }, parentRunId: null });
    expect(Date.parse(run.endedAt!)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));
    expect(project.listRuns().map((r) => r.id)).toEqual([recorder.runId]);

    for (const [stream, total, chunks] of [['input', 10_000, 10], ['output', 5_500, 6]] as const) {
      const reader = project.openRecording(recorder.runId, stream);
      expect([reader.count, reader.chunkCount, reader.firstT, reader.lastT]).toEqual([total, chunks, 1000, streamEvent(total - 1).t]);
      const all = concatBatches([...reader.read()]);
      expect(all.length).toBe(total);
      expect(firstMismatch(all, 0)).toBe(-1);
    }
  });

  it('an empty recording has no time range and reads as nothing', () => {
    const { project } = newProject();
    const mv = project.addModelVersion(MODEL);
    const recorder = project.startRun({ modelVersionId: mv.id, ...DEVICE, monitorLayers: [] });
    recorder.finish({ status: 'completed' });
    const reader = project.openRecording(recorder.runId, 'output');
    expect([reader.count, reader.chunkCount, reader.firstT, reader.lastT]).toEqual([0, 0, null, null]);
    expect(reader.seek(0)).toEqual({ eventIndex: 0, seq: 0, offset: 0, t: null });
    expect([...reader.read()]).toEqual([]);
  });
});

describe('seeking is exact at chunk boundaries', () => {
  // Chunks of 301 events while three events share each timestamp: boundaries split
  // groups of equal timestamps (event 300 ends chunk 0; 301 and 302 share its time).
  it('every time from before the start to past the end finds the first event at or after it', () => {
    const { project } = newProject();
    const mv = project.addModelVersion(MODEL);
    const recorder = project.startRun({ modelVersionId: mv.id, ...DEVICE, monitorLayers: [0], recording: { chunkEvents: 301 } });
    recorder.recordInput(streamBatch(0, 3000));
    recorder.finish({ status: 'completed' });
    const reader = project.openRecording(recorder.runId, 'input');
    const last = streamEvent(2999).t;
    for (let t = 990; t <= last; t++) {
      const expected = streamIndexAt(t);
      const p = reader.seek(t);
      if (p.eventIndex !== expected) expect({ t, got: p.eventIndex }).toEqual({ t, got: expected });
      if (p.t !== streamEvent(expected).t) expect({ t, got: p.t }).toEqual({ t, got: streamEvent(expected).t });
    }
    // t = 1700 is the time of events 300..302: the first is the last event of chunk 0.
    expect(reader.seek(1700)).toEqual({ eventIndex: 300, seq: 0, offset: 300, t: 1700 });
    expect(reader.seek(1701)).toEqual({ eventIndex: 303, seq: 1, offset: 2, t: 1707 });
    expect(reader.seek(last + 1)).toEqual({ eventIndex: 3000, seq: 10, offset: 0, t: null });
  });

  it('read(from, to) gives the events with from <= t < to, across chunks', () => {
    const { project } = newProject();
    const mv = project.addModelVersion(MODEL);
    const recorder = project.startRun({ modelVersionId: mv.id, ...DEVICE, monitorLayers: [0], recording: { chunkEvents: 301 } });
    recorder.recordInput(streamBatch(0, 3000));
    recorder.finish({ status: 'completed' });
    const reader = project.openRecording(recorder.runId, 'input');
    // [1700, 1714): t 1700 and 1707 -> events 300..305, spanning chunks 0 and 1.
    const range = concatBatches([...reader.read(1700, 1714)]);
    expect(eventsOfBatch(range)).toEqual([300, 301, 302, 303, 304, 305].map(streamEvent));
    // [3107, 5000): t(903) = 1000 + 7*301 = 3107 up to t < 5000 -> events 903..1715.
    const wide = concatBatches([...reader.read(3107, 5000)]);
    expect(wide.length).toBe(1716 - 903);
    expect(firstMismatch(wide, 903)).toBe(-1);
    expect([...reader.read(100_000, 200_000)]).toEqual([]);
  });
});

describe('commits are crash-safe: counters move with the chunks', () => {
  it('a partial chunk is committed by the latency timer and visible to another connection', () => {
    const { project, path } = newProject();
    const mv = project.addModelVersion(MODEL);
    const timer = new FakeFlushTimer();
    const recorder = project.startRun({ modelVersionId: mv.id, ...DEVICE, monitorLayers: [0], recording: { chunkEvents: 1000, timer } });
    recorder.recordOutput(streamBatch(0, 2500));
    const other = new Database(path, { readonly: true });
    const counts = () =>
      other
        .prepare(`SELECT r.events_out AS run, (SELECT SUM(c.event_count) FROM chunks c JOIN recordings g ON g.id = c.recording_id WHERE g.run_id = r.id AND g.stream = 'output') AS chunks FROM runs r WHERE r.id = ?`)
        .get(recorder.runId);
    expect(counts()).toEqual({ run: 2000, chunks: 2000 });
    timer.fireAll();
    expect(counts()).toEqual({ run: 2500, chunks: 2500 });
    other.close();
    recorder.finish({ status: 'completed' });
  });
});

describe('how runs end', () => {
  it('interrupted with a reason (its text by default), or failed with a message', () => {
    const { project } = newProject();
    const mv = project.addModelVersion(MODEL);
    const unplugged = project.startRun({ modelVersionId: mv.id, ...DEVICE, monitorLayers: [0] });
    unplugged.finish({ status: 'interrupted', reason: 'device-unplugged' });
    const failed = project.startRun({ modelVersionId: mv.id, ...DEVICE, monitorLayers: [0] });
    failed.finish({ status: 'failed', message: 'core 3: kernel memory exceeded' });
    expect(project.getRun(unplugged.runId)).toMatchObject({ status: 'interrupted', reason: 'device-unplugged', message: 'the device was unplugged during the run' });
    expect(project.getRun(failed.runId)).toMatchObject({ status: 'failed', reason: null, message: 'core 3: kernel memory exceeded' });
    expect(() => failed.recordOutput(streamBatch(0, 1))).toThrow(/already finished/);
  });

  it('closing the project during a run commits what was recorded and ends it as cancelled', () => {
    const { project, path } = newProject();
    const mv = project.addModelVersion(MODEL);
    const recorder = project.startRun({ modelVersionId: mv.id, ...DEVICE, monitorLayers: [0] });
    recorder.recordInput(streamBatch(0, 10));
    open.splice(open.indexOf(project), 1);
    project.close();
    const again = openProject(path);
    open.push(again);
    expect(again.getRun(recorder.runId)).toMatchObject({ status: 'interrupted', reason: 'cancelled', message: 'the project was closed during the run', eventsIn: 10 });
  });

  it('refuses events out of time order, unknown model versions and unknown parent runs', () => {
    const { project } = newProject();
    const mv = project.addModelVersion(MODEL);
    const recorder = project.startRun({ modelVersionId: mv.id, ...DEVICE, monitorLayers: [0] });
    recorder.recordOutput(batchFromEvents([{ t: 50, layer: 0, channel: 0, x: 0, y: 0 }]));
    expect(() => recorder.recordOutput(batchFromEvents([{ t: 40, layer: 0, channel: 0, x: 0, y: 0 }]))).toThrow(RecordingOrderError);
    recorder.finish({ status: 'completed' });
    expect(() => project.startRun({ modelVersionId: 42, ...DEVICE, monitorLayers: [0] })).toThrow(NotInProjectError);
    expect(() => project.startRun({ modelVersionId: mv.id, ...DEVICE, monitorLayers: [0], parentRunId: 42 })).toThrow(/run 42 does not exist/);
    expect(() => project.openRecording(42, 'input')).toThrow(/run 42 does not exist/);
  });
});

describe('a damaged chunk', () => {
  it('is reported with run, stream and chunk; the chunks before it still read', () => {
    const { project, path } = newProject();
    const mv = project.addModelVersion(MODEL);
    const recorder = project.startRun({ modelVersionId: mv.id, ...DEVICE, monitorLayers: [0], recording: { chunkEvents: 100 } });
    recorder.recordInput(streamBatch(0, 300));
    recorder.finish({ status: 'completed' });
    const db = new Database(path);
    db.prepare(`UPDATE chunk_data SET bytes = zeroblob(40) WHERE chunk_id = (SELECT id FROM chunks WHERE seq = 1 AND recording_id = (SELECT id FROM recordings WHERE run_id = ? AND stream = 'input'))`).run(recorder.runId);
    db.close();
    const reader = project.openRecording(recorder.runId, 'input');
    const seen: number[] = [];
    try {
      for (const b of reader.read()) seen.push(b.length);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RecordingDamagedError);
      expect((e as Error).message).toMatch(new RegExp(`run ${recorder.runId}, input recording: chunk 1 is damaged`));
    }
    expect(seen).toEqual([100]);
  });
});
