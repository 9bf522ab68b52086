// The class form of model text: an nn.Module subclass whose __init__ assigns layers as
// attributes (`self.conv1 = nn.Conv2d(...)`) and whose forward(self, x) is straight-line
// calls `v = self.attr(a[, b])`, merges `torch.add(a, b)` / `a + b`, and `return v` (or a
// tuple), followed by `model = Net()`. This is how the reference's own graph test models
// are written. Layers are read by the same catalogue and builders as nn.Sequential
// children (path = attribute name, so weights bind by state_dict names). Anything
// outside the subset (loops, conditions, other methods, tensor arithmetic other than a
// two-branch sum) is a diagnostic at its line and column. It does not check that the
// graph can be mapped: compiler/graph/ does.

import type { SourceSpan } from '../diagnostics.js';
import { MODEL_INPUT, type GraphIR, type GraphNode } from '../graph-ir.js';
import type { LayerIR, ModelIR } from '../model-ir.js';
import { DiagnosticSink } from './diagnostic-sink.js';
import { exprText, resolveReference } from './layer-arguments.js';
import { isKnownName } from './layer-catalog.js';
import { LineIndex } from './line-index.js';
import { NameScope } from './name-scope.js';
import { parseExpressionText, parseProgram } from './python-parser.js';
import { collectModule, type ModelContext } from './sequential.js';
import type { Expr, ImportStatement } from './syntax-tree.js';
import { tokenize, type Token } from './tokenizer.js';

const MERGE_CLASSES = new Set(['sinabs.layers.Merge', 'sinabs.layers.merge.Merge']);
const TORCH_ADD = new Set(['torch.add']);
const BASES = new Set(['torch.nn.Module']);

/**
 * True when the text defines a class at the top level and has no top-level Sequential
 * model (a class pasted around an nn.Sequential stays the sequential parser's report).
 */
