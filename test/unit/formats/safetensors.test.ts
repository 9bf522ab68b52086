// safetensors reading and writing. Files are built by hand here: an 8-byte little-endian
// header length, the JSON header, then the data bytes written out value by value.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../main/formats/format-error.js';
import { readSafetensors, readSafetensorsFile, writeSafetensors, type SafetensorsWriteTensor } from '../../../main/formats/safetensors.js';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';
import { ascii, concat, spaces, u16le, u32le, u64le, thrown } from './byte-builders.js';

/** A safetensors file: header length (of `header` exactly as given), header, data. */
function file(header: string, data: ArrayLike<number> = []): Uint8Array {
  return concat(u64le(header.length), ascii(header), data);
}

function entry(dtype: string, shape: number[], begin: number, end: number): string {
  return `{"dtype":"${dtype}","shape":${JSON.stringify(shape)},"data_offsets":[${begin},${end}]}`;
}

function f32le(...values: number[]): number[] {
  const b = new Uint8Array(new Float32Array(values).buffer);
  return [...b];
}

function f64le(...values: number[]): number[] {
  return [...new Uint8Array(new Float64Array(values).buffer)];
}

describe('reading: a hand-built file of one F16 tensor', () => {
  // bit patterns: 1.0, smallest subnormal 2^-24, +inf, NaN
  const bytes = file(`{"h":${entry('F16', [2, 2], 0, 8)}}`, u16le(0x3c00, 0x0001, 0x7c00, 0x7e00));

  it('has the tensor with its dtype and shape', () => {
    const t = readSafetensors(bytes).get('h')!;
    expect(t.dtype).toBe('F16');
    expect(t.shape).toEqual([2, 2]);
    expect(t.data).toBeInstanceOf(Float32Array);
  });

  it('converts every bit pattern exactly', () => {
    const d = readSafetensors(bytes).get('h')!.data;
    expect(d[0]).toBe(1);
    expect(d[1]).toBe(2 ** -24);
    expect(d[2]).toBe(Infinity);
    expect(d[3]).toBeNaN();
  });

  it('reads from a view that does not start at byte 0 of its buffer', () => {
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(Array.from(readSafetensors(shifted.subarray(3)).get('h')!.data.slice(0, 2))).toEqual([1, 2 ** -24]);
  });
});

