// Entry point of the parse stage: model text -> ModelIR. The text holds one
// nn.Sequential(...) expression (optionally `name = nn.Sequential(...)`), with import
// lines and comments around it. Every problem becomes a Diagnostic with an exact span;
// nothing throws for bad input. When any diagnostic is an error the layer list is empty,
// as ModelIR promises. Whether the layers form a deployable network is decided later
// (compiler/convert); this stage only says what the text means.

import type { Diagnostic } from '../diagnostics.js';
import type { LayerIR, ModelIR } from '../model-ir.js';
import { DiagnosticSink } from './diagnostic-sink.js';
import { exprText, resolveReference } from './layer-arguments.js';
import { isKnownName, lookup } from './layer-catalog.js';
import { LineIndex } from './line-index.js';
import { NameScope } from './name-scope.js';
import { parseProgram } from './python-parser.js';
import { isClassModelText, parseClassModel } from './class-model.js';
import { collectSequential, type ModelContext } from './sequential.js';
import { dottedName, type CallExpr, type Expr, type ExpressionStatement, type ImportStatement } from './syntax-tree.js';
import { tokenize } from './tokenizer.js';
import { guessUnclosedBracket } from './unclosed-bracket.js';

/** Methods people chain onto a model that change nothing the chip sees. */
const HARMLESS_METHODS = new Set(['eval', 'train', 'cpu', 'cuda', 'to', 'float', 'double', 'half', 'requires_grad_']);

const SEQUENTIAL = 'torch.nn.Sequential';

/**
 * The nn.Sequential call a statement's value is (possibly behind `.eval()` and the like),
 * or null. `tuple` is set when the call is the first item of a tuple: a stray comma after
 * the model, or a ')' closing the model early.
 */
function sequentialOf(value: Expr, ctx: ModelContext): { call: CallExpr; wrappers: CallExpr[]; tuple: Expr | null } | null {
  const wrappers: CallExpr[] = [];
  const tuple = value.kind === 'tuple' && value.items.length > 0 ? value : null;
  let cur = tuple !== null ? tuple.items[0]! : value;
  while (cur.kind === 'call' && cur.callee.kind === 'attribute' && HARMLESS_METHODS.has(cur.callee.name) && cur.callee.object.kind === 'call') {
    wrappers.push(cur);
    cur = cur.callee.object;
  }
  if (cur.kind === 'call' && resolveReference(cur, ctx.scope) === SEQUENTIAL) return { call: cur, wrappers, tuple };
  return null;
}

/** NO_MODEL at the statement that looks most like an attempt at a model. */
function reportNoModel(statements: readonly ExpressionStatement[], ctx: ModelContext): void {
  const sink = ctx.sink;
  const s = statements.find((st) => st.value.kind !== 'error');
  if (s === undefined) {
    sink.fileError('NO_MODEL', 'no nn.Sequential(...) found in the model text', 'write the model as nn.Sequential(layer, layer, ...)');
    return;
  }
  const v = s.value;
  const text = exprText(ctx.source, v);
  if (v.kind === 'list' || v.kind === 'tuple') {
    sink.error('NO_MODEL', v.start, v.end, 'a list of layers is not a model', 'wrap the layers in nn.Sequential(...)');
    return;
  }
  if (v.kind === 'call') {
    const d = dottedName(v.callee);
    const q = resolveReference(v, ctx.scope);
    const entry = q !== null ? lookup(q) : undefined;
    if (entry !== undefined && (entry.role === 'layer' || entry.role === 'unsupported')) {
      sink.error('NO_MODEL', v.start, v.end, `the model must be an nn.Sequential(...), found a single layer ${text}`, 'wrap the layers in nn.Sequential(...)');
      return;
    }
    if (d !== null && d.parts[d.parts.length - 1] === 'Sequential' && d.parts.length > 1) {
      const head = d.parts[0]!;
      sink.error('NO_MODEL', v.callee.start, v.callee.end, `${d.parts.join('.')} is not torch.nn.Sequential here ('${head}' refers to ${ctx.scope.resolveName(head) ?? 'nothing'})`, 'import torch.nn as nn');
      return;
    }
    sink.error('NO_MODEL', v.start, v.end, `expected nn.Sequential(...), found ${text}`, 'custom nn.Module classes cannot be read; write the model as nn.Sequential(layer, layer, ...)');
    return;
  }
  sink.error('NO_MODEL', v.start, v.end, `expected nn.Sequential(...), found ${text}`, 'write the model as nn.Sequential(layer, layer, ...)');
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (a.span?.start ?? -1) - (b.span?.start ?? -1);
}

