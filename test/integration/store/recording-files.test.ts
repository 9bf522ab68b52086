import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FormatError } from '../../../main/formats/format-error.js';
import { openProject, type Project } from '../../../main/store/project.js';
import { exportRecording, importRecording, readWholeRecording } from '../../../main/store/recording-files.js';
import { compareRuns } from '../../../main/store/run-compare.js';
import { firstMismatch, makeTempDirs, MODEL, streamBatch } from './store-fixtures.js';

const temp = makeTempDirs();
const projects: Project[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.close();
  temp.cleanup();
});

function projectWithRun(): { project: Project; runId: number; modelId: number } {
  const project = openProject(join(temp.make(), 'files.dcnnproj'), { create: true });
  projects.push(project);
  // Input shape large enough for the test stream (channels < 17, x and y < 64).
  const modelId = project.addModelVersion({ ...MODEL, inputShape: [17, 64, 64] }).id;
  const recorder = project.startRun({ modelVersionId: modelId, deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', monitorLayers: [0], recording: { chunkEvents: 32 } });
  recorder.recordInput(streamBatch(0, 100));
  recorder.recordOutput(streamBatch(0, 100));
  recorder.finish({ status: 'completed' });
  return { project, runId: recorder.runId, modelId };
}

describe('export a recording', () => {
  it('as layered CSV: a header, then t, layer, x, y, feature per event', () => {
    const { project, runId } = projectWithRun();
    const text = new TextDecoder().decode(exportRecording(project, runId, 'input', 'csv'));
    const lines = text.trim().split(/\r?\n/);
    expect(lines).toHaveLength(101);
    // Events 0..2 of the test stream: t 1000; layers 0,1,2; x 0,3,6; y 0,11,22; channels 0,5,10.
    expect(lines.slice(0, 4)).toEqual(['t,layer,x,y,feature', '1000,0,0,0,0', '1000,1,3,11,5', '1000,2,6,22,10']);
  });

  it('xytp needs a single-layer recording', () => {
    const { project, runId } = projectWithRun();
    expect(() => exportRecording(project, runId, 'input', 'npy', 'xytp')).toThrow(FormatError);
  });
});

describe('import a recording', () => {
  for (const format of ['csv', 'npy'] as const) {
    it(`${format}: export then import gives a run with every event equal`, () => {
      const { project, runId, modelId } = projectWithRun();
      const bytes = exportRecording(project, runId, 'input', format);
      const result = importRecording(project, { bytes, format, fileName: `events.${format}`, modelVersionId: modelId, stream: 'input' });
      expect(result.events).toBe(100);
      expect(result.run).toMatchObject({ status: 'completed', deviceId: `file:events.${format}`, deviceType: 'event-file', eventsIn: 100, eventsOut: 0 });
      expect(compareRuns(project, runId, result.run.id, 'input').firstDivergence).toBeNull();
      expect(firstMismatch(readWholeRecording(project, result.run.id, 'input'), 0)).toBe(-1);
    });
  }

  it('checks input events against the model input shape and creates no run for a bad file', () => {
    const { project, modelId } = projectWithRun();
    const before = project.listRuns().length;
    const csv = new TextEncoder().encode('t,x,y,p\n0,10,10,0\n5,64,3,1\n');
    expect(() => importRecording(project, { bytes: csv, format: 'csv', fileName: 'wide.csv', modelVersionId: modelId, stream: 'input' })).toThrow(/line 3: x = 64 is outside the input shape \[17, 64, 64\]/);
    expect(project.listRuns()).toHaveLength(before);
  });

  it('an xytp file becomes events on the chosen layer', () => {
    const { project, modelId } = projectWithRun();
    const csv = new TextEncoder().encode('t,x,y,p\n0,1,2,0\n5,3,4,1\n');
    const { run } = importRecording(project, { bytes: csv, format: 'csv', fileName: 'dvs.csv', modelVersionId: modelId, stream: 'input', readOptions: { layer: 13 } });
    const batch = readWholeRecording(project, run.id, 'input');
    expect([...batch.t]).toEqual([0, 5]);
    expect([...batch.layer]).toEqual([13, 13]);
    expect([...batch.x]).toEqual([1, 3]);
    expect([...batch.y]).toEqual([2, 4]);
    expect([...batch.channel]).toEqual([0, 1]);
  });
});
