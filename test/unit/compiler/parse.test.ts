// The parse stage against the golden fixtures (every case's `model_text` must give its
// `model` layer list) and against PyTorch's / sinabs' documented defaults, nesting rules,
// OrderedDict names and import aliases. Expected values come from the fixtures, the
// libraries' signatures, or are written out by hand.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseModel } from '../../../main/compiler/parse/parse-model.js';
import type { LayerIR, ModelIR } from '../../../main/compiler/model-ir.js';
import { EXAMPLES_DIR, fixtureNames, loadFixture } from '../../helpers/fixtures.js';

const IMPORTS = 'import torch.nn as nn\nimport sinabs.layers as sl\nimport sinabs.activation as sa\n';

function errors(m: ModelIR): string[] {
  return m.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.span?.line}:${d.span?.column} ${d.code} ${d.message}`);
}

/** Parse and require no errors. */
function parseOk(source: string): readonly LayerIR[] {
  const m = parseModel(source);
  expect(errors(m)).toEqual([]);
  return m.layers;
}

/** Parse a model of one layer and return it. */
function one(layerText: string): LayerIR {
  const layers = parseOk(`nn.Sequential(${layerText})`);
  expect(layers).toHaveLength(1);
  return layers[0]!;
}

/** The IR fields a fixture layer entry determines (README: "Layer list entries"). */
function expectedFromFixture(l: Record<string, unknown> & { type: string }): Record<string, unknown> {
  switch (l.type) {
    case 'Conv2d':
      return {
        kind: 'conv2d',
        inChannels: l.in_channels,
        outChannels: l.out_channels,
        kernelSize: l.kernel_size,
        stride: l.stride,
        padding: l.padding,
        bias: l.bias,
      };
    case 'Linear':
      return { kind: 'linear', inFeatures: l.in_features, outFeatures: l.out_features, bias: l.bias };
    case 'ReLU':
      return { kind: 'relu' };
    case 'Flatten':
      return { kind: 'flatten', startDim: l.start_dim, endDim: l.end_dim };
    case 'AvgPool2d':
      // README: padding only listed when non-zero.
      return { kind: 'avgpool2d', kernelSize: l.kernel_size, stride: l.stride, padding: l.padding ?? [0, 0] };
    case 'SumPool2d':
      // README: stride null = same as kernel.
      return { kind: 'sumpool2d', kernelSize: l.kernel_size, stride: l.stride ?? l.kernel_size };
    case 'MaxPool2d':
      return { kind: 'unsupported', op: 'MaxPool2d', alternative: 'use nn.AvgPool2d or sl.SumPool2d' };
    case 'BatchNorm2d':
      return {
        kind: 'batchnorm2d',
        numFeatures: l.num_features,
        eps: l.eps,
        momentum: l.momentum,
        affine: l.affine,
        trackRunningStats: l.track_running_stats,
      };
    case 'Dropout2d':
      return { kind: 'ignored', op: 'Dropout2d' };
    case 'IAF':
    case 'IAFSqueeze':
      return {
        kind: 'iaf',
        variant: l.type,
        spikeThreshold: l.spike_threshold,
        minVMem: l.min_v_mem,
        reset: l.reset,
        spikeFn: l.spike_fn,
        ...(l.type === 'IAFSqueeze' ? { batchSize: l.batch_size } : {}),
      };
    default:
      throw new Error(`fixture layer type ${l.type} has no expectation in this test`);
  }
}

function expectMatchesFixture(layers: readonly LayerIR[], model: Array<Record<string, unknown> & { type: string }>): void {
  expect(layers).toHaveLength(model.length);
  model.forEach((l, i) => {
    expect(layers[i]).toMatchObject({ ...expectedFromFixture(l), index: i, path: String(i) });
  });
}

describe('golden fixtures: model_text parses to the model layer list', () => {
  for (const name of fixtureNames()) {
    const f = loadFixture(name);
    it(`${name}: as written`, () => {
      expectMatchesFixture(parseOk(f.model_text), f.model);
    });
    it(`${name}: as "model = ..."`, () => {
      expectMatchesFixture(parseOk(`model = ${f.model_text}`), f.model);
    });
    it(`${name}: after the import lines`, () => {
      expectMatchesFixture(parseOk(IMPORTS + f.model_text), f.model);
    });
  }

  it('the fixture texts use nn./sl./sa. and keep them as written', () => {
    const layers = parseOk(loadFixture('snn_sumpool').model_text);
    expect(layers.map((l) => l.written)).toEqual(['nn.Conv2d', 'sl.IAFSqueeze', 'sl.SumPool2d', 'nn.Conv2d', 'sl.IAFSqueeze']);
  });

  it('a layer span covers its call expression', () => {
    const f = loadFixture('lenet_seed_28');
    const layers = parseOk(f.model_text);
    // Line 2 of the fixture text is "    nn.Conv2d(1, 20, kernel_size=5, stride=1, padding=0, bias=False),".
    const call = 'nn.Conv2d(1, 20, kernel_size=5, stride=1, padding=0, bias=False)';
    expect(layers[0]!.span).toMatchObject({ line: 2, column: 5, endLine: 2, endColumn: 5 + call.length });
    expect(f.model_text.slice(layers[0]!.span.start, layers[0]!.span.end)).toBe(call);
  });

  it('examples/lenet/model.py gives the LeNet layers of lenet_seed_28', () => {
    const text = readFileSync(EXAMPLES_DIR + 'lenet/model.py', 'utf8');
    expectMatchesFixture(parseOk(text), loadFixture('lenet_seed_28').model);
  });
});

describe('PyTorch and sinabs defaults', () => {
  it('nn.Conv2d: stride 1, padding 0, dilation 1, groups 1, bias=True', () => {
    expect(one('nn.Conv2d(1, 2, 3)')).toMatchObject({
      kind: 'conv2d', inChannels: 1, outChannels: 2, kernelSize: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1, bias: true,
    });
  });

  it('nn.Linear: bias=True', () => {
    expect(one('nn.Linear(4, 5)')).toMatchObject({ kind: 'linear', inFeatures: 4, outFeatures: 5, bias: true });
  });

  it('nn.AvgPool2d: stride None means stride = kernel_size', () => {
    expect(one('nn.AvgPool2d(3)')).toMatchObject({ kernelSize: [3, 3], stride: [3, 3], padding: [0, 0], ceilMode: false, countIncludePad: true, divisorOverride: null });
    expect(one('nn.AvgPool2d((2, 3))')).toMatchObject({ kernelSize: [2, 3], stride: [2, 3] });
    expect(one('nn.AvgPool2d(2, stride=None)')).toMatchObject({ stride: [2, 2] });
    expect(one('nn.AvgPool2d(2, 1)')).toMatchObject({ stride: [1, 1] });
  });

  it('sl.SumPool2d: stride None means stride = kernel_size', () => {
    expect(one('sl.SumPool2d(2)')).toMatchObject({ kind: 'sumpool2d', kernelSize: [2, 2], stride: [2, 2] });
    expect(one('sl.SumPool2d(kernel_size=(4, 2), stride=(4, 2))')).toMatchObject({ kernelSize: [4, 2], stride: [4, 2] });
  });

  it('nn.Flatten: start_dim=1, end_dim=-1', () => {
    expect(one('nn.Flatten()')).toMatchObject({ kind: 'flatten', startDim: 1, endDim: -1 });
    expect(one('nn.Flatten(0, 2)')).toMatchObject({ startDim: 0, endDim: 2 });
  });

  it('nn.BatchNorm2d: eps=1e-05, momentum=0.1, affine=True, track_running_stats=True', () => {
    expect(one('nn.BatchNorm2d(8)')).toMatchObject({ kind: 'batchnorm2d', numFeatures: 8, eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true });
    expect(one('nn.BatchNorm2d(8, momentum=None, affine=False)')).toMatchObject({ momentum: null, affine: false });
  });

  it('sl.IAF: threshold 1.0, min_v_mem None, MembraneSubtract, MultiSpike, no tau_syn', () => {
    expect(one('sl.IAF()')).toMatchObject({
      kind: 'iaf', variant: 'IAF', spikeThreshold: 1, minVMem: null, reset: 'subtract', spikeFn: 'MultiSpike', tauSyn: null, batchSize: null, numTimesteps: null,
    });
  });

  it('sl.IAFSqueeze takes batch_size and num_timesteps positionally and the IAF arguments by keyword', () => {
    expect(one('sl.IAFSqueeze(1)')).toMatchObject({ variant: 'IAFSqueeze', batchSize: 1, numTimesteps: null, spikeThreshold: 1 });
    expect(one('sl.IAFSqueeze(None, 10, spike_threshold=2.0, min_v_mem=-2)')).toMatchObject({ batchSize: null, numTimesteps: 10, spikeThreshold: 2, minVMem: -2 });
  });

  it('Dropout, Dropout2d and Identity are kept as ignored layers; NeuromorphicReLU is a ReLU', () => {
    expect(one('nn.Dropout()')).toMatchObject({ kind: 'ignored', op: 'Dropout' });
    expect(one('nn.Dropout2d(0.0)')).toMatchObject({ kind: 'ignored', op: 'Dropout2d' });
    expect(one('nn.Identity(54, unused_argument1=0.1)')).toMatchObject({ kind: 'ignored', op: 'Identity' });
    expect(one('sl.NeuromorphicReLU(quantize=False, fanout=9)')).toMatchObject({ kind: 'relu', written: 'sl.NeuromorphicReLU' });
  });

  it('positional and keyword arguments give the same layer', () => {
    const [a, b] = parseOk(
      'nn.Sequential(nn.Conv2d(2, 8, 3, 2, 1, 1, 1, False), nn.Conv2d(in_channels=2, out_channels=8, kernel_size=3, stride=2, padding=1, dilation=1, groups=1, bias=False))',
    );
    const { span: _sa, index: _ia, path: _pa, ...restA } = a!;
    const { span: _sb, index: _ib, path: _pb, ...restB } = b!;
    expect(restA).toEqual(restB);
    expect(restA).toMatchObject({ inChannels: 2, outChannels: 8, kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], bias: false });
  });
});

describe('argument values', () => {
  it('pairs may be tuples or lists; numbers may be written with _, hex, arithmetic', () => {
    expect(one('nn.Conv2d(1_0, 2 * 4, kernel_size=[3, 5], stride=(1, 2), padding=(0x1, 6 // 4))')).toMatchObject({
      inChannels: 10, outChannels: 8, kernelSize: [3, 5], stride: [1, 2], padding: [1, 1],
    });
  });

  it("padding 'valid' is 0 and 'same' becomes the symmetric padding for stride 1", () => {
    expect(one("nn.Conv2d(1, 2, 3, padding='valid')")).toMatchObject({ padding: [0, 0] });
    // same: total = dilation * (kernel - 1), half on each side.
    expect(one("nn.Conv2d(1, 2, 3, padding='same')")).toMatchObject({ padding: [1, 1] });
    expect(one('nn.Conv2d(1, 2, (3, 5), padding="same")')).toMatchObject({ padding: [1, 2] });
    expect(one("nn.Conv2d(1, 2, 3, dilation=2, padding='same')")).toMatchObject({ padding: [2, 2] });
    expect(one("nn.Conv2d(1, 2, 4, dilation=2, padding='same')")).toMatchObject({ padding: [3, 3] });
  });

  it('thresholds accept floats in any notation, negative values and torch.tensor(x)', () => {
    expect(one('sl.IAFSqueeze(spike_threshold=.5, min_v_mem=-1e-3, batch_size=1)')).toMatchObject({ spikeThreshold: 0.5, minVMem: -0.001 });
    expect(one('sl.IAFSqueeze(spike_threshold=torch.tensor(2.0), min_v_mem=torch.tensor(-1.5), batch_size=1)')).toMatchObject({ spikeThreshold: 2, minVMem: -1.5 });
    expect(one('sl.IAF(spike_threshold=2.5e1, min_v_mem=None, tau_syn=None)')).toMatchObject({ spikeThreshold: 25, minVMem: null, tauSyn: null });
    expect(one('sl.IAF(tau_syn=torch.tensor(10.0))')).toMatchObject({ tauSyn: 10 });
  });

  it('reset_fn: MembraneSubtract() subtracts, MembraneReset() resets to zero, in any spelling', () => {
    expect(one('sl.IAF(reset_fn=sa.MembraneSubtract())')).toMatchObject({ reset: 'subtract' });
    expect(one('sl.IAF(reset_fn=sa.MembraneReset())')).toMatchObject({ reset: 'zero' });
    expect(one('sl.IAF(reset_fn=sinabs.activation.MembraneReset(reset_value=0))')).toMatchObject({ reset: 'zero' });
  });

  it('spike_fn: MultiSpike, SingleSpike, MaxSpike(n), as a class or a call', () => {
    expect(one('sl.IAF(spike_fn=sa.SingleSpike)')).toMatchObject({ spikeFn: 'SingleSpike' });
    expect(one('sl.IAF(spike_fn=sa.MultiSpike())')).toMatchObject({ spikeFn: 'MultiSpike' });
    expect(one('sl.IAF(spike_fn=sa.MaxSpike(2))')).toMatchObject({ spikeFn: 'MaxSpike' });
    expect(one('sl.IAF(spike_fn=sinabs.activation.MaxSpike(max_num_spikes_per_bin=3))')).toMatchObject({ spikeFn: 'MaxSpike' });
  });

  it('surrogate_grad_fn: any sinabs.activation surrogate is accepted and ignored', () => {
    expect(one('sl.IAF(surrogate_grad_fn=sa.PeriodicExponential(grad_width=1.0))')).toMatchObject({ kind: 'iaf' });
    expect(one('sl.IAF(surrogate_grad_fn=sa.Heaviside)')).toMatchObject({ kind: 'iaf' });
  });

  it('comments, blank lines, implicit line joining and \\ continuation', () => {
    const layers = parseOk(
      [
        '# a comment before the model',
        '',
        'model = \\',
        '  nn.Sequential(  # the model',
        '    nn.Conv2d(',
        '        1,   # in',
        '        2,',
        '        3),',
        '',
        '    nn.ReLU()  # last',
        ')',
        '# trailing comment',
      ].join('\n'),
    );
    expect(layers.map((l) => l.kind)).toEqual(['conv2d', 'relu']);
  });

  it('CRLF line ends', () => {
    const layers = parseOk('import torch.nn as nn\r\nmodel = nn.Sequential(\r\n    nn.Conv2d(1, 2, 3),\r\n    nn.ReLU(),\r\n)\r\n');
    expect(layers).toHaveLength(2);
    expect(layers[1]!.span).toMatchObject({ line: 4, column: 5 });
  });
});

describe('nesting and names', () => {
  it('a nested nn.Sequential is flattened with state_dict paths', () => {
    const layers = parseOk(
      'nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Sequential(nn.Conv2d(2, 2, 3), nn.Sequential(nn.ReLU(), nn.Flatten())), nn.Linear(4, 2))',
    );
    expect(layers.map((l) => [l.index, l.path, l.kind])).toEqual([
      [0, '0', 'conv2d'],
      [1, '1', 'relu'],
      [2, '2.0', 'conv2d'],
      [3, '2.1.0', 'relu'],
      [4, '2.1.1', 'flatten'],
      [5, '3', 'linear'],
    ]);
  });

  it('an OrderedDict gives the layers their names (also collections.OrderedDict and nested)', () => {
    const layers = parseOk(
      [
        'from collections import OrderedDict',
        'nn.Sequential(OrderedDict([',
        '    ("conv1", nn.Conv2d(1, 2, 3)),',
        '    ("spk1", sl.IAFSqueeze(batch_size=1)),',
        '    ("block", nn.Sequential(nn.Conv2d(2, 2, 1), sl.IAFSqueeze(batch_size=1))),',
        ']))',
      ].join('\n'),
    );
    expect(layers.map((l) => l.path)).toEqual(['conv1', 'spk1', 'block.0', 'block.1']);
    const nested = parseOk(
      'import collections\nnn.Sequential(nn.ReLU(), nn.Sequential(collections.OrderedDict(fc=nn.Linear(2, 3), act=nn.ReLU())))',
    );
    expect(nested.map((l) => l.path)).toEqual(['0', '1.fc', '1.act']);
    const dict = parseOk('nn.Sequential(OrderedDict({"a": nn.ReLU(), "b": nn.Flatten()}))');
    expect(dict.map((l) => l.path)).toEqual(['a', 'b']);
  });

  it('import aliases are honoured', () => {
    const text = [
      'import torch',
      'import torch.nn as tnn',
      'import sinabs.layers as snl',
      'import sinabs.activation as act',
      'tnn.Sequential(tnn.Conv2d(1, 2, 3), snl.IAFSqueeze(batch_size=1, reset_fn=act.MembraneReset()), torch.nn.ReLU())',
    ].join('\n');
    const layers = parseOk(text);
    expect(layers.map((l) => [l.kind, l.written])).toEqual([
      ['conv2d', 'tnn.Conv2d'],
      ['iaf', 'snl.IAFSqueeze'],
      ['relu', 'torch.nn.ReLU'],
    ]);
    expect(layers[1]).toMatchObject({ reset: 'zero' });
  });

  it('"from torch import nn", "import sinabs" and fully qualified names', () => {
    const layers = parseOk('from torch import nn\nimport sinabs\nnn.Sequential(nn.Conv2d(1, 2, 3), sinabs.layers.IAFSqueeze(batch_size=1), torch.nn.Flatten())');
    expect(layers.map((l) => l.kind)).toEqual(['conv2d', 'iaf', 'flatten']);
  });

  it('bare names imported from torch.nn / sinabs.layers (also with "as" and "*")', () => {
    const layers = parseOk(
      [
        'from torch.nn import Sequential, Conv2d, ReLU as Act',
        'from sinabs.layers import (IAFSqueeze,',
        '                           SumPool2d)',
        'from sinabs.activation import MembraneReset',
        'Sequential(Conv2d(1, 2, 3), IAFSqueeze(batch_size=1, reset_fn=MembraneReset()), SumPool2d(2), Act())',
      ].join('\n'),
    );
    expect(layers.map((l) => [l.kind, l.written])).toEqual([
      ['conv2d', 'Conv2d'],
      ['iaf', 'IAFSqueeze'],
      ['sumpool2d', 'SumPool2d'],
      ['relu', 'Act'],
    ]);
    const star = parseOk('from torch.nn import *\nSequential(Conv2d(1, 2, 3), ReLU())');
    expect(star.map((l) => l.kind)).toEqual(['conv2d', 'relu']);
  });

  it('an alias bound to another module wins over the standard meaning', () => {
    const m = parseModel('import sinabs.layers as nn\nimport torch.nn as tnn\ntnn.Sequential(nn.Conv2d(1, 2, 3))');
    expect(m.diagnostics.map((d) => [d.code, d.message])).toEqual([['UNKNOWN_LAYER', "sinabs.layers has no layer 'Conv2d'"]]);
  });

  it('known layers the chip cannot run become unsupported nodes with the alternative, not errors', () => {
    const layers = parseOk('nn.Sequential(nn.MaxPool2d(2), nn.Sigmoid(), sl.LIFSqueeze(tau_mem=20.0, batch_size=1), nn.Upsample(scale_factor=2))');
    expect(layers).toEqual([
      expect.objectContaining({ kind: 'unsupported', op: 'MaxPool2d', alternative: 'use nn.AvgPool2d or sl.SumPool2d', path: '0' }),
      expect.objectContaining({ kind: 'unsupported', op: 'Sigmoid', alternative: 'use nn.ReLU (converted to integrate-and-fire)' }),
      expect.objectContaining({ kind: 'unsupported', op: 'LIFSqueeze', alternative: "use sl.IAFSqueeze (the chip's neurons do not leak)" }),
      expect.objectContaining({ kind: 'unsupported', op: 'Upsample' }),
    ]);
    expect((layers[3] as { alternative?: string }).alternative).toBeUndefined();
  });

  it('an empty nn.Sequential() is a model with no layers', () => {
    const m = parseModel('nn.Sequential()');
    expect(m.diagnostics).toEqual([]);
    expect(m.layers).toEqual([]);
  });

  it('.eval() on the model and other statements are ignored with a warning', () => {
    const m = parseModel('model = nn.Sequential(nn.ReLU()).eval()\nprint(model)');
    expect(m.layers).toHaveLength(1);
    expect(m.diagnostics.map((d) => [d.severity, d.code, d.span?.line, d.span?.column])).toEqual([
      // ".eval()" starts after "model = nn.Sequential(nn.ReLU())." (33 characters): column 34.
      ['warning', 'IGNORED_STATEMENT', 1, 34],
      ['warning', 'IGNORED_STATEMENT', 2, 1],
    ]);
  });

  it('the layer list is empty as soon as there is an error', () => {
    const m = parseModel('nn.Sequential(nn.Conv2d(1, 2, 3), nn.Conv2d(0, 2, 3))');
    expect(m.layers).toEqual([]);
    expect(m.source).toBe('nn.Sequential(nn.Conv2d(1, 2, 3), nn.Conv2d(0, 2, 3))');
  });
});
