// `dcnn eval --mode both` against the single-mode evaluations: each mode's column is what
// that mode alone gives, the disagreeing samples are exactly those whose two single-mode
// predictions differ, each carries its measured causes, and the project keeps both modes
// (read back by `dcnn evals` and written to the CSV).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEvalDataset } from '../../helpers/eval-dataset.js';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';
import { runDcnn, type DcnnResult } from '../../helpers/dcnn-process.js';

let dir: string;
const env = { ...process.env, DCNN_DATA_DIR: '' };
const dcnn = (args: string[]): Promise<DcnnResult> => runDcnn(args, { cwd: dir, env });

// LeNet's seeded weights with the first-spike readout: the time-stepped mode reads the
// first spike at step resolution, so some samples change their answer.
const lenet = [join(EXAMPLES_DIR, 'lenet', 'model.py'), '--weights', join(EXAMPLES_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28', '--readout', 'first'];

interface Sample {
  file: string;
  predicted_channel: number | null;
  exit_counts: number[];
  timestep?: { predicted_channel: number | null; exit_counts: number[] };
  disagree?: boolean;
  causes?: Array<{ kind: string }>;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dcnn-eval-both-'));
  env.DCNN_DATA_DIR = join(dir, 'data');
  writeEvalDataset(dir, { perClass: 3, firstSeed: 10, bar: { durationMs: 40, rateHz: 400 }, blob: { durationMs: 30, rateHz: 60 } });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dcnn eval --mode both', () => {
  it('gives each mode what it gives alone, and lists the samples whose prediction differs with their causes', async () => {
    const [both, event, timestep] = await Promise.all(
      ['both', 'event', 'timestep'].map(async (mode) => {
        const r = await dcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '1', '--mode', mode, '--json']);
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(r.stdout);
      }),
    );
    expect(both.mode).toBe('both');
    expect(both.modes.event.accuracy).toBe(event.accuracy);
    expect(both.modes.timestep.accuracy).toBe(timestep.accuracy);
    expect(both.modes.event.confusion).toEqual(event.confusion);
    expect(both.modes.timestep.confusion).toEqual(timestep.confusion);
    const samples = both.samples as Sample[];
    samples.forEach((s, i) => {
      expect(s.predicted_channel).toBe(event.samples[i].predicted_channel);
      expect(s.exit_counts).toEqual(event.samples[i].exit_counts);
      expect(s.timestep!.predicted_channel).toBe(timestep.samples[i].predicted_channel);
      expect(s.timestep!.exit_counts).toEqual(timestep.samples[i].exit_counts);
    });
    const differ = (event.samples as Sample[]).filter((s, i) => s.predicted_channel !== (timestep.samples as Sample[])[i]!.predicted_channel).map((s) => s.file);
    // The comparison means something only if some samples differ and some do not.
    expect(differ.length).toBeGreaterThan(0);
    expect(differ.length).toBeLessThan(samples.length);
    expect(both.disagreement.files).toEqual(differ);
    expect(both.disagreement.samples).toBe(differ.length);
    for (const s of samples) {
      expect(s.disagree).toBe(differ.includes(s.file));
      if (s.disagree) expect(s.causes!.length).toBeGreaterThan(0);
      else expect(s.causes).toBeUndefined();
      for (const c of s.causes ?? []) expect(['dropped_events', 'saturation', 'ordering', 'unattributed']).toContain(c.kind);
    }
    const counted = Object.values(both.disagreement.by_cause as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(counted).toBeGreaterThanOrEqual(differ.length);
  }, 180_000);

  it('prints accuracy per mode side by side and the disagreeing samples', async () => {
    const r = await dcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '2', '--mode', 'both']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\s+event\s+timestep$/m);
    expect(r.stdout).toMatch(/^accuracy\s+[0-9.]+ %\s+[0-9.]+ %$/m);
    expect(r.stdout).toMatch(/\d+ of 6 samples change their prediction between the modes/);
    expect(r.stdout).toMatch(/^file\s+label\s+event\s+timestep\s+why$/m);
    expect(r.stdout).toMatch(/^(bar|blob)\/s\d\.npy\s+.*(ordering|saturation|dropped events|unattributed)/m);
  }, 120_000);

  it('keeps both modes in the project: dcnn evals reads them back and the CSV has the time-stepped columns', async () => {
    const run = await dcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '2', '--mode', 'both', '--project', 'both.dcnnproj', '--json', '--csv', 'both.csv']);
    expect(run.code, run.stderr).toBe(0);
    const live = JSON.parse(run.stdout);
    const stored = await dcnn(['evals', 'both.dcnnproj', String(live.evaluation_id), '--json']);
    expect(stored.code, stored.stderr).toBe(0);
    const back = JSON.parse(stored.stdout);
    expect(back.settings.mode).toBe('both');
    expect(back.accuracy).toBe(live.modes.event.accuracy);
    expect(back.timestep.accuracy).toBe(live.modes.timestep.accuracy);
    expect(back.timestep.confusion).toEqual(live.modes.timestep.confusion);
    expect(back.disagreement).toEqual({ samples: live.disagreement.samples, of: 6, by_cause: live.disagreement.by_cause });
    const list = await dcnn(['evals', 'both.dcnnproj']);
    expect(list.stdout).toMatch(/^\s*id\s+status\s+model\s+dataset\s+mode\s+done/m);
    expect(list.stdout).toMatch(/completed\s+v\d+\s+\S+ds\s+both\s+6 of 6/);
    const text = await dcnn(['evals', 'both.dcnnproj', String(live.evaluation_id)]);
    expect(text.stdout).toMatch(/in chip semantics; time-stepped [0-9.]+ % \(\d+ correct\); \d+ samples change their prediction between the modes/);
    const csv = readFileSync(join(dir, 'both.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/,timestep_predicted,timestep_correct,timestep_synaptic_ops,disagree,causes$/);
    expect(csv.filter((l) => /,true,[^,]*$/.test(l))).toHaveLength(live.disagreement.samples);
  }, 120_000);

  it('refuses an unknown mode, naming the three there are', async () => {
    const r = await dcnn(['eval', ...lenet, '--dataset', 'ds', '--mode', 'chip']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--mode must be "event", "timestep" or "both"');
  });
});
