// Recursive-descent parser for the model-text subset of Python: import statements,
// `name = expression` / expression statements, and expressions made of names, attribute
// chains, literals, tuples, lists, dicts, unary/binary arithmetic and calls with
// positional and keyword arguments. It recovers inside bracketed lists (skips to the next
// ',' or the closing bracket) so one pass reports several syntax errors. It does not
// resolve names or evaluate anything; statements Python has but a model file does not
// need (def, class, if, ...) are reported and skipped with their indented body.

import type { DiagnosticSink } from './diagnostic-sink.js';
import type {
  DictEntry,
  ErrorExpr,
  Expr,
  ExpressionStatement,
  ImportBinding,
  ImportStatement,
  KeywordArgument,
  Program,
  Statement,
} from './syntax-tree.js';
import type { Token } from './tokenizer.js';

const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);
const BLOCK_KEYWORDS = new Set(['def', 'class', 'if', 'elif', 'else', 'for', 'while', 'with', 'try', 'except', 'finally', 'async']);
const CLOSER_OF: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };
const AUGMENTED = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '**=', '@=', '&=', '|=', '^=', '>>=', '<<=']);

/** Why a token that Python would accept is not part of the subset. */
const UNSUPPORTED_HINTS: Readonly<Record<string, string>> = {
  for: 'comprehensions are not supported; write the items out one by one',
  if: 'conditional expressions are not supported; write the value itself',
  lambda: 'lambda expressions are not supported in model text',
  and: 'boolean operators are not supported; write True or False',
  or: 'boolean operators are not supported; write True or False',
  not: 'boolean operators are not supported; write True or False',
  in: 'comparisons are not supported in model text',
  is: 'comparisons are not supported in model text',
  '==': 'comparisons are not supported in model text',
  '!=': 'comparisons are not supported in model text',
  '<': 'comparisons are not supported in model text',
  '>': 'comparisons are not supported in model text',
  '<=': 'comparisons are not supported in model text',
  '>=': 'comparisons are not supported in model text',
  ':=': 'assignment expressions are not supported in model text',
  ':': 'slices and annotations are not supported here',
};

