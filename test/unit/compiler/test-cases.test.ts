// The compiler rows of the test-case catalogue (spec/test-cases.md) that the golden
// fixtures do not cover, plus each error path of the pipeline. Weights are seeded random
// where only shapes, memory and placement matter.

import { describe, expect, it } from 'vitest';
import { compileModel } from '../../../main/compiler/compile.js';
import type { CompileRequest, CompileResult } from '../../../main/compiler/compile-types.js';
import type { Tensor } from '../../../main/formats/tensor.js';

function compile(source: string, inputShape: [number, number, number], extra: Partial<CompileRequest> = {}, kind: 'auto' | 'ann' | 'snn' = 'auto'): CompileResult {
  return compileModel({ source, inputShape, device: 'speck2fdevkit', initSeed: 1, ...extra }, { modelKind: kind });
}

const f32 = (shape: number[], data: number[]): Tensor => ({ dtype: 'F32', shape, data: Float32Array.from(data) });

describe('grouping (TC-03 .. TC-13)', () => {
  it('TC-05/TC-07: SumPool 2 + AvgPool 2 merge into pooling 4, the next core is divided by 4; shapes (8,6,6) (16,4,4) (2,2,2) (5,1,1)', () => {
    const r = compile(
      `nn.Sequential(nn.Conv2d(2, 8, 3), sl.IAFSqueeze(batch_size=1, min_v_mem=-1.0), sl.SumPool2d(2), nn.AvgPool2d(2),
        nn.Conv2d(8, 16, 3), sl.IAFSqueeze(batch_size=1, min_v_mem=-1.0), nn.Dropout2d(),
        nn.Conv2d(16, 2, 3), sl.IAFSqueeze(batch_size=1, min_v_mem=-1.0), nn.Flatten(),
        nn.Linear(8, 5), sl.IAFSqueeze(batch_size=1, min_v_mem=-1.0))`,
      [2, 28, 28],
    );
    expect(r.error).toBeNull();
    expect(r.layers.map((l) => l.outputShape)).toEqual([
      [8, 6, 6],
      [16, 4, 4],
      [2, 2, 2],
      [5, 1, 1],
    ]);
    expect(r.layers[0]!.pooling).toBe(4);
    expect(r.layers[1]!.rescaleWeights).toBe(0.25);
    expect(r.layers[3]!.conv).toMatchObject({ kernelSize: [2, 2], fromLinear: true });
  });

  it('TC-05b: a merged pooling of 6 is a limits error naming the layer', () => {
    const r = compile('nn.Sequential(nn.Conv2d(2, 8, 3), nn.ReLU(), sl.SumPool2d(2), nn.AvgPool2d(3), nn.Conv2d(8, 4, 1), nn.ReLU())', [2, 38, 38]);
    expect(r.error).toMatchObject({ stage: 'limits', code: 'POOL_SIZE', layer: 0 });
    expect(r.error?.message).toContain('pooling 6 not in {1,2,4}');
  });

  it('TC-06: non-square pooling in a core', () => {
    const r = compile('nn.Sequential(nn.Conv2d(2, 8, 3), sl.IAFSqueeze(batch_size=1), sl.SumPool2d((2, 3)))', [2, 28, 28], {}, 'snn');
    expect(r.error).toMatchObject({ stage: 'conversion', class: 'ValueError', code: 'NON_SQUARE_POOL' });
  });

  it('TC-08/TC-11: a weight layer at the end without a spiking layer', () => {
    const r = compile('nn.Sequential(nn.Flatten(), nn.Linear(512, 2))', [2, 16, 16], {}, 'snn');
    expect(r.error).toMatchObject({ stage: 'conversion', class: 'InvalidGraphStructure', code: 'MISSING_SPIKING_LAYER' });
  });

  it('TC-09: a model starting with a neuron layer', () => {
    const r = compile('nn.Sequential(sl.IAFSqueeze(batch_size=1), sl.SumPool2d(2), nn.AvgPool2d(2))', [2, 16, 16], {}, 'snn');
    expect(r.error).toMatchObject({ class: 'InvalidGraphStructure', code: 'EXPECTED_WEIGHT_LAYER' });
  });

  it('TC-12: two weight layers in a row', () => {
    const r = compile('nn.Sequential(nn.Flatten(), nn.Linear(512, 10), nn.Linear(10, 2), sl.IAFSqueeze(batch_size=1))', [2, 16, 16], {}, 'snn');
    expect(r.error).toMatchObject({ class: 'InvalidEdge', code: 'EXPECTED_SPIKING_LAYER' });
  });

  it('TC-13: Linear on 2x16x16 becomes a 16x16 convolution; memory kernel 1024, neuron 2, bias 2', () => {
    const r = compile('nn.Sequential(nn.Flatten(), nn.Linear(512, 2), sl.IAFSqueeze(batch_size=1, min_v_mem=-1.0))', [2, 16, 16], {}, 'snn');
    expect(r.error).toBeNull();
    expect(r.layers[0]!.conv).toMatchObject({ inChannels: 2, outChannels: 2, kernelSize: [16, 16] });
    expect(r.layers[0]!.memory).toEqual({ kernel: 1024, neuron: 2, bias: 2 });
  });

  it('LINEAR_SHAPE: in_features that do not match the map', () => {
    const r = compile('nn.Sequential(nn.Flatten(), nn.Linear(100, 2), nn.ReLU())', [2, 16, 16]);
    expect(r.error).toMatchObject({ class: 'ValueError', code: 'LINEAR_SHAPE', layer: 0 });
    expect(r.error?.message).toContain('2x16x16 = 512');
  });

  it('CHANNEL_MISMATCH: a conv that expects other input channels', () => {
    const r = compile('nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU())', [2, 16, 16]);
    expect(r.error).toMatchObject({ class: 'ValueError', code: 'CHANNEL_MISMATCH' });
  });

  it('TC-17: unsupported layers are listed with the alternative', () => {
    const r = compile('nn.Sequential(nn.Conv2d(1, 3, 5), nn.Sigmoid())', [1, 28, 28]);
    expect(r.error).toMatchObject({ stage: 'conversion', class: 'UnsupportedLayerType' });
    expect(r.error?.message).toContain('nn.Sigmoid');
    expect(r.error?.message).toContain('nn.ReLU');
  });

  it('a spiking layer with tau_syn is refused', () => {
    const r = compile('nn.Sequential(nn.Conv2d(1, 3, 5), sl.IAFSqueeze(batch_size=1, tau_syn=5.0))', [1, 28, 28], {}, 'snn');
    expect(r.error).toMatchObject({ class: 'UnsupportedLayerType' });
    expect(r.error?.message).toContain('tau_syn');
  });
});

