import { describe, expect, it } from 'vitest';
import { compactJson } from '../../../main/cli/compact-json.js';

describe('compactJson', () => {
  it('indents objects, keeps arrays of numbers (and nested ones) on one line', () => {
    const v = { a: [1, 2, 3], b: { c: [[1, 2], [3]], d: null }, e: [{ f: 1 }], g: [], h: 'x' };
    expect(compactJson(v)).toBe('{\n "a": [1,2,3],\n "b": {\n  "c": [[1,2],[3]],\n  "d": null\n },\n "e": [\n  {\n   "f": 1\n  }\n ],\n "g": [],\n "h": "x"\n}');
  });

  it('parses back to the same value, dropping undefined members as JSON.stringify does', () => {
    const v = { a: [1, -2.5], b: undefined, c: { d: [true, 'x', null] }, e: {} };
    expect(JSON.parse(compactJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
  });
});
