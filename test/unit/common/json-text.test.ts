// The one JSON-with-positions reader (usb-ids.json, the config patch in the compile
// service and in the editor): strict JSON, messages with line and column, a depth limit
// before any recursion, and keys that cannot reach an object's prototype.

import { describe, expect, it } from 'vitest';
import { JsonTextError, MAX_JSON_DEPTH, lineColumnAt, parseJsonText } from '../../../main/common/json-text.js';
import { formatCount, formatPercent, formatRate } from '../../../main/common/number-format.js';

function errorOf(src: string): JsonTextError {
  try {
    parseJsonText(src);
  } catch (e) {
    if (e instanceof JsonTextError) return e;
    throw e;
  }
  throw new Error(`parsed: ${src}`);
}

describe('parseJsonText', () => {
  it('6000 levels of nesting are an error naming the limit, at the bracket that goes too deep', () => {
    const e = errorOf('['.repeat(6000) + ']'.repeat(6000));
    expect(e.detail).toBe(`nested more than ${MAX_JSON_DEPTH} levels deep`);
    expect(e.position).toMatchObject({ line: 1, column: MAX_JSON_DEPTH + 1 });
    // Brackets inside strings do not count.
    expect(parseJsonText(JSON.stringify({ a: '['.repeat(6000) })).value).toEqual({ a: '['.repeat(6000) });
  });

  it('a __proto__ key is an own member, never the prototype', () => {
    const v = parseJsonText('{"__proto__": {"polluted": true}, "a": 1}').value as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses what JSON does not allow: comments, trailing commas, a second value', () => {
    expect(errorOf('{"a": 1 /* c */}').detail).toMatch(/comments are not allowed/);
    expect(errorOf('[1, 2,]').position).toMatchObject({ line: 1, column: 7 });
    expect(errorOf('{"a": 1,\n}').detail).toMatch(/expected a key in double quotes/);
    expect(errorOf('{} {}').detail).toBe('unexpected "{" after the end of the JSON value');
    expect(errorOf('').detail).toMatch(/end of the file/);
  });

  it('names lists and objects apart when a comma is missing', () => {
    expect(errorOf('[1 2]').detail).toBe('expected "," or "]" after a value, found "2"');
    expect(errorOf('{"a": 1 "b": 2}').detail).toBe('expected "," or "}" after a value, found "\\""');
  });

  it('reads a file with a byte-order mark, and locates in it', () => {
    const doc = parseJsonText('\ufeff{\n  "a": [1, {"b": 2}]\n}');
    expect(doc.value).toEqual({ a: [1, { b: 2 }] });
    expect(doc.locate(['a', 1, 'b'])).toMatchObject({ line: 2, column: 13 });
    expect(doc.locate(['a', 1, 'missing'])).toMatchObject({ line: 2, column: 12 });
  });

  it('lineColumnAt counts lines at \\n only', () => {
    expect(lineColumnAt('ab\r\ncd', 4)).toEqual({ line: 2, column: 1 });
  });
});

describe('number formatting shared by the workspace and the CLI', () => {
  it('counts, rates with any unit, percentages', () => {
    expect(formatCount(1234)).toBe('1\u2009234');
    expect(formatCount(123_456)).toBe('123 k');
    expect(formatRate(5.25, 'samples/s')).toBe('5.3 samples/s');
    expect(formatRate(2_500_000)).toBe('2.50 M events/s');
    expect(formatPercent(0.9734)).toBe('97.3 %');
    expect(formatPercent(null)).toBe('—');
  });
});