describe('an unsupported layer with a weights file', () => {
  it('is named as the unsupported layer, not as the tensor names it shifts', () => {
    // Trained for the model without the LIF layer: every name after it is off by one.
    const weights = new Map<string, Tensor>([
      ['0.weight', { dtype: 'F32', shape: [4, 1, 3, 3], data: new Float32Array(36).fill(0.1) }],
      ['2.weight', { dtype: 'F32', shape: [2, 4, 3, 3], data: new Float32Array(72).fill(0.1) }],
    ]);
    const src = 'nn.Sequential(nn.Conv2d(1, 4, 3, bias=False), sl.LIFSqueeze(tau_mem=20.0, batch_size=1), nn.ReLU(), nn.Conv2d(4, 2, 3, bias=False), nn.ReLU())';
    const r = compileModel({ source: src, weights, inputShape: [1, 8, 8], device: 'speck2fdevkit' });
    expect(r.error).toMatchObject({ class: 'UnsupportedLayerType', code: 'UNSUPPORTED_LAYER' });
    expect(r.error?.message).toContain('sl.LIFSqueeze');
  });
});

describe('a dilated convolution that also breaks the shapes', () => {
  it('is named as dilation, not as the Linear size mismatch it causes two layers later', () => {
    const src = 'nn.Sequential(nn.Conv2d(1, 8, 5, dilation=2), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(1152, 10), nn.ReLU())';
    const r = compile(src, [1, 28, 28]);
    expect(r.error).toMatchObject({ stage: 'limits', code: 'DILATION' });
    expect(r.error?.message).toContain('nn.Conv2d (line 1): dilation 2x2');
    expect(r.error?.span?.column).toBe(15);
  });
});