function hasSyntaxError(ir: ModelIR): boolean {
  return ir.diagnostics.some((d) => d.code === 'SYNTAX' && d.severity === 'error');
}

export function parseModel(source: string): ModelIR {
  if (isClassModelText(source)) return parseClassModel(source);
  const first = parseSequentialText(source);
  // Only where Python's rule blames the outermost bracket (a ')' missing before a line's
  // trailing ','); a line without its '),' is already caught by the parser itself.
  if (!first.diagnostics.some((d) => d.code === 'SYNTAX' && d.message.includes('was never closed'))) return first;
  // A bracket left open: if closing the likeliest one makes the text parse, report that
  // one mistake where it is (and what the repaired text says), not its echoes.
  const lines = new LineIndex(source);
  const guess = guessUnclosedBracket(tokenize(source, new DiagnosticSink(lines)), lines);
  if (guess === null) return first;
  const second = parseSequentialText(guess.repaired);
  if (hasSyntaxError(second)) return first;
  const shift = guess.repaired.length - source.length;
  const back = (offset: number) => (offset <= guess.insertedAt ? offset : Math.max(guess.insertedAt, offset - shift));
  const remapped = second.diagnostics.map((d) => (d.span ? { ...d, span: lines.span(back(d.span.start), back(d.span.end)) } : d));
  const beforeComma = guess.closer.length === 1;
  const where = guess.callee ? `'${guess.open.text}' of ${guess.callee}` : `'${guess.open.text}'`;
  const unclosed: Diagnostic = {
    severity: 'error',
    code: 'SYNTAX',
    message: `${where} on line ${guess.line + 1} is never closed: line ${guess.nextLine + 1} starts the next item at the same indentation`,
    hint: beforeComma ? `add '${guess.closer}' before the ',' at the end of line ${guess.line + 1}` : `add '${guess.closer[0]}' at the end of line ${guess.line + 1}`,
    span: lines.span(guess.open.start, guess.open.end),
  };
  return { source, layers: [], diagnostics: [unclosed, ...remapped].sort(byPosition) };
}

function parseSequentialText(source: string): ModelIR {
  const lines = new LineIndex(source);
  const sink = new DiagnosticSink(lines);
  const program = parseProgram(tokenize(source, sink), source, sink);

  const imports: ImportStatement[] = [];
  const expressions: ExpressionStatement[] = [];
  for (const s of program.statements) {
    if (s.kind === 'import') imports.push(s);
    else expressions.push(s);
  }
  const ctx: ModelContext = { sink, scope: NameScope.fromImports(imports, isKnownName), source, lines };

  let model: { call: CallExpr; written: string } | null = null;
  const others: ExpressionStatement[] = [];
  for (const s of expressions) {
    const seq = sequentialOf(s.value, ctx);
    if (seq === null) {
      others.push(s);
      continue;
    }
    const written = dottedName(seq.call.callee)!.parts.join('.');
    if (model !== null) {
      sink.error(
        'MULTIPLE_MODELS',
        seq.call.callee.start,
        seq.call.callee.end,
        `a second model: the text may hold only one ${written}(...) (the first is at ${lines.where(model.call.start)})`,
        'keep one model per text; nest Sequentials inside it if you need groups',
      );
      continue;
    }
    model = { call: seq.call, written };
    if (seq.tuple !== null && !sink.hasSyntaxErrors()) {
      sink.error(
        'NO_MODEL',
        seq.tuple.start,
        seq.tuple.end,
        `this is a tuple (${written}(...), ...), not a model`,
        `remove the ',' after ${written}(...)`,
      );
    }
    for (const w of seq.wrappers) {
      const callee = w.callee as Extract<Expr, { kind: 'attribute' }>;
      sink.warning('IGNORED_STATEMENT', callee.nameStart, w.end, `.${callee.name}(...) is ignored: the chip runs the model in inference mode`);
    }
  }

  const layers: LayerIR[] = [];
  if (model !== null) {
    collectSequential(model.call, model.written, '', ctx, layers);
    // After a syntax error, "statements" are often fragments of the broken model.
    for (const s of sink.hasSyntaxErrors() ? [] : others) {
      if (s.value.kind === 'error') continue;
      sink.warning('IGNORED_STATEMENT', s.start, s.end, 'this statement is ignored: only the model and import lines are read');
    }
  } else if (!sink.hasSyntaxErrors()) {
    reportNoModel(expressions, ctx);
  }

  const diagnostics = sink.diagnostics.slice().sort(byPosition);
  return { source, layers: sink.errorCount > 0 ? [] : layers, diagnostics };
}