class Parser {
  private pos = 0;
  /** Brackets currently open, innermost last. */
  private readonly open: Token[] = [];
  private unclosedReported = false;
  /**
   * Start of the token before which a bracket was closed by recovery (a line that lost its
   * ')' and ','): the enclosing list takes that token as its next item without a second error.
   */
  private recoveredBefore = -1;
  /** The current statement already skipped to the end of its line. */
  private lineSkipped = false;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly src: string,
    private readonly sink: DiagnosticSink,
  ) {}

  // ---- token access ----

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private peekAt(k: number): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }

  private advance(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  /** End offset of the last consumed token. */
  private lastEnd(): number {
    return this.pos > 0 ? this.tokens[this.pos - 1]!.end : 0;
  }

  private isOp(t: Token, op: string): boolean {
    return t.kind === 'op' && t.text === op;
  }

  private isWord(t: Token, word: string): boolean {
    return t.kind === 'name' && t.text === word;
  }

  private isCloser(t: Token): boolean {
    return t.kind === 'op' && (t.text === ')' || t.text === ']' || t.text === '}');
  }

  private canStartExpression(t: Token): boolean {
    switch (t.kind) {
      case 'name':
        return !KEYWORDS.has(t.text) || t.text === 'True' || t.text === 'False' || t.text === 'None';
      case 'number':
      case 'string':
      case 'error':
        return true;
      case 'op':
        return t.text === '(' || t.text === '[' || t.text === '{' || t.text === '-' || t.text === '+' || t.text === '~';
      default:
        return false;
    }
  }

  // ---- reporting ----

  private describe(t: Token): string {
    switch (t.kind) {
      case 'eof':
        return 'end of file';
      case 'newline':
        return 'end of line';
      case 'string':
        return 'string';
      default:
        return `'${this.src.slice(t.start, t.end)}'`;
    }
  }

  private unexpected(t: Token, expected: string): void {
    if (t.kind === 'error') return;
    if (t.kind === 'eof' && this.open.length > 0) return; // the open bracket is reported instead
    if (this.isCloser(t) && this.open.length === 0) {
      this.syntaxError(t.start, t.end, `unmatched '${t.text}'`, `remove it or add the matching opening bracket before it`);
      return;
    }
    const hint = UNSUPPORTED_HINTS[t.text];
    this.syntaxError(t.start, Math.max(t.end, t.start), `unexpected ${this.describe(t)}, expected ${expected}`, hint);
  }

  /**
   * Report a syntax error, unless it follows an unterminated string: the string swallowed
   * the rest of its line, so what comes after is an echo of that one mistake.
   */
  private syntaxError(start: number, end: number, message: string, hint?: string): void {
    const cut = this.sink.unterminatedStringAt;
    if (cut >= 0 && start > cut) return;
    this.sink.error('SYNTAX', start, end, message, hint);
  }

  private errorExpr(start: number, end: number): ErrorExpr {
    return { kind: 'error', start, end };
  }

  // ---- statements ----

  parseProgram(): Program {
    const statements: Statement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (t.kind === 'newline' || this.isOp(t, ';')) {
        this.advance();
        continue;
      }
      const before = this.pos;
      this.lineSkipped = false;
      const s = this.parseStatement();
      if (s) statements.push(s);
      if (!this.lineSkipped) this.endStatement();
      if (this.pos === before) this.advance(); // never loop on a token nobody consumes
    }
    return { statements };
  }

  parseSingleExpression(): Expr {
    const e = this.parseExpression();
    const t = this.peek();
    if (t.kind !== 'eof' && t.kind !== 'newline') this.unexpected(t, 'end of expression');
    return e;
  }

  private endStatement(): void {
    const t = this.peek();
    if (t.kind === 'newline' || this.isOp(t, ';')) {
      this.advance();
      return;
    }
    if (t.kind === 'eof') return;
    this.unexpected(t, 'end of line');
    this.skipLine();
  }

  /** Skip the rest of the logical line, including its newline. */
  private skipLine(): void {
    this.lineSkipped = true;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      this.advance();
      if (t.kind === 'newline') return;
    }
  }

  private parseStatement(): Statement | null {
    const t = this.peek();
    if (t.kind === 'name') {
      if (t.text === 'import') return this.parseImport();
      if (t.text === 'from') return this.parseFromImport();
      if (BLOCK_KEYWORDS.has(t.text)) {
        this.skipBlock(t, `'${t.text}' blocks are not supported in model text`);
        return null;
      }
      if (KEYWORDS.has(t.text) && !this.canStartExpression(t) && t.text !== 'lambda' && t.text !== 'not' && t.text !== 'await') {
        this.syntaxError(t.start, t.end, `'${t.text}' statements are not supported in model text`, 'the model text holds import lines and one nn.Sequential(...) expression');
        this.skipLine();
        return null;
      }
    }
    if (this.isOp(t, '@')) {
      this.skipBlock(t, 'decorators are not supported in model text');
      return null;
    }
    const first = this.parseExpressionList();
    const next = this.peek();
    const annotated = this.isOp(next, ':') && first.kind === 'name';
    if (this.isOp(next, '=') || annotated) {
      if (annotated) {
        this.advance();
        this.parseExpression();
        if (!this.isOp(this.peek(), '=')) return null; // a bare annotation binds nothing
      }
      this.advance();
      let target: ExpressionStatement['target'] = null;
      if (first.kind === 'name') target = { name: first.id, start: first.start, end: first.end };
      else if (first.kind !== 'error') {
        this.syntaxError(first.start, first.end, 'only a plain name can be assigned in model text', 'write model = nn.Sequential(...)');
      }
      const value = this.parseExpressionList();
      const after = this.peek();
      if (this.isOp(after, '=')) {
        this.syntaxError(after.start, after.end, 'chained assignment is not supported in model text', 'assign the model to one name: model = nn.Sequential(...)');
        this.skipLine();
      }
      return { kind: 'expression', target, value, start: first.start, end: value.end };
    }
    if (next.kind === 'op' && AUGMENTED.has(next.text)) {
      this.syntaxError(next.start, next.end, `augmented assignment '${next.text}' is not supported in model text`, 'write model = nn.Sequential(...)');
      this.skipLine();
      return null;
    }
    return { kind: 'expression', target: null, value: first, start: first.start, end: first.end };
  }

  /** Report a block statement once and skip it with every more-indented line after it. */
  private skipBlock(t: Token, message: string): void {
    this.syntaxError(t.start, t.end, message, 'paste only the nn.Sequential(...) expression (with its import lines), not the code around it');
    const base = t.indent;
    this.skipLine();
    if (base < 0) return;
    while (this.peek().kind !== 'eof' && this.peek().indent > base) this.skipLine();
  }

  private parseDottedName(): { name: string; end: number } | null {
    const first = this.peek();
    if (first.kind !== 'name' || KEYWORDS.has(first.text)) {
      this.unexpected(first, 'a module name');
      return null;
    }
    this.advance();
    let name = first.text;
    let end = first.end;
    while (this.isOp(this.peek(), '.')) {
      this.advance();
      const part = this.peek();
      if (part.kind !== 'name') {
        this.unexpected(part, 'a name after "."');
        return null;
      }
      this.advance();
      name += '.' + part.text;
      end = part.end;
    }
    return { name, end };
  }

  private expectName(what: string): Token | null {
    const t = this.peek();
    if (t.kind !== 'name' || KEYWORDS.has(t.text)) {
      this.unexpected(t, what);
      return null;
    }
    return this.advance();
  }

  private parseImport(): ImportStatement | null {
    const kw = this.advance();
    const bindings: ImportBinding[] = [];
    for (;;) {
      const dotted = this.parseDottedName();
      if (!dotted) {
        this.skipLine();
        return { kind: 'import', bindings, starModules: [], start: kw.start, end: this.lastEnd() };
      }
      if (this.isWord(this.peek(), 'as')) {
        this.advance();
        const alias = this.expectName('a name after "as"');
        if (!alias) {
          this.skipLine();
          return { kind: 'import', bindings, starModules: [], start: kw.start, end: this.lastEnd() };
        }
        bindings.push({ name: alias.text, target: dotted.name });
      } else {
        // `import torch.nn` binds `torch`; `torch.nn.X` then resolves through it.
        const head = dotted.name.split('.')[0]!;
        bindings.push({ name: head, target: head });
      }
      if (!this.isOp(this.peek(), ',')) break;
      this.advance();
    }
    return { kind: 'import', bindings, starModules: [], start: kw.start, end: this.lastEnd() };
  }

  private parseFromImport(): ImportStatement | null {
    const kw = this.advance();
    let relative = false;
    while (this.isOp(this.peek(), '.') || this.isOp(this.peek(), '...')) {
      this.advance();
      relative = true;
    }
    let module = '';
    if (!(relative && this.isWord(this.peek(), 'import'))) {
      const dotted = this.parseDottedName();
      if (!dotted) {
        this.skipLine();
        return null;
      }
      module = dotted.name;
    }
    if (!this.isWord(this.peek(), 'import')) {
      this.unexpected(this.peek(), "'import'");
      this.skipLine();
      return null;
    }
    this.advance();
    const bindings: ImportBinding[] = [];
    const starModules: string[] = [];
    if (this.isOp(this.peek(), '*')) {
      this.advance();
      if (!relative) starModules.push(module);
      return { kind: 'import', bindings, starModules, start: kw.start, end: this.lastEnd() };
    }
    const paren = this.isOp(this.peek(), '(') ? this.peek() : null;
    if (paren) {
      this.advance();
      this.open.push(paren);
    }
    for (;;) {
      if (paren && this.isOp(this.peek(), ')')) break;
      const name = this.expectName('a name to import');
      if (!name) break;
      let local = name.text;
      if (this.isWord(this.peek(), 'as')) {
        this.advance();
        const alias = this.expectName('a name after "as"');
        if (!alias) break;
        local = alias.text;
      }
      // Relative imports point into the user's own package, which the tool cannot see.
      if (!relative) bindings.push({ name: local, target: `${module}.${name.text}` });
      if (!this.isOp(this.peek(), ',')) break;
      this.advance();
    }
    if (paren) {
      this.open.pop();
      const t = this.peek();
      if (this.isOp(t, ')')) this.advance();
      else if (t.kind === 'eof') this.reportUnclosed(paren);
      else {
        this.unexpected(t, "')'");
        this.skipLine();
      }
    }
    return { kind: 'import', bindings, starModules, start: kw.start, end: this.lastEnd() };
  }

  // ---- expressions ----

  /** `a, b` without brackets is a tuple, as in Python. */
  private parseExpressionList(): Expr {
    const first = this.parseExpression();
    if (!this.isOp(this.peek(), ',')) return first;
    const items: Expr[] = [first];
    while (this.isOp(this.peek(), ',')) {
      this.advance();
      if (!this.canStartExpression(this.peek())) break;
      items.push(this.parseExpression());
    }
    return { kind: 'tuple', items, start: first.start, end: this.lastEnd() };
  }

  parseExpression(): Expr {
    let left = this.parseTerm();
    for (;;) {
      const t = this.peek();
      if (!(this.isOp(t, '+') || this.isOp(t, '-'))) return left;
      this.advance();
      const right = this.parseTerm();
      left = { kind: 'binary', op: t.text as '+' | '-', left, right, start: left.start, end: right.end };
    }
  }

  private parseTerm(): Expr {
    let left = this.parseFactor();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !(t.text === '*' || t.text === '/' || t.text === '//' || t.text === '%' || t.text === '@')) return left;
      this.advance();
      const right = this.parseFactor();
      left = { kind: 'binary', op: t.text, left, right, start: left.start, end: right.end };
    }
  }

  private parseFactor(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~')) {
      this.advance();
      const operand = this.parseFactor();
      return { kind: 'unary', op: t.text, operand, start: t.start, end: operand.end };
    }
    return this.parsePower();
  }

  private parsePower(): Expr {
    const base = this.parsePrimary();
    if (!this.isOp(this.peek(), '**')) return base;
    this.advance();
    const exponent = this.parseFactor();
    return { kind: 'binary', op: '**', left: base, right: exponent, start: base.start, end: exponent.end };
  }

  private parsePrimary(): Expr {
    let e = this.parseAtom();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op') return e;
      if (t.text === '.') {
        this.advance();
        const name = this.peek();
        if (name.kind !== 'name') {
          this.unexpected(name, 'a name after "."');
          return this.errorExpr(e.start, t.end);
        }
        this.advance();
        e = { kind: 'attribute', object: e, name: name.text, nameStart: name.start, start: e.start, end: name.end };
      } else if (t.text === '(') {
        e = this.parseCall(e);
      } else if (t.text === '[') {
        const open = this.advance();
        const items: Expr[] = [];
        const r = this.parseBracketed(open, () => items.push(this.parseExpression()));
        const end = r.close >= 0 ? r.close + 1 : this.lastEnd();
        const index: Expr = items.length === 1 && !r.trailingComma ? items[0]! : { kind: 'tuple', items, start: open.start, end };
        e = { kind: 'subscript', object: e, index, start: e.start, end };
      } else return e;
    }
  }

  private parseAtom(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'name':
        if (t.text === 'True' || t.text === 'False' || t.text === 'None') {
          this.advance();
          return { kind: 'constant', value: t.text === 'None' ? null : t.text === 'True', start: t.start, end: t.end };
        }
        if (KEYWORDS.has(t.text)) {
          this.unexpected(t, 'an expression');
          return this.errorExpr(t.start, t.end);
        }
        this.advance();
        return { kind: 'name', id: t.text, start: t.start, end: t.end };
      case 'number':
        this.advance();
        return { kind: 'number', value: t.num, isInt: t.isInt, start: t.start, end: t.end };
      case 'string': {
        this.advance();
        let value = t.text;
        let end = t.end;
        while (this.peek().kind === 'string') {
          const s = this.advance();
          value += s.text;
          end = s.end;
        }
        return { kind: 'string', value, start: t.start, end };
      }
      case 'error':
        this.advance();
        return this.errorExpr(t.start, t.end);
      case 'op':
        if (t.text === '(') return this.parseParenthesized();
        if (t.text === '[') {
          const open = this.advance();
          const items: Expr[] = [];
          const r = this.parseBracketed(open, () => items.push(this.parseItem()));
          return { kind: 'list', items, start: open.start, end: r.close >= 0 ? r.close + 1 : this.lastEnd() };
        }
        if (t.text === '{') return this.parseDict();
        this.unexpected(t, 'an expression');
        return this.errorExpr(t.start, t.end);
      default:
        this.unexpected(t, 'an expression');
        return this.errorExpr(t.start, t.start);
    }
  }

  /** A list or tuple item: an expression or `*iterable`. */
  private parseItem(): Expr {
    const t = this.peek();
    if (this.isOp(t, '*')) {
      this.advance();
      const value = this.parseExpression();
      return { kind: 'starred', value, start: t.start, end: value.end };
    }
    return this.parseExpression();
  }

  private parseParenthesized(): Expr {
    const open = this.advance();
    const items: Expr[] = [];
    const r = this.parseBracketed(open, () => items.push(this.parseItem()));
    const end = r.close >= 0 ? r.close + 1 : this.lastEnd();
    // `(x)` is x, but its span keeps the parentheses so enclosing spans cover them.
    if (items.length === 1 && !r.trailingComma) return { ...items[0]!, start: open.start, end };
    return { kind: 'tuple', items, start: open.start, end };
  }

  private parseDict(): Expr {
    const open = this.advance();
    const entries: DictEntry[] = [];
    let setReported = false;
    const r = this.parseBracketed(open, () => {
      const t = this.peek();
      if (this.isOp(t, '**')) {
        this.advance();
        const v = this.parseExpression();
        this.syntaxError(t.start, v.end, 'dictionary unpacking (**) is not supported in model text', 'write the entries out');
        return;
      }
      const key = this.parseExpression();
      if (this.isOp(this.peek(), ':')) {
        this.advance();
        entries.push({ key, value: this.parseExpression() });
      } else if (!setReported && key.kind !== 'error') {
        setReported = true;
        this.syntaxError(key.start, key.end, "expected ':' after a dictionary key", 'set literals are not supported; write {"name": layer, ...}');
      }
    });
    return { kind: 'dict', entries, start: open.start, end: r.close >= 0 ? r.close + 1 : this.lastEnd() };
  }

  private parseCall(callee: Expr): Expr {
    const open = this.advance();
    const args: Expr[] = [];
    const keywords: KeywordArgument[] = [];
    const r = this.parseBracketed(open, () => {
      const t = this.peek();
      if (this.isOp(t, '*')) {
        this.advance();
        const value = this.parseExpression();
        args.push({ kind: 'starred', value, start: t.start, end: value.end });
        return;
      }
      if (this.isOp(t, '**')) {
        this.advance();
        const value = this.parseExpression();
        keywords.push({ name: null, nameStart: t.start, nameEnd: t.end, value, start: t.start, end: value.end });
        return;
      }
      if (t.kind === 'name' && this.isOp(this.peekAt(1), '=')) {
        this.advance();
        this.advance();
        const value = this.parseExpression();
        keywords.push({ name: t.text, nameStart: t.start, nameEnd: t.end, value, start: t.start, end: value.end });
        return;
      }
      const value = this.parseExpression();
      if (keywords.length > 0) {
        // Reported and left out, so the binding does not add errors of its own about it.
        if (value.kind !== 'error') {
          this.syntaxError(value.start, value.end, 'positional argument after keyword arguments', 'move it before the keyword arguments, or give it by name (name=value)');
        }
        return;
      }
      args.push(value);
    });
    const end = r.close >= 0 ? r.close + 1 : this.lastEnd();
    return { kind: 'call', callee, args, keywords, openParen: open.start, closeParen: r.close, start: callee.start, end };
  }

  /**
   * Items separated by commas up to the bracket that closes `open`. Recovers from a bad
   * item by skipping to the next ',' or closing bracket; a missing comma between two
   * items is reported and the second item parsed as if it were there.
   */
  private parseBracketed(open: Token, item: () => void): { close: number; trailingComma: boolean } {
    const closer = CLOSER_OF[open.text]!;
    this.open.push(open);
    let close = -1;
    let trailingComma = false;
    for (;;) {
      let t = this.peek();
      if (this.isCloser(t)) {
        if (t.text !== closer) this.reportMismatch(open, t);
        this.advance();
        close = t.start;
        break;
      }
      if (t.kind === 'eof') {
        this.reportUnclosed(open);
        break;
      }
      if (this.isOp(t, ',')) {
        this.unexpected(t, `an expression or '${closer}'`);
        this.advance();
        continue;
      }
      const before = this.pos;
      item();
      trailingComma = false;
      t = this.peek();
      if (this.isOp(t, ',')) {
        this.advance();
        trailingComma = true;
        continue;
      }
      if (this.isCloser(t) || t.kind === 'eof') continue;
      if (this.canStartExpression(t) && this.pos > before) {
        if (t.start === this.recoveredBefore) continue;
        if (this.lostCloserBefore(t)) {
          // `nn.Conv2d(1, 20, 5` then a new line `nn.ReLU(),`: the line lost its ')' (and ','),
          // so close this bracket here instead of reading every later layer as its argument.
          const line = this.sink.lines.lineOf(this.lastEnd()) + 1;
          this.sink.error(
            'SYNTAX',
            open.start,
            open.end,
            `'${open.text}' opened here is not closed: is a '${closer}' missing at the end of line ${line}?`,
            `close it with '${closer}' (and separate it from ${this.describe(t)} with a comma)`,
          );
          this.recoveredBefore = t.start;
          break;
        }
        this.syntaxError(t.start, t.end, `expected ',' before ${this.describe(t)}`, 'separate the items with commas (missing comma?)');
        continue;
      }
      this.unexpected(t, `',' or '${closer}'`);
      this.syncInList();
      if (this.isOp(this.peek(), ',')) {
        this.advance();
        trailingComma = true;
      }
    }
    this.open.pop();
    return { close, trailingComma };
  }

  /**
   * True when `t` is a name (the start of the next layer) on a new line inside a bracket
   * that is itself inside another list, and that bracket's text so far is on earlier
   * lines: the shape of a line whose closing bracket was deleted, not of two items
   * missing a comma.
   */
  private lostCloserBefore(t: Token): boolean {
    // After an unterminated string the rest of the text is not what the user meant to close.
    if (this.open.length < 2 || this.sink.unterminatedStringAt >= 0 || t.kind !== 'name') return false;
    const lines = this.sink.lines;
    const tLine = lines.lineOf(t.start);
    return tLine > lines.lineOf(this.lastEnd()) && tLine > lines.lineOf(this.open[this.open.length - 1]!.start);
  }

  /** Skip to the next ',' or closing bracket of the current list (not consumed), or the end. */
  private syncInList(): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (t.kind === 'op') {
        if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
        else if (this.isCloser(t)) {
          if (depth === 0) return;
          depth--;
        } else if (t.text === ',' && depth === 0) return;
      }
      this.advance();
    }
  }

  private reportMismatch(open: Token, t: Token): void {
    const cut = this.sink.unterminatedStringAt;
    if (cut >= 0 && t.start > cut) return;
    const closer = CLOSER_OF[open.text]!;
    this.sink.error(
      'SYNTAX',
      t.start,
      t.end,
      `closing '${t.text}' does not match '${open.text}' opened at ${this.sink.lines.where(open.start)}`,
      `close it with '${closer}'`,
    );
    this.sink.report('info', 'SYNTAX', open.start, open.end, `'${open.text}' opened here is closed by '${t.text}' at ${this.sink.lines.where(t.start)}`);
  }

  private reportUnclosed(open: Token): void {
    if (this.unclosedReported || this.sink.unterminatedStringAt >= 0) return;
    this.unclosedReported = true;
    const closer = CLOSER_OF[open.text]!;
    this.sink.error(
      'SYNTAX',
      open.start,
      open.end,
      `'${open.text}' was never closed (the text ends at ${this.sink.lines.where(this.src.length)} with it still open)`,
      `add the matching '${closer}'`,
    );
  }
}

export function parseProgram(tokens: readonly Token[], source: string, sink: DiagnosticSink): Program {
  return new Parser(tokens, source, sink).parseProgram();
}

/** One expression (used for the catalogue's signature texts and in tests). */
export function parseExpressionText(tokens: readonly Token[], source: string, sink: DiagnosticSink): Expr {
  return new Parser(tokens, source, sink).parseSingleExpression();
}
