// NumPy .npy reading and writing. The byte fixtures follow numpy's format description
// (numpy/lib/format.py): magic "\x93NUMPY", version, header length (u16 for 1.0, u32 for
// 2.0/3.0), a repr() dict padded with spaces and a newline so the data starts at a
// multiple of 64, and 21 - len(str(shape[0])) spare spaces after the dict. The exact
// header texts and space counts below were written out by hand and agree with what
// numpy 2.4 np.save writes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../main/formats/format-error.js';
import { readNpy, readNpyHeader, writeNpy, type NpyArray, type NpyStructuredArray } from '../../../main/formats/npy.js';
import { BENCH_DIR, benchWorkloads } from '../../helpers/fixtures.js';
import { ascii, concat, spaces, u16be, u16le, u32le, u64le, utf8, thrown } from './byte-builders.js';

const MAGIC = concat([0x93], ascii('NUMPY'));

/** Version 1.0 file with the header text padded (by the caller's count) with spaces, then '\n'. */
function v1(dict: string, pad: number, data: ArrayLike<number>): Uint8Array {
  return concat(MAGIC, [1, 0], u16le(dict.length + pad + 1), ascii(dict), spaces(pad), ascii('\n'), data);
}

/** Any valid 1.0 file: the test pads the header to a multiple of 64 itself. */
function npy1(dict: string, data: ArrayLike<number>): Uint8Array {
  const pad = 64 - ((10 + dict.length + 1) % 64);
  return v1(dict, pad === 64 ? 0 : pad, data);
}

function numeric(a: NpyArray) {
  if (a.kind !== 'numeric') throw new Error('expected a numeric array');
  return a;
}

function structured(a: NpyArray): NpyStructuredArray {
  if (a.kind !== 'structured') throw new Error('expected a structured array');
  return a;
}

