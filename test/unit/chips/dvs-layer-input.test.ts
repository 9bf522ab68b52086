// The configuration a run writes when its input mapping runs on the DVS layer: the DVS
// layer's fields set, its first destination the entry core, the pixel array off, the
// cores and monitoring untouched (samna.md §3.2 names the fields).

import { describe, expect, it } from 'vitest';
import { defaultCnnLayer, defaultDvsLayer, type ChipConfig } from '../../../main/chips/chip-config.js';
import { storedDvsLayer, withDvsLayerInput, type DvsLayerInput } from '../../../main/chips/dvs-layer-input.js';

const input: DvsLayerInput = {
  fields: { merge: true, on_channel: true, off_channel: false, pooling: { x: 2, y: 4 }, origin: { x: 1, y: 2 }, cut: { x: 16, y: 9 } },
  sensor: { width: 34, height: 40 },
};

function config(): ChipConfig {
  const dvs = defaultDvsLayer();
  dvs.monitor_enable = true;
  return { family: 'speck2f', cnn_layers: [defaultCnnLayer(), defaultCnnLayer()], dvs_layer: dvs };
}

describe('withDvsLayerInput', () => {
  it('writes the fields, sends to the entry core, keeps the pixel array off and the monitor as it was', () => {
    const base = config();
    const c = withDvsLayerInput(base, input, 5);
    expect(c.dvs_layer).toEqual({
      merge: true,
      on_channel: true,
      off_channel: false,
      pooling: { x: 2, y: 4 },
      origin: { x: 1, y: 2 },
      cut: { x: 16, y: 9 },
      mirror: { x: false, y: false },
      mirror_diagonal: false,
      pass_sensor_events: false,
      destinations: [
        { layer: 5, enable: true },
        { layer: 0, enable: false },
      ],
      monitor_enable: true,
      raw_monitor_enable: false,
    });
    expect(c.cnn_layers).toBe(base.cnn_layers);
    // The compiled configuration is not changed (the model version keeps it).
    expect(base.dvs_layer).toEqual({ ...defaultDvsLayer(), monitor_enable: true });
  });
});

describe('storedDvsLayer', () => {
  it("reads a run's deployOptions.dvsLayer back; anything else is none", () => {
    expect(storedDvsLayer({ dvsLayer: input })).toEqual(input);
    expect(storedDvsLayer({ inputMapping: {} })).toBeNull();
    expect(storedDvsLayer(null)).toBeNull();
    expect(storedDvsLayer({ dvsLayer: { fields: input.fields } })).toBeNull();
  });
});
