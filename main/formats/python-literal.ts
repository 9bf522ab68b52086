// The small subset of Python literal syntax that .npy headers are written in (numpy
// writes them with repr() and reads them with ast.literal_eval): dicts with string keys,
// lists, tuples, strings, integers, True/False/None. It parses that subset and prints
// strings the way repr() does; it deliberately does not evaluate anything else (no
// floats, no expressions, no sets).

/** A Python sequence; `tuple` tells `(...)` from `[...]` (numpy requires the shape to be a tuple). */
export interface PySequence {
  readonly tuple: boolean;
  readonly items: readonly PyValue[];
}

export type PyValue = string | number | boolean | null | PySequence | ReadonlyMap<string, PyValue>;

export class PythonLiteralError extends Error {
  readonly code = 'BAD_FILE_FORMAT';
  override readonly name = 'PythonLiteralError';
  constructor(
    message: string,
    /** 0-based character offset into the text where parsing stopped. */
    readonly offset: number,
  ) {
    super(message);
  }
}

export function isSequence(v: PyValue | undefined): v is PySequence {
  return typeof v === 'object' && v !== null && !(v instanceof Map);
}

export function isDict(v: PyValue | undefined): v is ReadonlyMap<string, PyValue> {
  return v instanceof Map;
}

/** Parse one Python literal filling the whole text (surrounding whitespace allowed). */
/** Deepest nesting of brackets a literal may have (.npy headers use two or three levels). */
export const MAX_LITERAL_DEPTH = 64;

export function parsePythonLiteral(text: string): PyValue {
  const p = new Parser(text);
  p.skipSpace();
  const v = p.value();
  p.skipSpace();
  if (p.pos !== text.length) p.error(`unexpected ${JSON.stringify(text.slice(p.pos, p.pos + 10))} after the value`);
  return v;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
};

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  error(message: string): never {
    throw new PythonLiteralError(`${message} (at character ${this.pos})`, this.pos);
  }

  skipSpace(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else break;
    }
  }

  private depth = 0;

  value(): PyValue {
    const s = this.s;
    const c = s[this.pos];
    if (c === undefined) this.error('unexpected end of text');
    if (c === '{' || c === '[' || c === '(') {
      // Each bracket is one level of recursion: bound it so no header can exhaust the stack.
      if (++this.depth > MAX_LITERAL_DEPTH) this.error(`brackets are nested more than ${MAX_LITERAL_DEPTH} levels deep`);
      try {
        return c === '{' ? this.dict() : c === '[' ? this.sequence(']', false) : this.sequence(')', true);
      } finally {
        this.depth--;
      }
    }
    if (c === "'" || c === '"') return this.string();
    if ((c === 'u' || c === 'U') && (s[this.pos + 1] === "'" || s[this.pos + 1] === '"')) {
      this.pos++;
      return this.string();
    }
    if (c === '-' || c === '+' || (c >= '0' && c <= '9')) return this.integer();
    for (const [word, v] of [
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const) {
      if (s.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    this.error(`unexpected ${JSON.stringify(s.slice(this.pos, this.pos + 10))}`);
  }

  private dict(): ReadonlyMap<string, PyValue> {
    const out = new Map<string, PyValue>();
    this.pos++; // {
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const key = this.value();
      if (typeof key !== 'string') this.error('dictionary keys must be strings');
      this.skipSpace();
      if (this.s[this.pos] !== ':') this.error("expected ':' after a dictionary key");
      this.pos++;
      this.skipSpace();
      out.set(key, this.value());
      this.skipSpace();
      const c = this.s[this.pos];
      if (c === ',') this.pos++;
      else if (c !== '}') this.error("expected ',' or '}' in a dictionary");
    }
  }

  private sequence(close: ')' | ']', tuple: boolean): PyValue {
    const items: PyValue[] = [];
    let sawComma = false;
    this.pos++; // ( or [
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] === close) {
        this.pos++;
        // `(x)` is just x in Python, not a one-element tuple.
        if (tuple && items.length === 1 && !sawComma) return items[0]!;
        return { tuple, items };
      }
      items.push(this.value());
      this.skipSpace();
      const c = this.s[this.pos];
      if (c === ',') {
        sawComma = true;
        this.pos++;
      } else if (c !== close) this.error(`expected ',' or '${close}'`);
    }
  }

  private string(): string {
    const s = this.s;
    const quote = s[this.pos]!;
    this.pos++;
    let out = '';
    for (;;) {
      const c = s[this.pos];
      if (c === undefined || c === '\n') this.error('unterminated string');
      this.pos++;
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = s[this.pos];
      if (e === undefined) this.error('unterminated string');
      this.pos++;
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
      } else if (e === 'x' || e === 'u' || e === 'U') {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = s.slice(this.pos, this.pos + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.error(`bad \\${e} escape`);
        out += String.fromCodePoint(parseInt(hex, 16));
        this.pos += len;
      } else if (e >= '0' && e <= '7') {
        let oct = e;
        while (oct.length < 3 && (s[this.pos] ?? '') >= '0' && (s[this.pos] ?? '') <= '7') oct += s[this.pos++];
        out += String.fromCharCode(parseInt(oct, 8));
      } else {
        // Python keeps unknown escapes as they are.
        out += '\\' + e;
      }
    }
  }

  private integer(): number {
    const s = this.s;
    const start = this.pos;
    if (s[this.pos] === '-' || s[this.pos] === '+') this.pos++;
    const digitsStart = this.pos;
    while (this.pos < s.length && s[this.pos]! >= '0' && s[this.pos]! <= '9') this.pos++;
    if (this.pos === digitsStart) this.error('expected a number');
    const c = s[this.pos];
    if (c === '.' || c === 'e' || c === 'E') this.error('only integers are allowed here');
    const v = Number(s.slice(start, this.pos));
    // Python 2 wrote long integers with an L suffix; numpy still reads such headers.
    if (c === 'L' || c === 'l') this.pos++;
    if (!Number.isSafeInteger(v)) this.error(`integer ${s.slice(start, this.pos)} is too large`);
    return v;
  }
}

/** repr() of a Python str: single quotes unless the text has ' and no ". */
export function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

/** repr() of a Python tuple of integers: `()`, `(5,)`, `(2, 3)`. */
export function pythonTupleRepr(values: readonly number[]): string {
  if (values.length === 1) return `(${values[0]},)`;
  return `(${values.join(', ')})`;
}
