// `dcnn eval --device speck2fdevkit:0` as a user runs it (a child process) on a board of
// the fake samna: the configuration is written once, every sample goes through the bridge,
// and each sample's exit counts are what the fake's fixed rule gives (README of
// test/fake-samna: an input Spike of feature f makes one Spike of feature f % F on each
// monitored core). With the landing model (2 input channels, 4 output channels, only the
// exit core monitored) a sample's exit counts are therefore its ON and OFF event counts,
// worked out by hand below. No real board is involved.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';
import { runDcnn } from '../../helpers/dcnn-process.js';
import { FakeSamna, speck2f } from './samna-fake.js';

const SERIAL = 'SN-EVAL-1';
const fake = new FakeSamna([speck2f(SERIAL, 1, 9)]);
afterAll(() => fake.cleanup());
const env = () => ({ ...fake.env(), DCNN_DATA_DIR: join(fake.dir, 'data') });
const model = [join(EXAMPLES_DIR, 'moving-bar', 'model.py'), '--weights', join(EXAMPLES_DIR, 'moving-bar', 'weights.safetensors'), '--input-shape', '2,16,16'];

/** A sample of `on` ON (p=1... channel 1) and `off` events, 10 µs apart. */
function csv(channel0: number, channel1: number): string {
  const rows = ['t,x,y,p'];
  let t = 0;
  for (let i = 0; i < channel0; i++) rows.push(`${(t += 10)},${i % 16},3,0`);
  for (let i = 0; i < channel1; i++) rows.push(`${(t += 10)},${i % 16},5,1`);
  return `${rows.join('\n')}\n`;
}

describe('dcnn eval on a board (fake samna)', () => {
  it('runs every sample on the board: the exit counts are the fake rule\'s, the accuracy follows from them', { timeout: 120_000 }, async () => {
    const ds = join(fake.dir, 'ds');
    // Classes in name order: "a" is output channel 0, "b" channel 1.
    for (const [file, c0, c1] of [
      ['a/s0.csv', 3, 1],
      ['b/s0.csv', 1, 2],
      ['b/s1.csv', 2, 1],
    ] as const) {
      mkdirSync(join(ds, file.split('/')[0]!), { recursive: true });
      writeFileSync(join(ds, file), csv(c0, c1));
    }
    const r = await runDcnn(['eval', ...model, '--dataset', ds, '--device', 'speck2fdevkit:0', '--json'], { cwd: fake.dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { accuracy: number; runner: string; energy: Record<string, unknown>; samples: Array<{ file: string; predicted_channel: number | null; exit_counts: number[]; events_in: number }> };
    expect(out.runner).toBe('the device speck2fdevkit:0');
    expect(out.samples.map((s) => [s.file, s.exit_counts, s.predicted_channel, s.events_in])).toEqual([
      ['a/s0.csv', [3, 1, 0, 0], 0, 4],
      ['b/s0.csv', [1, 2, 0, 0], 1, 3],
      ['b/s1.csv', [2, 1, 0, 0], 0, 3],
    ]);
    expect(out.accuracy).toBeCloseTo(2 / 3, 10);
    // The board counts no synaptic operations: no energy estimate, and it says why.
    expect(out.energy).toMatchObject({ estimate: null, reason: 'the board does not report synaptic operations', resting_power_mw: 0.42 });
    // The configuration written once, then re-applied with zero states before each sample
    // (reset_states as sinabs does it, spec/samna.md section 9): 1 + 3 applications.
    expect(fake.recorded(SERIAL)).toHaveLength(4);
  });

  it('kept in a project, the evaluation is listed as one on that board', { timeout: 120_000 }, async () => {
    const ds = join(fake.dir, 'ds');
    const project = join(fake.dir, 'board.dcnnproj');
    const r = await runDcnn(['eval', ...model, '--dataset', ds, '--device', 'speck2fdevkit:0', '--project', project], { cwd: fake.dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const list = await runDcnn(['evals', project], { cwd: fake.dir, env: env() });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^\s*1\s+completed\s+v1\s+\S+ds\s+on speck2fdevkit:0\s+3 of 3\s+66\.7 %/m);
  });

  it('on a board only the board decides: --mode both and --queue are refused, saying what to use', async () => {
    const ds = join(fake.dir, 'ds');
    const both = await runDcnn(['eval', ...model, '--dataset', ds, '--device', 'speck2fdevkit:0', '--mode', 'both'], { cwd: fake.dir, env: env() });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('the device decides the semantics');
    const gone = await runDcnn(['eval', ...model, '--dataset', ds, '--device', 'speck2fdevkit:4'], { cwd: fake.dir, env: env() });
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('has not been found');
  });
});
