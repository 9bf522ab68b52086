// The syntax tree of the model-text subset: expressions (names, attribute chains,
// literals, tuples/lists/dicts, arithmetic, calls) and the few statements a model file
// holds (imports, one assignment or expression per line). Offsets are 0-based into the
// source, end exclusive. No meaning is attached here: names are not resolved, calls
// are not bound to signatures.

interface Node {
  readonly start: number;
  readonly end: number;
}

export interface NameExpr extends Node {
  readonly kind: 'name';
  readonly id: string;
}

export interface AttributeExpr extends Node {
  readonly kind: 'attribute';
  readonly object: Expr;
  readonly name: string;
  /** Offset of the attribute name (after the dot). */
  readonly nameStart: number;
}

export interface NumberExpr extends Node {
  readonly kind: 'number';
  readonly value: number;
  /** Python int (no '.', no exponent); otherwise float. */
  readonly isInt: boolean;
}

export interface StringExpr extends Node {
  readonly kind: 'string';
  readonly value: string;
}

/** True, False, None. */
export interface ConstantExpr extends Node {
  readonly kind: 'constant';
  readonly value: boolean | null;
}

export interface TupleExpr extends Node {
  readonly kind: 'tuple';
  readonly items: readonly Expr[];
}

export interface ListExpr extends Node {
  readonly kind: 'list';
  readonly items: readonly Expr[];
}

export interface DictEntry {
  readonly key: Expr;
  readonly value: Expr;
}

export interface DictExpr extends Node {
  readonly kind: 'dict';
  readonly entries: readonly DictEntry[];
}

export interface UnaryExpr extends Node {
  readonly kind: 'unary';
  readonly op: '-' | '+' | '~';
  readonly operand: Expr;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '@';

export interface BinaryExpr extends Node {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

export interface KeywordArgument extends Node {
  /** null for `**mapping`. */
  readonly name: string | null;
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly value: Expr;
}

export interface CallExpr extends Node {
  readonly kind: 'call';
  readonly callee: Expr;
  /** Positional arguments in order (`*x` appears as a StarredExpr). */
  readonly args: readonly Expr[];
  readonly keywords: readonly KeywordArgument[];
  readonly openParen: number;
  /** Offset of the closing ')', or -1 when the call was never closed. */
  readonly closeParen: number;
}

export interface SubscriptExpr extends Node {
  readonly kind: 'subscript';
  readonly object: Expr;
  readonly index: Expr;
}

/** `*x` inside a call, list or tuple. */
export interface StarredExpr extends Node {
  readonly kind: 'starred';
  readonly value: Expr;
}

/** Stands in for text that did not parse (already reported). */
export interface ErrorExpr extends Node {
  readonly kind: 'error';
}

export type Expr =
  | NameExpr
  | AttributeExpr
  | NumberExpr
  | StringExpr
  | ConstantExpr
  | TupleExpr
  | ListExpr
  | DictExpr
  | UnaryExpr
  | BinaryExpr
  | CallExpr
  | SubscriptExpr
  | StarredExpr
  | ErrorExpr;

/** One name an import statement binds: `import torch.nn as nn` binds nn -> torch.nn. */
export interface ImportBinding {
  readonly name: string;
  /** Fully qualified module or object name. */
  readonly target: string;
}

export interface ImportStatement extends Node {
  readonly kind: 'import';
  readonly bindings: readonly ImportBinding[];
  /** Modules imported with `from M import *`. */
  readonly starModules: readonly string[];
}

/** An expression on its own line, or `target = value` / `target: annotation = value`. */
export interface ExpressionStatement extends Node {
  readonly kind: 'expression';
  readonly target: { readonly name: string; readonly start: number; readonly end: number } | null;
  readonly value: Expr;
}

export type Statement = ImportStatement | ExpressionStatement;

export interface Program {
  readonly statements: readonly Statement[];
}

/** The name parts of `a.b.c` with the offset where each part starts, or null if `e` is not a dotted name. */
export function dottedName(e: Expr): { parts: string[]; starts: number[] } | null {
  const parts: string[] = [];
  const starts: number[] = [];
  let cur: Expr = e;
  while (cur.kind === 'attribute') {
    parts.push(cur.name);
    starts.push(cur.nameStart);
    cur = cur.object;
  }
  if (cur.kind !== 'name') return null;
  parts.push(cur.id);
  starts.push(cur.start);
  parts.reverse();
  starts.reverse();
  return { parts, starts };
}
