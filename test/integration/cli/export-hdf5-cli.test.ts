// `dcnn export P RUN --out x.h5` as a Python user runs it (a child process): the real
// N-MNIST sample run on a 2x34x34 model and recorded, its input and output written as HDF5
// and read back with h5wasm against the recording; a stream of two cores refused for an
// xytp file with the chip layers named, and nothing written.

import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withHdf5Bytes, type H5Dataset } from '../../../main/formats/nir/hdf5-memory.js';
import { packageRoot } from '../../../main/services/package-root.js';
import { openProject } from '../../../main/store/project.js';
import { readWholeRecording } from '../../../main/store/recording-files.js';
import { runDcnn, type DcnnResult } from '../../helpers/dcnn-process.js';

const REAL = `${packageRoot()}/test/fixtures/real/events/`;
const dir = mkdtempSync(join(tmpdir(), 'dcnn-h5-'));
const env = { ...process.env, DCNN_DATA_DIR: join(dir, 'data') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dcnn = (args: string[]): Promise<DcnnResult> => runDcnn(args, { cwd: dir, env });

const MODEL = `import torch.nn as nn

model = nn.Sequential(
    nn.Conv2d(2, 8, 3, 1, bias=False),
    nn.ReLU(),
    nn.AvgPool2d(2),
    nn.Conv2d(8, 10, 16, 1, bias=False),
    nn.ReLU(),
)
`;

const column = (f: Parameters<Parameters<typeof withHdf5Bytes>[1]>[0], name: string) => Array.from((f.get(name) as H5Dataset).value as ArrayLike<number | bigint>, Number);

describe('dcnn export --out x.h5', () => {
  it('writes the input (xytp) and output (layered) of a recorded run as HDF5, equal to the recording', { timeout: 120_000 }, async () => {
    writeFileSync(join(dir, 'nmnist.py'), MODEL);
    copyFileSync(`${REAL}tonic_sample_nmnist.bin`, join(dir, 'digit.bin'));
    const run = await dcnn(['run', 'nmnist.py', '--init', '7', '--input-shape', '2,34,34', '--events', 'digit.bin', '--monitor', 'all', '--project', 'p.dcnnproj']);
    expect(run.code, run.stderr).toBe(0);

    const input = await dcnn(['export', 'p.dcnnproj', '1', '--stream', 'input', '--out', 'in.h5', '--columns', 'xytp']);
    expect(input.code, input.stderr).toBe(0);
    expect(input.stdout).toContain('(HDF5: datasets t, x, y, p)');
    const output = await dcnn(['export', 'p.dcnnproj', '1', '--stream', 'output', '--out', 'out.hdf5']);
    expect(output.code, output.stderr).toBe(0);
    expect(output.stdout).toMatch(/chip layer 0 on core \d: \d+ events/);

    const project = openProject(join(dir, 'p.dcnnproj'));
    const inRec = readWholeRecording(project, 1, 'input');
    const outRec = readWholeRecording(project, 1, 'output');
    project.close();
    expect(inRec.length).toBe(4325);
    await withHdf5Bytes(new Uint8Array(readFileSync(join(dir, 'in.h5'))), (f) => {
      expect(f.keys()).toEqual(['p', 't', 'x', 'y']);
      expect(column(f, 't')).toEqual(Array.from(inRec.t));
      expect(column(f, 'x')).toEqual(Array.from(inRec.x));
      expect(column(f, 'y')).toEqual(Array.from(inRec.y));
      expect(column(f, 'p')).toEqual(Array.from(inRec.channel));
      expect({ run: Number(f.attrs['run']?.value), stream: f.attrs['stream']?.value, columns: f.attrs['columns']?.value, input: f.attrs['input']?.value }).toEqual({
        run: 1,
        stream: 'input',
        columns: 't,x,y,p',
        input: expect.stringMatching(/digit\.bin$/),
      });
    });
    await withHdf5Bytes(new Uint8Array(readFileSync(join(dir, 'out.hdf5'))), (f) => {
      expect(column(f, 't')).toEqual(Array.from(outRec.t));
      expect(column(f, 'layer')).toEqual(Array.from(outRec.layer));
      expect(column(f, 'feature')).toEqual(Array.from(outRec.channel));
      expect(String(f.attrs['chip_layers']?.value)).toMatch(/^core \d: chip layer 0; core \d: chip layer 1$/);
    });
  });

  it('refuses an xytp file of a stream of two chip layers, naming them, and writes nothing', { timeout: 60_000 }, async () => {
    const r = await dcnn(['export', 'p.dcnnproj', '1', '--stream', 'output', '--out', 'xytp.h5', '--columns', 'xytp']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds chip layer 0 on core \d: \d+ events, chip layer 1 on core \d: \d+ events; an xytp file has no core column/);
    expect(existsSync(join(dir, 'xytp.h5')) || existsSync(join(dir, 'xytp.h5.partial'))).toBe(false);
  });
});
