// The Python literal subset of .npy headers, checked against Python's own repr()/literal_eval rules.
import { describe, expect, it } from 'vitest';
import { parsePythonLiteral, PythonLiteralError, pythonStringRepr, pythonTupleRepr } from '../../../main/formats/python-literal.js';
import { thrown } from './byte-builders.js';

describe('parsePythonLiteral', () => {
  it('reads a numpy header dict', () => {
    const v = parsePythonLiteral("{'descr': [('t', '<u8'), ('x', '<u2')], 'fortran_order': False, 'shape': (3,), }   ");
    expect(v).toEqual(
      new Map<string, unknown>([
        [
          'descr',
          {
            tuple: false,
            items: [
              { tuple: true, items: ['t', '<u8'] },
              { tuple: true, items: ['x', '<u2'] },
            ],
          },
        ],
        ['fortran_order', false],
        ['shape', { tuple: true, items: [3] }],
      ]),
    );
  });

  it('tells tuples from parenthesised values and reads Python 2 longs', () => {
    expect(parsePythonLiteral('(5)')).toBe(5);
    expect(parsePythonLiteral('(5,)')).toEqual({ tuple: true, items: [5] });
    expect(parsePythonLiteral('()')).toEqual({ tuple: true, items: [] });
    expect(parsePythonLiteral('(10L, 3)')).toEqual({ tuple: true, items: [10, 3] });
    expect(parsePythonLiteral('[True, None, -4]')).toEqual({ tuple: false, items: [true, null, -4] });
  });

  it('reads string escapes and both quote styles', () => {
    expect(parsePythonLiteral(String.raw`'it\'s'`)).toBe("it's");
    expect(parsePythonLiteral(`"it's"`)).toBe("it's");
    expect(parsePythonLiteral(String.raw`'a\nb\x41\u00fc\\'`)).toBe('a\nbAü\\');
    expect(parsePythonLiteral(`u'x'`)).toBe('x');
  });

  it('fails with the position on anything else', () => {
    for (const bad of ["{'a': 1.5}", "'open", '{1: 2}', '(1, 2', 'True False', 'x']) {
      expect(() => parsePythonLiteral(bad), bad).toThrow(PythonLiteralError);
    }
    const e = thrown(() => parsePythonLiteral("{'a' 1}")) as PythonLiteralError;
    expect(e.offset).toBe(5);
    expect(e.message).toContain("expected ':'");
  });
});

describe('repr', () => {
  it('strings as Python prints them', () => {
    expect(pythonStringRepr('abc')).toBe("'abc'");
    expect(pythonStringRepr("it's")).toBe(`"it's"`);
    expect(pythonStringRepr(`it's "x"`)).toBe(`'it\\'s "x"'`);
    expect(pythonStringRepr('a\nb\\')).toBe("'a\\nb\\\\'");
    expect(pythonStringRepr('\x01ü')).toBe("'\\x01ü'");
  });

  it('tuples of integers', () => {
    expect(pythonTupleRepr([])).toBe('()');
    expect(pythonTupleRepr([5])).toBe('(5,)');
    expect(pythonTupleRepr([2, 3])).toBe('(2, 3)');
  });
});
