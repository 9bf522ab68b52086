// A graph network in the class form, as a user runs the CLI on it (child processes): the
// sinabs fixture's model text and weights compile with `--json` to the fixture's graph
// fields (entry/exit layers, destination map, edges, layer2core_map, as sinabs 3.1.3 wrote
// them), and `dcnn export --nir` then `dcnn compile` of the .nir file gives the same fields.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { safetensorsOf } from '../../../main/services/model-files.js';
import { runDcnn } from '../../helpers/dcnn-process.js';
import { graphFixtureWeights, loadGraphFixture } from '../../helpers/graph-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dcnn-graph-cli-'));
const env = { ...process.env, DCNN_DATA_DIR: join(dir, 'data') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIELDS = ['entry_layers', 'exit_layers', 'destination_map', 'edges', 'layer2core_map'] as const;

describe('graph networks on the command line', () => {
  it('dummy2_merge_split: compile --json gives sinabs 3.1.3 graph fields; through NIR and back, the same', async () => {
    const f = loadGraphFixture('dummy2_merge_split');
    writeFileSync(join(dir, 'net.py'), f.model_text);
    writeFileSync(join(dir, 'net.safetensors'), safetensorsOf(graphFixtureWeights(f)));
    const shape = f.input_shape.join(',');
    const expected = f.expected as unknown as Record<string, unknown>;
    const want = Object.fromEntries(FIELDS.map((k) => [k, expected[k]]));

    const c = await runDcnn(['compile', 'net.py', '--weights', 'net.safetensors', '--input-shape', shape, '--json'], { cwd: dir, env });
    expect(c.code, c.stderr).toBe(0);
    const got = JSON.parse(c.stdout) as Record<string, unknown>;
    expect(Object.fromEntries(FIELDS.map((k) => [k, got[k]]))).toEqual(want);

    const x = await runDcnn(['export', '--nir', 'net.nir', 'net.py', '--weights', 'net.safetensors', '--input-shape', shape], { cwd: dir, env });
    expect(x.code, x.stderr).toBe(0);
    expect(x.stdout).toMatch(/\(7 chip layers\) as NIR/);
    expect(x.stdout).toContain('note: Chip layer 6 takes the sum of several inputs');

    const back = await runDcnn(['compile', 'net.nir', '--json'], { cwd: dir, env });
    expect(back.code, back.stderr).toBe(0);
    expect(back.stderr).toContain('class Net(nn.Module):');
    const again = JSON.parse(back.stdout) as Record<string, unknown>;
    expect(Object.fromEntries(FIELDS.map((k) => [k, again[k]]))).toEqual(want);
  }, 60_000);
});
