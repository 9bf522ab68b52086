// JSON text a person edits (usb-ids.json, the config patch): the value, and where each
// part of it stands in the text, so a schema error about `usb[2].vendorId` or a syntax
// error names line and column. jsonc-parser does the scanning and the tree; this module
// adds strict JSON (no comments, no trailing commas), a depth limit checked before any
// recursion, duplicate keys as errors, and messages a lab user can act on. The value
// comes from JSON.parse, so a `__proto__` key is an own member, never a prototype.

import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

export interface TextPosition {
  /** 0-based offset into the text. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, counted in UTF-16 code units. */
  column: number;
}

export type JsonPath = ReadonlyArray<string | number>;

export interface JsonText {
  value: unknown;
  /**
   * Where `path` points: the key of an object member (`"vendorId": ...`), the start of
   * an array element, or the nearest existing ancestor when the path names something
   * absent (a missing required key -> the object that lacks it).
   */
  locate(path: JsonPath): TextPosition;
}

/** Files the workbench reads nest a few levels; 64 keeps every reader far from the stack's end. */
export const MAX_JSON_DEPTH = 64;

export class JsonTextError extends Error {
  override readonly name = 'JsonTextError';
  constructor(
    readonly detail: string,
    readonly position: TextPosition,
  ) {
    super(`line ${position.line}, column ${position.column}: ${detail}`);
  }
}

/** Line and column of an offset; lines break at '\n' only (a '\r' before it is part of the line). */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const stop = Math.min(offset, text.length);
  for (let i = 0; i < stop; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function positionAt(text: string, offset: number): TextPosition {
  const at = Math.max(0, Math.min(offset, text.length));
  return { offset: at, ...lineColumnAt(text, at) };
}

// By the names of jsonc-parser's ParseErrorCode (a const enum, which this build cannot read).
const DETAIL: Readonly<Record<string, string>> = {
  InvalidSymbol: 'not a JSON value',
  InvalidNumberFormat: 'not a valid number',
  PropertyNameExpected: 'expected a key in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":" after the key',
  CloseBraceExpected: 'expected "," or "}" after a value',
  CloseBracketExpected: 'expected "," or "]" after a value',
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'string not closed (missing ")',
  UnexpectedEndOfNumber: 'not a valid number',
  InvalidUnicode: 'invalid \\u escape in string',
  InvalidEscapeCharacter: 'invalid escape in string',
  InvalidCharacter: 'control character (e.g. a line break) inside a string',
};

function found(text: string, offset: number): string {
  return offset >= text.length ? 'the end of the file' : JSON.stringify(text[offset]);
}

/**
 * A flat scan of the brackets outside strings up to `stop`: the offset where nesting first
 * goes deeper than MAX_JSON_DEPTH, and the innermost bracket still open at `stop`.
 */
function brackets(text: string, stop = text.length): { tooDeepAt: number | null; open: '{' | '[' | null } {
  const stack: string[] = [];
  let inString = false;
  for (let i = 0; i < stop; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      stack.push(c);
      if (stack.length > MAX_JSON_DEPTH) return { tooDeepAt: i, open: c };
    } else if (c === '}' || c === ']') stack.pop();
  }
  const top = stack[stack.length - 1];
  return { tooDeepAt: null, open: top === '{' || top === '[' ? top : null };
}

function duplicateKey(node: Node): Node | null {
  if (node.type === 'object') {
    const seen = new Set<string>();
    for (const member of node.children ?? []) {
      const key = member.children?.[0];
      if (key && typeof key.value === 'string') {
        if (seen.has(key.value)) return key;
        seen.add(key.value);
      }
    }
  }
  for (const child of node.children ?? []) {
    const dup = duplicateKey(child);
    if (dup) return dup;
  }
  return null;
}

/** Parses strict JSON with positions; syntax problems throw JsonTextError with line and column. */
export function parseJsonText(input: string): JsonText {
  // A UTF-8 byte-order mark is common in files saved by Windows editors.
  const text = input.charCodeAt(0) === 0xfeff ? ' ' + input.slice(1) : input;
  const fail = (detail: string, offset: number): never => {
    throw new JsonTextError(detail, positionAt(text, offset));
  };

  const deep = brackets(text).tooDeepAt;
  if (deep !== null) fail(`nested more than ${MAX_JSON_DEPTH} levels deep`, deep);

  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    let name = printParseErrorCode(first.error);
    let at = first.offset;
    if (name === 'UnexpectedEndOfString') {
      // A line break ends a string for jsonc-parser; JSON calls it a control character.
      const end = Math.min(text.length, first.offset + first.length + 1);
      for (let i = first.offset + 1; i < end; i++) {
        if (text.charCodeAt(i) < 0x20) {
          name = 'InvalidCharacter';
          at = i;
          break;
        }
      }
    } else if (name === 'InvalidCharacter') {
      // Reported at the string's start; point at the character.
      while (at < text.length && text.charCodeAt(at) >= 0x20) at++;
    }
    if (tree && at >= tree.offset + tree.length && name !== 'InvalidCharacter') name = 'EndOfFileExpected';
    // jsonc-parser says CommaExpected in both lists and objects; the message names the closer.
    const closer = brackets(text, at).open === '[' ? ']' : '}';
    const detail = name === 'CommaExpected' ? `expected "," or "${closer}" after a value` : (DETAIL[name] ?? 'not valid JSON');
    const bare = name === 'InvalidCharacter' || name === 'UnexpectedEndOfString';
    if (at >= text.length && !bare) fail('unexpected end of the file: a value is missing', text.length);
    if (name === 'EndOfFileExpected') fail(`unexpected ${found(text, at)} after the end of the JSON value`, at);
    fail(bare ? detail : `${detail}, found ${found(text, at)}`, at);
  }
  if (!tree) return fail('unexpected end of the file: a value is missing', text.length);
  const dup = duplicateKey(tree);
  if (dup) fail(`key ${JSON.stringify(dup.value)} appears twice in this object`, dup.offset);

  return {
    value: JSON.parse(text) as unknown,
    locate(path) {
      for (let n = path.length; n >= 0; n--) {
        const node = findNodeAtLocation(tree, [...path.slice(0, n)]);
        if (!node) continue;
        // A member is located at its key: that is where a person looks for it.
        const member = node.parent?.type === 'property' ? node.parent : node;
        return positionAt(text, member.offset);
      }
      return positionAt(text, 0);
    },
  };
}
