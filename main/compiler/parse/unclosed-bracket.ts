// Where a missing ')' really is. Python's rule reports the outermost bracket still open
// at the end of the text, which for a model written one layer per line is the
// `nn.Sequential(` on line 1 while the mistake is a layer left open further down, and
// the layers after it then each read as "positional argument after keyword arguments".
// People lay out brackets by indentation: a line that starts at (or left of) the
// indentation of the line that opened a bracket still open, and does not start by
// closing it, starts a new item, so that bracket should have been closed on its line.

import type { LineIndex } from './line-index.js';
import type { Token } from './tokenizer.js';

const OPENERS = new Set(['(', '[', '{']);
const CLOSER_OF: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

export interface UnclosedGuess {
  /** The bracket left open. */
  open: Token;
  /** 0-based line of the bracket, and of the line that starts a new item. */
  line: number;
  nextLine: number;
  /** The text with the bracket closed at the end of its line, to check the guess by parsing. */
  repaired: string;
  /** Offset where the closer was inserted in `repaired`. */
  insertedAt: number;
  /** What was inserted: ")" or ")" before the line's trailing ",". */
  closer: string;
  /** The call the bracket belongs to, as written (e.g. "nn.Conv2d"), or null. */
  callee: string | null;
}

function indentOf(source: string, start: number): number {
  let i = start;
  while (source[i] === ' ' || source[i] === '\t') i++;
  return i - start;
}

/** The dotted name just before token `i` (the callee of a call bracket), or null. */
function calleeBefore(tokens: readonly Token[], i: number): string | null {
  const parts: string[] = [];
  let k = i - 1;
  while (k >= 0 && tokens[k]!.kind === 'name') {
    parts.unshift(tokens[k]!.text);
    if (k >= 1 && tokens[k - 1]!.kind === 'op' && tokens[k - 1]!.text === '.') k -= 2;
    else break;
  }
  return parts.length > 0 ? parts.join('.') : null;
}

/** The bracket a person most likely forgot to close, when brackets are left open at the end. */
export function guessUnclosedBracket(tokens: readonly Token[], lines: LineIndex): UnclosedGuess | null {
  const source = lines.source;
  const stack: number[] = [];
  let guess: { index: number; nextLine: number } | null = null;
  let lastLine = -1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'eof') break;
    if (t.kind === 'newline') continue;
    const line = lines.lineOf(t.start);
    const isCloser = t.kind === 'op' && (t.text === ')' || t.text === ']' || t.text === '}');
    if (line !== lastLine && guess === null && !isCloser && stack.length > 0) {
      const indent = t.start - lines.lineStart(line);
      // The innermost open bracket whose line this one does not indent past.
      for (let s = stack.length - 1; s >= 0; s--) {
        const open = tokens[stack[s]!]!;
        const openLine = lines.lineOf(open.start);
        if (openLine < line && indent <= indentOf(source, lines.lineStart(openLine))) {
          guess = { index: stack[s]!, nextLine: line };
          break;
        }
      }
    }
    lastLine = line;
    if (t.kind === 'op' && OPENERS.has(t.text)) stack.push(i);
    else if (isCloser && stack.length > 0) stack.pop();
  }
  if (stack.length === 0 || guess === null) return null;

  const open = tokens[guess.index]!;
  const line = lines.lineOf(open.start);
  // The last token on the bracket's line: the closer goes after it, or before its comma.
  let last: Token | null = null;
  for (const t of tokens) {
    if (t.kind === 'newline' || t.kind === 'eof') continue;
    if (lines.lineOf(t.start) === line) last = t;
    else if (t.start > open.start) break;
  }
  if (last === null) return null;
  const closer = CLOSER_OF[open.text]!;
  const beforeComma = last.kind === 'op' && last.text === ',';
  const insertedAt = beforeComma ? last.start : last.end;
  const inserted = beforeComma ? closer : `${closer},`;
  return {
    open,
    line,
    nextLine: guess.nextLine,
    repaired: source.slice(0, insertedAt) + inserted + source.slice(insertedAt),
    insertedAt,
    closer: inserted,
    callee: calleeBefore(tokens, guess.index),
  };
}
