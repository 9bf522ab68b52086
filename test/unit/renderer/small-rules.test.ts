import { describe, expect, it } from 'vitest';
import type { DeviceView } from '../../../preload/api';
import { checkPatch } from '../../../renderer/editor/config-patch';
import { hoverAt } from '../../../renderer/editor/layer-hover';
import { defaultDevice, deviceStatusText, diffDevices } from '../../../renderer/devices/device-changes';
import { sameSpec, parseDimension } from '../../../renderer/project/model-spec';
import { exitLayerOf, isMonitored, withMonitor } from '../../../renderer/runs/monitor-choice';
import { inputSourceOf, DEFAULT_INPUT } from '../../../renderer/runs/input-source';
import { runBlocker } from '../../../renderer/runs/run-tab';
import { fakeCompile, LENET_CHIP_LAYERS, LENET_EXAMPLE } from './fake-workbench';

describe('monitor layer choice', () => {
  it('the exit layer is the last layer sending to the output', () => {
    expect(exitLayerOf(LENET_CHIP_LAYERS)).toBe(4);
  });

  it('reads -1 as the exit layer and "all" as every layer', () => {
    expect([0, 1, 2, 3, 4].map((i) => isMonitored([-1], i, 4))).toEqual([false, false, false, false, true]);
    expect(isMonitored('all', 2, 4)).toBe(true);
    expect(isMonitored([0, 'dvs'], 'dvs', 4)).toBe(true);
  });

  it('writes a toggle back, keeping the exit layer as -1', () => {
    expect(withMonitor([-1], 0, true, 5, 4, false)).toEqual([0, -1]);
    expect(withMonitor([0, -1], 4, false, 5, 4, false)).toEqual([0]);
    expect(withMonitor('all', 2, false, 5, 4, true)).toEqual(['dvs', 0, 1, 3, -1]);
  });
});

describe('config patch check', () => {
  it('accepts an empty patch and a JSON object', () => {
    expect(checkPatch('  ')).toEqual({ ok: true, empty: true, keys: [] });
    expect(checkPatch('{"dvs_layer": {"pass_sensor_events": false}}')).toEqual({ ok: true, empty: false, keys: ['dvs_layer'] });
  });

  it('places a JSON syntax error at the line where parsing stopped', () => {
    const r = checkPatch('{\n  "a": 1,\n  "b": \n}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.line).toBe(4);
  });

  it('rejects JSON that is not an object', () => {
    const r = checkPatch('[1, 2]');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/must be a JSON object/);
  });
});

describe('hover on a layer', () => {
  it('names the layer, its output shape and its chip layer', () => {
    const view = fakeCompile(LENET_EXAMPLE.spec);
    // Line 4 of the LeNet source: "    nn.Conv2d(1, 20, 5, 1, bias=False),"
    const h = hoverAt(view, 4, 8);
    expect(h?.text).toContain('nn.Conv2d');
    expect(h?.text).toContain('**20 × 24 × 24**');
    expect(h?.text).toContain('chip layer 0');
    expect(h?.range).toEqual([4, 5, 4, 40]);
    expect(hoverAt(view, 1, 1)).toBeNull();
  });
});

const dev = (id: string, over: Partial<DeviceView> = {}): DeviceView => ({ id, type: id.replace(/^sim-/, '').replace(/:\d+$/, ''), name: id, virtual: id.startsWith('sim-'), deployable: true, status: 'available', family: 'speck2f', ...over });

describe('devices', () => {
  it('tells attached from detached devices', () => {
    const a = dev('sim-speck2fdevkit:0');
    const b = dev('speck2fdevkit:0');
    const c = dev('sim-speck2fdevkit:1');
    const d = diffDevices([a, b], [a, c]);
    expect(d.attached).toEqual(['sim-speck2fdevkit:1']);
    expect(d.detached.map((x) => x.id)).toEqual(['speck2fdevkit:0']);
  });

  it('defaults to an available device of the model chip', () => {
    const list = [dev('dynapcnndevkit:0'), dev('speck2fdevkit:0', { status: 'busy' }), dev('sim-speck2fdevkit:0'), dev('davis346:0', { deployable: false })];
    expect(defaultDevice(list, 'speck2fdevkit')?.id).toBe('sim-speck2fdevkit:0');
    expect(defaultDevice(list, 'speck2e')?.id).toBe('dynapcnndevkit:0');
    expect(defaultDevice([], 'speck2fdevkit')).toBeNull();
  });

  it('says why a device cannot be used', () => {
    expect(deviceStatusText(dev('davis346:0', { deployable: false, reason: 'Event camera.' }))).toBe('Event camera.');
    expect(deviceStatusText(dev('speck2fdevkit:0', { status: 'busy', busyBy: { runId: '12', since: '' } }))).toBe('busy: run #12');
    expect(deviceStatusText(dev('speck2fdevkit:0'))).toBe('deployable');
  });
});

describe('project spec', () => {
  it('treats specs with the same content in another key order as the same (no false "unsaved")', () => {
    const a = LENET_EXAMPLE.spec;
    const b = JSON.parse(JSON.stringify({ configPatch: a.configPatch, chip: a.chip, source: a.source, weightsId: a.weightsId, inputShape: a.inputShape, ordering: a.ordering, monitorLayers: a.monitorLayers }));
    expect(sameSpec(a, b)).toBe(true);
    expect(sameSpec(a, { ...a, ordering: [0, 3, 5, 6, 1] })).toBe(false);
  });

  it('reads shape fields as positive whole numbers', () => {
    expect(parseDimension(' 28 ', 'input height')).toEqual({ ok: true, value: 28 });
    expect(parseDimension('2.5', 'input height').ok).toBe(false);
    expect(parseDimension('0', 'input height').ok).toBe(false);
  });
});

describe('run input and blockers', () => {
  it('builds a generator input from the fields and refuses bad ones', () => {
    expect(inputSourceOf({ ...DEFAULT_INPUT, kind: 'generator', generator: 'moving-bar', durationMs: '50', rateHz: '1000', seed: '3' }, null)).toEqual({
      ok: true,
      input: { kind: 'generator', generator: 'moving-bar', durationMs: 50, rateHz: 1000, seed: 3 },
    });
    expect(inputSourceOf({ ...DEFAULT_INPUT, kind: 'generator', durationMs: '-1' }, null).ok).toBe(false);
    expect(inputSourceOf({ ...DEFAULT_INPUT, kind: 'example' }, LENET_EXAMPLE)).toEqual({ ok: true, input: { kind: 'example', exampleId: 'lenet' } });
    expect(inputSourceOf({ ...DEFAULT_INPUT, kind: 'file' }, null).ok).toBe(false);
  });

  it('says why a run cannot start', () => {
    const compile = fakeCompile(LENET_EXAMPLE.spec);
    const device = dev('sim-speck2fdevkit:0', { type: 'speck2fdevkit' });
    expect(runBlocker({ compile, compilePending: false, device, running: false, chip: 'speck2fdevkit' })).toBeNull();
    expect(runBlocker({ compile, compilePending: false, device: null, running: false, chip: 'speck2fdevkit' })).toMatch(/Select a device/);
    expect(runBlocker({ compile, compilePending: false, device: dev('dynapcnndevkit:0'), running: false, chip: 'speck2fdevkit' })).toMatch(/compiled for speck2fdevkit/);
    expect(runBlocker({ compile: { ...compile, ok: false }, compilePending: false, device, running: false, chip: 'speck2fdevkit' })).toMatch(/does not compile/);
  });
});
