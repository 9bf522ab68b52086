// Python tokenizer for the model-text subset: names, numbers (1_000, 1e-3, .5, 0x1f),
// strings (prefixes, escapes, triple quotes), operators, `#` comments, implicit line
// joining inside brackets and `\` continuation. One pass over the characters, no regular
// expressions. Indentation produces no INDENT/DEDENT tokens: the model text is a flat
// list of statements; the column where a logical line starts is kept on its first token
// so the parser can skip the body of a statement it does not support.

import type { DiagnosticSink } from './diagnostic-sink.js';

export type TokenKind = 'name' | 'number' | 'string' | 'op' | 'newline' | 'eof' | 'error';

export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  /** name: the identifier; op: the operator; string: the decoded value; else ''. */
  readonly text: string;
  /** number: the value (NaN otherwise). */
  readonly num: number;
  /** number: written without '.', exponent (an int in Python). */
  readonly isInt: boolean;
  /** Column (0-based) when the token starts a logical line outside brackets, else -1. */
  readonly indent: number;
}

const OPS3 = new Set(['**=', '//=', '>>=', '<<=', '...']);
const OPS2 = new Set([
  '**', '//', '->', ':=', '==', '!=', '<=', '>=', '<<', '>>',
  '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=',
]);
const OPS1 = '()[]{},:.;=+-*/%@<>&|^~';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function isStringPrefix(word: string): boolean {
  if (word.length > 2) return false;
  const w = word.toLowerCase();
  return w === 'r' || w === 'u' || w === 'b' || w === 'f' || w === 'br' || w === 'rb' || w === 'fr' || w === 'rf';
}

/** Deepest bracket nesting a model text may have (models need a handful of levels). */
export const MAX_BRACKET_DEPTH = 200;

