// Flattens an nn.Sequential(...) call into the IR layer list: positional children get
// the state_dict paths PyTorch gives them ("3", "2.1" inside a nested Sequential),
// `nn.Sequential(OrderedDict([("conv1", ...), ...]))` uses the given names. Each child
// call is resolved against the catalogue and handed to its builder; unknown classes get
// a "did you mean" diagnostic, known-but-unsupported ones an `unsupported` node.

import type { LayerIR } from '../model-ir.js';
import { foldConstant } from './constant-value.js';
import { closestName } from './did-you-mean.js';
import { bindCall, exprText, resolveReference, type ReadContext } from './layer-arguments.js';
import { LAYER_BUILDERS } from './layer-builders.js';
import { KNOWN_MODULES, layerEntries, lookup, type CatalogEntry } from './layer-catalog.js';
import type { LineIndex } from './line-index.js';
import { dottedName, type CallExpr, type Expr, type StringExpr } from './syntax-tree.js';

export interface ModelContext extends ReadContext {
  readonly lines: LineIndex;
}

const STANDARD_HEADS = ['nn', 'sl', 'sa', 'torch', 'sinabs'];

/** Append the layers of `call` (an nn.Sequential call written as `written`) to `out`. */
export function collectSequential(call: CallExpr, written: string, prefix: string, ctx: ModelContext, out: LayerIR[]): void {
  for (const kw of call.keywords) {
    if (kw.name === null) {
      ctx.sink.error('BAD_ARGUMENT', kw.start, kw.end, `${written}: keyword unpacking (${exprText(ctx.source, kw)}) cannot be read`, 'write the layers out');
    } else {
      ctx.sink.error('UNKNOWN_KEYWORD', kw.nameStart, kw.nameEnd, `${written} takes no keyword arguments`, 'pass the layers by position, or one OrderedDict([("name", layer), ...])');
    }
  }
  const only = call.args.length === 1 ? call.args[0]! : null;
  if (only !== null && only.kind === 'call' && resolveReference(only, ctx.scope) === 'collections.OrderedDict') {
    collectOrderedDict(only, prefix, ctx, out);
    return;
  }
  call.args.forEach((arg, i) => {
    if (arg.kind === 'starred') {
      ctx.sink.error('BAD_ARGUMENT', arg.start, arg.end, `${written}: unpacking a list of layers (${exprText(ctx.source, arg)}) cannot be read`, `write the layers inside ${written}(...) one by one`);
      return;
    }
    collectModule(arg, `${prefix}${i}`, ctx, out);
  });
}

interface NamedChild {
  readonly key: Expr;
  readonly value: Expr;
}

function collectOrderedDict(od: CallExpr, prefix: string, ctx: ModelContext, out: LayerIR[]): void {
  const sink = ctx.sink;
  const children: NamedChild[] = [];
  const first = od.args[0];
  for (const extra of od.args.slice(1)) {
    sink.error('BAD_ARGUMENT', extra.start, extra.end, 'OrderedDict takes one list of (name, layer) pairs');
  }
  if (first !== undefined) {
    if (first.kind === 'list' || first.kind === 'tuple') {
      for (const item of first.items) {
        if ((item.kind === 'tuple' || item.kind === 'list') && item.items.length === 2) children.push({ key: item.items[0]!, value: item.items[1]! });
        else if (item.kind !== 'error') sink.error('BAD_ARGUMENT', item.start, item.end, `expected a ("name", layer) pair, got ${exprText(ctx.source, item)}`);
      }
    } else if (first.kind === 'dict') {
      for (const entry of first.entries) children.push(entry);
    } else if (first.kind !== 'error') {
      sink.error('BAD_ARGUMENT', first.start, first.end, `OrderedDict expects a list of ("name", layer) pairs, got ${exprText(ctx.source, first)}`);
    }
  }
  for (const kw of od.keywords) {
    if (kw.name === null) {
      sink.error('BAD_ARGUMENT', kw.start, kw.end, `keyword unpacking (${exprText(ctx.source, kw)}) cannot be read`, 'write the layers out');
      continue;
    }
    const key: StringExpr = { kind: 'string', value: kw.name, start: kw.nameStart, end: kw.nameEnd };
    children.push({ key, value: kw.value });
  }
  const seen = new Set<string>();
  for (const { key, value } of children) {
    const f = foldConstant(key, sink);
    if (f.kind !== 'str') {
      if (f.kind !== 'failed') sink.error('BAD_ARGUMENT', key.start, key.end, `layer names must be strings, got ${exprText(ctx.source, key)}`);
      continue;
    }
    const name = f.value;
    if (name === '') {
      sink.error('BAD_ARGUMENT', key.start, key.end, 'a layer name cannot be empty');
      continue;
    }
    if (name.includes('.')) {
      sink.error('BAD_ARGUMENT', key.start, key.end, `layer name '${name}' cannot contain '.'`, "PyTorch uses '.' to separate nested names; use '_' instead");
      continue;
    }
    if (seen.has(name)) {
      sink.error('BAD_ARGUMENT', key.start, key.end, `layer name '${name}' is used twice`, 'PyTorch would keep only the last layer of that name; rename one of them');
      continue;
    }
    seen.add(name);
    collectModule(value, `${prefix}${name}`, ctx, out);
  }
}

