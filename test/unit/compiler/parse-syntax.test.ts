// The Python-subset front end on its own: tokens (numbers, strings, line joining),
// expression trees, constant folding with Python's int/float rules, name resolution
// through imports, "did you mean", and the catalogue's own consistency. Expected
// values are Python's documented behaviour, written out by hand.

import { describe, expect, it } from 'vitest';
import { foldConstant } from '../../../main/compiler/parse/constant-value.js';
import { closestName, editDistance } from '../../../main/compiler/parse/did-you-mean.js';
import { DiagnosticSink } from '../../../main/compiler/parse/diagnostic-sink.js';
import { LAYER_BUILDERS } from '../../../main/compiler/parse/layer-builders.js';
import { CATALOG, isKnownName, signatureOf } from '../../../main/compiler/parse/layer-catalog.js';
import { LineIndex } from '../../../main/compiler/parse/line-index.js';
import { NameScope } from '../../../main/compiler/parse/name-scope.js';
import { parseExpressionText, parseProgram } from '../../../main/compiler/parse/python-parser.js';
import type { Expr } from '../../../main/compiler/parse/syntax-tree.js';
import { tokenize, type Token } from '../../../main/compiler/parse/tokenizer.js';

function sinkFor(source: string): DiagnosticSink {
  return new DiagnosticSink(new LineIndex(source));
}

function tokens(source: string): { tokens: Token[]; sink: DiagnosticSink } {
  const sink = sinkFor(source);
  return { tokens: tokenize(source, sink), sink };
}

function expr(source: string): Expr {
  const sink = sinkFor(source);
  const e = parseExpressionText(tokenize(source, sink), source, sink);
  expect(sink.diagnostics).toEqual([]);
  return e;
}

function fold(source: string): unknown {
  return foldConstant(expr(source), null);
}

describe('tokenizer', () => {
  it('numbers: underscores, exponents, leading dot, trailing dot, hex/octal/binary', () => {
    const { tokens: t, sink } = tokens('1_000 1e-3 .5 1. 2E+2 0x1f 0o17 0b101 0 00 7.25');
    expect(sink.diagnostics).toEqual([]);
    const nums = t.filter((x) => x.kind === 'number').map((x) => [x.num, x.isInt]);
    expect(nums).toEqual([
      [1000, true],
      [0.001, false],
      [0.5, false],
      [1, false],
      [200, false],
      [31, true],
      [15, true],
      [5, true],
      [0, true],
      [0, true],
      [7.25, false],
    ]);
  });

  it('strings: both quotes, escapes, raw and prefixed strings, triple quotes', () => {
    const src = `'a\\nb' "q\\"x" r'\\d' u'\\x41' '''l1\nl2''' b"z"`;
    const { tokens: t, sink } = tokens(src);
    expect(sink.diagnostics).toEqual([]);
    expect(t.filter((x) => x.kind === 'string').map((x) => x.text)).toEqual(['a\nb', 'q"x', '\\d', 'A', 'l1\nl2', 'z']);
  });

  it('no line break inside brackets or after a backslash; comments vanish', () => {
    const { tokens: t } = tokens('f(1,  # one\n  2)\nx = \\\n  3\n');
    expect(t.map((x) => (x.kind === 'newline' ? 'NL' : x.kind === 'eof' ? 'EOF' : x.kind === 'number' ? String(x.num) : x.text))).toEqual([
      'f', '(', '1', ',', '2', ')', 'NL', 'x', '=', '3', 'NL', 'EOF',
    ]);
  });

  it('the first token of a logical line records its indentation', () => {
    const { tokens: t } = tokens('a\n    b(\n  c)\n');
    const names = t.filter((x) => x.kind === 'name').map((x) => [x.text, x.indent]);
    expect(names).toEqual([
      ['a', 0],
      ['b', 4],
      ['c', -1],
    ]);
  });
});

