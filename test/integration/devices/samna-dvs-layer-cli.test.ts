// `dcnn run --dvs-layer` onto a board of the fake samna (a child process, the real bridge):
// the configuration the fake records carries the DVS layer's fields of the mapping
// (pooling, origin, cut, merge, polarity switches, the entry core as its destination,
// the pixel array off), and the recording goes to the board as raw sensor DvsEvents,
// which the fake's rule answers. No real board is involved (docs/readme/samna-tests.md).

import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../main/services/package-root.js';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';
import { runDcnn } from '../../helpers/dcnn-process.js';
import { FakeSamna, speck2f } from './samna-fake.js';

const SERIAL = 'SN-DVS-LAYER';
const fake = new FakeSamna([speck2f(SERIAL, 1, 9)]);
afterAll(() => fake.cleanup());
const env = () => ({ ...fake.env(), DCNN_DATA_DIR: join(fake.dir, 'data') });
copyFileSync(`${packageRoot()}/test/fixtures/real/events/tonic_sample_nmnist.bin`, join(fake.dir, 'digit.bin'));

const bar = join(EXAMPLES_DIR, 'moving-bar');
const run = [
  'run',
  join(bar, 'model.py'),
  '--weights',
  join(bar, 'weights.safetensors'),
  '--input-shape',
  '2,16,16',
  '--events',
  'digit.bin',
  '--sensor',
  '34x34',
  '--device',
  'speck2fdevkit:0',
  '--json',
];

describe('dcnn run --dvs-layer onto a board (fake samna)', () => {
  it('writes the DVS layer fields with the configuration and sends the raw events', { timeout: 60_000 }, async () => {
    const r = await runDcnn([...run, '--crop', '0,0,32,32', '--downsample', '2', '--polarity', 'on', '--dvs-layer'], { cwd: fake.dir, env: env() });
    // The one-polarity mapping gives one channel; the 2-channel model still runs.
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { input_mapping_on: string; events_in: number; events_out: number };
    expect(out.input_mapping_on).toBe('dvs-layer');
    expect(out.events_in).toBe(4325);
    // The fake answers every DvsEvent with a spike of each monitored core.
    expect(out.events_out).toBe(4325);

    const written = fake.recorded(SERIAL);
    expect(written).toHaveLength(1);
    const cfg = written[0] as { dvs_layer: Record<string, unknown>; cnn_layers: Array<{ monitor_enable: boolean; dimensions: { input_shape: { feature_count: number } } }> };
    const entryCore = cfg.cnn_layers.findIndex((l) => l.dimensions.input_shape.feature_count === 2);
    expect(cfg.dvs_layer).toMatchObject({
      merge: true,
      on_channel: true,
      off_channel: false,
      pooling: { x: 2, y: 2 },
      origin: { x: 0, y: 0 },
      cut: { x: 15, y: 15 },
      mirror: { x: false, y: false },
      mirror_diagonal: false,
      pass_sensor_events: false,
      destinations: [
        { layer: entryCore, enable: true },
        { layer: 0, enable: false },
      ],
    });
  });
});
