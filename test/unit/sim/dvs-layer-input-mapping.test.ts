// An input mapping carried out by the DVS layer (main/chips/dvs-layer-input.ts with the
// fields of main/formats/events/dvs-layer-fit.ts) gives the entry core the same events as
// the host's mapping (main/formats/events/input-mapping.ts). Events worked out by hand
// from chip.md §12: pool, then keep the ROI in pooled pixels and re-base it to the origin;
// and the pixel array's 128x128 limit (§6).

import { describe, expect, it } from 'vitest';
import { withDvsLayerInput } from '../../../main/chips/dvs-layer-input.js';
import { fitDvsLayer } from '../../../main/formats/events/dvs-layer-fit.js';
import { InputMapper, type InputMapping } from '../../../main/formats/events/input-mapping.js';
import { EventEngine } from '../../../main/sim/event-engine.js';
import { LAYER_DVS, batchFromEvents, eventsOfBatch, type SpikeEvent } from '../../../main/common/spike-batch.js';
import { buildConfig } from './chip-config-builder.js';

const SENSOR = { width: 16, height: 16 };
/** Core 3: a 2x4x4 relay (1x1 kernel, weight 127 from channel c to channel c, threshold 127), monitored. */
const relay = (channels: number) => buildConfig([{ core: 3, input: [channels, 4, 4], outChannels: channels, kernel: 1, weights: (f, c) => (f === c ? 127 : 0), threshold: 127, monitor: true }]);

/** Sensor events [t, p, x, y]. */
type Raw = Array<[number, number, number, number]>;

function onChip(mapping: InputMapping, events: Raw, channels = 2) {
  const fit = fitDvsLayer(mapping, { sensor: SENSOR, modelUsesDvsLayer: false });
  if (!fit.ok) throw new Error(fit.reasons.join('; '));
  const engine = new EventEngine(withDvsLayerInput(relay(channels), { fields: fit.fields, sensor: SENSOR }, 3));
  const out: SpikeEvent[] = [];
  engine.process(batchFromEvents(events.map(([t, p, x, y]) => ({ t, layer: LAYER_DVS, channel: p, x, y }))), (b) => out.push(...eventsOfBatch(b)));
  return { out, dropped: engine.counters().dropped };
}

function onHost(mapping: InputMapping, events: Raw, channels = 2) {
  const mapper = new InputMapper(mapping, SENSOR);
  const n = events.length;
  const mapped = mapper.map({
    length: n,
    t: Float64Array.from(events, (e) => e[0]),
    p: Uint8Array.from(events, (e) => e[1]),
    x: Uint16Array.from(events, (e) => e[2]),
    y: Uint16Array.from(events, (e) => e[3]),
  });
  const engine = new EventEngine(relay(channels));
  const input: SpikeEvent[] = [];
  for (let i = 0; i < mapped.length; i++) input.push({ t: mapped.t[i]!, layer: 3, channel: mapped.p[i]!, x: mapped.x[i]!, y: mapped.y[i]! });
  const out: SpikeEvent[] = [];
  engine.process(batchFromEvents(input), (b) => out.push(...eventsOfBatch(b)));
  return out;
}

describe('crop and downsample on the DVS layer', () => {
  // crop 2,4 8x8, factor 2 -> pooling 2, origin (1, 2), cut (4, 5).
  const mapping: InputMapping = { crop: { x: 2, y: 4, width: 8, height: 8 }, downsample: { factor: 2 } };
  const events: Raw = [
    [1, 1, 2, 4], // pooled (1, 2) = the origin -> (0, 0)
    [2, 0, 9, 11], // pooled (4, 5) = the cut -> (3, 3)
    [3, 0, 10, 4], // pooled x 5 > cut 4: outside
    [4, 1, 1, 5], // pooled x 0 < origin 1: outside
    [5, 1, 7, 6], // pooled (3, 3) -> (2, 1)
  ];
  const expected: SpikeEvent[] = [
    { t: 1, layer: 3, channel: 1, x: 0, y: 0 },
    { t: 2, layer: 3, channel: 0, x: 3, y: 3 },
    { t: 5, layer: 3, channel: 1, x: 2, y: 1 },
  ];

  it('gives the entry core the events worked out by hand, dropping the two outside the ROI', () => {
    const r = onChip(mapping, events);
    expect(r.out).toEqual(expected);
    expect(r.dropped.dvs_roi).toBe(2);
  });

  it('the same as the host mapping gives', () => {
    expect(onHost(mapping, events)).toEqual(expected);
  });
});

describe('polarity on the DVS layer', () => {
  const events: Raw = [
    [1, 1, 3, 2],
    [2, 0, 1, 1],
  ];

  it('ON only: the ON event on channel 0, the OFF event dropped as the polarity the layer does not pass', () => {
    const r = onChip({ polarity: 'on', downsample: { factor: 4 } }, events, 1);
    expect(r.out).toEqual([{ t: 1, layer: 3, channel: 0, x: 0, y: 0 }]);
    expect(r.dropped.dvs_polarity).toBe(1);
    expect(onHost({ polarity: 'on', downsample: { factor: 4 } }, events, 1)).toEqual(r.out);
  });

  it('merged: both on channel 0', () => {
    const r = onChip({ polarity: 'merge', downsample: { factor: 4 } }, events, 1);
    expect(r.out).toEqual([
      { t: 1, layer: 3, channel: 0, x: 0, y: 0 },
      { t: 2, layer: 3, channel: 0, x: 0, y: 0 },
    ]);
    expect(onHost({ polarity: 'merge', downsample: { factor: 4 } }, events, 1)).toEqual(r.out);
  });
});

describe('the pixel array limit', () => {
  it('an event at x 128 or y 128 is outside the 128x128 array and dropped', () => {
    const engine = new EventEngine(buildConfig([], { dvs: { monitor_enable: true, cut: { x: 127, y: 127 } } }));
    const out: SpikeEvent[] = [];
    engine.process(
      batchFromEvents([
        { t: 1, layer: LAYER_DVS, channel: 0, x: 127, y: 127 },
        { t: 2, layer: LAYER_DVS, channel: 0, x: 128, y: 0 },
        { t: 3, layer: LAYER_DVS, channel: 0, x: 0, y: 128 },
      ]),
      (b) => out.push(...eventsOfBatch(b)),
    );
    expect(out).toEqual([{ t: 1, layer: LAYER_DVS, channel: 0, x: 127, y: 127 }]);
    expect(engine.counters().dropped.dvs_out_of_range).toBe(2);
  });
});