describe('expressions', () => {
  it('attribute chains and calls with positional and keyword arguments', () => {
    const e = expr('torch.nn.Conv2d(1, 2, kernel_size=3)');
    expect(e.kind).toBe('call');
    if (e.kind !== 'call') return;
    expect(e.callee).toMatchObject({ kind: 'attribute', name: 'Conv2d', object: { kind: 'attribute', name: 'nn', object: { kind: 'name', id: 'torch' } } });
    expect(e.args.map((a) => a.kind)).toEqual(['number', 'number']);
    expect(e.keywords.map((k) => k.name)).toEqual(['kernel_size']);
    expect(e.openParen).toBe(15);
    expect(e.closeParen).toBe(35);
  });

  it('tuples, lists, dicts, parentheses, True/False/None', () => {
    expect(expr('(1, 2)')).toMatchObject({ kind: 'tuple', items: [{ value: 1 }, { value: 2 }] });
    expect(expr('(3,)')).toMatchObject({ kind: 'tuple', items: [{ value: 3 }] });
    expect(expr('(3)')).toMatchObject({ kind: 'number', value: 3 });
    expect(expr('()')).toMatchObject({ kind: 'tuple', items: [] });
    expect(expr('[1, 2,]')).toMatchObject({ kind: 'list', items: [{ value: 1 }, { value: 2 }] });
    expect(expr('{"a": 1}')).toMatchObject({ kind: 'dict', entries: [{ key: { value: 'a' }, value: { value: 1 } }] });
    expect(expr('[True, False, None]')).toMatchObject({ items: [{ value: true }, { value: false }, { value: null }] });
  });

  it('statements: imports, assignment, expression', () => {
    const src = 'import torch.nn as nn, sinabs\nfrom sinabs.layers import IAF as I, SumPool2d\nfrom torch.nn import *\nm = nn.ReLU()\nnn.ReLU(); x';
    const sink = sinkFor(src);
    const p = parseProgram(tokenize(src, sink), src, sink);
    expect(sink.diagnostics).toEqual([]);
    expect(p.statements.map((s) => s.kind)).toEqual(['import', 'import', 'import', 'expression', 'expression', 'expression']);
    expect(p.statements[0]).toMatchObject({ bindings: [{ name: 'nn', target: 'torch.nn' }, { name: 'sinabs', target: 'sinabs' }] });
    expect(p.statements[1]).toMatchObject({ bindings: [{ name: 'I', target: 'sinabs.layers.IAF' }, { name: 'SumPool2d', target: 'sinabs.layers.SumPool2d' }] });
    expect(p.statements[2]).toMatchObject({ starModules: ['torch.nn'] });
    expect(p.statements[3]).toMatchObject({ target: { name: 'm' } });
  });
});

describe('constant folding follows Python', () => {
  it('int and float arithmetic', () => {
    expect(fold('2 * 16')).toEqual({ kind: 'int', value: 32 });
    expect(fold('7 // 2')).toEqual({ kind: 'int', value: 3 });
    expect(fold('-7 // 2')).toEqual({ kind: 'int', value: -4 });
    expect(fold('7 / 7')).toEqual({ kind: 'float', value: 1 });
    expect(fold('-7 % 3')).toEqual({ kind: 'int', value: 2 });
    expect(fold('7 % -3')).toEqual({ kind: 'int', value: -2 });
    expect(fold('1 + 2.0')).toEqual({ kind: 'float', value: 3 });
    expect(fold('2 ** 10')).toEqual({ kind: 'int', value: 1024 });
    expect(fold('2 ** -1')).toEqual({ kind: 'float', value: 0.5 });
    expect(fold('True + 1')).toEqual({ kind: 'int', value: 2 });
    expect(fold('~5')).toEqual({ kind: 'int', value: -6 });
  });

  it('precedence: ** binds tighter than unary minus, * tighter than +', () => {
    expect(fold('-2 ** 2')).toEqual({ kind: 'int', value: -4 });
    expect(fold('1 + 2 * 3')).toEqual({ kind: 'int', value: 7 });
    expect(fold('(1 + 2) * 3')).toEqual({ kind: 'int', value: 9 });
    expect(fold('2 ** 3 ** 2')).toEqual({ kind: 'int', value: 512 });
  });

  it('strings concatenate; names, calls and tuples are not constants', () => {
    expect(fold("'sa' 'me'")).toEqual({ kind: 'str', value: 'same' });
    expect(fold('x')).toEqual({ kind: 'other' });
    expect(fold('f(1)')).toEqual({ kind: 'other' });
    expect(fold('(1, 2)')).toEqual({ kind: 'other' });
  });

  it('division by zero is reported at the expression', () => {
    const src = '1 / (2 - 2)';
    const sink = sinkFor(src);
    const e = parseExpressionText(tokenize(src, sink), src, sink);
    expect(foldConstant(e, sink)).toEqual({ kind: 'failed' });
    expect(sink.diagnostics.map((d) => [d.code, d.message, d.span?.column, d.span?.endColumn])).toEqual([['BAD_ARGUMENT', 'division by zero', 1, 12]]);
  });
});

