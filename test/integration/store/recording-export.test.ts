// A run's recording written to disk chunk by chunk (recordings of 32-event chunks here, so
// every file is put together from several): .npy and CSV byte for byte what the whole-file
// writer gives, AEDAT4 read back with the workbench's own reader, HDF5 read back with
// h5wasm (and with h5py when /usr/bin/python3 has it; it is not a dependency).

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allocateBatch } from '../../../main/common/spike-batch.js';
import { decodeCameraBytes } from '../../../main/formats/events/camera-formats.js';
import { withHdf5Bytes, type H5Dataset } from '../../../main/formats/nir/hdf5-memory.js';
import { openProject, type Project } from '../../../main/store/project.js';
import { RecordingShapeError, writeRecordingFile } from '../../../main/store/recording-export.js';
import { exportRecording, readWholeRecording } from '../../../main/store/recording-files.js';
import { makeTempDirs, MODEL, streamBatch } from './store-fixtures.js';

const temp = makeTempDirs();
const projects: Project[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.close();
  temp.cleanup();
});

/** Run 1: the store's test stream on several cores; run 2: 100 camera events on core 0 (channel = polarity). */
function project(): { project: Project; dir: string } {
  const dir = temp.make();
  const p = openProject(join(dir, 'export.dcnnproj'), { create: true });
  projects.push(p);
  const modelId = p.addModelVersion({ ...MODEL, inputShape: [17, 64, 64] }).id;
  const multi = p.startRun({ modelVersionId: modelId, deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', monitorLayers: [0], recording: { chunkEvents: 32 }, deployOptions: { monitored: [{ core: 0, layer: 0 }], input: 'bars.npy' } });
  multi.recordInput(streamBatch(0, 100));
  multi.recordOutput(streamBatch(0, 100));
  multi.finish({ status: 'completed' });
  const camera = p.startRun({ modelVersionId: modelId, deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', monitorLayers: [0], recording: { chunkEvents: 32 } });
  const b = allocateBatch(100);
  for (let i = 0; i < 100; i++) {
    b.t[i] = 5000 + 10 * i;
    b.x[i] = i % 34;
    b.y[i] = (i * 7) % 34;
    b.channel[i] = i % 2;
  }
  camera.recordInput(b);
  camera.finish({ status: 'completed' });
  return { project: p, dir };
}

describe('a recording written to a file in chunks', () => {
  for (const format of ['npy', 'csv'] as const) {
    for (const columns of ['layered', 'xytp'] as const) {
      it(`${format} ${columns}: the same bytes as the whole-file writer`, async () => {
        const { project: p, dir } = project();
        const runId = columns === 'xytp' ? 2 : 1;
        const path = join(dir, `out.${format}`);
        const r = await writeRecordingFile(p, runId, 'input', path, { format, columns });
        expect(r.events).toBe(100);
        expect(new Uint8Array(readFileSync(path))).toEqual(exportRecording(p, runId, 'input', format, columns));
        expect(existsSync(`${path}.partial`)).toBe(false);
      });
    }
  }

  it('aedat4: read back by the workbench reader, every event equal, the sensor from the events', async () => {
    const { project: p, dir } = project();
    const path = join(dir, 'out.aedat4');
    const r = await writeRecordingFile(p, 2, 'input', path, { format: 'aedat4' });
    expect(r.sensor).toEqual({ width: 34, height: 34 });
    const { events, report } = decodeCameraBytes(new Uint8Array(readFileSync(path)), 'aedat4');
    expect(report.sensor).toMatchObject({ width: 34, height: 34 });
    const rec = readWholeRecording(p, 2, 'input');
    expect(events.length).toBe(100);
    expect(Array.from(events.t)).toEqual(Array.from(rec.t.subarray(0, 100)));
    expect(Array.from(events.x)).toEqual(Array.from(rec.x.subarray(0, 100)));
    expect(Array.from(events.p)).toEqual(Array.from(rec.channel.subarray(0, 100)));
  });

  it('h5: datasets t (int64 µs), layer, x, y, feature equal the recording; attributes name the run and the columns', async () => {
    const { project: p, dir } = project();
    const path = join(dir, 'out.h5');
    await writeRecordingFile(p, 1, 'output', path, { format: 'h5' });
    const rec = readWholeRecording(p, 1, 'output');
    await withHdf5Bytes(new Uint8Array(readFileSync(path)), (f) => {
      const col = (name: string) => Array.from((f.get(name) as H5Dataset).value as ArrayLike<number | bigint>, Number);
      expect(col('t')).toEqual(Array.from(rec.t.subarray(0, 100)));
      expect(col('layer')).toEqual(Array.from(rec.layer.subarray(0, 100)));
      expect(col('x')).toEqual(Array.from(rec.x.subarray(0, 100)));
      expect(col('y')).toEqual(Array.from(rec.y.subarray(0, 100)));
      expect(col('feature')).toEqual(Array.from(rec.channel.subarray(0, 100)));
      expect((f.get('t') as H5Dataset).dtype).toBe('<q');
      const attr = (k: string) => f.attrs[k]?.value;
      expect({ run: Number(attr('run')), stream: attr('stream'), columns: attr('columns'), events: Number(attr('events')), input: attr('input'), chip_layers: attr('chip_layers') }).toEqual({
        run: 1,
        stream: 'output',
        columns: 't,layer,x,y,feature',
        events: 100,
        input: 'bars.npy',
        chip_layers: 'core 0: chip layer 0',
      });
    });
    if (hasH5py()) {
      const py = 'import h5py,sys; f=h5py.File(sys.argv[1]); print(f["t"].dtype, len(f["t"]), int(f["t"][1]), f.attrs["columns"])';
      expect(execFileSync('/usr/bin/python3', ['-c', py, path], { encoding: 'utf8' }).trim()).toBe(`int64 100 ${rec.t[1]} t,layer,x,y,feature`);
    }
  });

  it('refuses an xytp file of several cores before writing anything, with the events per core', async () => {
    const { project: p, dir } = project();
    const path = join(dir, 'no.h5');
    const e = await writeRecordingFile(p, 1, 'input', path, { format: 'h5', columns: 'xytp' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RecordingShapeError);
    expect((e as RecordingShapeError).perCore.size).toBeGreaterThan(1);
    expect(existsSync(path) || existsSync(`${path}.partial`)).toBe(false);
  });
});

function hasH5py(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import h5py'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
