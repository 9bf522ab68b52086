// The DVS pre-processing layer (chip.md §11-12): polarity select and merge, sum pooling
// with different x and y, ROI with inclusive cut, re-basing, mirroring within the ROI,
// x/y swap, the DVS monitor (layer 13, after processing) and the raw monitor (layer 14).

import { describe, expect, it } from 'vitest';
import type { DvsLayerConfig } from '../../../main/chips/chip-config.js';
import type { ChipBehaviour } from '../../../main/sim/chip-behaviour.js';
import { EventEngine } from '../../../main/sim/event-engine.js';
import { LAYER_DVS, LAYER_DVS_RAW, batchFromEvents, eventsOfBatch, type SpikeBatch, type SpikeEvent } from '../../../main/common/spike-batch.js';
import { buildConfig } from './chip-config-builder.js';

function monitored(dvs: Partial<DvsLayerConfig>, events: Array<[p: number, x: number, y: number]>, behaviour: Partial<ChipBehaviour> = {}) {
  const cfg = buildConfig([], { dvs: { pass_sensor_events: true, monitor_enable: true, ...dvs } });
  const e = new EventEngine(cfg, { behaviour });
  const out: SpikeBatch[] = [];
  e.process(batchFromEvents(events.map(([p, x, y], i) => ({ t: i, layer: LAYER_DVS, channel: p, x, y }))), (b) => out.push(b));
  return { out: out.flatMap(eventsOfBatch).map((o) => [o.layer, o.channel, o.x, o.y]), counters: e.counters() };
}

describe('DVS layer', () => {
  it('keeps polarity as the channel without merge; merge puts both on channel 0', () => {
    expect(monitored({}, [[1, 5, 7], [0, 6, 8]]).out).toEqual([
      [LAYER_DVS, 1, 5, 7],
      [LAYER_DVS, 0, 6, 8],
    ]);
    expect(monitored({ merge: true }, [[1, 5, 7], [0, 6, 8]]).out).toEqual([
      [LAYER_DVS, 0, 5, 7],
      [LAYER_DVS, 0, 6, 8],
    ]);
  });

  it('on_channel / off_channel select polarities', () => {
    const r = monitored({ on_channel: false }, [[1, 5, 7], [0, 6, 8], [2, 1, 1]]);
    expect(r.out).toEqual([[LAYER_DVS, 0, 6, 8]]);
    expect(r.counters.dropped.dvs_polarity).toBe(2);
  });

  it('sum pooling with pooling x 2, y 4: (x 13, y 9) -> (6, 2)', () => {
    expect(monitored({ pooling: { x: 2, y: 4 }, cut: { x: 63, y: 31 } }, [[0, 13, 9]]).out).toEqual([[LAYER_DVS, 0, 6, 2]]);
  });

  it('ROI: origin inclusive, cut inclusive, outside dropped, inside re-based to the origin', () => {
    const r = monitored({ origin: { x: 10, y: 20 }, cut: { x: 20, y: 30 } }, [
      [0, 9, 25],
      [0, 10, 20],
      [0, 20, 30],
      [0, 21, 30],
      [0, 15, 31],
    ]);
    expect(r.out).toEqual([
      [LAYER_DVS, 0, 0, 0],
      [LAYER_DVS, 0, 10, 10],
    ]);
    expect(r.counters.dropped.dvs_roi).toBe(3);
  });

  it('mirrors within the ROI size, then swaps x and y', () => {
    // ROI x 10..29 (width 20), y 20..30 (height 11). (x 12, y 23) re-bases to (2, 3).
    const roi = { origin: { x: 10, y: 20 }, cut: { x: 29, y: 30 } };
    const at = (over: Partial<DvsLayerConfig>) => monitored({ ...roi, ...over }, [[0, 12, 23]]).out[0]!.slice(2);
    expect(at({})).toEqual([2, 3]);
    expect(at({ mirror: { x: true, y: false } })).toEqual([17, 3]); // 20 − 1 − 2
    expect(at({ mirror: { x: false, y: true } })).toEqual([2, 7]); // 11 − 1 − 3
    expect(at({ mirror: { x: true, y: true } })).toEqual([17, 7]);
    expect(at({ mirror_diagonal: true })).toEqual([3, 2]);
    expect(at({ mirror: { x: true, y: false }, mirror_diagonal: true })).toEqual([3, 17]);
  });

  it('pooling, ROI and mirror together: pool first, then ROI in pooled coordinates', () => {
    // pool (x 4, y 2): (x 50, y 41) -> (12, 20); ROI origin (10, 20) cut (15, 25) -> (2, 0); mirror y (height 6) -> (2, 5).
    const r = monitored({ pooling: { x: 4, y: 2 }, origin: { x: 10, y: 20 }, cut: { x: 15, y: 25 }, mirror: { x: false, y: true } }, [[1, 50, 41]]);
    expect(r.out).toEqual([[LAYER_DVS, 1, 2, 5]]);
  });

  it('the raw monitor (layer 14) shows sensor events untouched, even those the pipeline drops', () => {
    const r = monitored({ raw_monitor_enable: true, monitor_enable: false, origin: { x: 10, y: 10 }, cut: { x: 20, y: 20 } }, [[1, 3, 4], [0, 12, 12]]);
    expect(r.out).toEqual([
      [LAYER_DVS_RAW, 1, 3, 4],
      [LAYER_DVS_RAW, 0, 12, 12],
    ]);
  });

  it('host events enter without pass_sensor_events by default (it switches the pixel array only)', () => {
    const r = monitored({ pass_sensor_events: false }, [[1, 3, 4]]);
    expect(r.out).toEqual([[LAYER_DVS, 1, 3, 4]]);
    expect(r.counters.dropped.dvs_sensor_disabled).toBe(0);
  });

  it("with hostDvsInput 'with-pass-sensor-events', nothing enters while it is off", () => {
    const r = monitored({ pass_sensor_events: false }, [[1, 3, 4]], { hostDvsInput: 'with-pass-sensor-events' });
    expect(r.out).toEqual([]);
    expect(r.counters.dropped.dvs_sensor_disabled).toBe(1);
  });

  it('DVS destinations deliver to cores: merge, pool 4x4, ROI 4x4 into a 1x4x4 core', () => {
    // (x 13, y 6) -> pooled (3, 1) -> core 4 input (c 0, y 1, x 3) -> relay spike at (x 3, y 1).
    const cfg = buildConfig([{ core: 4, input: [1, 4, 4], outChannels: 1, kernel: 1, weights: [127], threshold: 127, monitor: true }], {
      dvs: { pass_sensor_events: true, merge: true, pooling: { x: 4, y: 4 }, origin: { x: 0, y: 0 }, cut: { x: 3, y: 3 }, destinations: [{ layer: 4, enable: true }, { layer: 0, enable: false }] },
    });
    const e = new EventEngine(cfg);
    const out: SpikeEvent[] = [];
    e.process(batchFromEvents([{ t: 3, layer: LAYER_DVS, channel: 1, x: 13, y: 6 }]), (b) => out.push(...eventsOfBatch(b)));
    expect(out).toEqual([{ t: 3, layer: 4, channel: 0, x: 3, y: 1 }]);
  });
});