export function tokenize(src: string, sink: DiagnosticSink): Token[] {
  const tokens: Token[] = [];
  const n = src.length;
  let i = 0;
  let depth = 0;
  let lineStart = 0;
  let lineHasTokens = false;

  const push = (kind: TokenKind, start: number, end: number, text: string, num = NaN, isInt = false): void => {
    const indent = depth === 0 && !lineHasTokens && kind !== 'newline' ? start - lineStart : -1;
    tokens.push({ kind, start, end, text, num, isInt, indent });
    if (kind !== 'newline') lineHasTokens = true;
  };

  const fail = (start: number, end: number, message: string, hint?: string): void => {
    sink.error('SYNTAX', start, end, message, hint);
    push('error', start, end, src.slice(start, end));
  };

  /** Digits of a decimal run with single underscores between digits; returns the end or -1. */
  const scanDigits = (from: number, digit: (c: number) => boolean): number => {
    let j = from;
    if (!digit(src.charCodeAt(j))) return -1;
    while (j < n) {
      const c = src.charCodeAt(j);
      if (digit(c)) j++;
      else if (c === 95 && j + 1 < n && digit(src.charCodeAt(j + 1))) j += 2;
      else if (c === 95) return -1;
      else break;
    }
    return j;
  };

  const scanNumber = (start: number): number => {
    let j = start;
    const c0 = src.charCodeAt(j);
    const c1 = src.charCodeAt(j + 1) | 32;
    if (c0 === 48 && (c1 === 120 || c1 === 111 || c1 === 98)) {
      const radix = c1 === 120 ? 16 : c1 === 111 ? 8 : 2;
      const digit = radix === 16 ? isHexDigit : radix === 8 ? (c: number) => c >= 48 && c <= 55 : (c: number) => c === 48 || c === 49;
      j += 2;
      if (src.charCodeAt(j) === 95) j++;
      const end = scanDigits(j, digit);
      if (end === -1 || (end < n && isIdentPart(src.charCodeAt(end)))) {
        let stop = j;
        while (stop < n && isIdentPart(src.charCodeAt(stop))) stop++;
        fail(start, stop, `invalid ${radix === 16 ? 'hexadecimal' : radix === 8 ? 'octal' : 'binary'} literal '${src.slice(start, stop)}'`);
        return stop;
      }
      const value = parseInt(src.slice(j, end).replace(/_/g, ''), radix);
      push('number', start, end, '', value, true);
      return end;
    }
    let isInt = true;
    let bad = false;
    if (c0 !== 46) {
      j = scanDigits(j, isDigit);
      if (j === -1) bad = true;
    }
    if (!bad && src.charCodeAt(j) === 46) {
      isInt = false;
      j++;
      if (isDigit(src.charCodeAt(j))) {
        j = scanDigits(j, isDigit);
        if (j === -1) bad = true;
      } else if (src.charCodeAt(j) === 95) bad = true;
    }
    if (!bad && (src.charCodeAt(j) | 32) === 101) {
      let k = j + 1;
      const s = src.charCodeAt(k);
      if (s === 43 || s === 45) k++;
      const end = scanDigits(k, isDigit);
      if (end === -1) bad = true;
      else {
        j = end;
        isInt = false;
      }
    }
    if (bad || j === -1) {
      let stop = start + 1;
      while (stop < n && (isIdentPart(src.charCodeAt(stop)) || src.charCodeAt(stop) === 46)) stop++;
      fail(start, stop, `invalid number '${src.slice(start, stop)}'`, 'underscores go between digits (1_000) and an exponent needs digits (1e-3)');
      return stop;
    }
    if (j < n && (src.charCodeAt(j) | 32) === 106) {
      fail(start, j + 1, `complex number '${src.slice(start, j + 1)}' is not supported`);
      return j + 1;
    }
    if (j < n && isIdentPart(src.charCodeAt(j))) {
      let stop = j;
      while (stop < n && isIdentPart(src.charCodeAt(stop))) stop++;
      fail(start, stop, `invalid number '${src.slice(start, stop)}'`, 'separate the number from the name that follows it');
      return stop;
    }
    const text = src.slice(start, j);
    const clean = text.indexOf('_') === -1 ? text : text.replace(/_/g, '');
    if (isInt && clean.length > 1 && clean.charCodeAt(0) === 48 && /[1-9]/.test(clean)) {
      fail(start, j, `leading zeros in a decimal integer are not allowed ('${text}')`, 'write the number without leading zeros');
      return j;
    }
    push('number', start, j, '', Number(clean), isInt);
    return j;
  };

  const scanString = (start: number, quoteAt: number, raw: boolean): number => {
    const q = src.charCodeAt(quoteAt);
    const triple = src.charCodeAt(quoteAt + 1) === q && src.charCodeAt(quoteAt + 2) === q;
    let j = quoteAt + (triple ? 3 : 1);
    let chunkStart = j;
    let out = '';
    while (true) {
      if (j >= n || (!triple && src.charCodeAt(j) === 10)) {
        const stop = j;
        if (sink.unterminatedStringAt < 0) sink.unterminatedStringAt = start;
        fail(start, stop, triple ? 'unterminated triple-quoted string' : 'unterminated string', `close the string with ${triple ? String.fromCharCode(q, q, q) : String.fromCharCode(q)}`);
        return stop;
      }
      const c = src.charCodeAt(j);
      if (c === q && (!triple || (src.charCodeAt(j + 1) === q && src.charCodeAt(j + 2) === q))) {
        out += src.slice(chunkStart, j);
        const end = j + (triple ? 3 : 1);
        push('string', start, end, out);
        return end;
      }
      if (c === 10) lineStart = j + 1;
      if (c === 92) {
        const e = src.charCodeAt(j + 1);
        if (raw) {
          // A raw string keeps the backslash; the escaped character cannot end the string.
          if (e === 10) lineStart = j + 2;
          j += j + 1 < n ? 2 : 1;
          continue;
        }
        out += src.slice(chunkStart, j);
        let next = j + 2;
        switch (e) {
          case 10: lineStart = j + 2; break;
          case 110: out += '\n'; break;
          case 116: out += '\t'; break;
          case 114: out += '\r'; break;
          case 92: out += '\\'; break;
          case 39: out += "'"; break;
          case 34: out += '"'; break;
          case 48: out += '\0'; break;
          case 97: out += '\x07'; break;
          case 98: out += '\b'; break;
          case 102: out += '\f'; break;
          case 118: out += '\v'; break;
          case 120: case 117: case 85: {
            const len = e === 120 ? 2 : e === 117 ? 4 : 8;
            const hex = src.slice(j + 2, j + 2 + len);
            let ok = hex.length === len;
            for (let k = 0; ok && k < len; k++) ok = isHexDigit(hex.charCodeAt(k));
            if (ok) {
              out += String.fromCodePoint(parseInt(hex, 16));
              next = j + 2 + len;
            } else out += src.slice(j, j + 2);
            break;
          }
          default:
            out += src.slice(j, j + 2);
        }
        j = next;
        chunkStart = j;
        continue;
      }
      j++;
    }
  };

  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      if (depth === 0 && lineHasTokens) {
        push('newline', i, i + 1, '');
        lineHasTokens = false;
      }
      i++;
      lineStart = i;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12) {
      i++;
      continue;
    }
    if (c === 35) {
      const nl = src.indexOf('\n', i);
      i = nl === -1 ? n : nl;
      continue;
    }
    if (c === 92) {
      let j = i + 1;
      if (src.charCodeAt(j) === 13) j++;
      if (j < n && src.charCodeAt(j) === 10) {
        i = j + 1;
        lineStart = i;
        continue;
      }
      fail(i, i + 1, j >= n ? 'line continuation \\ at the end of the file' : 'unexpected character after line continuation \\', 'a \\ must be the last character of its line');
      i++;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(src.charCodeAt(j))) j++;
      const word = src.slice(i, j);
      const after = src.charCodeAt(j);
      if ((after === 39 || after === 34) && isStringPrefix(word)) {
        i = scanString(i, j, word.toLowerCase().includes('r'));
        continue;
      }
      push('name', i, j, word);
      i = j;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(i + 1)))) {
      i = scanNumber(i);
      continue;
    }
    if (c === 39 || c === 34) {
      i = scanString(i, i, false);
      continue;
    }
    const three = src.slice(i, i + 3);
    if (OPS3.has(three)) {
      push('op', i, i + 3, three);
      i += 3;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (OPS2.has(two)) {
      push('op', i, i + 2, two);
      i += 2;
      continue;
    }
    const one = src[i]!;
    if (OPS1.includes(one)) {
      // The opener's own token still belongs to the bracket-free level (its indent counts).
      if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
      push('op', i, i + 1, one);
      if (c === 40 || c === 91 || c === 123) depth++;
      i++;
      if (depth > MAX_BRACKET_DEPTH) {
        // The parser recurses per bracket; a bound here keeps any text from exhausting the stack.
        fail(i - 1, i, `brackets are nested more than ${MAX_BRACKET_DEPTH} levels deep`, 'a model needs a few levels; this text is not a model definition');
        break;
      }
      continue;
    }
    fail(i, i + 1, `unexpected character '${one}'`);
    i++;
  }
  // Inside a bracket left open the line never ended; the parser reports the bracket.
  if (lineHasTokens && depth === 0) push('newline', n, n, '');
  push('eof', n, n, '');
  return tokens;
}
