// `dcnn` with torch.save files, as a user runs it (a child process): a whole-model pickle in
// place of MODEL.py, state_dicts and checkpoints as --weights (the entry chosen by what fits
// the model, or by --weights-key), and the errors for ambiguous checkpoints, TorchScript
// models and dangerous pickles, each with its exit code.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFixture, type Fixture } from '../../helpers/fixtures.js';
import { realDir } from '../../helpers/real-models.js';
import { f32Bytes, OP, PickleWriter, torchZip } from '../../helpers/torch-files.js';
import { runDcnn, type DcnnResult } from '../../helpers/dcnn-process.js';

const dir = mkdtempSync(join(tmpdir(), 'dcnn-torch-'));
const env = { ...process.env, DCNN_DATA_DIR: join(dir, 'data') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function dcnn(args: string[]): Promise<DcnnResult> {
  return runDcnn(args, { cwd: dir, env });
}

const real = (f: string): string => join(realDir(), f);

function modelFile(f: Fixture): string {
  const p = join(dir, `${f.name}.py`);
  writeFileSync(p, f.model_text);
  return p;
}

function expectGoldenJson(stdout: string, f: Fixture): void {
  const out = JSON.parse(stdout) as Record<string, unknown> & { layers: Array<Record<string, unknown>> };
  expect(out.error).toBeNull();
  for (const field of ['memory_summary', 'candidate_cores', 'entry_layers', 'exit_layers']) expect(out[field]).toEqual(f.expected[field as keyof typeof f.expected]);
  expect(out.mapping).toEqual({ speck2fdevkit: f.expected.mapping!.speck2fdevkit });
  // The kernels are in the --weights-out file the report names.
  const file = (out.layers[0]!.weights as { file: string | null }).file;
  expect(file).not.toBeNull();
  const kernels = JSON.parse(readFileSync(file!, 'utf8')) as { layers: Array<{ shape: number[]; data: number[] }> };
  f.expected.layers!.forEach((e, i) => {
    for (const field of ['conv', 'input_shape', 'neuron_shape', 'pooling', 'biases', 'spike_threshold', 'min_v_mem', 'memory'] as const) expect(out.layers[i]![field]).toEqual(e[field]);
    expect({ shape: kernels.layers[i]!.shape, data: kernels.layers[i]!.data }).toEqual(e.weights);
  });
}

describe('dcnn with torch.save files', () => {
  it('compile MODEL.module.pt alone: the model text is written from the pickle, the result is the golden one', async () => {
    const f = loadFixture('snn_sumpool');
    const { code, stdout, stderr } = await dcnn(['compile', real('snn_sumpool.module.pt'), '--input-shape', '1,12,12', '--kind', 'snn', '--json', '--weights-out', 'kernels.json']);
    expect(code).toBe(0);
    expect(stderr).toContain('sl.IAFSqueeze(spike_threshold=1.0, min_v_mem=-1.0, batch_size=1)');
    expectGoldenJson(stdout, f);
  });

  it('compile MODEL.py --weights checkpoint.pt: the entry that fits is chosen, with a note', async () => {
    const f = loadFixture('two_conv_bias');
    const { code, stdout, stderr } = await dcnn(['compile', modelFile(f), '--weights', real('two_conv_bias.checkpoint.pt'), '--input-shape', '2,10,10', '--json', '--weights-out', 'kernels.json']);
    expect(code).toBe(0);
    expect(stderr).toContain('"model" entry');
    expectGoldenJson(stdout, f);
  });

  it('--weights-key picks the entry; a wrong one is the model\'s weights error (exit 1)', async () => {
    const f = loadFixture('two_conv_bias');
    const { code, stdout } = await dcnn(['compile', modelFile(f), '--weights', real('two_conv_bias.checkpoint.legacy.pt'), '--weights-key', 'optimizer', '--input-shape', '2,10,10', '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).error).toMatchObject({ stage: 'weights', code: 'MISSING_TENSOR' });
  });

  it('two entries that both fit: an error listing them, exit 2', async () => {
    const f = loadFixture('two_conv_bias');
    const names = Object.keys(f.weights);
    const w = new PickleWriter().op(OP.PROTO, 2).op(OP.EMPTY_DICT, OP.MARK);
    const storages: Uint8Array[] = [];
    for (const key of ['model', 'ema']) {
      w.str(key).orderedDict().op(OP.MARK);
      for (const n of names) {
        const t = f.weights[n]!;
        w.str(n).tensor({ key: String(storages.length), numel: t.data.length, shape: t.shape });
        storages.push(f32Bytes(t.data));
      }
      w.op(OP.SETITEMS);
    }
    w.op(OP.SETITEMS, OP.STOP);
    const ckpt = join(dir, 'two.ckpt');
    writeFileSync(ckpt, torchZip(w.bytes(), storages));
    const r = await dcnn(['compile', modelFile(f), '--weights', ckpt, '--input-shape', '2,10,10']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"model" (4 tensors), "ema" (4 tensors)');
    expect(r.stderr).toContain('--weights-key');
    const picked = await dcnn(['compile', modelFile(f), '--weights', ckpt, '--weights-key', 'ema', '--input-shape', '2,10,10', '--json', '--weights-out', 'kernels.json']);
    expect(picked.code).toBe(0);
    expectGoldenJson(picked.stdout, f);
  });

  it('a TorchScript archive as the model: named, with how to export (exit 2); as --weights it works', async () => {
    const r = await dcnn(['compile', real('lenet_seed_28.torchscript.pt'), '--input-shape', '1,28,28']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('TorchScript archive');
    expect(r.stderr).toContain('torch.save(model.state_dict(), path)');
    const f = loadFixture('lenet_seed_28');
    const w = await dcnn(['compile', modelFile(f), '--weights', real('lenet_seed_28.torchscript.pt'), '--input-shape', '1,28,28', '--json', '--weights-out', 'kernels.json']);
    expect(w.code).toBe(0);
    expectGoldenJson(w.stdout, f);
  });

  it('a pickle calling os.system is refused for safety (exit 2) and nothing runs', async () => {
    const marker = join(dir, 'pwned');
    const pickle = new PickleWriter().op(OP.PROTO, 2).global('os', 'system').op(OP.MARK).str(`touch ${marker}`).op(OP.TUPLE, OP.REDUCE, OP.STOP).bytes();
    const bad = join(dir, 'bad.pt');
    writeFileSync(bad, torchZip(pickle, []));
    const r = await dcnn(['compile', bad, '--input-shape', '1,28,28']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('os.system');
    expect(r.stderr).toContain('refused for safety');
    const asWeights = await dcnn(['compile', modelFile(loadFixture('two_conv_bias')), '--weights', bad, '--input-shape', '2,10,10']);
    expect(asWeights.code).toBe(2);
    expect(asWeights.stderr).toContain('refused for safety');
    const { existsSync } = await import('node:fs');
    expect(existsSync(marker)).toBe(false);
  });

  it('simulate takes the module pickle and --weights-key like compile', async () => {
    const r = await dcnn(['simulate', real('two_conv_bias.module.pt'), '--input-shape', '2,10,10', '--raster', 'missing.npy']);
    // The model and its tensors were read; the raster is the next thing asked for.
    expect(r.stderr).toContain('missing.npy');
    expect(r.stderr).toContain('nn.Conv2d(2, 8, kernel_size=3, stride=1, padding=0, bias=True)');
  });
});
