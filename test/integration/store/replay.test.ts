import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { concatBatches } from '../../../main/common/spike-batch.js';
import { openProject, type Project } from '../../../main/store/project.js';
import { Replayer } from '../../../main/store/replayer.js';
import { ManualClock } from '../../unit/store/manual-clock.js';
import { firstMismatch, makeTempDirs, MODEL, streamBatch, streamIndexAt } from './store-fixtures.js';

const temp = makeTempDirs();
const projects: Project[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.close();
  temp.cleanup();
});

describe('replaying a stored recording', () => {
  it('delivers every event in order while another run records into the same project', async () => {
    const project = openProject(join(temp.make(), 'replay.dcnnproj'), { create: true });
    projects.push(project);
    const mv = project.addModelVersion(MODEL);
    const source = project.startRun({ modelVersionId: mv.id, deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', monitorLayers: [0], recording: { chunkEvents: 700 } });
    source.recordInput(streamBatch(0, 5000));
    source.finish({ status: 'completed' });

    const copy = project.startRun({ modelVersionId: mv.id, deviceId: 'sim-speck2fdevkit:1', deviceType: 'speck2fdevkit', monitorLayers: [0], parentRunId: source.runId, recording: { chunkEvents: 300 } });
    const clock = new ManualClock();
    const replay = new Replayer(project.openRecording(source.runId, 'input'), (batch) => copy.recordInput(batch), { clock, speed: 'max', maxBatchEvents: 1000 });
    replay.play();
    await clock.advance(0);
    await expect(replay.done).resolves.toEqual({ state: 'ended', delivered: 5000 });
    copy.finish({ status: 'completed' });
    const all = concatBatches([...project.openRecording(copy.runId, 'input').read()]);
    expect(all.length).toBe(5000);
    expect(firstMismatch(all, 0)).toBe(-1);
  });

  it('at 10x speed from a seek position, in recording time order', async () => {
    const project = openProject(join(temp.make(), 'replay.dcnnproj'), { create: true });
    projects.push(project);
    const mv = project.addModelVersion(MODEL);
    const source = project.startRun({ modelVersionId: mv.id, deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', monitorLayers: [0], recording: { chunkEvents: 100 } });
    source.recordInput(streamBatch(0, 3000));
    source.finish({ status: 'completed' });
    const clock = new ManualClock();
    const got: Array<{ at: number; from: number; n: number }> = [];
    let next = streamIndexAt(5000);
    const replay = new Replayer(
      project.openRecording(source.runId, 'input'),
      (batch) => {
        got.push({ at: clock.now(), from: next, n: batch.length });
        expect(firstMismatch(batch, next)).toBe(-1);
        next += batch.length;
      },
      { clock, speed: 10, minIntervalMs: 0.1 },
    );
    replay.seek(5000);
    replay.play();
    // At 10x, 0.1 ms of wall time is 1000 µs of recording time, starting from 5000 µs.
    // t(i) = 1000 + 7 floor(i/3): the first event at or after 5000 is i = 1716 (t 5004);
    // t <= 6000 up to i = 2144, t <= 7000 up to i = 2573, and the last event (2999) has t 7993.
    for (let k = 0; k < 4; k++) await clock.advance(0.1);
    expect(got.map((g) => [g.from, g.n])).toEqual([
      [1716, 429],
      [2145, 429],
      [2574, 426],
    ]);
    expect(got.map((g) => Math.round(g.at * 10) / 10)).toEqual([0.1, 0.2, 0.3]);
    await expect(replay.done).resolves.toMatchObject({ state: 'ended' });
  });
});
