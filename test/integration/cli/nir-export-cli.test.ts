// `dcnn export --nir` as a user runs it (a child process): the golden case's model text and
// safetensors in, a NIR file out that our importer reads back to the same compile result;
// `dcnn export PROJECT RUN` without --nir still takes its own arguments.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNir } from '../../../main/formats/nir/nir-importer.js';
import { writeSafetensors } from '../../../main/formats/safetensors.js';
import { loadFixture } from '../../helpers/fixtures.js';
import { compiledView, expectedView } from '../../unit/formats/imported-golden.js';
import { runDcnn, type DcnnResult } from '../../helpers/dcnn-process.js';

const dir = mkdtempSync(join(tmpdir(), 'dcnn-nir-'));
const env = { ...process.env, DCNN_DATA_DIR: join(dir, 'data') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function dcnn(args: string[]): Promise<DcnnResult> {
  return runDcnn(args, { cwd: dir, env });
}

describe('dcnn export --nir', () => {
  it('writes the converted SNN of two_conv_bias; read back it compiles to the golden result', async () => {
    const f = loadFixture('two_conv_bias');
    writeFileSync(join(dir, 'net.py'), f.model_text);
    const tensors = new Map(Object.entries(f.weights).map(([k, t]) => [k, { dtype: 'F32' as const, shape: t.shape, data: t.data }]));
    writeFileSync(join(dir, 'net.safetensors'), writeSafetensors(tensors));
    const r = await dcnn(['export', '--nir', 'net.nir', 'net.py', '--weights', 'net.safetensors', '--input-shape', '2,10,10']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('as NIR to');
    expect(r.stdout).toMatch(/note: NIR IF nodes hold r and v_threshold only/);
    const m = await readNir(new Uint8Array(readFileSync(join(dir, 'net.nir'))));
    expect(compiledView(f, m, { kind: 'snn' })).toEqual(expectedView(f));
  }, 60_000);

  it('a model that does not convert exits 1 with the reason; a missing file name exits 2', async () => {
    writeFileSync(join(dir, 'bad.py'), 'nn.Sequential(nn.Conv2d(1, 2, 3), nn.Sigmoid())');
    const bad = await dcnn(['export', '--nir', 'bad.nir', 'bad.py', '--init', '1', '--input-shape', '1,8,8']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/nothing to export/);
    const noName = await dcnn(['export', '--nir=', 'bad.py', '--init', '1', '--input-shape', '1,8,8']);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toMatch(/--nir OUT\.nir/);
  }, 60_000);

  it('without --nir, export still reads PROJECT RUN and its own options', async () => {
    const r = await dcnn(['export', 'p.dcnnproj', '1', '--stream', 'input']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out FILE\.npy, FILE\.csv, FILE\.aedat4 or FILE\.h5 is required/);
  }, 60_000);
});