describe('reading: every dtype', () => {
  it('floats become float32 (F64 rounded like Math.fround, BF16 exact)', () => {
    const header = `{"a":${entry('F32', [2], 0, 8)},"b":${entry('F64', [2], 8, 24)},"c":${entry('BF16', [2], 24, 28)}}`;
    const m = readSafetensors(file(header, concat(f32le(1.5, -2), f64le(0.1, 1e300), u16le(0x3f80, 0xc2f7))));
    expect(Array.from(m.get('a')!.data)).toEqual([1.5, -2]);
    expect(m.get('b')!.data).toBeInstanceOf(Float32Array);
    expect(m.get('b')!.data[0]).toBe(Math.fround(0.1));
    expect(m.get('b')!.data[1]).toBe(Infinity); // beyond float32 range
    expect(Array.from(m.get('c')!.data)).toEqual([1, -123.5]);
  });

  it('integers and BOOL become exact float64', () => {
    const header =
      '{' +
      [
        `"i64":${entry('I64', [2], 0, 16)}`,
        `"u64":${entry('U64', [1], 16, 24)}`,
        `"i32":${entry('I32', [1], 24, 28)}`,
        `"u32":${entry('U32', [1], 28, 32)}`,
        `"i16":${entry('I16', [1], 32, 34)}`,
        `"u16":${entry('U16', [1], 34, 36)}`,
        `"i8":${entry('I8', [1], 36, 37)}`,
        `"u8":${entry('U8', [1], 37, 38)}`,
        `"bool":${entry('BOOL', [2], 38, 40)}`,
      ].join(',') +
      '}';
    const data = concat(
      u64le(-1n, 2 ** 53 - 1),
      u64le(2 ** 40 + 7),
      u32le(0x80000000), // -2^31 as I32
      u32le(0xffffffff),
      u16le(0x8000), // -32768 as I16
      u16le(0xffff),
      [0x80], // -128 as I8
      [0xff],
      [1, 0],
    );
    const m = readSafetensors(file(header, data));
    const values = (name: string) => Array.from(m.get(name)!.data);
    expect(m.get('i64')!.data).toBeInstanceOf(Float64Array);
    expect(values('i64')).toEqual([-1, 2 ** 53 - 1]);
    expect(values('u64')).toEqual([2 ** 40 + 7]);
    expect(values('i32')).toEqual([-2147483648]);
    expect(values('u32')).toEqual([4294967295]);
    expect(values('i16')).toEqual([-32768]);
    expect(values('u16')).toEqual([65535]);
    expect(values('i8')).toEqual([-128]);
    expect(values('u8')).toEqual([255]);
    expect(values('bool')).toEqual([1, 0]);
  });

  it('64-bit integers beyond 2^53 are an error naming the tensor', () => {
    const e = thrown(() => readSafetensors(file(`{"steps":${entry('U64', [1], 0, 8)}}`, u64le(2n ** 53n + 1n))));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.code).toBe('UNSAFE_INTEGER');
    expect(e.message).toContain('"steps"');
    expect(e.details).toMatchObject({ tensor: 'steps', index: 0 });
    const neg = thrown(() => readSafetensors(file(`{"n":${entry('I64', [1], 0, 8)}}`, u64le(-(2n ** 60n)))));
    expect(neg.code).toBe('UNSAFE_INTEGER');
  });

  it('empty tensors and scalars', () => {
    const m = readSafetensors(file(`{"e":${entry('F32', [0, 3], 0, 0)},"s":${entry('F32', [], 0, 4)}}`, f32le(7)));
    expect(m.get('e')!.data.length).toBe(0);
    expect(m.get('s')!.shape).toEqual([]);
    expect(Array.from(m.get('s')!.data)).toEqual([7]);
  });
});

describe('reading: header details', () => {
  it('returns __metadata__ strings and does not treat it as a tensor', () => {
    const f = readSafetensorsFile(file(`{"__metadata__":{"format":"pt","n":3},"w":${entry('F32', [1], 0, 4)}}`, f32le(2)));
    expect([...f.tensors.keys()]).toEqual(['w']);
    expect(f.metadata).toEqual({ format: 'pt' });
  });

  it('accepts space padding after the JSON and data not fully covered by tensors', () => {
    const header = `{"w":${entry('F32', [1], 4, 8)}}   `;
    const m = readSafetensors(file(header, concat([9, 9, 9, 9], f32le(3), [9, 9])));
    expect(Array.from(m.get('w')!.data)).toEqual([3]);
  });
});