describe('hardware limits are model errors naming the layer (chip.md §6)', () => {
  it.each([
    ['stride 3', 'nn.Sequential(nn.Conv2d(1, 4, 3, stride=3), nn.ReLU())', [1, 30, 30], 'STRIDE'],
    ['padding 8', 'nn.Sequential(nn.Conv2d(1, 4, 17, padding=8), nn.ReLU())', [1, 30, 30], 'KERNEL_SIZE'],
    ['dilation 2', 'nn.Sequential(nn.Conv2d(1, 4, 3, dilation=2), nn.ReLU())', [1, 30, 30], 'DILATION'],
    ['neuron map 65x65', 'nn.Sequential(nn.Conv2d(1, 4, 1), nn.ReLU())', [1, 65, 65], 'NEURON_MAP_SIZE'],
    ['Linear on a 32x32 map', 'nn.Sequential(nn.Flatten(), nn.Linear(1024, 2), nn.ReLU())', [1, 32, 32], 'KERNEL_SIZE'],
    ['1025 channels', 'nn.Sequential(nn.Conv2d(1, 1025, 1), nn.ReLU())', [1, 4, 4], 'CHANNELS'],
  ])('%s', (_name, source, shape, code) => {
    const r = compile(source, shape as [number, number, number]);
    expect(r.error).toMatchObject({ stage: 'limits', code, layer: 0 });
    expect(r.error?.message).toContain('layer 0 (nn.');
    // The layers are still built so the inspector can show them.
    expect(r.layers).toHaveLength(1);
  });
});

describe('DVS input (TC-19, TC-20)', () => {
  it('TC-19: no input pooling, dvs_input=False -> no DVS layer, destinations disabled, pixel array off', () => {
    const r = compile('nn.Sequential(nn.Conv2d(2, 4, 2, stride=2), sl.IAFSqueeze(batch_size=1, min_v_mem=-1.0))', [2, 16, 16], { ordering: [5] }, 'snn');
    expect(r.dvs).toBeNull();
    expect(r.config!.dvs_layer.destinations.map((d) => d.enable)).toEqual([false, false]);
    expect(r.config!.dvs_layer.pass_sensor_events).toBe(false);
  });
  it('TC-19: dvs_input=True -> destination core 5, cut (15,15), origin (0,0), pooling 1, pixel array on, no merge', () => {
    const r = compile('nn.Sequential(nn.Conv2d(2, 4, 2, stride=2), sl.IAFSqueeze(batch_size=1, min_v_mem=-1.0))', [2, 16, 16], { ordering: [5], dvsInput: true }, 'snn');
    const d = r.config!.dvs_layer;
    expect(d.destinations[0]).toEqual({ layer: 5, enable: true });
    expect(d.destinations[1].enable).toBe(false);
    expect([d.cut, d.origin, d.pooling]).toEqual([{ x: 15, y: 15 }, { x: 0, y: 0 }, { x: 1, y: 1 }]);
    expect(d.mirror).toEqual({ x: false, y: false });
    expect([d.pass_sensor_events, d.merge]).toEqual([true, false]);
  });
  it('TC-20: AvgPool (2,2) then (1,2) -> DVS pooling y 2, x 4, cut y 7 x 3, first conv weights / 8', () => {
    const weights = new Map<string, Tensor>([['2.weight', f32([4, 2, 2, 2], Array.from({ length: 32 }, (_, i) => (i - 16) / 40))]]);
    const r = compileModel(
      { source: 'nn.Sequential(nn.AvgPool2d(2, 2), nn.AvgPool2d((1, 2), (1, 2)), nn.Conv2d(2, 4, 2, stride=2, bias=False), sl.IAFSqueeze(batch_size=1, min_v_mem=-1.0))', inputShape: [2, 16, 16], device: 'speck2fdevkit', weights, ordering: [5] },
      { modelKind: 'snn' },
    );
    expect(r.error).toBeNull();
    const d = r.config!.dvs_layer;
    expect(d.pooling).toEqual({ x: 4, y: 2 });
    expect(d.cut).toEqual({ x: 3, y: 7 });
    expect(d.destinations[0]).toEqual({ layer: 5, enable: true });
    expect(r.layers[0]!.rescaleWeights).toBe(1 / 8);
    expect(r.layers[0]!.float.weights[0]).toBe(Math.fround(Math.fround(-16 / 40) / 8));
  });
  it('DVS input needs 1 or 2 channels', () => {
    const r = compile('nn.Sequential(nn.AvgPool2d(2), nn.Conv2d(3, 4, 3), nn.ReLU())', [3, 16, 16]);
    expect(r.error).toMatchObject({ code: 'DVS_CHANNELS' });
  });
});

