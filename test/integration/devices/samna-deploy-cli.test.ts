// `dcnn deploy` as a user runs it (a child process) onto a board of the fake samna: the
// configuration the fake records is the one `dcnn compile` computes for the same model
// (placement and destinations), the command prints what it wrote and exits; a device
// that is not there is a clear error. No real board is involved (see docs/readme/samna-tests.md).

import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';
import { runDcnn } from '../../helpers/dcnn-process.js';
import { FakeSamna, speck2f } from './samna-fake.js';

const SERIAL = 'SN-DEPLOY-1';
const fake = new FakeSamna([speck2f(SERIAL, 1, 7)]);
afterAll(() => fake.cleanup());

const lenet = [join(EXAMPLES_DIR, 'lenet', 'model.py'), '--weights', join(EXAMPLES_DIR, 'lenet', 'weights.safetensors'), '--input-shape', '1,28,28'];
const env = () => ({ ...fake.env(), DCNN_DATA_DIR: join(fake.dir, 'data') });

interface CnnLayer {
  destinations: Array<{ layer: number; enable: boolean }>;
}

describe('dcnn deploy onto a board (fake samna)', () => {
  it('writes the compiled configuration to the board once and prints the placement', { timeout: 60_000 }, async () => {
    const compiled = await runDcnn(['compile', ...lenet, '--device', 'speck2fdevkit', '--json'], { cwd: fake.dir, env: env() });
    expect(compiled.code, compiled.stderr).toBe(0);
    const ordering = (JSON.parse(compiled.stdout) as { mapping: Record<string, { chip_layers_ordering: number[] }> }).mapping.speck2fdevkit!.chip_layers_ordering;

    const r = await runDcnn(['deploy', ...lenet, '--device', 'speck2fdevkit:0', '--json'], { cwd: fake.dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { device: string; chip: string; cores: Array<{ layer: number; core: number; destinations: number[] }> };
    expect(out.device).toBe('speck2fdevkit:0');
    expect(out.chip).toBe('speck2fdevkit');
    expect(out.cores.map((c) => c.core)).toEqual(ordering);

    const written = fake.recorded(SERIAL);
    expect(written).toHaveLength(1);
    const layers = (written[0] as { cnn_layers: CnnLayer[] }).cnn_layers;
    // Each chip layer sends to the core of the next one; the exit layer to no core.
    for (let i = 0; i + 1 < ordering.length; i++) {
      expect(layers[ordering[i]!]!.destinations.filter((d) => d.enable).map((d) => d.layer)).toEqual([ordering[i + 1]]);
    }
  });

  it('a board that is not there, and a missing --device, are errors that say what to do', async () => {
    const gone = await runDcnn(['deploy', ...lenet, '--device', 'speck2fdevkit:3'], { cwd: fake.dir, env: env() });
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('has not been found');
    const none = await runDcnn(['deploy', ...lenet], { cwd: fake.dir, env: env() });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--device TYPE:INDEX is required');
  });
});
