// Configuration checks before simulation: each problem reported with its core, field and value.

import { describe, expect, it } from 'vitest';
import type { ChipConfig } from '../../../main/chips/chip-config.js';
import { loadChip, SimConfigError } from '../../../main/sim/chip-loader.js';
import { DEFAULT_CHIP_BEHAVIOUR } from '../../../main/sim/chip-behaviour.js';
import { EventEngine } from '../../../main/sim/event-engine.js';
import { buildConfig, type TestCore } from './chip-config-builder.js';

const core = (over: Partial<TestCore> = {}): TestCore => ({ core: 0, input: [2, 8, 8], outChannels: 4, kernel: 3, weights: () => 1, threshold: 10, ...over });

function issues(cfg: ChipConfig) {
  try {
    loadChip(cfg, DEFAULT_CHIP_BEHAVIOUR);
  } catch (e) {
    if (e instanceof SimConfigError) return e.issues;
    throw e;
  }
  return [];
}

describe('configuration checks', () => {
  it('a valid configuration loads, on 9-core and 5-core families', () => {
    expect(issues(buildConfig([core()]))).toEqual([]);
    const mini = buildConfig([core({ core: 4 })], { family: 'speck2cmini' });
    expect(mini.cnn_layers).toHaveLength(5);
    expect(loadChip(mini, DEFAULT_CHIP_BEHAVIOUR).cores.map((c) => c !== null)).toEqual([false, false, false, false, true]);
  });

  it('core count must match the family', () => {
    const cfg = buildConfig([core()]);
    expect(issues({ ...cfg, family: 'speck2dmini' })).toMatchObject([{ code: 'CORE_COUNT', message: 'Speck2dMini has 5 cores but the configuration lists 9' }]);
  });

  it('weights length inconsistent with the dimensions', () => {
    const cfg = buildConfig([core()]);
    cfg.cnn_layers[0]!.weights = new Int8Array(10);
    expect(issues(cfg)).toMatchObject([{ code: 'WEIGHTS_LENGTH', core: 0, path: 'cnn_layers[0].weights', message: expect.stringContaining('needs 72') }]);
  });

  it('neuron map inconsistent with input, kernel, stride and padding', () => {
    const cfg = buildConfig([core()]);
    cfg.cnn_layers[0]!.dimensions.output_shape.size = { x: 8, y: 8 };
    expect(issues(cfg)).toMatchObject([{ code: 'CONV_GEOMETRY', message: expect.stringContaining('expected 6x6') }]);
  });

  it('destination to an unused core, to a missing core, to the readout, pooling not 1/2/4', () => {
    const cfg = buildConfig([core({ destinations: [{ core: 3 }, { core: 12 }] }), core({ core: 1, destinations: [{ core: 9, pooling: 3 }] })]);
    const found = issues(cfg);
    expect(found.map((i) => i.code).sort()).toEqual(['DESTINATION_OUT_OF_RANGE', 'DESTINATION_UNUSED_CORE', 'POOLING', 'READOUT_NOT_SIMULATED']);
    expect(found.find((i) => i.code === 'READOUT_NOT_SIMULATED')!.message).toMatch(/readout layer, which the simulator does not model/);
    expect(found.find((i) => i.code === 'POOLING')).toMatchObject({ core: 1, path: 'cnn_layers[1].destinations[0].pooling' });
  });

  it('more than two destinations', () => {
    const cfg = buildConfig([core({ core: 0 }), core({ core: 1 })]);
    const dst = { layer: 1, enable: false, pooling: 1, feature_shift: 0 };
    (cfg.cnn_layers[0]!.destinations as unknown as unknown[]) = [dst, dst, dst];
    expect(issues(cfg)).toMatchObject([{ code: 'DESTINATION_COUNT', message: expect.stringContaining('3 destinations') }]);
  });

  it('decimator: unsupported family, interval out of range', () => {
    expect(issues(buildConfig([core({ decimator: 0 })], { family: 'speck2b' }))).toMatchObject([{ code: 'DECIMATOR_UNSUPPORTED' }]);
    expect(issues(buildConfig([core({ decimator: 9 })]))).toMatchObject([{ code: 'DECIMATOR_INTERVAL' }]);
  });

  it('thresholds out of the 16-bit range or not positive', () => {
    expect(issues(buildConfig([core({ threshold: 0 })]))).toMatchObject([{ code: 'THRESHOLD', path: 'cnn_layers[0].threshold_high' }]);
    expect(issues(buildConfig([core({ low: -40000 })]))).toMatchObject([{ code: 'THRESHOLD', path: 'cnn_layers[0].threshold_low' }]);
  });

  it('DVS pooling, ROI and destinations', () => {
    const cfg = buildConfig([], {
      dvs: { pooling: { x: 3, y: 2 }, cut: { x: 10, y: 70 }, destinations: [{ layer: 2, enable: true }, { layer: 0, enable: false }] },
    });
    expect(issues(cfg).map((i) => i.code).sort()).toEqual(['DESTINATION_UNUSED_CORE', 'DVS_POOLING', 'DVS_ROI']);
  });

  it('reports every problem at once, in a message a person can act on', () => {
    const cfg = buildConfig([core({ threshold: 0, destinations: [{ core: 5 }] })]);
    cfg.cnn_layers[0]!.biases = new Int16Array(3);
    expect(() => new EventEngine(cfg)).toThrow(/core 0: 3 biases for 4 output channels[\s\S]*core 0: threshold_high must be an integer in \[1, 32767\], got 0[\s\S]*destination core 5 holds no layer/);
  });

  it('warnings: ambiguous neuron addresses for W > H, monitored pooling, unused core settings', () => {
    const cfg = buildConfig([core({ input: [1, 4, 8], kernel: 1, monitor: true, destinations: [{ core: 1, pooling: 2 }] }), core({ core: 1, input: [4, 2, 4], kernel: 1 })]);
    cfg.cnn_layers[7]!.monitor_enable = true;
    const codes = loadChip(cfg, DEFAULT_CHIP_BEHAVIOUR).warnings.map((w) => w.code);
    expect(codes).toEqual(expect.arrayContaining(['ADDRESS_AMBIGUOUS', 'MONITOR_POOLING', 'UNUSED_CORE_SETTINGS']));
  });

  it('an enabled readout layer is reported as not simulated', () => {
    const cfg = { ...buildConfig([core()]), readout: { enable: true, monitor_enable: false } };
    expect(loadChip(cfg, DEFAULT_CHIP_BEHAVIOUR).warnings.map((w) => w.code)).toContain('READOUT_IGNORED');
  });
});
