// `dcnn eval` against independent paths: each sample's prediction must equal what
// `dcnn run` (the virtual devkit, a separate worker and run service) predicts for that
// file alone; 1 and 2 pool workers give the same rows; bad datasets are clear errors.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEventFile } from '../../../main/formats/event-files.js';
import { decodeCameraBytes } from '../../../main/formats/events/camera-formats.js';
import { movingBar } from '../../../main/sim/input-generators.js';
import { writeEvalDataset } from '../../helpers/eval-dataset.js';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';
import { runDcnn, type DcnnResult } from '../../helpers/dcnn-process.js';

let dir: string;
const env = { ...process.env, DCNN_DATA_DIR: '' };

async function dcnn(args: string[]): Promise<DcnnResult> {
  return runDcnn(args, { cwd: dir, env });
}

const lenet = [join(EXAMPLES_DIR, 'lenet', 'model.py'), '--weights', join(EXAMPLES_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28'];
const files: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dcnn-eval-'));
  env.DCNN_DATA_DIR = join(dir, 'data');
  files.push(...writeEvalDataset(dir, { perClass: 3, firstSeed: 10, bar: { durationMs: 40, rateHz: 400 }, blob: { durationMs: 30, rateHz: 60 } }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dcnn eval', () => {
  it('predicts each sample as dcnn run does, and counts accuracy and confusion from those predictions', async () => {
    const r = await dcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.classes).toEqual(['bar', 'blob']);
    expect(out.samples.map((s: { file: string }) => s.file)).toEqual(files);
    // The comparison below means something only if the exit layer fires.
    expect(out.samples.filter((s: { exit_counts: number[] }) => s.exit_counts.some((n) => n > 0)).length).toBeGreaterThan(3);
    for (const s of out.samples) {
      const run = await dcnn(['run', ...lenet, '--events', join('ds', s.file), '--json']);
      expect(run.code, run.stderr).toBe(0);
      const single = JSON.parse(run.stdout);
      expect(s.predicted_channel).toBe(single.predicted);
      expect(s.exit_counts).toEqual(single.exit_counts);
    }
    const correct = out.samples.filter((s: { label: string; predicted: string | null }) => s.label === s.predicted).length;
    expect(out.accuracy).toBeCloseTo(correct / 6, 12);
    expect(out.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(6);
    expect(r.stderr).toMatch(/6\/6 samples, [0-9.]+ samples\/s/);
  });

  it('gives the same rows with one worker and with two, in both modes', async () => {
    for (const mode of ['event', 'timestep']) {
      const one = JSON.parse((await dcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '1', '--mode', mode, '--json'])).stdout);
      const two = JSON.parse((await dcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '2', '--mode', mode, '--json'])).stdout);
      const strip = (o: { samples: Array<Record<string, unknown>> }) => o.samples.map(({ file, predicted_channel, exit_counts }) => ({ file, predicted_channel, exit_counts }));
      expect(strip(two)).toEqual(strip(one));
      expect(one.mode).toBe(mode);
    }
  });

  it('estimates energy from the synaptic operations only with a figure given, and names the published resting power', async () => {
    const given = JSON.parse((await dcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '1', '--pj-per-synop', '2', '--json'])).stdout);
    const ops: number[] = given.samples.map((x: { synaptic_ops: number }) => x.synaptic_ops);
    expect(ops.every((n) => n > 0)).toBe(true);
    // 2 pJ per operation: n operations are 2n pJ = n / 500 nJ.
    expect(given.samples.map((x: { energy_nj: number }) => x.energy_nj)).toEqual(ops.map((n) => n / 500));
    expect(given.energy).toMatchObject({ pj_per_synop: 2, resting_power_mw: 0.42 });
    expect(given.energy.total_nj).toBeCloseTo(ops.reduce((a, b) => a + b, 0) / 500, 9);
    expect(given.energy.mean_nj_per_sample).toBeCloseTo(given.energy.total_nj / 6, 9);
    const none = JSON.parse((await dcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '1', '--json'])).stdout);
    expect(none.energy).toMatchObject({ estimate: null, reason: expect.stringContaining('--pj-per-synop') });
    expect(none.samples[0].energy_nj).toBeUndefined();
    const text = await dcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '1', '--pj-per-synop', '2']);
    expect(text.stdout).toMatch(/energy estimate: [0-9.]+ (nJ|µJ) per sample on average, .* in all \(synaptic operations x 2 pJ, the figure given/);
    expect(text.stdout).toContain('0.42 mW');
    const bad = await dcnn(['eval', ...lenet, '--dataset', 'ds', '--pj-per-synop', 'ten']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--pj-per-synop must be the energy of one synaptic operation in picojoules');
  });

  it('a folder without samples, and more classes than output channels, are clear errors', async () => {
    mkdirSync(join(dir, 'empty'), { recursive: true });
    const empty = await dcnn(['eval', ...lenet, '--dataset', 'empty']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('holds no samples');
    for (let c = 0; c < 11; c++) {
      mkdirSync(join(dir, 'many', `c${c}`), { recursive: true });
      writeFileSync(join(dir, 'many', `c${c}`, 'a.npy'), writeEventFile(movingBar({ shape: [1, 28, 28], durationMs: 5, rateHz: 400, seed: c, layer: 0 }), 'npy', 'xytp'));
    }
    const many = await dcnn(['eval', ...lenet, '--dataset', 'many']);
    expect(many.code).toBe(1);
    expect(many.stderr).toContain('11 classes but the model');
  });

  it('maps camera recordings onto the model input (window, crop, downsample, merged polarities) for every sample', async () => {
    const real = join(EXAMPLES_DIR, '..', 'test', 'fixtures', 'real', 'events', 'tonic_sample.aedat4');
    const bytes = readFileSync(real);
    for (const cls of ['a', 'b']) {
      mkdirSync(join(dir, 'cam', cls), { recursive: true });
      writeFileSync(join(dir, 'cam', cls, 'rec.aedat4'), bytes);
    }
    const { events } = decodeCameraBytes(bytes, 'aedat4');
    let inWindow = 0;
    for (let i = 0; i < events.length; i++) if (events.t[i]! - events.t[0]! < 50_000) inWindow++;
    const r = await dcnn(['eval', ...lenet, '--dataset', 'cam', '--workers', '1', '--window', '0:50000', '--crop', '0,0,320,240', '--downsample', '28x28', '--polarity', 'merge', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { failed: number; samples: Array<{ events_in: number; error?: string }> };
    expect(out.failed).toBe(0);
    expect(out.samples.map((s) => s.events_in)).toEqual([inWindow, inWindow]);
  });
});

describe('dcnn eval --project', () => {
  it('keeps each sample; after a crash it goes on with the samples not done and ends as a full run would', async () => {
    const full = JSON.parse((await dcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '1', '--json'])).stdout);
    const first = await dcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '1', '--project', 'ev.dcnnproj', '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ evaluation_id: 1, resumed_samples: 0 });
    // What a crash after four samples leaves: the evaluation running, two samples missing.
    const db = new Database(join(dir, 'ev.dcnnproj'));
    db.prepare("UPDATE evaluations SET status = 'running', finished_at = NULL").run();
    db.prepare("DELETE FROM evaluation_samples WHERE file IN ('bar/s1.npy', 'blob/s2.npy')").run();
    // A row only a resume keeps (a real run would never produce it): proves it was not redone.
    db.prepare("UPDATE evaluation_samples SET synaptic_ops = 424242 WHERE file = 'bar/s0.npy'").run();
    db.close();
    const again = await dcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '1', '--project', 'ev.dcnnproj', '--json', '--csv', 'ev.csv']);
    expect(again.code, again.stderr).toBe(0);
    const out = JSON.parse(again.stdout);
    expect(out).toMatchObject({ evaluation_id: 1, resumed_samples: 4 });
    const strip = (rows: { file: string; synaptic_ops: number }[]) => rows.map(({ synaptic_ops: _ops, ...r }) => r);
    expect(strip(out.samples)).toEqual(strip(full.samples));
    expect(out.samples.find((r: { file: string }) => r.file === 'bar/s0.npy').synaptic_ops).toBe(424242);
    expect(out.samples.find((r: { file: string }) => r.file === 'bar/s1.npy').synaptic_ops).toBe(full.samples.find((r: { file: string }) => r.file === 'bar/s1.npy').synaptic_ops);
    expect(out.accuracy).toBe(full.accuracy);
    const csv = readFileSync(join(dir, 'ev.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^file,label,predicted,correct,first_spike_us,events_in,synaptic_ops,error,count_0,/);
    expect(csv).toHaveLength(7);
    // Completed now: the next evaluation of the same settings is a new one; --new forces one too.
    const third = JSON.parse((await dcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '1', '--project', 'ev.dcnnproj', '--json'])).stdout);
    expect(third).toMatchObject({ evaluation_id: 2, resumed_samples: 0 });
    const check = new Database(join(dir, 'ev.dcnnproj'), { readonly: true });
    expect(check.prepare('SELECT id, status FROM evaluations ORDER BY id').all()).toEqual([{ id: 1, status: 'completed' }, { id: 2, status: 'completed' }]);
    expect(check.prepare('SELECT COUNT(DISTINCT model_version_id) AS n FROM evaluations').get()).toEqual({ n: 1 });
    check.close();
  }, 180_000);
});