/** One child of a Sequential: a layer call, a nested Sequential, or something that is not a layer. */
export function collectModule(e: Expr, path: string, ctx: ModelContext, out: LayerIR[]): void {
  const sink = ctx.sink;
  if (e.kind === 'error') return;
  const target = e.kind === 'call' ? e.callee : e;
  const d = dottedName(target);
  if (d === null) {
    sink.error('BAD_ARGUMENT', e.start, e.end, `expected a layer such as nn.Conv2d(...), got ${exprText(ctx.source, e)}`);
    return;
  }
  const written = d.parts.join('.');
  const q = ctx.scope.resolve(d.parts);
  const entry = q !== null ? lookup(q) : undefined;
  if (e.kind !== 'call') {
    if (entry !== undefined && (entry.role === 'layer' || entry.role === 'unsupported' || entry.role === 'container')) {
      sink.error('BAD_ARGUMENT', e.start, e.end, `${written} is a class, not a layer: write ${written}(...) to create one`);
    } else if (q === null) {
      sink.error('BAD_ARGUMENT', e.start, e.end, `'${written}' is not a layer call; layers defined elsewhere in the file cannot be read`, 'write the layer inline, e.g. nn.ReLU()');
    } else {
      reportUnknownLayer(d, q, target, ctx);
    }
    return;
  }
  if (entry === undefined) {
    reportUnknownLayer(d, q, target, ctx);
    return;
  }
  const place = { index: out.length, path, span: ctx.lines.span(e.start, e.end), written };
  switch (entry.role) {
    case 'container':
      collectSequential(e, written, `${path}.`, ctx, out);
      return;
    case 'layer': {
      const builder = LAYER_BUILDERS.get(entry.qualified);
      if (builder === undefined) throw new Error(`catalogue: no builder for ${entry.qualified}`);
      out.push(builder(bindCall(e, entry, written, ctx), place));
      return;
    }
    case 'unsupported':
      // Its arguments are not checked: the conversion rejects the layer whatever they are.
      out.push(
        entry.alternative === undefined
          ? { kind: 'unsupported', ...place, op: entry.name }
          : { kind: 'unsupported', ...place, op: entry.name, alternative: entry.alternative },
      );
      return;
    default:
      sink.error(
        'BAD_ARGUMENT',
        e.start,
        e.end,
        entry.qualified === 'collections.OrderedDict'
          ? `an OrderedDict must be the only argument of nn.Sequential`
          : `${written} is not a layer`,
      );
  }
}

/** Best "did you mean" among the catalogue's layers: exact name elsewhere, then the same module, then any. */
function guessLayer(name: string, module: string | null): CatalogEntry | undefined {
  const layers = layerEntries();
  const lower = name.toLowerCase();
  const exact = layers.find((l) => l.name.toLowerCase() === lower);
  if (exact) return exact;
  const same = module !== null ? layers.filter((l) => l.module === module) : [];
  const near = closestName(name, same.map((l) => l.name)) ?? closestName(name, layers.map((l) => l.name));
  if (near === null) return undefined;
  return same.find((l) => l.name === near) ?? layers.find((l) => l.name === near);
}

function reportUnknownLayer(d: { parts: string[]; starts: number[] }, q: string | null, callee: Expr, ctx: ModelContext): void {
  const sink = ctx.sink;
  const written = d.parts.join('.');
  if (q === null) {
    const head = d.parts[0]!;
    const headStart = d.starts[0]!;
    if (d.parts.length === 1) {
      const exact = layerEntries().find((l) => l.name === head);
      if (exact !== undefined) {
        sink.error('UNKNOWN_LAYER', headStart, headStart + head.length, `'${head}' is not imported`, `write ${ctx.scope.spell(exact.module, head)}(...), or add "from ${exact.module} import ${head}"`);
        return;
      }
      const guess = guessLayer(head, null);
      sink.error('UNKNOWN_LAYER', headStart, headStart + head.length, `unknown layer '${head}'`, guess ? `did you mean ${ctx.scope.spell(guess.module, guess.name)}?` : 'use the layers of torch.nn (nn.) and sinabs.layers (sl.)');
      return;
    }
    const guessHead = closestName(head, STANDARD_HEADS);
    sink.error(
      'UNKNOWN_LAYER',
      headStart,
      headStart + head.length,
      `'${head}' is not defined`,
      guessHead !== null ? `did you mean ${[guessHead, ...d.parts.slice(1)].join('.')}?` : `import it (e.g. import torch.nn as nn), or write nn.${d.parts[d.parts.length - 1]}`,
    );
    return;
  }
  const name = d.parts[d.parts.length - 1]!;
  const nameStart = d.starts[d.starts.length - 1]!;
  const module = q.slice(0, q.lastIndexOf('.'));
  const guess = guessLayer(name, module);
  const hint = guess !== undefined ? `did you mean ${ctx.scope.spell(guess.module, guess.name)}?` : undefined;
  if (KNOWN_MODULES.has(module)) {
    sink.error('UNKNOWN_LAYER', nameStart, callee.end, `${module} has no layer '${name}'`, hint);
  } else {
    sink.error(
      'UNKNOWN_LAYER',
      callee.start,
      callee.end,
      `unknown layer '${written}'`,
      hint ?? 'only layers of torch.nn and sinabs.layers can be compiled (custom modules cannot)',
    );
  }
}
