// Binds a call's arguments to a catalogue signature the way Python does (positional in
// order, then keywords; too many, unknown, repeated and missing arguments are errors)
// and reads them as typed values: ints, (h, w) pairs, bools, numbers, optional values,
// `torch.tensor(x)` scalars. A value the user did not give is read from the signature's
// default, so defaults live in one place (layer-catalog.ts). Readers report a bad value
// at its exact span and return a fallback so the caller can keep going; what a value
// means for the chip is decided by the layer builders, not here.

import type { Pair } from '../model-ir.js';
import { foldConstant, type Folded } from './constant-value.js';
import { closestName } from './did-you-mean.js';
import type { DiagnosticSink } from './diagnostic-sink.js';
import { isKnownName, lookup, SINABS_ACTIVATION, signatureOf, type CatalogEntry, type Signature } from './layer-catalog.js';
import { NameScope } from './name-scope.js';
import { dottedName, type CallExpr, type Expr } from './syntax-tree.js';

export interface ReadContext {
  readonly sink: DiagnosticSink;
  /** The model text's names. */
  readonly scope: NameScope;
  readonly source: string;
}

/** Names in catalogue defaults resolve as in the module that defines them (sinabs.layers imports sinabs.activation's names). */
export const CATALOG_SCOPE: NameScope = (() => {
  const s = new NameScope(isKnownName);
  s.starImport(SINABS_ACTIVATION);
  return s;
})();

/** One argument: the user's expression, or the signature's default (user = false). */
export interface Arg {
  readonly name: string;
  /** null: a required argument the call lacks (already reported). */
  readonly expr: Expr | null;
  readonly user: boolean;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function describeInt(min: number): string {
  if (min === 1) return 'a positive integer';
  if (min === 0) return 'a non-negative integer';
  if (min === -Infinity) return 'an integer';
  return `an integer >= ${min}`;
}

/** Source text of an expression for messages, shortened. */
export function exprText(source: string, e: { readonly start: number; readonly end: number }): string {
  const t = source.slice(e.start, e.end).replace(/\s+/g, ' ');
  return t.length > 40 ? t.slice(0, 37) + '...' : t;
}

/** Qualified name of a dotted reference (or of a call's callee), or null. */
export function resolveReference(e: Expr, scope: NameScope): string | null {
  const d = dottedName(e.kind === 'call' ? e.callee : e);
  return d ? scope.resolve(d.parts) : null;
}

export class CallArguments {
  constructor(
    readonly entry: CatalogEntry,
    /** The class as written, e.g. "nn.Conv2d". */
    readonly written: string,
    readonly call: CallExpr,
    private readonly values: ReadonlyMap<string, Expr>,
    private readonly signature: Signature,
    private readonly forwarded: Signature | null,
    readonly ctx: ReadContext,
  ) {}

  /** The user's expression for a parameter, if the call gives it. */
  given(name: string): Expr | undefined {
    return this.values.get(name);
  }

  arg(name: string): Arg {
    const v = this.values.get(name);
    if (v !== undefined) return { name, expr: v, user: true };
    const p = this.signature.byName.get(name) ?? this.forwarded?.byName.get(name);
    if (p === undefined) throw new Error(`catalogue: ${this.entry.qualified} has no parameter ${name}`);
    return { name, expr: p.default, user: false };
  }

  scopeOf(a: Arg): NameScope {
    return a.user ? this.ctx.scope : CATALOG_SCOPE;
  }

  text(e: Expr): string {
    return exprText(this.ctx.source, e);
  }

  /** Where a problem with the whole call is shown: its closing parenthesis, else the call. */
  closeSpan(): [number, number] {
    const c = this.call;
    return c.closeParen >= 0 ? [c.closeParen, c.closeParen + 1] : [c.start, c.end];
  }

  /** Report a bad value; a bad catalogue default is a bug in the catalogue. */
  bad(a: Arg, at: Expr, message: string, hint?: string): void {
    if (!a.user) throw new Error(`catalogue: default of ${this.entry.qualified}.${a.name} is invalid: ${message}`);
    // A layer where a number belongs usually means a ')' is missing before it.
    const q = at.kind === 'call' ? resolveReference(at, this.ctx.scope) : null;
    const role = q !== null ? lookup(q)?.role : undefined;
    const layerHint = role === 'layer' || role === 'unsupported' || role === 'container' ? `is a ')' missing before ${this.text(at)}?` : undefined;
    this.ctx.sink.error('BAD_ARGUMENT', at.start, at.end, `${this.written}: ${message}`, layerHint ?? hint);
  }

  warnIgnored(at: Expr, message: string, hint?: string): void {
    this.ctx.sink.warning('IGNORED_ARGUMENT', at.start, at.end, `${this.written}: ${message}`, hint);
  }

  fold(a: Arg, e: Expr): Folded {
    return foldConstant(e, a.user ? this.ctx.sink : null);
  }

