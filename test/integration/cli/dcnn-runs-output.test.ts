// What `replay`, `compare`, `export`, `import` and `compile --json` print, as a user runs
// them (a child process): one vocabulary ("chip layer N on core M", JSON chip_layer +
// core), compare over what both runs recorded with a summary, replay's CSV header and
// progress clock, `| head` ending quietly, options named in errors that exist, and a
// compile report without one number per line.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';
import { DCNN_BIN, runDcnn, type DcnnResult } from '../../helpers/dcnn-process.js';

const dir = mkdtempSync(join(tmpdir(), 'dcnn-runs-out-'));
const env = { ...process.env, DCNN_DATA_DIR: join(dir, 'data') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function dcnn(args: string[]): Promise<DcnnResult> {
  return runDcnn(args, { cwd: dir, env });
}

const lenet = [join(EXAMPLES_DIR, 'lenet', 'model.py'), '--weights', join(EXAMPLES_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28'];
const input = ['--events', join(EXAMPLES_DIR, 'lenet', 'input.npy')];

/** LeNet places chip layers 0..4 on cores 0 3 5 6 1. */
const CORES = [0, 3, 5, 6, 1];

// Run 1 monitors every chip layer, run 2 only the exit layer (the default), run 3 every
// chip layer of a model with another threshold (so its counts differ).
beforeAll(async () => {
  for (const extra of [['--monitor', 'all'], [], ['--monitor', 'all', '--spike-threshold', '2']]) {
    const r = await dcnn(['run', ...lenet, ...input, '--project', 'exp.dcnnproj', '--json', ...extra]);
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);

describe('compare: over what both runs recorded, summarised', () => {
  it('a run that monitored every chip layer vs one that monitored the exit layer: only the exit layer is compared', async () => {
    const j = JSON.parse((await dcnn(['compare', 'exp.dcnnproj', '1', '2', '--json'])).stdout);
    expect(j.basis).toBe('both-monitored');
    expect(j.chip_layers).toEqual([expect.objectContaining({ chip_layer: 4, core: 1, core_b: 1, diff: 0, channels_differing: 0 })]);
    expect(j.compared_events_a).toBe(j.events_b);
    expect(j.not_compared.map((n: { chip_layer: number; core: number; run: number; reason: string }) => [n.chip_layer, n.core, n.run, n.reason])).toEqual(
      [0, 1, 2, 3].map((l) => [l, CORES[l], 1, 'only-this-run-monitored']),
    );
    expect(j.first_divergence).toBeNull();
    const text = (await dcnn(['compare', 'exp.dcnnproj', '1', '2'])).stdout;
    expect(text).toContain('not compared: chip layer 0 on core 0 of run 1');
    expect(text).toContain('only run 1 monitored it');
    expect(text).toContain('the compared streams are identical event for event');
  });

  it('differing runs: per chip layer totals and the 10 largest channel differences, short lines; --json has every channel', async () => {
    const r = await dcnn(['compare', 'exp.dcnnproj', '1', '3']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(200);
    expect(r.stdout).toMatch(/largest per-channel differences \(10 of \d+ differing channels; --json lists every channel\)/);
    expect(r.stdout).toMatch(/^chip layer\s+core\s+run 1\s+run 3\s+diff\s+channels differing$/m);
    expect(r.stdout).toMatch(/first divergence at event \d+: t=\d+ µs chip layer \d on core \d channel \d+/);
    const j = JSON.parse((await dcnn(['compare', 'exp.dcnnproj', '1', '3', '--json'])).stdout);
    expect(j.chip_layers.map((l: { chip_layer: number; core: number }) => [l.chip_layer, l.core])).toEqual(CORES.map((c, l) => [l, c]));
    expect(j.not_compared).toEqual([]);
    expect(j.top_differences).toHaveLength(10);
    const sizes = j.top_differences.map((d: { diff: number }) => Math.abs(d.diff));
    expect(sizes).toEqual([...sizes].sort((x: number, y: number) => y - x));
    const differing = j.per_channel.filter((c: { a: number; b: number }) => c.a !== c.b);
    expect(differing.length).toBeGreaterThan(10);
    expect(Math.max(...differing.map((c: { diff: number }) => Math.abs(c.diff)))).toBe(sizes[0]);
    expect(j.per_channel[0]).toEqual({ chip_layer: 0, core: 0, channel: expect.any(Number), a: expect.any(Number), b: expect.any(Number), diff: expect.any(Number) });
    expect(j.first_divergence.a).toEqual(expect.objectContaining({ t_us: expect.any(Number), chip_layer: expect.any(Number), core: expect.any(Number) }));
  });
});

describe('replay', () => {
  it('--events prints a header row, then t_us,chip_layer,core,channel,x,y rows; --no-header leaves it out', async () => {
    const r = await dcnn(['replay', 'exp.dcnnproj', '2', '--speed', 'max', '--events']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe('t_us,chip_layer,core,channel,x,y');
    expect(rows[1]).toMatch(/^\d+,4,1,\d+,0,0$/);
    // stdout is the CSV alone: what is replayed is said on stderr.
    expect(r.stderr).toContain('replaying the output of run 2');
    const bare = await dcnn(['replay', 'exp.dcnnproj', '2', '--speed', 'max', '--events', '--no-header']);
    expect(bare.stdout.split('\n')[0]).toMatch(/^\d+,4,1,/);
    expect(bare.stdout.split('\n').length).toBe(rows.length);
  });

  it('progress says chip layer and core, and its clock stops at the recording\'s end (formatted)', async () => {
    const runs = JSON.parse((await dcnn(['runs', 'exp.dcnnproj', '--json'])).stdout) as { runs: Array<{ id: number }> };
    expect(runs.runs.length).toBe(3);
    const r = await dcnn(['replay', 'exp.dcnnproj', '2', '--speed', '1']);
    expect(r.code).toBe(0);
    const progress = r.stdout.split('\n').filter((l) => l.startsWith('t='));
    expect(progress.length).toBeGreaterThan(0);
    const us = { µs: 1, ms: 1e3, s: 1e6 } as const;
    // The output's last event is at 199 ms (1 ms steps of the example input).
    const header = /(\S+ (?:µs|ms|s)) \.\. (\S+) (µs|ms|s)/.exec(r.stdout)!;
    const end = Number(header[2]) * us[header[3] as keyof typeof us];
    for (const line of progress) {
      const m = /^t=(\d+(?:\.\d+)?) (µs|ms|s)  \+\d+ events  \(chip layer 4 on core 1: \d+\)  total \d+$/.exec(line);
      expect(m, line).not.toBeNull();
      if (m![2] === 'µs') expect(Number(m![1])).toBeLessThan(1000);
      expect(Number(m![1]) * us[m![2] as keyof typeof us]).toBeLessThanOrEqual(end);
    }
  }, 30_000);

  it('`replay --events | head` ends quietly with exit 0 (no EPIPE stack)', async () => {
    const child = spawn(process.execPath, [DCNN_BIN, 'replay', 'exp.dcnnproj', '1', '--speed', 'max', '--events'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // As head does: read the first lines, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(0);
  }, 30_000);
});

describe('export names chip layers and cores', () => {
  it('says which chip layer each core held, and refuses xytp for several cores in those words', async () => {
    const r = await dcnn(['export', 'exp.dcnnproj', '1', '--out', 'out.csv']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/chip layer 0 on core 0: \d+ events, chip layer 1 on core 3: \d+ events/);
    expect(r.stdout).toContain('the layer column is the core');
    const refused = await dcnn(['export', 'exp.dcnnproj', '1', '--out', 'out-xytp.csv', '--columns', 'xytp']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('chip layer 4 on core 1');
    expect(refused.stderr).not.toMatch(/\blayers? \d+ and \d+/);
  });
});

describe('errors name options that exist', () => {
  const unsorted = 't,x,y,p\n10,1,1,0\n5,2,2,0\n';
  const outside = 't,x,y,p\n10,1,1,0\n20,40,2,0\n';

  it('import: an unsorted file points at --sort, which sorts it', async () => {
    writeFileSync(join(dir, 'unsorted.csv'), unsorted);
    const r = await dcnn(['import', 'exp.dcnnproj', 'unsorted.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--sort');
    expect(r.stderr).not.toContain('sort option');
    const sorted = await dcnn(['import', 'exp.dcnnproj', 'unsorted.csv', '--sort']);
    expect(sorted.code, sorted.stderr).toBe(0);
    expect(sorted.stdout).toContain('imported 2 events');
  });

  it('import and run: events outside the input point at --drop-out-of-range, which drops them', async () => {
    writeFileSync(join(dir, 'outside.csv'), outside);
    const r = await dcnn(['import', 'exp.dcnnproj', 'outside.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--drop-out-of-range');
    expect(r.stderr).not.toContain('dropOutOfRange');
    const dropped = await dcnn(['import', 'exp.dcnnproj', 'outside.csv', '--drop-out-of-range']);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(dropped.stdout).toContain('imported 1 events');
    const run = await dcnn(['run', ...lenet, '--events', 'outside.csv', '--json']);
    expect(run.stderr).toContain('--drop-out-of-range');
    expect(run.stderr).not.toContain('dropOutOfRange');
    const ran = await dcnn(['run', ...lenet, '--events', 'outside.csv', '--drop-out-of-range', '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout).events_in).toBe(1);
    const runSorted = await dcnn(['run', ...lenet, '--events', 'unsorted.csv', '--sort', '--json']);
    expect(runSorted.code, runSorted.stderr).toBe(0);
  }, 60_000);
});

describe('compile --json', () => {
  it('is short, one line per integer array, kernels only in --weights-out', async () => {
    const r = await dcnn(['compile', ...lenet, '--json']);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeLessThan(20_000);
    expect(r.stdout).not.toMatch(/^\s*-?\d+,?$/m);
    const j = JSON.parse(r.stdout);
    expect(j.layers[0].weights).toEqual({ shape: [20, 1, 5, 5], elements: 500, file: null });
    expect(r.stdout).toContain('"kernel_size": [5,5]');
    expect(j.mapping.speck2fdevkit.chip_layers_ordering).toEqual(CORES);
    const w = await dcnn(['compile', ...lenet, '--json', '--weights-out', 'k.json']);
    const file = JSON.parse(readFileSync(join(dir, 'k.json'), 'utf8'));
    expect(JSON.parse(w.stdout).layers[1].weights.file).toBe(join(dir, 'k.json'));
    expect(file.layers.map((l: { data: number[] }) => l.data.length)).toEqual([500, 16000, 36864, 64000, 5000]);
  });
});
