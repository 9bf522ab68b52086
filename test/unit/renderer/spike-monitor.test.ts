import { describe, expect, it } from 'vitest';
import { batchFromEvents, LAYER_DVS, packBatch } from '../../../main/common/spike-batch';
import { SpikeMonitorModel } from '../../../renderer/monitor/spike-monitor';
import { formatMicros, formatRate } from '../../../main/common/number-format.js';
import { barFractions, eventsPerSecond, predictedClass } from '../../../renderer/monitor/class-rates';

const monitored = [
  { core: 0, layer: 0, neuronShape: [2, 3, 4] as [number, number, number] },
  { core: 1, layer: 4, neuronShape: [10, 1, 1] as [number, number, number] },
];

describe('spike monitor model', () => {
  it('maps (channel, y, x) to the neuron row c*H*W + y*W + x', () => {
    // Layer shape 2x3x4 = 24 neurons, 24 rows: channel 1, y 2, x 3 -> 1*12 + 2*4 + 3 = 23.
    const m = new SpikeMonitorModel({ monitored, exitCore: 1, startUs: 0, durationUs: 600, columns: 6, maxRows: 64 });
    m.ingestPacked(packBatch(batchFromEvents([{ t: 150, layer: 0, channel: 1, x: 3, y: 2 }])));
    expect(m.raster.cell(0, 1, 23)).toBe(1); // 600 µs over 6 columns = 100 µs per column -> column 1
  });

  it('counts exit-layer events per channel and predicts the busiest class', () => {
    const m = new SpikeMonitorModel({ monitored, exitCore: 1, startUs: 0, durationUs: 1000, columns: 10 });
    const ev = (t: number, channel: number) => ({ t, layer: 1, channel, x: 0, y: 0 });
    m.ingestPacked(packBatch(batchFromEvents([ev(0, 7), ev(10, 7), ev(20, 3), ev(30, 7)])));
    m.ingestPacked(packBatch(batchFromEvents([ev(40, 3), { t: 50, layer: 0, channel: 0, x: 0, y: 0 }])));
    expect(m.exitCounts()).toEqual([0, 0, 0, 2, 0, 0, 0, 3, 0, 0]);
    expect(m.predicted()).toBe(7);
    expect(m.events).toBe(6);
    expect(m.layerTotal(0)).toBe(1);
    expect(m.layerTotal(1)).toBe(5);
    expect(m.lastTimeUs).toBe(50);
  });

  it('keeps exact totals however many events land in one display cell', () => {
    const m = new SpikeMonitorModel({ monitored, exitCore: 1, startUs: 0, durationUs: 10, columns: 2 });
    const many = Array.from({ length: 5000 }, (_, i) => ({ t: i % 3, layer: 1, channel: 2, x: 0, y: 0 }));
    m.ingestPacked(packBatch(batchFromEvents(many)));
    expect(m.layerTotal(1)).toBe(5000);
    expect(m.exitCounts()[2]).toBe(5000);
    expect(m.raster.cell(1, 0, 2)).toBe(5000);
  });

  it('counts a batch whose layers alternate run by run, and a larger batch after it', () => {
    // 2x3x4 layer on core 0 (100 µs columns), exit layer of 10 channels on core 1.
    const m = new SpikeMonitorModel({ monitored, exitCore: 1, startUs: 0, durationUs: 600, columns: 6, maxRows: 64 });
    const e = (t: number, layer: number, channel: number, y = 0, x = 0) => ({ t, layer, channel, x, y });
    m.ingestPacked(packBatch(batchFromEvents([e(120, 0, 0, 1, 1), e(130, 0, 0, 1, 1), e(90, 1, 5), e(310, 0, 1, 2, 3), e(20, 1, 5)])));
    // Neuron 0*12 + 1*4 + 1 = 5 twice in column 1; neuron 23 once in column 3.
    expect([m.raster.cell(0, 1, 5), m.raster.cell(0, 3, 23)]).toEqual([2, 1]);
    expect([m.raster.cell(1, 0, 5), m.exitCounts()[5]]).toEqual([2, 2]);
    expect([m.events, m.lastTimeUs]).toEqual([5, 310]);
    const more = Array.from({ length: 12 }, (_, i) => e(500 + i, i < 6 ? 1 : 0, i < 6 ? 9 : 0, 0, 2));
    m.ingestPacked(packBatch(batchFromEvents(more)));
    expect([m.raster.cell(1, 5, 9), m.raster.cell(0, 5, 2), m.exitCounts()[9]]).toEqual([6, 6, 6]);
    expect([m.events, m.layerTotal(0), m.layerTotal(1), m.lastTimeUs]).toEqual([17, 9, 8, 511]);
  });

  it('learns layers it was not told about from the resolver (replays of older runs)', () => {
    const m = new SpikeMonitorModel({
      monitored: [],
      exitCore: 1,
      startUs: 0,
      durationUs: 100,
      columns: 2,
      resolve: (key) => (key === 1 ? { key: 1, core: 1, layer: 4, neuronShape: [10, 1, 1], label: 'Layer 4 · core 1' } : null),
    });
    expect(m.exitCounts()).toHaveLength(10);
    m.ingestPacked(packBatch(batchFromEvents([{ t: 1, layer: 1, channel: 4, x: 0, y: 0 }, { t: 1, layer: 5, channel: 0, x: 0, y: 0 }])));
    expect(m.layers.map((l) => l.key)).toEqual([1]);
    expect(m.predicted()).toBe(4);
    expect(m.raster.unknown).toBe(1);
  });

  it('files DVS monitor events under LAYER_DVS', () => {
    const m = new SpikeMonitorModel({ monitored: [{ core: 0, layer: null, neuronShape: [2, 4, 4] }], exitCore: null, startUs: 0, durationUs: 10, columns: 2 });
    m.ingestPacked(packBatch(batchFromEvents([{ t: 0, layer: LAYER_DVS, channel: 1, x: 0, y: 0 }])));
    expect(m.layerTotal(LAYER_DVS)).toBe(1);
    expect(m.layers[0]!.label).toBe('DVS');
  });

  it('reset() clears display and counts but keeps the layers', () => {
    const m = new SpikeMonitorModel({ monitored, exitCore: 1, startUs: 0, durationUs: 10, columns: 2 });
    m.ingestPacked(packBatch(batchFromEvents([{ t: 0, layer: 1, channel: 0, x: 0, y: 0 }])));
    m.reset();
    expect([m.events, m.layerTotal(1), m.predicted()]).toEqual([0, 0, null]);
    expect(m.raster.layerKeys()).toEqual([0, 1]);
  });
});

