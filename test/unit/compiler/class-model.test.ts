// The class form of model text (nn.Module with __init__ attributes and a straight-line
// forward): every graph fixture's model_text parses into the graph it writes, and text
// outside the subset is a diagnostic at its line and column.

import { describe, expect, it } from 'vitest';
import { MODEL_INPUT } from '../../../main/compiler/graph-ir.js';
import { parseModel } from '../../../main/compiler/parse/parse-model.js';
import { graphFixtureNames, loadGraphFixture } from '../../helpers/graph-fixtures.js';

const HEAD = 'import torch\nimport torch.nn as nn\nimport sinabs.layers as sl\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n';

function text(init: string[], forward: string[]): string {
  return HEAD + init.map((l) => `        ${l}\n`).join('') + '\n    def forward(self, x):\n' + forward.map((l) => `        ${l}\n`).join('') + '\n\nmodel = Net()\n';
}

describe('class-form parser', () => {
  for (const name of graphFixtureNames()) {
    it(`${name}: the fixture's model_text parses without errors, one node per forward call`, () => {
      const f = loadGraphFixture(name);
      const m = parseModel(f.model_text);
      expect(m.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const forward = f.model_text.slice(f.model_text.indexOf('def forward'));
      const calls = forward.split('\n').filter((l) => /=\s*self\.\w+\(/.test(l)).length;
      expect(m.graph!.nodes).toHaveLength(calls);
      const returned = /return (.*)/.exec(forward)![1]!.split(',').length;
      expect(m.graph!.outputs).toHaveLength(returned);
    });
  }

  it('residual_block_small: edges and merge as written', () => {
    const m = parseModel(loadGraphFixture('residual_block_small').model_text);
    const g = m.graph!;
    expect(g.nodes.map((n) => [n.attr, n.op, n.inputs])).toEqual([
      ['conv_in', 'layer', [MODEL_INPUT]],
      ['iaf_in', 'layer', [0]],
      ['conv_a', 'layer', [1]],
      ['iaf_a', 'layer', [2]],
      ['merge', 'merge', [1, 3]],
      ['conv_out', 'layer', [4]],
      ['iaf_out', 'layer', [5]],
    ]);
    expect(g.outputs).toEqual([6]);
    // Weights bind by attribute name.
    expect(m.layers.map((l) => l.path)).toEqual(['conv_in', 'iaf_in', 'conv_a', 'iaf_a', 'conv_out', 'iaf_out']);
  });

  it('a + b and torch.add(a, b) are merges; an nn.Sequential attribute is a chain', () => {
    const m = parseModel(
      text(
        ['self.c = nn.Conv2d(1, 2, 3)', 'self.s = sl.IAFSqueeze(batch_size=1)', 'self.block = nn.Sequential(nn.Conv2d(2, 2, 1), sl.IAFSqueeze(batch_size=1))'],
        ['a = self.c(x)', 'b = self.s(a)', 'c = self.block(b)', 'd = b + c', 'e = torch.add(d, c)', 'return e'],
      ),
    );
    expect(m.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const g = m.graph!;
    expect(g.nodes.map((n) => [n.attr, n.op, n.inputs])).toEqual([
      ['c', 'layer', [MODEL_INPUT]],
      ['s', 'layer', [0]],
      ['block', 'layer', [1]],
      ['block', 'layer', [2]],
      ['+', 'merge', [1, 3]],
      ['torch.add', 'merge', [4, 3]],
    ]);
    expect(m.layers.map((l) => l.path)).toEqual(['c', 's', 'block.0', 'block.1']);
  });

  it('statements outside the subset are errors at their line and column', () => {
    const src = text(['self.c = nn.Conv2d(1, 2, 3)'], ['for i in range(3):', '    x = self.c(x)', 'return x']);
    const m = parseModel(src);
    const errors = m.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    // Line 12 is `for i in range(3):` (8 header lines, 1 init line, blank, def forward).
    expect(src.split('\n')[11]).toBe('        for i in range(3):');
    expect(errors[0]!.span).toMatchObject({ line: 12, column: 9 });
    expect(errors[0]!.code).toBe('GRAPH_FORM');
    expect(m.layers).toEqual([]);
  });

  it('an attribute never assigned, an undefined variable and a 3-input Merge are errors naming them', () => {
    const m = parseModel(
      text(['self.c = nn.Conv2d(1, 2, 3)', 'self.m = sl.Merge()'], ['a = self.conv(x)', 'b = self.c(y)', 'c = self.m(x, x, x)', 'return c']),
    );
    const messages = m.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.span?.line}: ${d.message}`);
    expect(messages).toEqual([
      '13: self.conv is not assigned in __init__',
      "14: 'y' is not defined in forward",
      '15: sl.Merge takes two inputs, 3 given',
      "16: 'c' is not defined in forward",
    ]);
  });

  it('a class that is not an nn.Module, and a text that never creates the model, are errors', () => {
    const m = parseModel('import torch.nn as nn\nclass Net(object):\n    def __init__(self):\n        super().__init__()\n    def forward(self, x):\n        return x\n');
    const messages = m.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
    expect(messages).toContain('class Net must derive from nn.Module');
    expect(messages).toContain('the text does not create the model');
    expect(messages).toContain('forward returns its input unchanged');
  });

  it('a registered layer that forward never calls is a warning, not part of the graph', () => {
    const m = parseModel(text(['self.c = nn.Conv2d(1, 2, 3)', 'self.s = sl.IAFSqueeze(batch_size=1)', 'self.unused = nn.ReLU()'], ['a = self.c(x)', 'b = self.s(a)', 'return b']));
    expect(m.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(m.diagnostics.find((d) => d.severity === 'warning')?.message).toBe('self.unused is never called in forward: it is not part of the network');
  });
});