export function isClassModelText(source: string): boolean {
  return /^class\s+[A-Za-z_]\w*\s*[(:]/m.test(source) && !/^[A-Za-z_]\w*\s*=\s*[\w.]*Sequential\s*\(/m.test(source);
}

interface Line {
  tokens: Token[];
  indent: number;
  start: number;
  end: number;
}

function splitLines(tokens: readonly Token[]): Line[] {
  const lines: Line[] = [];
  let cur: Token[] = [];
  for (const t of tokens) {
    if (t.kind === 'newline' || t.kind === 'eof') {
      if (cur.length > 0) lines.push({ tokens: cur, indent: cur[0]!.indent, start: cur[0]!.start, end: cur[cur.length - 1]!.end });
      cur = [];
      continue;
    }
    cur.push(t);
  }
  return lines;
}

function eofAt(offset: number): Token {
  return { kind: 'eof', start: offset, end: offset, text: '', num: NaN, isInt: false, indent: -1 };
}

const isOp = (t: Token | undefined, op: string) => t !== undefined && t.kind === 'op' && t.text === op;
const isName = (t: Token | undefined, name?: string): boolean => t !== undefined && t.kind === 'name' && (name === undefined || t.text === name);

interface Attribute {
  name: string;
  layers: number[];
  merge: boolean;
  span: SourceSpan;
}

export function parseClassModel(source: string): ModelIR {
  const lines = new LineIndex(source);
  const sink = new DiagnosticSink(lines);
  const tokens = tokenize(source, sink);
  const logical = splitLines(tokens);
  const imports: ImportStatement[] = [];
  const layers: LayerIR[] = [];
  const attributes: Attribute[] = [];
  const nodes: GraphNode[] = [];
  const outputs: number[] = [];
  const variables = new Map<string, number>();
  let className: string | null = null;
  let instantiated = false;
  let sawForward = false;
  let sawReturn = false;
  let ctx: ModelContext | null = null;
  const context = (): ModelContext => (ctx ??= { sink, scope: NameScope.fromImports(imports, isKnownName), source, lines });

  const expression = (toks: readonly Token[], from: number): Expr => {
    const slice = toks.slice(from);
    const end = slice.length > 0 ? slice[slice.length - 1]!.end : toks[toks.length - 1]!.end;
    return parseExpressionText([...slice, eofAt(end)], source, sink);
  };
  const lineError = (l: Line, message: string, hint?: string) =>
    sink.error('GRAPH_FORM', l.start, l.end, message, hint ?? 'forward may only hold lines `v = self.layer(a)`, `v = self.merge(a, b)`, `v = a + b` and `return v`');

  type Section = 'top' | 'class' | 'init' | 'forward' | 'other';
  let section: Section = 'top';
  let classIndent = 0;
  let defIndent = 0;

  for (const l of logical) {
    const t0 = l.tokens[0]!;
    if (t0.kind === 'error') continue;
    if (l.indent === 0) section = 'top';
    else if (section !== 'top' && section !== 'class' && l.indent <= defIndent) section = l.indent > classIndent ? 'class' : 'top';
    if (section === 'other') continue;

    if (section === 'top') {
      if (isName(t0, 'import') || isName(t0, 'from')) {
        const prog = parseProgram([...l.tokens, eofAt(l.end)], source, sink);
        for (const s of prog.statements) if (s.kind === 'import') imports.push(s);
        continue;
      }
      if (isName(t0, 'class')) {
        if (className !== null) {
          lineError(l, `a second class: the model text may define one nn.Module class (the first is ${className})`, 'keep one class per model text');
          section = 'other';
          defIndent = l.indent;
          continue;
        }
        const name = l.tokens[1];
        if (name === undefined || !isName(name) || !isOp(l.tokens[l.tokens.length - 1], ':')) {
          lineError(l, 'expected `class Net(nn.Module):`');
          continue;
        }
        className = name.text;
        const base = isOp(l.tokens[2], '(') ? expression(l.tokens.slice(0, -2), 3) : null;
        const q = base ? resolveReference(base, context().scope) : null;
        if (q === null || !BASES.has(q)) {
          sink.error('GRAPH_FORM', base?.start ?? name.start, base?.end ?? name.end, `class ${className} must derive from nn.Module`, 'write class Net(nn.Module):');
        }
        section = 'class';
        classIndent = 0;
        defIndent = 0;
        continue;
      }
      // `model = Net()`
      if (isName(t0) && isOp(l.tokens[1], '=')) {
        const value = expression(l.tokens, 2);
        if (value.kind === 'call' && value.callee.kind === 'name' && value.callee.id === className && value.args.length === 0 && value.keywords.length === 0) {
          instantiated = true;
        } else if (value.kind !== 'error') {
          sink.error('GRAPH_FORM', value.start, value.end, `expected ${className ?? 'Net'}() here, found ${exprText(source, value)}`, `end the text with model = ${className ?? 'Net'}()`);
        }
        continue;
      }
      lineError(l, 'only import lines, one nn.Module class and `model = Net()` may stand at the top level', 'move other code out of the model text');
      continue;
    }

    if (section === 'class') {
      if (isName(t0, 'def') && isName(l.tokens[1])) {
        const method = l.tokens[1]!.text;
        defIndent = l.indent;
        const params = l.tokens.slice(3, -2).filter((t) => isName(t)).map((t) => t.text);
        if (method === '__init__') {
          section = 'init';
          if (params.length !== 1 || params[0] !== 'self') lineError(l, '__init__ must take only self', 'write def __init__(self): and set the layer arguments inside it');
        } else if (method === 'forward') {
          section = 'forward';
          sawForward = true;
          if (params.length !== 2 || params[0] !== 'self') lineError(l, 'forward must take self and one input', 'write def forward(self, x):');
          else variables.set(params[1]!, MODEL_INPUT);
        } else {
          lineError(l, `method ${method} is not read: only __init__ and forward`, 'remove the method, or inline what it does in forward');
          section = 'other';
        }
        continue;
      }
      if (isName(t0, 'pass') || t0.kind === 'string') continue;
      lineError(l, 'a class body may hold only def __init__(self) and def forward(self, x)');
      continue;
    }

    if (section === 'init') {
      if (isName(t0, 'super')) {
        const e = expression(l.tokens, 0);
        const ok = e.kind === 'call' && e.callee.kind === 'attribute' && e.callee.name === '__init__' && e.callee.object.kind === 'call';
        if (!ok) lineError(l, 'expected super().__init__()');
        continue;
      }
      if (isName(t0, 'self') && isOp(l.tokens[1], '.') && isName(l.tokens[2]) && isOp(l.tokens[3], '=')) {
        const attr = l.tokens[2]!.text;
        const value = expression(l.tokens, 4);
        if (value.kind === 'error') continue;
        if (attributes.some((a) => a.name === attr)) {
          sink.error('GRAPH_FORM', l.tokens[2]!.start, l.tokens[2]!.end, `self.${attr} is assigned twice`, 'PyTorch keeps only the last assignment; rename one of them');
          continue;
        }
        const span = lines.span(value.start, value.end);
        if (value.kind === 'call' && MERGE_CLASSES.has(resolveReference(value, context().scope) ?? '')) {
          attributes.push({ name: attr, layers: [], merge: true, span });
          continue;
        }
        const before = layers.length;
        collectModule(value, attr, context(), layers);
        attributes.push({ name: attr, layers: layers.slice(before).map((x) => x.index), merge: false, span });
        continue;
      }
      lineError(l, '__init__ may hold only super().__init__() and self.<name> = <layer>(...) lines', 'compute argument values outside and write them as literals');
      continue;
    }

    // forward
    if (isName(t0, 'return')) {
      sawReturn = true;
      // `return a, b` is a tuple: split at the top-level commas (each item one expression).
      const items: Expr[] = [];
      let from = 1;
      let depth = 0;
      for (let k = 1; k <= l.tokens.length; k++) {
        const t = l.tokens[k];
        if (t && t.kind === 'op' && '([{'.includes(t.text)) depth++;
        if (t && t.kind === 'op' && ')]}'.includes(t.text)) depth--;
        if (t === undefined || (depth === 0 && isOp(t, ','))) {
          if (k > from) items.push(expression(l.tokens.slice(0, k), from));
          from = k + 1;
        }
      }
      if (items.length === 1 && items[0]!.kind === 'tuple') items.splice(0, 1, ...(items[0] as Extract<Expr, { kind: 'tuple' }>).items);
      if (items.length === 0) lineError(l, 'return needs the variables to output');
      for (const item of items) {
        if (item.kind !== 'name') {
          if (item.kind !== 'error') sink.error('GRAPH_FORM', item.start, item.end, `return names the variables to output; found ${exprText(source, item)}`, 'assign the value to a variable first');
          continue;
        }
        const id = variables.get(item.id);
        if (id === undefined) sink.error('GRAPH_FORM', item.start, item.end, `'${item.id}' is not defined in forward`);
        else if (id === MODEL_INPUT) sink.error('GRAPH_FORM', item.start, item.end, 'forward returns its input unchanged', 'return the output of a layer');
        else outputs.push(id);
      }
      continue;
    }
    if (sawReturn) {
      lineError(l, 'code after return is never run', 'remove it');
      continue;
    }
    if (!(isName(t0) && isOp(l.tokens[1], '='))) {
      lineError(l, `this statement is not part of the straight-line forward subset`);
      continue;
    }
    const variable = t0.text;
    const value = expression(l.tokens, 2);
    if (value.kind === 'error') continue;
    const span = lines.span(value.start, value.end);
    const argIds = (args: readonly Expr[]): number[] | null => {
      const ids: number[] = [];
      for (const a of args) {
        if (a.kind !== 'name') {
          sink.error('GRAPH_FORM', a.start, a.end, `arguments must be variables of forward; found ${exprText(source, a)}`, 'assign the value to a variable first');
          return null;
        }
        const id = variables.get(a.id);
        if (id === undefined) {
          sink.error('GRAPH_FORM', a.start, a.end, `'${a.id}' is not defined in forward`);
          return null;
        }
        ids.push(id);
      }
      return ids;
    };
    const addNode = (node: Omit<GraphNode, 'id' | 'span' | 'variable'>) => {
      const id = nodes.length;
      nodes.push({ ...node, id, span, variable });
      variables.set(variable, id);
    };
    if (value.kind === 'binary' && value.op === '+') {
      const ids = argIds([value.left, value.right]);
      if (ids) addNode({ op: 'merge', attr: '+', layer: null, inputs: ids });
      continue;
    }
    if (value.kind === 'call' && value.keywords.length === 0) {
      const callee = value.callee;
      if (TORCH_ADD.has(resolveReference(value, context().scope) ?? '')) {
        if (value.args.length !== 2) sink.error('GRAPH_FORM', value.start, value.end, 'torch.add takes two tensors here');
        else {
          const ids = argIds(value.args);
          if (ids) addNode({ op: 'merge', attr: 'torch.add', layer: null, inputs: ids });
        }
        continue;
      }
      if (callee.kind === 'attribute' && callee.object.kind === 'name' && callee.object.id === 'self') {
        const attr = attributes.find((a) => a.name === callee.name);
        if (attr === undefined) {
          sink.error('GRAPH_FORM', callee.nameStart, callee.end, `self.${callee.name} is not assigned in __init__`);
          continue;
        }
        const ids = argIds(value.args);
        if (!ids) continue;
        if (attr.merge) {
          if (ids.length !== 2) {
            sink.error('GRAPH_FORM', value.start, value.end, `sl.Merge takes two inputs, ${ids.length} given`, 'nest merges for more branches: m2 = self.merge2(self.merge1(a, b), c) written as two lines');
            continue;
          }
          addNode({ op: 'merge', attr: attr.name, layer: null, inputs: ids });
          continue;
        }
        if (ids.length !== 1) {
          sink.error('GRAPH_FORM', value.start, value.end, `self.${attr.name} is a layer and takes one input, ${ids.length} given`);
          continue;
        }
        if (attr.layers.length === 0) continue; // its construction was reported
        // An nn.Sequential attribute is a chain of nodes.
        let input = ids[0]!;
        for (const layer of attr.layers) {
          addNode({ op: 'layer', attr: attr.name, layer, inputs: [input] });
          input = nodes.length - 1;
        }
        continue;
      }
    }
    sink.error('GRAPH_FORM', value.start, value.end, `${exprText(source, value)} is not a layer call`, 'call the layers assigned in __init__: v = self.conv1(x)');
  }

  if (className === null) sink.fileError('GRAPH_FORM', 'no nn.Module class found', 'write class Net(nn.Module): with __init__ and forward');
  else {
    if (!sawForward) sink.fileError('GRAPH_FORM', `class ${className} has no forward(self, x)`, 'add def forward(self, x): calling the layers');
    else if (outputs.length === 0 && sink.errorCount === 0) sink.fileError('GRAPH_FORM', 'forward returns nothing', 'end forward with return <variable>');
    if (!instantiated) sink.fileError('GRAPH_FORM', `the text does not create the model`, `end it with model = ${className}()`);
  }
  const called = new Set(nodes.map((n) => n.attr));
  for (const a of attributes) {
    if (!called.has(a.name)) sink.warning('IGNORED_STATEMENT', a.span.start, a.span.end, `self.${a.name} is never called in forward: it is not part of the network`);
  }
  const diagnostics = sink.diagnostics.slice().sort((a, b) => (a.span?.start ?? -1) - (b.span?.start ?? -1));
  const ok = sink.errorCount === 0;
  const graph: GraphIR = { className: className ?? '', nodes, outputs, attributes };
  return ok ? { source, layers, diagnostics, graph } : { source, layers: [], diagnostics };
}