  // ---- integers ----

  /** An int constant >= min, or undefined when bad (reported). */
  intFrom(a: Arg, e: Expr, min: number, pairAllowed = false): number | undefined {
    const f = this.fold(a, e);
    if (f.kind === 'failed') return undefined;
    const what = `${describeInt(min)}${pairAllowed ? ' or a pair (height, width) of them' : ''}`;
    if (f.kind !== 'int') {
      const hint = f.kind === 'float' ? 'PyTorch needs a whole number here' : undefined;
      this.bad(a, e, `${a.name} must be ${what}, got ${this.text(e)}`, hint);
      return undefined;
    }
    if (f.value < min) {
      this.bad(a, e, `${a.name} must be ${describeInt(min)}, got ${f.value}`);
      return undefined;
    }
    return f.value;
  }

  int(name: string, min: number, fallback = Math.max(min, 1)): number {
    const a = this.arg(name);
    if (a.expr === null) return fallback;
    return this.intFrom(a, a.expr, min, false) ?? fallback;
  }

  /** An int or None. */
  optionalInt(name: string, min: number): number | null {
    const a = this.arg(name);
    if (a.expr === null) return null;
    const f = this.fold(a, a.expr);
    if (f.kind === 'none' || f.kind === 'failed') return null;
    if (f.kind !== 'int') {
      this.bad(a, a.expr, `${name} must be ${describeInt(min)} or None, got ${this.text(a.expr)}`);
      return null;
    }
    return this.intFrom(a, a.expr, min, false) ?? null;
  }

  private pairFrom(a: Arg, e: Expr, min: number): Pair | undefined {
    if (e.kind === 'tuple' || e.kind === 'list') {
      if (e.items.length !== 2) {
        this.bad(a, e, `${a.name} must be one integer or a pair (height, width), got ${plural(e.items.length, 'value')}`);
        return undefined;
      }
      const h = this.intFrom(a, e.items[0]!, min, false);
      const w = this.intFrom(a, e.items[1]!, min, false);
      return h === undefined || w === undefined ? undefined : [h, w];
    }
    const v = this.intFrom(a, e, min, true);
    return v === undefined ? undefined : [v, v];
  }

  /** An int (used for both dimensions) or a pair of ints. */
  pair(name: string, min: number, fallback: Pair = [Math.max(min, 1), Math.max(min, 1)]): Pair {
    const a = this.arg(name);
    if (a.expr === null) return fallback;
    return this.pairFrom(a, a.expr, min) ?? fallback;
  }

  /** A pair or None (None -> null). */
  optionalPair(name: string, min: number): Pair | null | undefined {
    const a = this.arg(name);
    if (a.expr === null) return undefined;
    if (a.expr.kind === 'constant' && a.expr.value === null) return null;
    return this.pairFrom(a, a.expr, min);
  }

  // ---- other scalars ----

  bool(name: string): boolean {
    const a = this.arg(name);
    const fallback = false;
    if (a.expr === null) return fallback;
    const f = this.fold(a, a.expr);
    if (f.kind === 'bool') return f.value;
    if (f.kind !== 'failed') this.bad(a, a.expr, `${name} must be True or False, got ${this.text(a.expr)}`);
    return this.defaultBool(name) ?? fallback;
  }

  private defaultBool(name: string): boolean | undefined {
    const p = this.signature.byName.get(name) ?? this.forwarded?.byName.get(name);
    if (!p?.default) return undefined;
    const f = foldConstant(p.default, null);
    return f.kind === 'bool' ? f.value : undefined;
  }

  /** A number (int or float, or `torch.tensor(number)` when `tensor`), or undefined when bad (reported). */
  numberFrom(a: Arg, e: Expr, tensor: boolean): number | undefined {
    if (tensor && e.kind === 'call' && resolveReference(e, this.scopeOf(a)) === 'torch.tensor') {
      const entry = lookup('torch.tensor')!;
      const t = bindCall(e, entry, exprText(this.ctx.source, e.callee), this.ctx);
      const data = t.arg('data');
      if (data.expr === null) return undefined;
      const v = t.numberFrom(data, data.expr, false);
      if (v === undefined && data.expr.kind !== 'error') return undefined;
      return v;
    }
    const f = this.fold(a, e);
    if (f.kind === 'failed') return undefined;
    if (f.kind === 'int' || f.kind === 'float') return f.value;
    this.bad(a, e, `${a.name} must be a number${tensor ? ' (or torch.tensor(number))' : ''}, got ${this.text(e)}`);
    return undefined;
  }

  number(name: string, fallback: number, tensor = false): number {
    const a = this.arg(name);
    if (a.expr === null) return fallback;
    return this.numberFrom(a, a.expr, tensor) ?? fallback;
  }

