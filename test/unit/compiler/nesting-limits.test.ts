// Text nested thousands of levels deep (fuzzers find it, users paste it by mistake) is a
// clear error naming the limit, never a stack overflow: model text, and the Python
// literal of a .npy header.

import { describe, expect, it } from 'vitest';
import { compileModel } from '../../../main/compiler/compile.js';
import { MAX_BRACKET_DEPTH } from '../../../main/compiler/parse/tokenizer.js';
import { readNpyHeader } from '../../../main/formats/npy.js';
import { MAX_LITERAL_DEPTH, parsePythonLiteral } from '../../../main/formats/python-literal.js';

function npyWithHeader(dict: string): Uint8Array {
  const head = new TextEncoder().encode(dict);
  const b = new Uint8Array(12 + head.length + 1);
  b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
  new DataView(b.buffer).setUint32(8, head.length + 1, true);
  b.set(head, 12);
  b[b.length - 1] = 10;
  return b;
}

describe('nesting limits', () => {
  it('model text with 3000 nested nn.Sequential( is a parse error naming the limit', () => {
    const source = 'nn.Sequential(' + 'nn.Sequential('.repeat(3000) + 'nn.ReLU()' + ')'.repeat(3001);
    const r = compileModel({ source, initSeed: 1, inputShape: [1, 8, 8], device: 'speck2fdevkit' });
    expect(r.ok).toBe(false);
    expect(r.error?.stage).toBe('parse');
    expect(r.diagnostics.some((d) => d.message === `brackets are nested more than ${MAX_BRACKET_DEPTH} levels deep`)).toBe(true);
  });

  it('5000 nested parentheses in an argument likewise', () => {
    const source = 'nn.Sequential(nn.Conv2d(1, 2, ' + '('.repeat(5000) + '3' + ')'.repeat(5000) + '))';
    const r = compileModel({ source, initSeed: 1, inputShape: [1, 8, 8], device: 'speck2fdevkit' });
    expect(r.ok).toBe(false);
    expect(r.error?.stage).toBe('parse');
  });

  it('a model at a sensible depth still compiles', () => {
    const source = 'nn.Sequential(nn.Sequential(nn.Conv2d(1, 2, (3, 3)), nn.ReLU()))';
    expect(compileModel({ source, initSeed: 1, inputShape: [1, 8, 8], device: 'speck2fdevkit' }).error).toBeNull();
  });

  it('a .npy header nested 5000 deep is a FormatError, not a stack overflow', () => {
    const dict = "{'descr': " + '['.repeat(5000) + "'<f4'" + ']'.repeat(5000) + ", 'fortran_order': False, 'shape': (3,), }";
    expect(() => readNpyHeader(npyWithHeader(dict))).toThrow(new RegExp(`nested more than ${MAX_LITERAL_DEPTH} levels deep`));
    expect(() => readNpyHeader(npyWithHeader(dict))).not.toThrow(RangeError);
  });

  it('literals at the limit parse; one more level does not', () => {
    expect(parsePythonLiteral('['.repeat(MAX_LITERAL_DEPTH) + '1' + ']'.repeat(MAX_LITERAL_DEPTH))).toBeDefined();
    expect(() => parsePythonLiteral('('.repeat(MAX_LITERAL_DEPTH + 1) + '1' + ')'.repeat(MAX_LITERAL_DEPTH + 1))).toThrow(/nested more than/);
  });
});

describe('layer size limit', () => {
  it('nn.Linear(100000000, 100) is refused by its size before any weight is made', () => {
    const source = 'nn.Sequential(nn.Flatten(), nn.Linear(100000000, 100), nn.ReLU())';
    const r = compileModel({ source, initSeed: 1, inputShape: [1, 10000, 10000], device: 'speck2fdevkit' });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('LAYER_TOO_LARGE');
    expect(r.error?.message).toContain('has 10,000,000,000 weights');
    expect(r.error?.message).toContain('the largest core of');
  });

  it('a grouped or 1x1 convolution just under the limit goes on to placement instead', () => {
    // 8192 x 8192 x 1 x 1 = 2^26 weights: not refused by size, but by the chip's memory.
    const source = 'nn.Sequential(nn.Conv2d(8192, 8192, 1, bias=False), nn.ReLU())';
    const r = compileModel({ source, initSeed: 1, inputShape: [8192, 1, 1], device: 'speck2fdevkit' });
    expect(r.ok).toBe(false);
    expect(r.error?.code).not.toBe('LAYER_TOO_LARGE');
  });
});