describe('reading: errors say what is wrong', () => {
  function err(bytes: Uint8Array) {
    const e = thrown(() => readSafetensors(bytes));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.format).toBe('safetensors');
    return e;
  }

  it('file shorter than 8 bytes', () => {
    const e = err(Uint8Array.of(1, 2, 3));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toContain('3 bytes');
    expect(e.details).toEqual({ expectedBytes: 8, foundBytes: 3 });
  });

  it('header length beyond the file', () => {
    const e = err(concat(u64le(100), ascii('{}')));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toContain('100 bytes');
    expect(e.message).toContain('only 2 bytes follow');
  });

  it('absurd header length', () => {
    expect(err(concat(u64le(2 ** 40), ascii('{}'))).code).toBe('HEADER_TOO_LARGE');
  });

  it('header not JSON', () => {
    const e = err(file('{"w": '));
    expect(e.code).toBe('BAD_HEADER');
    expect(e.message).toContain('not valid UTF-8 JSON');
  });

  it('header not UTF-8', () => {
    const e = err(concat(u64le(4), [0x7b, 0xff, 0xfe, 0x7d]));
    expect(e.code).toBe('BAD_HEADER');
    expect(e.message).toContain('not valid UTF-8 JSON');
  });

  it('header not an object', () => {
    const e = err(file('[1,2]'));
    expect(e.code).toBe('BAD_HEADER');
    expect(e.message).toContain('found an array');
  });

  it('entry missing dtype, shape or data_offsets', () => {
    for (const missing of ['dtype', 'shape', 'data_offsets']) {
      const fields = { dtype: '"F32"', shape: '[1]', data_offsets: '[0,4]' } as Record<string, string>;
      delete fields[missing];
      const body = Object.entries(fields)
        .map(([k, v]) => `"${k}":${v}`)
        .join(',');
      const e = err(file(`{"w":{${body}}}`, f32le(1)));
      expect(e.code).toBe('BAD_ENTRY');
      expect(e.message).toContain(`"w" has no "${missing}"`);
      expect(e.details).toEqual({ tensor: 'w', field: missing });
    }
  });

  it('entry that is not an object, bad shape, bad offsets type', () => {
    expect(err(file('{"w":3}')).message).toContain('"w" is not an object');
    expect(err(file(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, f32le(1))).message).toContain('non-negative integers');
    expect(err(file(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}}`, f32le(1))).message).toContain('[begin, end]');
  });

  it('unknown dtype', () => {
    const e = err(file(`{"w":${entry('F8_E4M3', [1], 0, 1)}}`, [0]));
    expect(e.code).toBe('UNSUPPORTED_DTYPE');
    expect(e.message).toContain('"F8_E4M3"');
    expect(e.message).toContain('F32');
  });

  it('offsets reversed', () => {
    const e = err(file(`{"w":${entry('F32', [0], 4, 0)}}`, f32le(1)));
    expect(e.code).toBe('BAD_OFFSETS');
    expect(e.message).toContain('end comes before the begin');
  });

  it('offsets beyond the data section', () => {
    const e = err(file(`{"w":${entry('F32', [2], 0, 8)}}`, f32le(1)));
    expect(e.code).toBe('BAD_OFFSETS');
    expect(e.message).toContain('only 4 bytes');
    expect(e.details).toMatchObject({ tensor: 'w', end: 8, dataLength: 4 });
  });

  it('offsets not matching shape x item size', () => {
    const e = err(file(`{"w":${entry('F32', [3], 0, 8)}}`, f32le(1, 2)));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toContain('needs 12 bytes');
    expect(e.details).toEqual({ tensor: 'w', expectedBytes: 12, foundBytes: 8 });
  });

  it('overlapping tensors', () => {
    const e = err(file(`{"a":${entry('F32', [2], 0, 8)},"b":${entry('F32', [1], 4, 8)}}`, f32le(1, 2)));
    expect(e.code).toBe('BAD_OFFSETS');
    expect(e.message).toContain('overlap');
    expect(e.message).toContain('"a"');
    expect(e.message).toContain('"b"');
  });
});

describe('writing', () => {
  it('writes the header padded with spaces to a multiple of 8, then little-endian data', () => {
    const bytes = writeSafetensors(new Map([['w', { dtype: 'F32', shape: [2], data: [1, -2] } as SafetensorsWriteTensor]]));
    const json = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'; // 54 characters -> 56
    expect(Array.from(bytes)).toEqual(Array.from(concat(u64le(56), ascii(json), spaces(2), [0x00, 0x00, 0x80, 0x3f], [0x00, 0x00, 0x00, 0xc0])));
  });

  it('puts metadata first and lays tensors out by item size, then name', () => {
    const bytes = writeSafetensors(
      new Map<string, SafetensorsWriteTensor>([
        ['c', { dtype: 'U8', shape: [2], data: [1, 2] }],
        ['a', { dtype: 'F32', shape: [1], data: [0.5] }],
        ['b', { dtype: 'I64', shape: [1], data: [-3] }],
      ]),
      { format: 'pt' },
    );
    const json =
      '{"__metadata__":{"format":"pt"},"b":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"c":{"dtype":"U8","shape":[2],"data_offsets":[12,14]}}';
    // 193 characters -> 200
    const expected = concat(u64le(200), ascii(json), spaces(7), u64le(-3n), [0x00, 0x00, 0x00, 0x3f], [1, 2]);
    expect(Array.from(bytes)).toEqual(Array.from(expected));
  });

  it('round-trips every writable dtype', () => {
    const tensors = new Map<string, SafetensorsWriteTensor>([
      ['f32', { dtype: 'F32', shape: [2, 2], data: [1, -0.5, 3.25, 1e-3] }],
      ['f64', { dtype: 'F64', shape: [1], data: [0.1] }],
      ['f16', { dtype: 'F16', shape: [3], data: [0.1, 65504, -(2 ** -24)] }],
      ['i64', { dtype: 'I64', shape: [2], data: [-(2 ** 53) + 1, 42] }],
      ['i32', { dtype: 'I32', shape: [1], data: [-7] }],
      ['u8', { dtype: 'U8', shape: [3], data: [0, 128, 255] }],
    ]);
    const f = readSafetensorsFile(writeSafetensors(tensors, { a: 'b' }));
    expect(f.metadata).toEqual({ a: 'b' });
    expect(Array.from(f.tensors.get('f32')!.data)).toEqual([1, -0.5, 3.25, Math.fround(1e-3)]);
    expect(f.tensors.get('f32')!.shape).toEqual([2, 2]);
    expect(Array.from(f.tensors.get('f64')!.data)).toEqual([Math.fround(0.1)]);
    expect(Array.from(f.tensors.get('f16')!.data)).toEqual([0.0999755859375, 65504, -(2 ** -24)]);
    expect(Array.from(f.tensors.get('i64')!.data)).toEqual([-(2 ** 53) + 1, 42]);
    expect(Array.from(f.tensors.get('i32')!.data)).toEqual([-7]);
    expect(Array.from(f.tensors.get('u8')!.data)).toEqual([0, 128, 255]);
  });

  it('rejects data that does not fit the shape or the dtype', () => {
    const e1 = thrown(() => writeSafetensors(new Map([['w', { dtype: 'F32', shape: [3], data: [1] } as SafetensorsWriteTensor]])));
    expect(e1.code).toBe('SHAPE_MISMATCH');
    expect(e1.message).toContain('3 values');
    const e2 = thrown(() => writeSafetensors(new Map([['w', { dtype: 'U8', shape: [1], data: [256] } as SafetensorsWriteTensor]])));
    expect(e2.code).toBe('BAD_VALUE');
    expect(e2.message).toContain('256');
    const e3 = thrown(() => writeSafetensors(new Map([['w', { dtype: 'I32', shape: [1], data: [1.5] } as SafetensorsWriteTensor]])));
    expect(e3.code).toBe('BAD_VALUE');
  });
});

describe('the seed LeNet weights (examples/lenet/weights.safetensors)', () => {
  const m = readSafetensors(readFileSync(`${EXAMPLES_DIR}lenet/weights.safetensors`));

  it('has the five weight tensors of model.py with PyTorch shapes', () => {
    expect([...m.keys()]).toEqual(['0.weight', '3.weight', '6.weight', '10.weight', '12.weight']);
    expect(m.get('0.weight')!.shape).toEqual([20, 1, 5, 5]);
    expect(m.get('3.weight')!.shape).toEqual([32, 20, 5, 5]);
    expect(m.get('6.weight')!.shape).toEqual([128, 32, 3, 3]);
    expect(m.get('10.weight')!.shape).toEqual([500, 128]);
    expect(m.get('12.weight')!.shape).toEqual([10, 500]);
    for (const t of m.values()) {
      expect(t.dtype).toBe('F32');
      expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
    }
  });

  it('holds the stored float32 values (first values checked with Python struct.unpack)', () => {
    expect(Array.from(m.get('0.weight')!.data.slice(0, 3))).toEqual([0.3192, -0.2548, -0.1063].map(Math.fround));
    expect(Array.from(m.get('12.weight')!.data.slice(0, 3))).toEqual([0.0732, -0.0232, -0.0874].map(Math.fround));
  });
});
