import { describe, expect, it } from 'vitest';
import { allocateBatch, batchFromEvents, LAYER_DVS, packBatch, type SpikeBatch } from '../../../main/common/spike-batch';
import { SpikeDigester } from '../../../renderer/monitor/spike-digest';
import { SpikeMonitorModel, type SpikeMonitorOptions } from '../../../renderer/monitor/spike-monitor';
import { seededRandom } from '../../helpers/seeded-random';

// Core 0: 4x5x5 = 100 neurons on 16 rows (binned); core 2: 10 channels, one row each (exit);
// DVS: 2x4x4 = 32 neurons on 32 rows. Core 7 is not monitored.
const OPTIONS: SpikeMonitorOptions = {
  monitored: [
    { core: 0, layer: 0, neuronShape: [4, 5, 5] },
    { core: 2, layer: 3, neuronShape: [10, 1, 1] },
    { core: 0, layer: null, neuronShape: [2, 4, 4] },
  ],
  exitCore: 2,
  startUs: 100,
  durationUs: 4000,
  planned: true,
  columns: 20,
  maxRows: 16,
};

/** A batch of runs of one layer, times mostly rising with some going back, a few before the axis starts. */
function randomBatch(random: (n: number) => number, fromUs: number, size: number): SpikeBatch {
  const b = allocateBatch(size);
  const layers = [0, 2, LAYER_DVS, 7];
  let i = 0;
  let t = fromUs;
  while (i < size) {
    const layer = layers[random(layers.length)]!;
    const run = Math.min(size - i, 1 + random(30));
    for (let k = 0; k < run; k++, i++) {
      t += random(40);
      b.t[i] = random(20) === 0 ? Math.max(0, t - random(500)) : t;
      b.layer[i] = layer;
      const [c, h, w] = layer === 0 ? [4, 5, 5] : layer === 2 ? [12, 1, 1] : [2, 4, 4];
      b.channel[i] = random(c);
      b.y[i] = random(h);
      b.x[i] = random(w);
    }
  }
  return b;
}

/** Everything the monitor shows and counts, for comparison. */
function stateOf(m: SpikeMonitorModel) {
  const r = m.raster;
  const layers = r.layerKeys().map((key) => {
    const cells: number[] = [];
    const columns: number[] = [];
    for (let c = 0; c < r.columns; c++) {
      columns.push(r.columnTotal(key, c));
      for (let row = 0; row < r.rowsOf(key); row++) cells.push(r.cell(key, c, row));
    }
    return { key, total: r.totalOf(key), max: r.maxCellOf(key), columns, cells };
  });
  return { binUs: r.binUs, level: r.level, unknown: r.unknown, events: m.events, last: m.lastTimeUs, exit: m.exitCounts(), layers };
}

describe('spike batches counted where they arrive (socket worker digests)', () => {
  it('give the monitor exactly the state the events themselves give it, through merges, late registration and uneven flushes', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const random = seededRandom(seed);
      const direct = new SpikeMonitorModel(OPTIONS);
      const digested = new SpikeMonitorModel(OPTIONS);
      // The first batches reach the page before the worker is asked to count (the run's id was not known yet).
      const early = 1 + random(3);
      let digester: SpikeDigester | null = null;
      let t = 0;
      for (let k = 0; k < 40; k++) {
        const batch = randomBatch(random, t, 1 + random(400));
        t = batch.t[batch.length - 1]!;
        direct.ingestPacked(packBatch(batch));
        if (k < early) {
          digested.ingestPacked(packBatch(batch));
          continue;
        }
        digester ??= new SpikeDigester(digested.digestSpec()!);
        digester.add(batch);
        if (random(3) === 0) digested.ingestDigest(digester.take()!);
      }
      const last = digester!.take();
      if (last) digested.ingestDigest(last);
      const want = stateOf(direct);
      // The run went well past the planned axis's first width: the columns were merged several times.
      expect(want.level).toBeGreaterThan(3);
      expect(want.unknown).toBeGreaterThan(0);
      expect(stateOf(digested)).toEqual(want);
    }
  });

  it('hands over far fewer cells than events, and nothing once taken', () => {
    const m = new SpikeMonitorModel({ ...OPTIONS, durationUs: 1000, planned: false });
    const d = new SpikeDigester(m.digestSpec()!);
    // 5000 events of one exit channel within one column: one cell.
    d.add(batchFromEvents(Array.from({ length: 5000 }, (_, i) => ({ t: 100 + (i % 40), layer: 2, channel: 4, x: 0, y: 0 }))));
    const digest = d.take()!;
    expect([digest.events, digest.cells.length / 4, Array.from(digest.cells)]).toEqual([5000, 1, [1, 0, 4, 5000]]);
    expect(Array.from(digest.exit)[4]).toBe(5000);
    expect(d.take()).toBeNull();
  });

  it('is not offered for monitors whose layers are learnt from the data (replays)', () => {
    const m = new SpikeMonitorModel({ ...OPTIONS, resolve: () => null });
    expect(m.digestSpec()).toBeNull();
  });
});