describe('class rates', () => {
  it('predicts the class with most events; the lowest index wins a tie; none without events', () => {
    expect(predictedClass([1, 5, 2])).toBe(1);
    expect(predictedClass([3, 1, 3])).toBe(0);
    expect(predictedClass([0, 0, 0])).toBeNull();
    expect(predictedClass([])).toBeNull();
  });

  it('gives rates in events per second', () => {
    expect(eventsPerSecond(50, 100_000)).toBe(500); // 50 events in 0.1 s
    expect(eventsPerSecond(5, 0)).toBe(0);
    expect(formatRate(500)).toBe('500 events/s');
    expect(formatRate(2500)).toBe('2.5 k events/s');
  });

  it('scales bars to the largest count', () => {
    expect(barFractions([2, 4, 0])).toEqual([0.5, 1, 0]);
    expect(barFractions([0, 0])).toEqual([0, 0]);
  });

  it('writes times with units', () => {
    expect(formatMicros(850)).toBe('850 µs');
    expect(formatMicros(12_300)).toBe('12.3 ms');
    expect(formatMicros(4_200_000)).toBe('4.20 s');
  });
});

describe('rate bars for wide exit layers', () => {
  it('shows every channel up to 32, else the 32 busiest in channel order', async () => {
    const { shownChannels } = await import('../../../renderer/monitor/spike-monitor-view');
    expect(shownChannels([3, 0, 1])).toEqual([0, 1, 2]);
    // 40 channels: channel i has i events except channels 0..3 which have 100: busiest are 0..3 and 12..39.
    const counts = Array.from({ length: 40 }, (_, i) => (i < 4 ? 100 : i));
    expect(shownChannels(counts)).toEqual([0, 1, 2, 3, ...Array.from({ length: 28 }, (_, k) => 12 + k)]);
  });
});