describe('names', () => {
  it('imports bind aliases; standard aliases work without imports; unknown names are null', () => {
    const s = new NameScope(isKnownName);
    s.bind('tnn', 'torch.nn');
    s.bind('Layer', 'sinabs.layers.IAFSqueeze');
    expect(s.resolve(['tnn', 'Conv2d'])).toBe('torch.nn.Conv2d');
    expect(s.resolve(['Layer'])).toBe('sinabs.layers.IAFSqueeze');
    expect(s.resolve(['nn', 'ReLU'])).toBe('torch.nn.ReLU');
    expect(s.resolve(['sl', 'SumPool2d'])).toBe('sinabs.layers.SumPool2d');
    expect(s.resolve(['sa', 'MembraneReset'])).toBe('sinabs.activation.MembraneReset');
    expect(s.resolve(['mystery', 'Layer'])).toBeNull();
    expect(s.spell('torch.nn', 'Linear')).toBe('tnn.Linear');
    expect(s.spell('sinabs.layers', 'IAFSqueeze')).toBe('Layer');
    expect(s.spell('sinabs.layers', 'SumPool2d')).toBe('sl.SumPool2d');
  });

  it('star imports expose the module\'s catalogued names only', () => {
    const s = new NameScope(isKnownName);
    s.starImport('sinabs.layers');
    expect(s.resolveName('IAFSqueeze')).toBe('sinabs.layers.IAFSqueeze');
    expect(s.resolveName('Conv2d')).toBeNull();
  });

  it('did you mean: edit distance with swaps, case-insensitive, only plausible typos', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(closestName('Conv2D', ['Conv1d', 'Conv2d'])).toBe('Conv2d');
    expect(closestName('kernal_size', ['in_channels', 'kernel_size'])).toBe('kernel_size');
    expect(closestName('xyz', ['stride', 'padding'])).toBeNull();
  });
});

describe('catalogue', () => {
  it('every signature parses and every convertible layer has a builder', () => {
    for (const e of CATALOG) {
      if (e.signature !== undefined) expect(() => signatureOf(e)).not.toThrow();
      if (e.role === 'layer') expect(LAYER_BUILDERS.has(e.qualified)).toBe(true);
    }
  });

  it('signatures keep PyTorch\'s positional order and defaults', () => {
    const conv = CATALOG.find((e) => e.qualified === 'torch.nn.Conv2d')!;
    const sig = signatureOf(conv);
    expect(sig.params.map((p) => p.name)).toEqual([
      'in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'dilation', 'groups', 'bias', 'padding_mode', 'device', 'dtype',
    ]);
    expect(sig.params.slice(0, 3).every((p) => p.default === null)).toBe(true);
    expect(foldConstant(sig.byName.get('bias')!.default!, null)).toEqual({ kind: 'bool', value: true });
    const squeeze = signatureOf(CATALOG.find((e) => e.qualified === 'sinabs.layers.IAFSqueeze')!);
    expect(squeeze.params.map((p) => p.name)).toEqual(['batch_size', 'num_timesteps']);
    expect(squeeze.varKwargs).toBe(true);
  });
});