describe('the header numpy writes for a uint8 array of shape (2, 3)', () => {
  const dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }"; // 59 characters
  // 20 spare spaces (21 - len('2')), then 38 to bring 10 + 59 + 58 + 1 = 128 to a multiple of 64
  const bytes = v1(dict, 58, [1, 2, 3, 4, 5, 6]);

  it('is read as a C-order Uint8Array', () => {
    const a = numeric(readNpy(bytes));
    expect(a.dtype).toBe('|u1');
    expect(a.shape).toEqual([2, 3]);
    expect(a.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('is what writeNpy produces, byte for byte', () => {
    const out = writeNpy({ kind: 'numeric', dtype: '<u1', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] });
    expect(out.length).toBe(134);
    expect(Array.from(out)).toEqual(Array.from(bytes));
  });

  it('exposes the header fields', () => {
    expect(readNpyHeader(bytes)).toMatchObject({ version: '1.0', descr: '|u1', fortranOrder: false, shape: [2, 3], dataOffset: 128 });
  });
});

describe('structured xytp arrays', () => {
  const dict = "{'descr': [('t', '<u8'), ('x', '<u2'), ('y', '<u2'), ('p', '<u2')], 'fortran_order': False, 'shape': (2,), }"; // 108
  // 20 spare + 53 alignment spaces: 10 + 108 + 73 + 1 = 192
  const records = concat(u64le(1000), u16le(3, 4, 1), u64le(2500), u16le(127, 0, 0));
  const bytes = v1(dict, 73, records);

  it('reads one column per field, typed by the field dtype', () => {
    const a = structured(readNpy(bytes));
    expect(a.shape).toEqual([2]);
    expect(a.fields).toEqual([
      { name: 't', dtype: '<u8' },
      { name: 'x', dtype: '<u2' },
      { name: 'y', dtype: '<u2' },
      { name: 'p', dtype: '<u2' },
    ]);
    expect(a.columns.t).toBeInstanceOf(Float64Array);
    expect(a.columns.x).toBeInstanceOf(Uint16Array);
    expect(Array.from(a.columns.t!)).toEqual([1000, 2500]);
    expect(Array.from(a.columns.x!)).toEqual([3, 127]);
    expect(Array.from(a.columns.y!)).toEqual([4, 0]);
    expect(Array.from(a.columns.p!)).toEqual([1, 0]);
  });

  it('writes exactly these bytes', () => {
    const out = writeNpy({
      kind: 'structured',
      shape: [2],
      fields: [
        { name: 't', dtype: '<u8' },
        { name: 'x', dtype: '<u2' },
        { name: 'y', dtype: '<u2' },
        { name: 'p', dtype: '<u2' },
      ],
      columns: { t: [1000, 2500], x: [3, 127], y: [4, 0], p: [1, 0] },
    });
    expect(Array.from(out)).toEqual(Array.from(bytes));
  });

  it('skips padding fields numpy writes for offsets and aligned records', () => {
    // dtype {'names': ['x','t','p'], 'formats': ['<u2','>u8','?'], 'offsets': [4, 8, 17], 'itemsize': 24}
    const descr = "[('', '|V4'), ('x', '<u2'), ('', '|V2'), ('t', '>u8'), ('', '|V1'), ('p', '|b1'), ('', '|V6')]";
    const record = (x: number, tHi: number, tLo: number, p: number) =>
      concat([0, 0, 0, 0], u16le(x), [0xee, 0xee], [tHi >>> 24, (tHi >>> 16) & 255, (tHi >>> 8) & 255, tHi & 255], [tLo >>> 24, (tLo >>> 16) & 255, (tLo >>> 8) & 255, tLo & 255], [0xee], [p], [0, 0, 0, 0, 0, 0]);
    const data = concat(record(1, 0, 100, 1), record(2, 0x100, 7, 0), record(3, 0, 0, 2));
    const a = structured(readNpy(npy1(`{'descr': ${descr}, 'fortran_order': False, 'shape': (3,), }`, data)));
    expect(a.fields.map((f) => f.name)).toEqual(['x', 't', 'p']);
    expect(Array.from(a.columns.x!)).toEqual([1, 2, 3]);
    expect(Array.from(a.columns.t!)).toEqual([100, 2 ** 40 + 7, 0]);
    expect(Array.from(a.columns.p!)).toEqual([1, 0, 1]); // bool: any non-zero byte is True
  });

  it('round-trips a multi-dimensional record array with mixed dtypes', () => {
    const input = {
      kind: 'structured' as const,
      shape: [2, 2],
      fields: [
        { name: 'a', dtype: '>i4' },
        { name: 'b', dtype: '<f2' },
        { name: 'c', dtype: '|i1' },
      ],
      columns: { a: [-1, 2, -300000, 4], b: [0.5, -1, 65504, 0], c: [-128, 127, 0, 1] },
    };
    const a = structured(readNpy(writeNpy(input)));
    expect(a.shape).toEqual([2, 2]);
    expect(a.fields).toEqual(input.fields);
    expect(a.columns.a).toBeInstanceOf(Int32Array);
    expect(Array.from(a.columns.a!)).toEqual(input.columns.a);
    expect(Array.from(a.columns.b!)).toEqual(input.columns.b);
    expect(Array.from(a.columns.c!)).toEqual(input.columns.c);
  });
});

describe('dtypes and byte orders', () => {
  it('big-endian int16 as numpy writes it', () => {
    const dict = "{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }"; // 57 characters, 20 + 40 spaces
    const bytes = v1(dict, 60, [0x00, 0x01, 0xff, 0xfe]);
    const a = numeric(readNpy(bytes));
    expect(a.data).toBeInstanceOf(Int16Array);
    expect(Array.from(a.data)).toEqual([1, -2]);
    expect(Array.from(writeNpy({ kind: 'numeric', dtype: '>i2', shape: [2], data: [1, -2] }))).toEqual(Array.from(bytes));
  });

  it('every numeric dtype reads into its natural typed array', () => {
    const cases: Array<[string, number[], ArrayLike<number>, unknown, number[]]> = [
      ['|b1', [1], [2], Uint8Array, [1]],
      ['|i1', [2], [0x80, 0x7f], Int8Array, [-128, 127]],
      ['|u1', [1], [0xff], Uint8Array, [255]],
      ['<i2', [1], u16le(0x8000), Int16Array, [-32768]],
      ['>u2', [1], u16be(0xfffe), Uint16Array, [65534]],
      ['<i4', [1], u32le(0xffffffff), Int32Array, [-1]],
      ['<u4', [1], u32le(0xffffffff), Uint32Array, [4294967295]],
      ['<i8', [2], u64le(-5n, -(2n ** 53n) + 1n), Float64Array, [-5, -(2 ** 53) + 1]],
      ['>u8', [1], [0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], Float64Array, [2 ** 53 - 1]],
      ['<f2', [2], u16le(0x3c00, 0xfc00), Float32Array, [1, -Infinity]],
      ['<f4', [1], [0, 0, 0xc0, 0x3f], Float32Array, [1.5]],
      ['>f8', [1], [0x3f, 0xf8, 0, 0, 0, 0, 0, 0], Float64Array, [1.5]],
      ['=u2', [1], u16le(513), Uint16Array, [513]],
    ];
    for (const [descr, shape, data, type, values] of cases) {
      const a = numeric(readNpy(npy1(`{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')},), }`, data)));
      expect(a.dtype, descr).toBe(descr);
      expect(a.data, descr).toBeInstanceOf(type as typeof Uint8Array);
      expect(Array.from(a.data), descr).toEqual(values);
    }
  });

  it('f2 special values convert exactly (subnormal, inf, NaN, -0)', () => {
    const a = numeric(readNpy(npy1("{'descr': '<f2', 'fortran_order': False, 'shape': (5,), }", u16le(0x0001, 0x03ff, 0x7c00, 0x7e00, 0x8000))));
    expect(a.data[0]).toBe(2 ** -24);
    expect(a.data[1]).toBe(1023 * 2 ** -24);
    expect(a.data[2]).toBe(Infinity);
    expect(a.data[3]).toBeNaN();
    expect(Object.is(a.data[4], -0)).toBe(true);
  });

  it('64-bit integers beyond 2^53 are an error', () => {
    const e = thrown(() => readNpy(npy1("{'descr': '<u8', 'fortran_order': False, 'shape': (2,), }", u64le(1, 2n ** 53n))));
    expect(e.code).toBe('UNSAFE_INTEGER');
    expect(e.message).toContain('element 1');
    expect(e.details).toEqual({ index: 1 });
  });

  it('scalars (shape ()) and empty arrays', () => {
    const s = numeric(readNpy(npy1("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", [0, 0, 0x50, 0x40])));
    expect(s.shape).toEqual([]);
    expect(Array.from(s.data)).toEqual([3.25]);
    const e = numeric(readNpy(npy1("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", [])));
    expect(e.shape).toEqual([0, 3]);
    expect(e.data.length).toBe(0);
  });

  it('round-trips every dtype in both byte orders', () => {
    const values: Record<string, number[]> = {
      b1: [0, 1, 1],
      i1: [-128, 0, 127],
      u1: [0, 7, 255],
      i2: [-32768, -1, 32767],
      u2: [0, 1, 65535],
      i4: [-2147483648, -5, 2147483647],
      u4: [0, 5, 4294967295],
      i8: [-(2 ** 53) + 1, -1, 2 ** 53 - 1],
      u8: [0, 2 ** 32 + 1, 2 ** 53 - 1],
      f2: [0.5, -65504, 2 ** -24],
      f4: [Math.fround(0.1), Math.fround(-1e30), Infinity],
      f8: [0.1, -1e300, NaN],
    };
    for (const [code, v] of Object.entries(values)) {
      for (const order of ['<', '>']) {
        const a = numeric(readNpy(writeNpy({ kind: 'numeric', dtype: `${order}${code}`, shape: [3], data: v })));
        expect(Array.from(a.data), `${order}${code}`).toEqual(v);
      }
    }
  });
});

describe('Fortran order is transposed to C order', () => {
  it('2-D: [[1, 2, 3], [4, 5, 6]] stored column by column', () => {
    const a = numeric(readNpy(npy1("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", [1, 4, 2, 5, 3, 6])));
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('3-D: a[i, j, k] = 4i + 2j + k stored with i fastest', () => {
    const stored = u16le(0, 4, 2, 6, 1, 5, 3, 7);
    const a = numeric(readNpy(npy1("{'descr': '<u2', 'fortran_order': True, 'shape': (2, 2, 2), }", stored)));
    expect(Array.from(a.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('structured columns too', () => {
    const data = concat(u16le(1), [10], u16le(3), [30], u16le(2), [20], u16le(4), [40]);
    const a = structured(readNpy(npy1("{'descr': [('x', '<u2'), ('c', '|u1')], 'fortran_order': True, 'shape': (2, 2), }", data)));
    expect(Array.from(a.columns.x!)).toEqual([1, 2, 3, 4]);
    expect(Array.from(a.columns.c!)).toEqual([10, 20, 30, 40]);
  });
});

describe('format versions 2.0 and 3.0', () => {
  it('reads and writes 2.0 (32-bit header length)', () => {
    const dict = "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }"; // 57 characters
    // 20 spare + 38 alignment spaces: 12 + 57 + 58 + 1 = 128
    const bytes = concat(MAGIC, [2, 0], u32le(116), ascii(dict), spaces(58), ascii('\n'), [0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x40, 0x04, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(numeric(readNpy(bytes)).data)).toEqual([1.5, 2.5]);
    expect(Array.from(writeNpy({ kind: 'numeric', dtype: '>f8', shape: [2], data: [1.5, 2.5] }, { version: '2.0' }))).toEqual(Array.from(bytes));
  });

  it('writes 3.0 (UTF-8 header) for field names beyond latin-1, as numpy does', () => {
    const dict = "{'descr': [('ü€', '<u2')], 'fortran_order': False, 'shape': (1,), }"; // 70 bytes in UTF-8
    // 20 spare + 25 alignment spaces: 12 + 70 + 45 + 1 = 128
    const bytes = concat(MAGIC, [3, 0], u32le(116), utf8(dict), spaces(45), ascii('\n'), u16le(7));
    const out = writeNpy({ kind: 'structured', shape: [1], fields: [{ name: 'ü€', dtype: '<u2' }], columns: { 'ü€': [7] } });
    expect(Array.from(out)).toEqual(Array.from(bytes));
    expect(Array.from(structured(readNpy(bytes)).columns['ü€']!)).toEqual([7]);
  });

  it('switches to 2.0 when the header does not fit 65535 bytes', () => {
    const fields = Array.from({ length: 3500 }, (_, i) => ({ name: `field_number_${i}`, dtype: '|u1' }));
    const columns = Object.fromEntries(fields.map((f, i) => [f.name, [i % 256]]));
    const out = writeNpy({ kind: 'structured', shape: [1], fields, columns });
    expect(out[6]).toBe(2);
    const back = structured(readNpy(out));
    expect(back.fields.length).toBe(3500);
    expect(Array.from(back.columns.field_number_3499!)).toEqual([3499 % 256]);
    const e = thrown(() => writeNpy({ kind: 'structured', shape: [1], fields, columns }, { version: '1.0' }));
    expect(e.message).toContain('too long for .npy version 1.0');
  });

  it('the data offset is a multiple of 64 whatever the length of the shape text', () => {
    for (const first of [0, 7, 12345, 123456789012]) {
      for (const dims of [[first, 0], [first, 0, 1000, 1000000]]) {
        const h = readNpyHeader(writeNpy({ kind: 'numeric', dtype: '<u1', shape: dims, data: [] }));
        expect(h.dataOffset % 64).toBe(0);
        expect(h.shape).toEqual(dims);
      }
    }
  });
});

describe('reading: errors say which part is wrong', () => {
  function err(bytes: Uint8Array) {
    const e = thrown(() => readNpy(bytes));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.format).toBe('npy');
    return e;
  }
  const dictU2 = (shape: string) => `{'descr': '<u2', 'fortran_order': False, 'shape': ${shape}, }`;

  it('magic', () => {
    const e = err(ascii('t,x,y,p\n1,2,3,4\n'));
    expect(e.code).toBe('BAD_MAGIC');
    expect(e.message).toContain('not a .npy file');
    expect(e.message).toContain('found 74 2c 78 2c 79 2c');
    expect(err(new Uint8Array(0)).message).toContain('an empty file');
  });

  it('preamble cut off', () => {
    const e = err(concat(MAGIC, [1, 0, 5]));
    expect(e.code).toBe('TRUNCATED');
    expect(e.details).toEqual({ expectedBytes: 10, foundBytes: 9 });
  });

  it('version', () => {
    expect(err(concat(MAGIC, [4, 0], [0, 0])).message).toContain('version 4.0 is not supported (1.0, 2.0 and 3.0 are)');
    expect(err(concat(MAGIC, [1, 1], [0, 0])).code).toBe('BAD_VERSION');
  });

  it('header longer than the file', () => {
    const e = err(concat(MAGIC, [1, 0], u16le(200), ascii("{'descr': ")));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toContain('needs at least 210 bytes, but it has 20');
  });

  it('header dict not readable', () => {
    const e = err(npy1("{'descr': '<u2', 'fortran_order': False, 'shape': (2,", []));
    expect(e.code).toBe('BAD_HEADER');
    expect(e.message).toContain('header dictionary cannot be read');
    expect(err(npy1("{'descr': 1.5, 'fortran_order': False, 'shape': (2,), }", [])).message).toContain('only integers');
  });

  it('header not a dict, wrong keys, wrong types', () => {
    expect(err(npy1('[1, 2]', [])).message).toContain('must be a dictionary');
    const missing = err(npy1("{'descr': '<u2', 'shape': (2,), }", u16le(1, 2)));
    expect(missing.message).toContain("exactly the keys 'descr', 'fortran_order' and 'shape', found 'descr', 'shape'");
    expect(err(npy1("{'descr': '<u2', 'fortran_order': False, 'shape': (1,), 'x': 1, }", u16le(1))).code).toBe('BAD_HEADER');
    expect(err(npy1("{'descr': '<u2', 'fortran_order': 0, 'shape': (1,), }", u16le(1))).message).toContain("'fortran_order' must be True or False");
    expect(err(npy1("{'descr': '<u2', 'fortran_order': False, 'shape': [1], }", u16le(1))).message).toContain("'shape' must be a tuple");
    expect(err(npy1("{'descr': '<u2', 'fortran_order': False, 'shape': (-1,), }", u16le(1))).message).toContain("'shape' must be a tuple");
  });

  it('descr: unsupported dtypes name the kind', () => {
    const cases: Array<[string, string]> = [
      ['<U5', 'unicode strings'],
      ['|S3', 'byte strings'],
      ['|O', 'Python objects (pickled)'],
      ['<c8', 'complex numbers'],
      ['<M8[us]', 'datetime64'],
      ['<f16', ''],
    ];
    for (const [descr, kind] of cases) {
      const e = err(npy1(`{'descr': '${descr}', 'fortran_order': False, 'shape': (1,), }`, new Array(16).fill(0)));
      expect(e.code).toBe('UNSUPPORTED_DTYPE');
      expect(e.message).toContain(`'${descr}'`);
      expect(e.message).toContain(kind);
      expect(e.message).toContain('b1, i1, u1, i2, u2, i4, u4, i8, u8, f2, f4, f8');
    }
  });

  it('descr: sub-array, nested and duplicate fields are rejected', () => {
    const sub = err(npy1("{'descr': [('x', '<u2', (2,))], 'fortran_order': False, 'shape': (1,), }", u16le(1, 2)));
    expect(sub.message).toContain("field 'x' is a sub-array");
    const nested = err(npy1("{'descr': [('pos', [('x', '<u2'), ('y', '<u2')])], 'fortran_order': False, 'shape': (1,), }", u16le(1, 2)));
    expect(nested.message).toContain("field 'pos' is itself structured");
    const dup = err(npy1("{'descr': [('x', '<u2'), ('x', '<u2')], 'fortran_order': False, 'shape': (1,), }", u16le(1, 2)));
    expect(dup.message).toContain("field 'x' appears twice");
    const subArrayDescr = err(npy1("{'descr': ('<u2', (2,)), 'fortran_order': False, 'shape': (1,), }", u16le(1, 2)));
    expect(subArrayDescr.message).toContain('sub-array dtype');
  });

  it('data shorter than the shape says how many bytes were expected and found', () => {
    const e = err(npy1(dictU2('(2, 3)'), u16le(1, 2, 3, 4)));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toContain('needs 12 bytes of data after the header, found 8');
    expect(e.details).toEqual({ expectedBytes: 12, foundBytes: 8 });
  });

  it('data longer than the shape', () => {
    const e = err(npy1(dictU2('(2,)'), u16le(1, 2, 3)));
    expect(e.code).toBe('TRAILING_DATA');
    expect(e.message).toContain('2 bytes after the array data');
  });
});

describe('writing: errors', () => {
  it('data length, value range and dtype are checked', () => {
    expect(thrown(() => writeNpy({ kind: 'numeric', dtype: '<u2', shape: [2, 2], data: [1, 2, 3] })).message).toContain('needs 4 values but 3 were given');
    const range = thrown(() => writeNpy({ kind: 'numeric', dtype: '|u1', shape: [2], data: [1, 256] }));
    expect(range.code).toBe('BAD_VALUE');
    expect(range.message).toContain('value 256 at element 1 is not an integer in 0..255');
    expect(thrown(() => writeNpy({ kind: 'numeric', dtype: '<i4', shape: [1], data: [0.5] })).code).toBe('BAD_VALUE');
    expect(thrown(() => writeNpy({ kind: 'numeric', dtype: '<U4', shape: [1], data: [1] })).code).toBe('UNSUPPORTED_DTYPE');
    const col = thrown(() =>
      writeNpy({ kind: 'structured', shape: [2], fields: [{ name: 'x', dtype: '<u2' }, { name: 'y', dtype: '<u2' }], columns: { x: [1, 2] } }),
    );
    expect(col.code).toBe('MISSING_FIELD');
    expect(col.message).toContain("field 'y'");
  });
});

describe('bench rasters (test/fixtures/bench)', () => {
  const workloads = benchWorkloads();
  for (const [name, shape] of [
    ['lenet', [100, 1, 28, 28]],
    ['dvs128', [50, 2, 128, 128]],
  ] as const) {
    it(`${name}/raster.npy is uint8 ${JSON.stringify(shape)} holding input_events spikes`, () => {
      const a = numeric(readNpy(readFileSync(`${BENCH_DIR}${name}/raster.npy`)));
      expect(a.dtype).toBe('|u1');
      expect(a.shape).toEqual(shape);
      expect(a.data).toBeInstanceOf(Uint8Array);
      let sum = 0;
      for (const v of a.data) sum += v;
      expect(sum).toBe(workloads[name].input_events);
    });
  }
});
