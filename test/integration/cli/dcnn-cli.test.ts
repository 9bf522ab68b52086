// The `dcnn` command as a user runs it (a child process): compile JSON equal to the golden
// fixtures, readable errors with exit codes, simulate parity with the reference, runs on the
// virtual devkit recorded in a project, and the device listing.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../../main/formats/safetensors.js';
import { benchWorkloads, BENCH_DIR, EXAMPLES_DIR, loadFixture, type Fixture } from '../../helpers/fixtures.js';
import { runDcnn, type DcnnResult } from '../../helpers/dcnn-process.js';

const dir = mkdtempSync(join(tmpdir(), 'dcnn-cli-'));
const env = { ...process.env, DCNN_DATA_DIR: join(dir, 'data') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function dcnn(args: string[]): Promise<DcnnResult> {
  return runDcnn(args, { cwd: dir, env });
}

/** Writes a fixture's model text and weights as a user would have them: model.py + weights.safetensors. */
function fixtureFiles(f: Fixture): string[] {
  const model = join(dir, `${f.name}.py`);
  const weights = join(dir, `${f.name}.safetensors`);
  writeFileSync(model, f.model_text);
  const tensors = new Map(
    Object.entries(f.weights).map(([name, t]) => [name, { dtype: name.endsWith('num_batches_tracked') ? ('I64' as const) : ('F32' as const), shape: t.shape, data: t.data }]),
  );
  writeFileSync(weights, writeSafetensors(tensors));
  const args = [model, '--weights', weights, '--input-shape', f.input_shape.join(','), '--device', 'speck2fdevkit', '--kind', f.kind];
  if (f.conversion) {
    // `--min-v-mem=-1`: with a space, a negative value would read as an option.
    args.push('--spike-threshold', String(f.conversion.spike_threshold), `--min-v-mem=${f.conversion.min_v_mem === null ? 'none' : f.conversion.min_v_mem}`, '--reset', f.conversion.reset);
  }
  return args;
}

describe('dcnn compile --json prints the fixtures\' expected block', () => {
  for (const name of ['lenet_seed_28', 'two_conv_bias', 'mapping_reroute', 'batchnorm_merge', 'snn_mixed_thresholds']) {
    it(name, async () => {
      const f = loadFixture(name);
      // The kernels are in the --weights-out file, not in the report.
      const weightsOut = join(dir, `${name}.weights.json`);
      const { code, stdout } = await dcnn(['compile', ...fixtureFiles(f), '--json', '--weights-out', weightsOut]);
      expect(code).toBe(0);
      const out = JSON.parse(stdout) as Record<string, unknown> & { layers: Array<Record<string, unknown>> };
      const kernels = JSON.parse(readFileSync(weightsOut, 'utf8')) as { layers: Array<{ index: number; shape: number[]; data: number[] }> };
      expect(out.error).toBeNull();
      for (const field of ['memory_summary', 'candidate_cores', 'entry_layers', 'exit_layers']) expect(out[field]).toEqual(f.expected[field as keyof typeof f.expected]);
      expect(out.mapping).toEqual({ speck2fdevkit: f.expected.mapping!.speck2fdevkit });
      f.expected.layers!.forEach((e, i) => {
        const got = out.layers[i]!;
        for (const field of ['index', 'conv', 'input_shape', 'neuron_shape', 'pooling', 'output_shapes', 'destinations', 'biases', 'spike_threshold', 'min_v_mem', 'reset', 'memory'] as const) {
          expect(got[field]).toEqual(e[field]);
        }
        expect(got.weights).toEqual({ shape: e.weights.shape, elements: e.weights.data.length, file: weightsOut });
        expect(kernels.layers[i]).toEqual({ index: e.index, shape: e.weights.shape, data: e.weights.data });
        expect(Math.fround(got.discretization_scale as number)).toBe(Math.fround(e.discretization_scale));
      });
    });
  }

  it('a rejected model exits 1 with the error block (maxpool_unsupported)', async () => {
    const f = loadFixture('maxpool_unsupported');
    const { code, stdout } = await dcnn(['compile', ...fixtureFiles(f), '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).error).toMatchObject({ stage: 'conversion', class: 'UnsupportedLayerType', line: 4 });
  });

  it('no valid mapping exits 1 with a mapping error naming the layer\'s needs (kernel_memory_too_large)', async () => {
    const f = loadFixture('kernel_memory_too_large');
    const { code, stdout } = await dcnn(['compile', ...fixtureFiles(f), '--json']);
    expect(code).toBe(1);
    const out = JSON.parse(stdout);
    expect(out.error).toMatchObject({ stage: 'mapping', class: 'ValueError' });
    expect(out.error.message).toContain('layer 0 fits no core');
    expect(out.mapping.speck2fdevkit.error.message).toMatch(/^No valid mapping found/);
  });
});

describe('dcnn compile (text) and its errors', () => {
  it('prints layers, cores and memory bars for the seed model', async () => {
    const { code, stdout } = await dcnn(['compile', join(EXAMPLES_DIR, 'lenet', 'model.py'), '--weights', join(EXAMPLES_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28']);
    expect(code).toBe(0);
    expect(stdout).toContain('ok: 5 chip layers placed on cores 0 3 5 6 1');
    expect(stdout).toMatch(/Conv 1→20 k5/);
    expect(stdout).toContain('64 Ki / 64 Ki');
  });
  it('a syntax error points at file:line:column', async () => {
    const model = join(dir, 'broken.py');
    writeFileSync(model, 'import torch.nn as nn\nmodel = nn.Sequential(\n    nn.Conv2d(1, 4, 3),\n    nn.ReLU(\n)\n');
    const { code, stdout } = await dcnn(['compile', model, '--init', '1', '--input-shape', '1,8,8']);
    expect(code).toBe(1);
    expect(stdout).toMatch(new RegExp(`error \\(parse, SyntaxError\\): ${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+`));
  });
  it('a missing weights file is a clear error with exit code 2', async () => {
    const { code, stderr } = await dcnn(['compile', join(EXAMPLES_DIR, 'lenet', 'model.py'), '--weights', 'nope.safetensors', '--input-shape', '1,28,28']);
    expect(code).toBe(2);
    expect(stderr).toContain('weights file');
    expect(stderr).toContain('no such file');
  });
  it('a bad input shape says what is expected', async () => {
    const { code, stderr } = await dcnn(['compile', join(EXAMPLES_DIR, 'lenet', 'model.py'), '--init', '0', '--input-shape', '1,28']);
    expect(code).toBe(2);
    expect(stderr).toContain('three positive integers C,H,W');
  });
  it('--init SEED compiles without a weights file and says so', async () => {
    const { code, stdout } = await dcnn(['compile', join(EXAMPLES_DIR, 'lenet', 'model.py'), '--init', '3', '--input-shape', '1,28,28']);
    expect(code).toBe(0);
    expect(stdout).toContain('random weights (seed 3)');
  });
});

describe('dcnn simulate', () => {
  it('time-stepped mode reproduces the reference exit counts of the LeNet workload exactly', async () => {
    const { code, stdout } = await dcnn([
      'simulate', join(BENCH_DIR, 'lenet', 'model.py'), '--weights', join(BENCH_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28',
      '--raster', join(BENCH_DIR, 'lenet', 'raster.npy'), '--mode', 'timestep', '--json',
    ]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { outputs: { shape: number[]; data: number[] }; layer_spike_totals: number[][] };
    expect(out.outputs.shape).toEqual([100, 10, 1, 1]);
    const perChannel = Array.from({ length: 10 }, (_, c) => out.outputs.data.filter((_, i) => i % 10 === c).reduce((a, b) => a + b, 0));
    expect(perChannel).toEqual(benchWorkloads().lenet.reference_exit_counts_timestep);
    expect(out.layer_spike_totals).toHaveLength(5);
  });
  it('event mode bins its output onto the same [T,C,H,W] grid', async () => {
    const { code, stdout } = await dcnn([
      'simulate', join(BENCH_DIR, 'lenet', 'model.py'), '--weights', join(BENCH_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28',
      '--raster', join(BENCH_DIR, 'lenet', 'raster.npy'), '--mode', 'event', '--json',
    ]);
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { outputs: { shape: number[] }; layer_spike_totals: number[][] };
    expect(out.outputs.shape).toEqual([100, 10, 1, 1]);
    expect(out.layer_spike_totals.every((l) => l.length === 100)).toBe(true);
  });
  it('a raster whose shape does not match the model is refused with both shapes', async () => {
    const { code, stderr } = await dcnn([
      'simulate', join(BENCH_DIR, 'lenet', 'model.py'), '--weights', join(BENCH_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28',
      '--raster', join(BENCH_DIR, 'dvs128', 'raster.npy'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('[2, 128, 128]');
    expect(stderr).toContain('[1, 28, 28]');
  });
});

describe('dcnn run, runs, compare, export, devices', () => {
  const lenet = [join(EXAMPLES_DIR, 'lenet', 'model.py'), '--weights', join(EXAMPLES_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28'];

  it('runs the example input on the default virtual devkit and records it', async () => {
    const { code, stdout } = await dcnn(['run', ...lenet, '--events', join(EXAMPLES_DIR, 'lenet', 'input.npy'), '--project', 'exp.dcnnproj', '--json']);
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ device: 'sim-speck2fdevkit:0', status: 'completed', run_id: 1, monitored: [{ layer: 4, core: 1 }] });
    expect(out.exit_counts.reduce((a: number, b: number) => a + b, 0)).toBe(out.monitored[0].events);
    expect(out.predicted).toBe(out.exit_counts.indexOf(Math.max(...out.exit_counts)));
    const runs = JSON.parse((await dcnn(['runs', 'exp.dcnnproj', '--json'])).stdout);
    expect(runs.runs).toEqual([expect.objectContaining({ id: 1, status: 'completed', device: 'sim-speck2fdevkit:0', model_version: 1, events_in: out.events_in, events_out: out.events_out })]);
    const exported = await dcnn(['export', 'exp.dcnnproj', '1', '--stream', 'output', '--out', 'out.csv']);
    expect(exported.code).toBe(0);
    // One rule with the UI: a model compiled for speck2fdevkit runs on a speck2edevkit only
    // as a new model version compiled for it, and only when asked to.
    const refused = await dcnn(['rerun', 'exp.dcnnproj', '1', '--device', 'sim-speck2edevkit:0', '--json']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('compiled for speck2fdevkit');
    expect(refused.stderr).toContain('--recompile');
    const rerun = await dcnn(['rerun', 'exp.dcnnproj', '1', '--device', 'sim-speck2edevkit:0', '--recompile', '--json']);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ run_id: 2, parent_run: 1, status: 'completed', events_out: out.events_out });
    const afterRerun = JSON.parse((await dcnn(['runs', 'exp.dcnnproj', '--json'])).stdout);
    expect(afterRerun.runs[1]).toMatchObject({ id: 2, device: 'sim-speck2edevkit:0', model_version: 2 });
    const cmp = JSON.parse((await dcnn(['compare', 'exp.dcnnproj', '1', '2', '--json'])).stdout);
    expect(cmp.first_divergence).toBeNull();
    // The exported stream imported back is the same stream.
    const imported = await dcnn(['import', 'exp.dcnnproj', 'out.csv', '--stream', 'output']);
    expect(imported.stdout).toContain(`imported ${out.events_out} events`);
    expect(imported.stdout).toContain('as the output of run 3');
    const back = JSON.parse((await dcnn(['compare', 'exp.dcnnproj', '1', '3', '--json'])).stdout);
    expect(back.first_divergence).toBeNull();
  });

  it('runs of an unchanged model share one model version; a changed model gets a new one', async () => {
    const events = ['--events', join(EXAMPLES_DIR, 'lenet', 'input.npy'), '--project', 'versions.dcnnproj', '--json'];
    for (let i = 0; i < 3; i++) expect((await dcnn(['run', ...lenet, ...events])).code).toBe(0);
    // Another threshold is another model.
    expect((await dcnn(['run', ...lenet, '--spike-threshold', '2', ...events])).code).toBe(0);
    const runs = JSON.parse((await dcnn(['runs', 'versions.dcnnproj', '--json'])).stdout);
    expect(runs.runs.map((r: { model_version: number }) => r.model_version)).toEqual([1, 1, 1, 2]);
  }, 120_000);

  it('an unknown device is an error that lists the devices there are', async () => {
    const { code, stderr } = await dcnn(['run', ...lenet, '--events', join(EXAMPLES_DIR, 'lenet', 'input.npy'), '--device', 'speck2fdevkit:0']);
    expect(code).not.toBe(0);
    expect(stderr).toContain('speck2fdevkit:0');
    expect(stderr).toContain('sim-speck2fdevkit:0');
  });

  it('devices --json lists the virtual devkits and the USB status; --types the registry', async () => {
    const devices = JSON.parse((await dcnn(['devices', '--json'])).stdout);
    expect(devices.devices).toContainEqual(expect.objectContaining({ id: 'sim-speck2fdevkit:0', type: 'speck2fdevkit', virtual: true, deployable: true, status: 'available' }));
    expect(devices.usb.status).toBeTypeOf('string');
    const types = JSON.parse((await dcnn(['devices', '--types', '--json'])).stdout);
    expect(types.types.map((t: { key: string }) => t.key)).toEqual(expect.arrayContaining(['speck', 'dynapse2', 'davis346', 'speck2fdevkit', 'dynapcnndevkit']));
  });
});