describe('biases and the mini chips (TC-14, TC-44)', () => {
  const biased = 'nn.Sequential(nn.Conv2d(1, 2, 1), sl.IAFSqueeze(batch_size=1, min_v_mem=-1.0), nn.Conv2d(2, 8, 1, stride=2), sl.IAFSqueeze(batch_size=1, min_v_mem=-1.0), nn.Conv2d(8, 16, 1, stride=2), sl.IAFSqueeze(batch_size=1, min_v_mem=-1.0))';
  it('TC-44: 9-core placement [0, 1, 2], leak_enable on every used core, len(biases) 2, 8, 16', () => {
    const r = compile(biased, [1, 64, 64], {}, 'snn');
    expect(r.layers.map((l) => l.memory)).toEqual([
      { kernel: 2, neuron: 8192, bias: 2 },
      { kernel: 16, neuron: 8192, bias: 8 },
      { kernel: 128, neuron: 4096, bias: 16 },
    ]);
    expect(r.placement?.ordering).toEqual([0, 1, 2]);
    expect([0, 1, 2].map((c) => r.config!.cnn_layers[c]!.leak_enable)).toEqual([true, true, true]);
    expect([0, 1, 2].map((c) => r.config!.cnn_layers[c]!.biases.length)).toEqual([2, 8, 16]);
  });
  it('TC-44: the 5-core chip has no valid mapping (only cores 3 and 4 hold biases)', () => {
    const r = compile(biased, [1, 64, 64], { device: 'speck2cmini' }, 'snn');
    expect(r.error).toMatchObject({ stage: 'mapping', code: 'NO_VALID_MAPPING' });
    expect(r.layers.map((l) => l.candidates)).toEqual([[3, 4], [3, 4], [3, 4]]);
    expect(r.placementProblems).toEqual([{ kind: 'too-few-cores', layers: [0, 1, 2], cores: [3, 4] }]);
  });
  it('TC-14: a bias turns leak_enable on only where a bias is non-zero', () => {
    const r = compile('nn.Sequential(nn.Conv2d(2, 4, 2, stride=2), sl.IAFSqueeze(batch_size=1, min_v_mem=-1.0), nn.AvgPool2d(2), nn.Conv2d(4, 2, 1, bias=False), sl.IAFSqueeze(batch_size=1, min_v_mem=-1.0))', [2, 16, 32], { dvsInput: true }, 'snn');
    expect(r.layers.map((l) => l.memory)).toEqual([
      { kernel: 32, neuron: 512, bias: 4 },
      { kernel: 8, neuron: 64, bias: 0 },
    ]);
    expect(r.placement?.ordering).toEqual([0, 1]);
    expect(r.config!.cnn_layers[0]!.leak_enable).toBe(true);
    expect(r.config!.cnn_layers[1]!.leak_enable).toBe(false);
  });
});

