// `dcnn evals` reads back what `dcnn eval --project` kept: the list, one evaluation's
// accuracy, per-class accuracy and confusion (from the stored rows, checked against what
// `dcnn eval` itself printed when it ran), and its rows as the same CSV `dcnn eval --csv`
// wrote. Bad ids are clear errors.

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
const lenet = [join(EXAMPLES_DIR, 'lenet', 'model.py'), '--weights', join(EXAMPLES_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dcnn-evals-'));
  env.DCNN_DATA_DIR = join(dir, 'data');
  writeEvalDataset(dir, { perClass: 3, firstSeed: 20, bar: { durationMs: 40, rateHz: 400 }, blob: { durationMs: 30, rateHz: 60 } });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dcnn evals', () => {
  it('lists the kept evaluation and reads it back as dcnn eval reported it', async () => {
    const empty = await dcnn(['evals', 'none.dcnnproj']);
    expect(empty.code).not.toBe(0);
    const ran = await dcnn(['eval', ...lenet, '--dataset', 'ds', '--workers', '1', '--project', 'ev.dcnnproj', '--json', '--csv', 'eval.csv']);
    expect(ran.code, ran.stderr).toBe(0);
    const live = JSON.parse(ran.stdout) as { accuracy: number; confusion: number[][]; classes: string[]; evaluation_id: number };

    const list = await dcnn(['evals', 'ev.dcnnproj', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const { evaluations } = JSON.parse(list.stdout) as { evaluations: Array<{ id: number; status: string; done: number; samples: number; accuracy: number }> };
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]).toMatchObject({ id: live.evaluation_id, status: 'completed', done: 6, samples: 6 });
    expect(evaluations[0]!.accuracy).toBeCloseTo(live.accuracy, 12);

    const one = await dcnn(['evals', 'ev.dcnnproj', String(live.evaluation_id), '--json', '--csv', 'stored.csv']);
    expect(one.code, one.stderr).toBe(0);
    const back = JSON.parse(one.stdout) as { classes: string[]; confusion: number[][]; accuracy: number; per_class: Array<{ label: string; samples: number }> };
    expect(back.classes).toEqual(live.classes);
    expect(back.confusion).toEqual(live.confusion);
    expect(back.accuracy).toBeCloseTo(live.accuracy, 12);
    expect(back.per_class.map((c) => [c.label, c.samples])).toEqual([
      ['bar', 3],
      ['blob', 3],
    ]);
    // The same rows as the CSV dcnn eval wrote (header first; row order may differ).
    const lines = (f: string) => readFileSync(join(dir, f), 'utf8').trim().split('\n');
    expect(lines('stored.csv')[0]).toBe(lines('eval.csv')[0]);
    expect([...lines('stored.csv')].sort()).toEqual([...lines('eval.csv')].sort());

    const text = await dcnn(['evals', 'ev.dcnnproj', String(live.evaluation_id)]);
    expect(text.stdout).toMatch(/^evaluation \d+ \(completed\): model version \d+ on .*ds, 6 of 6 samples/);
    expect(text.stdout).toContain('confusion (rows: true class, columns: predicted;');
  }, 120_000);

  it('a missing or malformed id, or --csv without an id, is a clear error', async () => {
    const missing = await dcnn(['evals', 'ev.dcnnproj', '99']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/evaluation 99 does not exist .*evaluations: \d+/);
    expect((await dcnn(['evals', 'ev.dcnnproj', 'x'])).stderr).toMatch(/whole number/);
    expect((await dcnn(['evals', 'ev.dcnnproj', '--csv', 'a.csv'])).stderr).toMatch(/--csv needs the evaluation id/);
  });
});
