import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { concatBatches } from '../../../main/common/spike-batch.js';
import { openProject, type Project } from '../../../main/store/project.js';
import { RERUN_RELATION } from '../../../main/store/run-status.js';
import { compareRuns } from '../../../main/store/run-compare.js';
import { FakeDriver } from './fake-driver.js';
import { firstMismatch, makeTempDirs, MODEL, streamBatch, streamEvent } from './store-fixtures.js';

const temp = makeTempDirs();
const projects: Project[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.close();
  temp.cleanup();
});

/** A project with one completed run: input = events 0..29 of the test stream, output from `driver`. */
async function projectWithRun(): Promise<{ project: Project; sourceRunId: number; modelA: number; modelB: number }> {
  const project = openProject(join(temp.make(), 'rerun.dcnnproj'), { create: true });
  projects.push(project);
  const modelA = project.addModelVersion(MODEL).id;
  const modelB = project.addModelVersion({ ...MODEL, name: 'lenet v2' }).id;
  // Record the source run from an imported-like input stream through model A (no shift).
  const recorder = project.startRun({ modelVersionId: modelA, deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', monitorLayers: [2], recording: { chunkEvents: 8 } });
  const input = streamBatch(0, 30);
  recorder.recordInput(input);
  await new FakeDriver('sim-speck2fdevkit:0', 0).forward(input, { onOutput: (b) => recorder.recordOutput(b) });
  recorder.finish({ status: 'completed' });
  return { project, sourceRunId: recorder.runId, modelA, modelB };
}

/**
 * Records a run linked to `sourceRunId` whose input is the source run's input fed through
 * `driver` (what the run service does for a re-run, without compiling anything).
 */
async function linkedRun(project: Project, sourceRunId: number, modelVersionId: number, driver: FakeDriver, chunkEvents?: number) {
  const recorder = project.startRun({
    modelVersionId,
    deviceId: driver.id,
    deviceType: driver.type,
    monitorLayers: [2],
    parentRunId: sourceRunId,
    relation: RERUN_RELATION,
    ...(chunkEvents ? { recording: { chunkEvents } } : {}),
  });
  const input = concatBatches([...project.openRecording(sourceRunId, 'input').read()]);
  recorder.recordInput(input);
  const result = await driver.forward(input, { onOutput: (b) => recorder.recordOutput(b) });
  recorder.finish({ status: 'completed' }, { synapticOps: result.stats.synapticOps });
  return { run: project.getRun(recorder.runId)!, stats: result.stats };
}

describe('runs linked to an earlier run, and comparing them', () => {
  it('creates a linked run with the same input and the new outputs', async () => {
    const { project, sourceRunId, modelB } = await projectWithRun();
    const { run, stats } = await linkedRun(project, sourceRunId, modelB, new FakeDriver('sim-speck2fdevkit:1', 1), 5);
    expect(run).toMatchObject({ status: 'completed', parentRunId: sourceRunId, relation: 're-run', modelVersionId: modelB, deviceId: 'sim-speck2fdevkit:1', eventsIn: 30, eventsOut: 30, counters: { synapticOps: 210 } });
    expect(stats?.eventsIn).toBe(30);
    expect(project.childRuns(sourceRunId).map((r) => r.id)).toEqual([run.id]);
    const input = concatBatches([...project.openRecording(run.id, 'input').read()]);
    expect(input.length).toBe(30);
    expect(firstMismatch(input, 0)).toBe(-1);
  });

  it('compare: per-layer and per-channel counts, and the first divergent event', async () => {
    const { project, sourceRunId, modelB } = await projectWithRun();
    const { run } = await linkedRun(project, sourceRunId, modelB, new FakeDriver('sim-speck2fdevkit:1', 1));
    const cmp = compareRuns(project, sourceRunId, run.id);
    expect([cmp.runA, cmp.runB, cmp.stream, cmp.eventsA, cmp.eventsB]).toEqual([sourceRunId, run.id, 'output', 30, 30]);
    expect(cmp.perLayer).toEqual([{ layer: 2, a: 30, b: 30 }]);
    // x = 3i mod 64 first exceeds 40 at i = 14 (x = 42): model B shifts that channel by one.
    const e14 = streamEvent(14);
    expect(cmp.firstDivergence).toEqual({ index: 14, a: { ...e14, layer: 2 }, b: { ...e14, layer: 2, channel: e14.channel + 1 } });
    // Channel counts: A has channel 5i mod 17 for i < 30; B the same, except +1 where x > 40.
    // x = 3i mod 64 is above 40 for i = 14..21 (x 42..63); i = 22..29 wrap to x 2..23.
    const shifted = [14, 15, 16, 17, 18, 19, 20, 21];
    expect(shifted.every((i) => streamEvent(i).x > 40)).toBe(true);
    const expectA = new Map<number, number>();
    const expectB = new Map<number, number>();
    for (let i = 0; i < 30; i++) {
      const c = (5 * i) % 17;
      expectA.set(c, (expectA.get(c) ?? 0) + 1);
      const cb = shifted.includes(i) ? c + 1 : c;
      expectB.set(cb, (expectB.get(cb) ?? 0) + 1);
    }
    const channels = [...new Set([...expectA.keys(), ...expectB.keys()])].sort((a, b) => a - b);
    expect(cmp.perChannel).toEqual(channels.map((channel) => ({ layer: 2, channel, a: expectA.get(channel) ?? 0, b: expectB.get(channel) ?? 0 })));
  });

  it('the same model on another device reproduces the outputs exactly', async () => {
    const { project, sourceRunId, modelA } = await projectWithRun();
    const { run } = await linkedRun(project, sourceRunId, modelA, new FakeDriver('sim-speck2fdevkit:3', 0));
    expect(compareRuns(project, sourceRunId, run.id).firstDivergence).toBeNull();
  });
});