describe('memory and placement of the catalogue models', () => {
  const mnist = 'nn.Sequential(nn.Conv2d(1, 20, 5, bias=False), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(20, 32, 5, bias=False), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(32, 128, 3, bias=False), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(128, 500, bias=False), nn.ReLU(), nn.Linear(500, 10, bias=False))';
  it('TC-34/TC-40: MNIST memory summary and placement [0, 3, 5, 6, 1]; no mapping on 5 cores', () => {
    const r = compile(mnist, [1, 28, 28]);
    expect(r.layers.map((l) => l.memory.kernel)).toEqual([1024, 20480, 65536, 65536, 8000]);
    expect(r.layers.map((l) => l.memory.neuron)).toEqual([20480, 2048, 512, 500, 10]);
    expect(r.placement?.ordering).toEqual([0, 3, 5, 6, 1]);
    const mini = compile(mnist, [1, 28, 28], { device: 'speck2dmini' });
    expect(mini.error?.stage).toBe('mapping');
  });
  it('TC-35/TC-41: DynapCnnNetA memory summary and auto placement; range(9) names layer 7 on core 7', () => {
    const netA =
      'nn.Sequential(nn.Conv2d(2, 16, 2, stride=2, bias=False), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1, bias=False), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(32, 32, 3, padding=1, bias=False), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(64, 64, 3, padding=1, bias=False), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(64, 256, 2, bias=False), nn.ReLU(), nn.Conv2d(256, 128, 1, bias=False), nn.ReLU(), nn.Conv2d(128, 1, 1, bias=False), nn.ReLU())';
    const r = compile(netA, [2, 128, 128]);
    expect(r.layers.map((l) => l.memory.kernel)).toEqual([128, 4096, 8192, 16384, 32768, 65536, 65536, 32768, 128]);
    expect(r.layers.map((l) => l.memory.neuron)).toEqual([65536, 65536, 32768, 8192, 4096, 1024, 256, 128, 1]);
    expect(r.placement?.ordering).toEqual([0, 1, 2, 8, 4, 5, 6, 3, 7]);
    expect(compile(netA, [2, 128, 128], { ordering: [0, 1, 2, 7, 4, 5, 6, 3, 8] }).ok).toBe(true);
    const bad = compile(netA, [2, 128, 128], { ordering: [0, 1, 2, 3, 4, 5, 6, 7, 8] });
    expect(bad.error).toMatchObject({ stage: 'mapping', code: 'INVALID_ORDERING' });
    expect(bad.error?.message).toContain('layer 7 does not fit core 7: kernel 32768 > 16384');
  });
  it('TC-42: a small model fits every deployable chip at [0, 1, 2] (5-core at its bias-free cores)', () => {
    const small = 'nn.Sequential(nn.Conv2d(1, 3, 5, bias=False), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(3, 1, 5, bias=False), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(16, 2, bias=False))';
    for (const device of ['dynapcnndevkit', 'speck2b', 'speck2btiny', 'speck2cmini', 'speck2dmini', 'speck2e', 'speck2edevkit', 'speck2fmodule', 'speck2fdevkit']) {
      const r = compile(small, [1, 28, 28], { device });
      expect(r.ok, device).toBe(true);
    }
    const r = compile(small, [1, 28, 28]);
    expect(r.layers.map((l) => l.memory.kernel)).toEqual([128, 96, 32]);
    expect(r.layers.map((l) => l.memory.neuron)).toEqual([3072, 64, 2]);
  });
  it('TC-43: Linear(16 -> 999999) fits no core: the error names its kernel memory', () => {
    const r = compile('nn.Sequential(nn.Conv2d(1, 3, 5, bias=False), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(3, 1, 5, bias=False), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(), nn.Linear(16, 999999, bias=False))', [1, 28, 28], { initSeed: 0 });
    expect(r.error).toMatchObject({ stage: 'limits' });
    expect(r.error?.message).toContain('999999 output channels exceed 1024');
  });
  it('TC-45: doorbell model memories and auto [0,1,2,3,4]', () => {
    const r = compile('nn.Sequential(nn.Conv2d(2, 8, 3), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(8, 12, 3), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(12, 12, 3), nn.ReLU(), nn.AvgPool2d(2), nn.Dropout2d(), nn.Flatten(), nn.Linear(432, 32), nn.ReLU(), nn.Linear(32, 1), nn.ReLU())', [2, 64, 64], {});
    expect(r.error).toBeNull();
    // The Linear(432 -> 32) on a 12x6x6 map becomes a 6x6 convolution.
    expect(r.layers[3]!.conv.kernelSize).toEqual([6, 6]);
    expect(r.layers.map((l) => l.memory.kernel)).toEqual([256, 2048, 3072, 24576, 32]);
    expect(r.layers.map((l) => l.memory.neuron)).toEqual([32768, 12288, 3072, 32, 1]);
    expect(r.placement?.ordering).toEqual([0, 1, 2, 3, 4]);
    // On the 5-core table too, once the layers have no biases (only cores 3 and 4 hold biases there).
    const biasFree = r.model.source.replace(/(nn\.(Conv2d|Linear)\([^)]*)\)/g, '$1, bias=False)');
    expect(compile(biasFree, [2, 64, 64], { device: 'speck2dmini' }).placement?.ordering).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('weights', () => {
  const model = 'nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU())';
  it('missing, extra and mis-shaped tensors are named with both shapes', () => {
    const r = compileModel({ source: model, inputShape: [1, 8, 8], device: 'speck2fdevkit', weights: new Map([['0.weight', f32([2, 1, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8])], ['5.weight', f32([1], [0])]]) });
    expect(r.error).toMatchObject({ stage: 'weights', class: 'RuntimeError' });
    expect(r.error?.message).toContain('0.bias ([2]');
    expect(r.error?.message).toContain('0.weight: the file has [2, 1, 2, 2], layer 0 (nn.Conv2d, line 1) needs [2, 1, 3, 3]');
    expect(r.error?.message).toContain('unexpected tensor(s) in the file: 5.weight');
  });
  it('spiking-layer entries override the text and the output says so', () => {
    const weights = new Map<string, Tensor>([
      ['0.weight', f32([2, 1, 3, 3], Array.from({ length: 18 }, (_, i) => i / 20))],
      ['1.spike_threshold', f32([], [2.0])],
      ['1.min_v_mem', f32([], [-2.0])],
    ]);
    const r = compileModel({ source: 'nn.Sequential(nn.Conv2d(1, 2, 3, bias=False), sl.IAFSqueeze(batch_size=1, spike_threshold=1.0, min_v_mem=-1.0))', inputShape: [1, 8, 8], device: 'speck2fdevkit', weights }, { modelKind: 'snn' });
    expect(r.error).toBeNull();
    expect(r.layers[0]!.float.spikeThreshold).toBe(2);
    expect(r.layers[0]!.float.minVMem).toBe(-2);
    expect(r.diagnostics.filter((d) => d.code === 'WEIGHTS_OVERRIDE')).toHaveLength(2);
  });
  it('no weights and no seed is an error that says how to fix it', () => {
    const r = compileModel({ source: model, inputShape: [1, 8, 8], device: 'speck2fdevkit' });
    expect(r.error).toMatchObject({ stage: 'weights', code: 'NO_WEIGHTS' });
    expect(r.error?.hint).toContain('--init SEED');
  });
  it('--init SEED is reproducible and reported', () => {
    const a = compile(model, [1, 8, 8], { initSeed: 7 });
    const b = compile(model, [1, 8, 8], { initSeed: 7 });
    expect(Array.from(a.layers[0]!.quantized.weights)).toEqual(Array.from(b.layers[0]!.quantized.weights));
    expect(a.weightsSource).toBe('random');
    expect(a.diagnostics.some((d) => d.code === 'RANDOM_WEIGHTS')).toBe(true);
  });
});

describe('configuration and the config patch', () => {
  const model = 'nn.Sequential(nn.Conv2d(1, 4, 3, bias=False), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(4, 2, 3, bias=False), nn.ReLU())';
  it('weights are written in samna order [out][in][x][y]', () => {
    const w = Array.from({ length: 4 * 9 }, (_, i) => (i - 18) / 40);
    const weights = new Map<string, Tensor>([['0.weight', f32([4, 1, 3, 3], w)], ['3.weight', f32([2, 4, 3, 3], Array.from({ length: 72 }, () => 0.1))]]);
    const r = compileModel({ source: model, inputShape: [1, 12, 12], device: 'speck2fdevkit', weights });
    const q = r.layers[0]!.quantized.weights;
    const cfg = r.config!.cnn_layers[r.placement!.ordering[0]!]!.weights;
    // torch [o][i][y][x] at (o=1, y=0, x=2) is samna [o][i][x=2][y=0].
    expect(cfg[1 * 9 + 2 * 3 + 0]).toBe(q[1 * 9 + 0 * 3 + 2]);
  });
  it('a patch turns monitoring on for one core and keeps everything else', () => {
    const plain = compile(model, [1, 12, 12]);
    expect(plain.placement?.ordering).toEqual([0, 1]);
    expect(plain.config!.cnn_layers.map((c) => c.monitor_enable)).toEqual([false, true, false, false, false, false, false, false, false]);
    const r = compile(model, [1, 12, 12], { configPatch: { cnn_layers: { '0': { monitor_enable: true } } } });
    expect(r.ok).toBe(true);
    expect(r.config!.cnn_layers.map((c) => c.monitor_enable)).toEqual([true, true, false, false, false, false, false, false, false]);
    expect(Array.from(r.config!.cnn_layers[0]!.weights)).toEqual(Array.from(plain.config!.cnn_layers[0]!.weights));
  });
  it('a patch that breaks the configuration is refused with the reason', () => {
    const r = compile(model, [1, 12, 12], { configPatch: { cnn_layers: { '0': { destinations: { '0': { pooling: 3 } } } } } });
    expect(r.error).toMatchObject({ stage: 'limits', code: 'CONFIG_PATCH' });
    expect(r.error?.message).toContain('pooling 3 not in {1,2,4}');
    const wrongType = compile(model, [1, 12, 12], { configPatch: { cnn_layers: { '0': { threshold_high: 'high' } } } });
    expect(wrongType.error?.message).toContain('cnn_layers.0.threshold_high');
  });
  it('monitor layers: "all" and "dvs"', () => {
    const r = compile(model, [1, 12, 12], { monitorLayers: 'all' });
    expect(r.monitoredCores.sort()).toEqual([...r.placement!.ordering].sort());
    const bad = compile(model, [1, 12, 12], { monitorLayers: [5] });
    expect(bad.error).toMatchObject({ stage: 'mapping', code: 'MONITOR_LAYER' });
  });
  it('kill bits are written on DYNAP-CNN only where a weight is 0', () => {
    const r = compile(model, [1, 12, 12], { device: 'dynapcnndevkit' });
    const core = r.config!.cnn_layers[r.placement!.ordering[0]!]!;
    expect(core.weights_kill_bit).toBeDefined();
    expect(Array.from(core.weights_kill_bit!)).toEqual(Array.from(core.weights, (w) => (w === 0 ? 1 : 0)));
    expect(compile(model, [1, 12, 12]).config!.cnn_layers[0]!.weights_kill_bit).toBeUndefined();
  });
  it('an unknown device type is an error naming the deployable ones', () => {
    const r = compile(model, [1, 12, 12], { device: 'davis346' });
    expect(r.error).toMatchObject({ code: 'UNKNOWN_DEVICE' });
    expect(r.error?.hint).toContain('speck2fdevkit');
  });
});