  /** A number or None; undefined when bad (reported). */
  optionalNumber(name: string, tensor = false): number | null | undefined {
    const a = this.arg(name);
    if (a.expr === null) return undefined;
    if (a.expr.kind === 'constant' && a.expr.value === null) return null;
    return this.numberFrom(a, a.expr, tensor);
  }

  /** A string constant, or null for anything else (reported). */
  string(name: string): string | null {
    const a = this.arg(name);
    if (a.expr === null) return null;
    const f = this.fold(a, a.expr);
    if (f.kind === 'str') return f.value;
    if (f.kind !== 'failed') this.bad(a, a.expr, `${name} must be a string, got ${this.text(a.expr)}`);
    return null;
  }

  /** Warn when an argument that only matters to PyTorch (device, dtype) is set. */
  ignoredUnlessNone(name: string, why: string): void {
    const e = this.values.get(name);
    if (e === undefined || (e.kind === 'constant' && e.value === null)) return;
    this.warnIgnored(e, `${name} is ignored (${why})`);
  }
}

/**
 * Bind `call` to `entry`'s signature as Python would, reporting TOO_MANY_ARGUMENTS,
 * UNKNOWN_KEYWORD, DUPLICATE_ARGUMENT and MISSING_ARGUMENT at their spans.
 */
export function bindCall(call: CallExpr, entry: CatalogEntry, written: string, ctx: ReadContext): CallArguments {
  const sig = signatureOf(entry);
  const fwdEntry = entry.kwargsTo !== undefined ? lookup(entry.kwargsTo) : undefined;
  const fwd = fwdEntry ? signatureOf(fwdEntry) : null;
  const sink = ctx.sink;
  const values = new Map<string, Expr>();
  let complete = true;
  let position = 0;
  const extra: Expr[] = [];
  let positionalCount = 0;

  for (const a of call.args) {
    if (a.kind === 'starred') {
      complete = false;
      sink.error('BAD_ARGUMENT', a.start, a.end, `${written}: argument unpacking (${exprText(ctx.source, a)}) cannot be read`, 'write the arguments out');
      continue;
    }
    positionalCount++;
    if (!complete) continue; // positions after *x are unknown
    const p = sig.params[position];
    if (p !== undefined) values.set(p.name, a);
    else if (!sig.varArgs) extra.push(a);
    position++;
  }
  if (extra.length > 0) {
    const max = sig.params.length;
    const names = sig.params.map((p) => p.name).join(', ');
    sink.error(
      'TOO_MANY_ARGUMENTS',
      extra[0]!.start,
      extra[extra.length - 1]!.end,
      max === 0
        ? `${written} takes no positional arguments, got ${positionalCount}`
        : `${written} takes at most ${plural(max, 'positional argument')} (${names}), got ${positionalCount}`,
      fwd ? `give the other arguments by name, e.g. ${fwd.params[0]!.name}=...` : 'remove the extra values, or give arguments by name (name=value)',
    );
  }

  const byKeyword = new Set<string>();
  for (const kw of call.keywords) {
    if (kw.name === null) {
      complete = false;
      sink.error('BAD_ARGUMENT', kw.start, kw.end, `${written}: keyword unpacking (${exprText(ctx.source, kw)}) cannot be read`, 'write the keyword arguments out');
      continue;
    }
    const known = sig.byName.has(kw.name) || (fwd !== null && fwd.byName.has(kw.name));
    if (!known) {
      if (sig.varKwargs && fwd === null) continue; // e.g. nn.Identity(**kwargs) takes anything
      const names = [...sig.params.map((p) => p.name), ...(fwd ? fwd.params.map((p) => p.name) : [])];
      const guess = closestName(kw.name, names);
      sink.error(
        'UNKNOWN_KEYWORD',
        kw.nameStart,
        kw.nameEnd,
        `${written} has no argument '${kw.name}'`,
        guess !== null ? `did you mean ${guess}?` : names.length > 0 ? `its arguments are: ${names.join(', ')}` : `${written} takes no arguments`,
      );
      continue;
    }
    if (values.has(kw.name)) {
      sink.error(
        'DUPLICATE_ARGUMENT',
        kw.start,
        kw.end,
        byKeyword.has(kw.name)
          ? `${written}: keyword argument '${kw.name}' is given twice`
          : `${written}: '${kw.name}' is given both by position and by keyword`,
        'remove one of them',
      );
      continue;
    }
    values.set(kw.name, kw.value);
    byKeyword.add(kw.name);
  }

  const args = new CallArguments(entry, written, call, values, sig, fwd, ctx);
  if (complete) {
    const missing = sig.params.filter((p) => p.default === null && !values.has(p.name)).map((p) => `'${p.name}'`);
    if (missing.length > 0) {
      const [s, e] = args.closeSpan();
      sink.error(
        'MISSING_ARGUMENT',
        s,
        e,
        `${written} is missing required argument${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
        `signature: ${written}${(entry.signature ?? '').slice(entry.name.length)}`,
      );
    }
  }
  return args;
}
