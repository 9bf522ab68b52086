// `dcnn run --dvs-layer` as a user runs it (a child process) on the virtual devkit: the
// real N-MNIST recording (34x34) mapped onto the moving-bar model (2x16x16) by crop
// 0,0 32x32 and downsampling by 2, once on the host and once on the chip's DVS layer.
// Both give the cores the same input (the DVS layer's monitor, layer 13, against what the
// host sent to core 0) and so the same spikes; the run stores the mapping and the DVS
// layer's fields, and a re-run feeds the raw events through the DVS layer again. A mapping
// the DVS layer cannot do runs on the host and says why.

import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAYER_DVS, type SpikeBatch } from '../../../main/common/spike-batch.js';
import { packageRoot } from '../../../main/services/package-root.js';
import { openProject } from '../../../main/store/project.js';
import { readWholeRecording } from '../../../main/store/recording-files.js';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';
import { runDcnn, type DcnnResult } from '../../helpers/dcnn-process.js';

const dir = mkdtempSync(join(tmpdir(), 'dcnn-dvs-layer-'));
const env = { ...process.env, DCNN_DATA_DIR: join(dir, 'data') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));
copyFileSync(`${packageRoot()}/test/fixtures/real/events/tonic_sample_nmnist.bin`, join(dir, 'digit.bin'));

const dcnn = (args: string[]): Promise<DcnnResult> => runDcnn(args, { cwd: dir, env });
const bar = join(EXAMPLES_DIR, 'moving-bar');
const run = ['run', join(bar, 'model.py'), '--weights', join(bar, 'weights.safetensors'), '--input-shape', '2,16,16', '--events', 'digit.bin', '--sensor', '34x34', '--monitor', '0,1,dvs', '--json'];
const mapping = ['--window', '0:200000', '--crop', '0,0,32,32', '--downsample', '2'];

/** Events of some layers as [t - t0, layer, channel, x, y] rows, t0 given. */
function rows(b: SpikeBatch, keep: (layer: number) => boolean, t0: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < b.length; i++) if (keep(b.layer[i]!)) out.push([b.t[i]! - t0, b.layer[i]!, b.channel[i]!, b.x[i]!, b.y[i]!]);
  return out;
}

function recording(project: string, run: number, stream: 'input' | 'output'): SpikeBatch {
  const p = openProject(join(dir, project));
  try {
    return readWholeRecording(p, run, stream);
  } finally {
    p.close();
  }
}

describe('dcnn run --dvs-layer on the virtual devkit', () => {
  it('gives the cores the same input and spikes as the host mapping, and stores the DVS layer fields with the run', { timeout: 120_000 }, async () => {
    const host = await dcnn([...run, ...mapping, '--project', 'host.dcnnproj']);
    expect(host.code, host.stderr).toBe(0);
    const chip = await dcnn([...run, ...mapping, '--dvs-layer', '--project', 'chip.dcnnproj']);
    expect(chip.code, chip.stderr).toBe(0);
    expect(chip.stderr).toContain("input mapping on the chip's DVS layer: pooling 2x2, origin 0,0, cut 15,15; the 34x34 sensor's events are sent as they are");
    const h = JSON.parse(host.stdout);
    const c = JSON.parse(chip.stdout);
    expect(c).toMatchObject({
      status: 'completed',
      input_mapping_on: 'dvs-layer',
      dvs_layer: { merge: false, on_channel: true, off_channel: true, pooling: { x: 2, y: 2 }, origin: { x: 0, y: 0 }, cut: { x: 15, y: 15 } },
    });
    // The chip run was sent every event of the window, the host run only those inside the crop.
    expect(c.events_in).toBeGreaterThan(h.events_in);
    expect(c.exit_counts).toEqual(h.exit_counts);
    expect(c.predicted).toBe(h.predicted);
    const cores = (j: { monitored: Array<{ chip_layer: number; events: number }> }) => j.monitored.map((m) => [m.chip_layer, m.events]);
    expect(cores(c)).toEqual(cores(h));

    // What core 0 received: the host sent it; on the chip the DVS layer's monitor shows it.
    const hostIn = recording('host.dcnnproj', 1, 'input');
    const chipOut = recording('chip.dcnnproj', 1, 'output');
    const dvsOut = rows(chipOut, (l) => l === LAYER_DVS, 0);
    const t0 = dvsOut[0]![0]!;
    const sent = rows(hostIn, () => true, 0).map(([t, , ch, x, y]) => [t, ch, x, y]);
    expect(sent.length).toBe(h.events_in);
    expect(dvsOut.map(([t, , ch, x, y]) => [t! - t0, ch, x, y])).toEqual(sent);
    // And the cores' spikes, event for event (timed from the first event each core received).
    expect(rows(chipOut, (l) => l !== LAYER_DVS, t0)).toEqual(rows(recording('host.dcnnproj', 1, 'output'), (l) => l !== LAYER_DVS, 0));

    const p = openProject(join(dir, 'chip.dcnnproj'));
    const stored = p.getRun(1)?.deployOptions as { inputMapping?: unknown; dvsLayer?: unknown; input?: string };
    p.close();
    expect(stored.inputMapping).toEqual({ window: { fromUs: 0, toUs: 200000 }, crop: { x: 0, y: 0, width: 32, height: 32 }, downsample: { factor: 2 }, dvsLayer: true });
    expect(stored.dvsLayer).toEqual({ fields: c.dvs_layer, sensor: { width: 34, height: 34 } });
    expect(stored.input).toContain("; on the chip's DVS layer: pooling 2x2, origin 0,0, cut 15,15)");

    // A re-run sends the recorded raw events to the DVS layer again, with its fields.
    const again = await dcnn(['rerun', 'chip.dcnnproj', '1', '--device', 'sim-speck2fdevkit:0', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ exit_counts: h.exit_counts, events_in: c.events_in });
  });

  it('a mapping the DVS layer cannot do runs on the host and says why', { timeout: 120_000 }, async () => {
    const r = await dcnn([...run, '--crop', '1,0,32,32', '--downsample', '2', '--refractory', '100', '--dvs-layer', '--project', 'fallback.dcnnproj']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      "warning: the input mapping runs on the host, not on the chip's DVS layer: a refractory period (100 µs) is not something the DVS layer does: its only filter is the hot-pixel filter, a different rule; the crop's left edge x 1 is not a multiple of the pooling 2: the DVS layer cuts in pooled pixels",
    );
    const out = JSON.parse(r.stdout);
    expect(out.input_mapping_on).toBe('host');
    expect(out.dvs_layer).toBeUndefined();
    const p = openProject(join(dir, 'fallback.dcnnproj'));
    const stored = p.getRun(1)?.deployOptions as { inputMapping?: unknown; dvsLayer?: unknown; input?: string };
    p.close();
    expect(stored.dvsLayer).toBeUndefined();
    expect(stored.input).toContain("; on the host: the chip's DVS layer cannot do it)");
  });
});
