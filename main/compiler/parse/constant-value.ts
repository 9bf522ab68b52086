// Evaluates the constant part of an argument: literals, True/False/None and arithmetic
// on numbers with Python's int/float rules (3 // 2 is the int 1, 3 / 1 the float 3.0,
// 2 ** -1 a float). Anything else (names, calls, tuples) is "not a constant" and left to
// the caller, which knows what the argument may be.

import type { DiagnosticSink } from './diagnostic-sink.js';
import type { Expr } from './syntax-tree.js';

export type Constant =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'none' }
  | { readonly kind: 'str'; readonly value: string };

/** A constant, 'other' (not a constant expression), or 'failed' (a problem already reported). */
export type Folded = Constant | { readonly kind: 'other' } | { readonly kind: 'failed' };

const NONE: Folded = { kind: 'none' };
const OTHER: Folded = { kind: 'other' };
const FAILED: Folded = { kind: 'failed' };
const TRUE: Folded = { kind: 'bool', value: true };
const FALSE: Folded = { kind: 'bool', value: false };

function num(isInt: boolean, value: number): Folded {
  return isInt ? { kind: 'int', value } : { kind: 'float', value };
}

/** Numeric view of a constant (bool counts as int, as in Python arithmetic). */
function numeric(c: Folded): { value: number; isInt: boolean } | null {
  if (c.kind === 'int') return { value: c.value, isInt: true };
  if (c.kind === 'float') return { value: c.value, isInt: false };
  if (c.kind === 'bool') return { value: c.value ? 1 : 0, isInt: true };
  return null;
}

/** Python's floor modulo: the result has the sign of the divisor. */
function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/**
 * Fold `e` to a constant. `sink` receives arithmetic errors (division by zero) when the
 * expression is user text; pass null for catalogue defaults, which never fail.
 */
export function foldConstant(e: Expr, sink: DiagnosticSink | null): Folded {
  switch (e.kind) {
    case 'number':
      return num(e.isInt, e.value);
    case 'string':
      return { kind: 'str', value: e.value };
    case 'constant':
      return e.value === null ? NONE : e.value ? TRUE : FALSE;
    case 'error':
      return FAILED;
    case 'unary': {
      const inner = foldConstant(e.operand, sink);
      if (inner.kind === 'failed') return FAILED;
      const n = numeric(inner);
      if (!n) return OTHER;
      if (e.op === '-') return num(n.isInt, n.isInt ? -n.value || 0 : -n.value);
      if (e.op === '+') return num(n.isInt, n.value);
      return n.isInt ? num(true, ~n.value) : OTHER;
    }
    case 'binary': {
      const l = foldConstant(e.left, sink);
      const r = foldConstant(e.right, sink);
      if (l.kind === 'failed' || r.kind === 'failed') return FAILED;
      if (l.kind === 'str' && r.kind === 'str' && e.op === '+') return { kind: 'str', value: l.value + r.value };
      const a = numeric(l);
      const b = numeric(r);
      if (!a || !b) return OTHER;
      const ints = a.isInt && b.isInt;
      switch (e.op) {
        case '+':
          return num(ints, a.value + b.value);
        case '-':
          return num(ints, a.value - b.value);
        case '*':
          return num(ints, a.value * b.value);
        case '/':
        case '//':
        case '%':
          if (b.value === 0) {
            sink?.error('BAD_ARGUMENT', e.start, e.end, 'division by zero');
            return FAILED;
          }
          if (e.op === '/') return num(false, a.value / b.value);
          if (e.op === '//') return num(ints, Math.floor(a.value / b.value));
          return num(ints, pyMod(a.value, b.value));
        case '**':
          if (a.value === 0 && b.value < 0) {
            sink?.error('BAD_ARGUMENT', e.start, e.end, 'zero cannot be raised to a negative power');
            return FAILED;
          }
          return num(ints && b.value >= 0, a.value ** b.value);
        default:
          return OTHER;
      }
    }
    default:
      return OTHER;
  }
}
