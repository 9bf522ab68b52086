// Camera recordings through `dcnn` as a user runs it (a child process): the real N-MNIST
// .bin runs on a 2x34x34 model and is recorded; a DVXplorer AEDAT4 recording on the same
// model has its out-of-input events dropped with a warning that says what to do.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCameraBytes } from '../../../main/formats/events/camera-formats.js';
import { packageRoot } from '../../../main/services/package-root.js';
import { openProject } from '../../../main/store/project.js';
import { readWholeRecording } from '../../../main/store/recording-files.js';
import { runDcnn, type DcnnResult } from '../../helpers/dcnn-process.js';

const REAL = `${packageRoot()}/test/fixtures/real/events/`;
const dir = mkdtempSync(join(tmpdir(), 'dcnn-camera-'));
const env = { ...process.env, DCNN_DATA_DIR: join(dir, 'data') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function dcnn(args: string[]): Promise<DcnnResult> {
  return runDcnn(args, { cwd: dir, env });
}

const MODEL = `import torch.nn as nn

model = nn.Sequential(
    nn.Conv2d(2, 8, 3, 1, bias=False),
    nn.ReLU(),
    nn.AvgPool2d(2),
    nn.Conv2d(8, 10, 16, 1, bias=False),
    nn.ReLU(),
)
`;
const model = join(dir, 'nmnist.py');
writeFileSync(model, MODEL);
const args = [model, '--init', '7', '--input-shape', '2,34,34'];

describe('dcnn run --events with camera recordings', () => {
  it('the real N-MNIST .bin (4325 events, all inside 2x34x34) runs and is recorded', { timeout: 120_000 }, async () => {
    // Renamed: the .bin extension is what marks the signature-less ATIS format.
    copyFileSync(`${REAL}tonic_sample_nmnist.bin`, join(dir, 'digit.bin'));
    const { code, stdout, stderr } = await dcnn(['run', ...args, '--events', 'digit.bin', '--project', 'nmnist.dcnnproj', '--json']);
    expect(stderr).not.toContain('dropped');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ status: 'completed', run_id: 1, events_in: 4325 });
    const runs = JSON.parse((await dcnn(['runs', 'nmnist.dcnnproj', '--json'])).stdout);
    expect(runs.runs).toEqual([expect.objectContaining({ id: 1, status: 'completed', events_in: 4325 })]);
  });

  it('a 320x240 AEDAT4 recording on a 34x34 model: outside events dropped, counted, and the warning says what to do', { timeout: 120_000 }, async () => {
    copyFileSync(`${REAL}tonic_sample.aedat4`, join(dir, 'rec.data'));
    const { code, stdout, stderr } = await dcnn(['run', ...args, '--events', 'rec.data', '--json']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/warning: \d+ of 111954 events were outside the model's input \[2, 34, 34\]/);
    expect(stderr).toContain('Crop or downsample the recording to 34x34 pixels');
    expect(stderr).toContain('skipped');
    const out = JSON.parse(stdout);
    expect(out.events_in).toBeGreaterThan(0);
    expect(out.events_in).toBeLessThan(111954);
  });

  it('with an input mapping (window, crop, downsample to 34x34) every event kept fits, and the mapping is stored with the run', { timeout: 120_000 }, async () => {
    copyFileSync(`${REAL}tonic_sample.aedat4`, join(dir, 'mapped.aedat4'));
    const { events } = decodeCameraBytes(readFileSync(`${REAL}tonic_sample.aedat4`), 'aedat4');
    let inWindow = 0;
    for (let i = 0; i < events.length; i++) if (events.t[i]! - events.t[0]! < 200_000) inWindow++;
    const { code, stdout, stderr } = await dcnn(['run', ...args, '--events', 'mapped.aedat4', '--window', '0:200000', '--crop', '0,0,320,240', '--downsample', '34x34', '--project', 'mapped.dcnnproj', '--json']);
    expect(code).toBe(0);
    expect(stderr).not.toContain("outside the model's input");
    expect(stderr).toContain(`input mapping (window 0..200000 µs, crop 0,0 320x240, downsample to 34x34): ${inWindow} of 111954 events kept; dropped ${111954 - inWindow} outside the time window`);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'completed', events_in: inWindow });
    const project = openProject(join(dir, 'mapped.dcnnproj'));
    const run = project.getRun(1);
    project.close();
    expect((run?.deployOptions as { inputMapping?: unknown }).inputMapping).toEqual({ window: { fromUs: 0, toUs: 200000 }, crop: { x: 0, y: 0, width: 320, height: 240 }, downsample: { width: 34, height: 34 } });
    expect((run?.deployOptions as { input?: string }).input).toContain('(input mapping: window 0..200000 µs, crop 0,0 320x240, downsample to 34x34)');

    // The recorded (mapped) input, exported as AEDAT4, reads back as the same events.
    const exported = await dcnn(['export', 'mapped.dcnnproj', '1', '--stream', 'input', '--out', 'mapped-in.aedat4', '--sensor', '34x34']);
    expect(exported.code, exported.stderr).toBe(0);
    const back = decodeCameraBytes(readFileSync(join(dir, 'mapped-in.aedat4')), 'aedat4');
    expect(back.report.sensor).toMatchObject({ width: 34, height: 34 });
    const again = openProject(join(dir, 'mapped.dcnnproj'));
    const recorded = readWholeRecording(again, 1, 'input');
    again.close();
    expect(back.events.length).toBe(inWindow);
    expect(Array.from(back.events.t)).toEqual(Array.from(recorded.t));
    expect(Array.from(back.events.x)).toEqual(Array.from(recorded.x));
    expect(Array.from(back.events.p)).toEqual(Array.from(recorded.channel));
    // The output holds ten class channels: not camera events.
    const refused = await dcnn(['export', 'mapped.dcnnproj', '1', '--stream', 'output', '--out', 'out.aedat4']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/AEDAT4 (events have a polarity|holds one camera's events)/);
    expect(existsSync(join(dir, 'out.aedat4'))).toBe(false);
  });

  it('a bad mapping is refused before anything runs', async () => {
    const r = await dcnn(['run', ...args, '--events', `${REAL}tonic_sample.aedat4`, '--crop', '300,0,64,64']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('reaches outside the 320x240 sensor');
    const npy = await dcnn(['run', ...args, '--events', 'digit.bin', '--polarity', 'sideways']);
    expect(npy.code).toBe(2);
    expect(npy.stderr).toContain('--polarity must be two, merge, on or off');
  });

  it('picks a sample from a dataset folder by class (name or output channel) and index', { timeout: 120_000 }, async () => {
    const root = join(dir, 'digits');
    const bytes = readFileSync(`${REAL}tonic_sample_nmnist.bin`);
    // Class "three" holds two samples: the real one and its first 1000 events (5000 bytes, 5 per event).
    mkdirSync(join(root, 'three'), { recursive: true });
    mkdirSync(join(root, 'seven'), { recursive: true });
    writeFileSync(join(root, 'three', 'a.bin'), bytes);
    writeFileSync(join(root, 'three', 'b.bin'), bytes.subarray(0, 5000));
    writeFileSync(join(root, 'seven', 'c.bin'), bytes);
    const listed = await dcnn(['events', 'dataset', 'digits', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ layout: 'class-folders', samples: 3, classes: [{ channel: 0, name: 'seven', samples: 1 }, { channel: 1, name: 'three', samples: 2 }] });

    const second = await dcnn(['run', ...args, '--dataset', 'digits', '--class', 'three', '--index', '1', '--json']);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('sample 1 of class "three" (output channel 1): three/b.bin');
    expect(JSON.parse(second.stdout)).toMatchObject({ status: 'completed', events_in: 1000 });
    const byChannel = await dcnn(['run', ...args, '--dataset', 'digits', '--class', '0', '--json']);
    expect(byChannel.code).toBe(0);
    expect(JSON.parse(byChannel.stdout)).toMatchObject({ events_in: 4325 });

    const noClass = await dcnn(['run', ...args, '--dataset', 'digits', '--class', 'nine']);
    expect(noClass.code).toBe(2);
    expect(noClass.stderr).toContain('has no class "nine" (classes: seven, three');
    const noIndex = await dcnn(['run', ...args, '--dataset', 'digits', '--class', 'seven', '--index', '4']);
    expect(noIndex.code).toBe(2);
    expect(noIndex.stderr).toContain('class "seven" of');
    expect(noIndex.stderr).toContain('has 1 samples (index 0..0); got index 4');
  });

  it('a file named .raw that is not a recording is refused with exit code 2', async () => {
    writeFileSync(join(dir, 'junk.raw'), 'hello');
    const { code, stderr } = await dcnn(['run', ...args, '--events', 'junk.raw']);
    expect(code).toBe(2);
    expect(stderr).toContain('named like a camera recording');
  });
});
