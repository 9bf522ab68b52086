// Event files <-> SpikeBatch: which columns are accepted, how every bad row is reported,
// sorting and dropping on request, and writing files that read back the same.
import { describe, expect, it } from 'vitest';
import { detectEventFormat, readEventFile, writeEventFile, type ReadEventFileOptions } from '../../../main/formats/event-files.js';
import { FormatError } from '../../../main/formats/format-error.js';
import { readNpy, writeNpy } from '../../../main/formats/npy.js';
import { batchFromEvents, eventsOfBatch, type SpikeEvent } from '../../../main/common/spike-batch.js';
import { npyEvents } from './npy-events.js';
import { ascii, concat, decode, spaces, u16le, u64le, utf8, thrown } from './byte-builders.js';

function read(bytes: Uint8Array | string, format: 'npy' | 'csv', options: ReadEventFileOptions = {}) {
  return readEventFile(typeof bytes === 'string' ? utf8(bytes) : bytes, format, options);
}

function err(bytes: Uint8Array | string, format: 'npy' | 'csv', options: ReadEventFileOptions = {}) {
  const e = thrown(() => read(bytes, format, options));
  expect(e).toBeInstanceOf(FormatError);
  return e;
}

const ev = (t: number, layer: number, channel: number, x: number, y: number): SpikeEvent => ({ t, layer, channel, x, y });

describe('xytp .npy files (Tonic / sinabs style)', () => {
  it('the hand-built t,x,y,p array becomes events on the chosen layer, channel = p', () => {
    const dict = "{'descr': [('t', '<u8'), ('x', '<u2'), ('y', '<u2'), ('p', '<u2')], 'fortran_order': False, 'shape': (2,), }";
    const bytes = concat([0x93], ascii('NUMPY'), [1, 0], u16le(182), ascii(dict), spaces(73), ascii('\n'), u64le(1000), u16le(3, 4, 1), u64le(2500), u16le(127, 0, 0));
    const r = read(bytes, 'npy', { layer: 2 });
    expect(r.columns).toBe('xytp');
    expect(eventsOfBatch(r.batch)).toEqual([ev(1000, 2, 1, 3, 4), ev(2500, 2, 0, 127, 0)]);
    expect(r).toMatchObject({ dropped: { outOfRange: 0 }, sorted: false, warnings: [] });
  });

  it('fields in any order and any integer dtype, layer 0 by default', () => {
    const bytes = npyEvents(
      [
        ['y', '>i2'],
        ['p', '|b1'],
        ['t', '<i8'],
        ['x', '|u1'],
      ],
      { y: [5, 6], p: [1, 0], t: [0, 7], x: [255, 0] },
    );
    expect(eventsOfBatch(read(bytes, 'npy').batch)).toEqual([ev(0, 0, 1, 255, 5), ev(7, 0, 0, 0, 6)]);
  });

  it('x, y, t, channel (what sinabs events_to_xytp returns) and upper-case names', () => {
    const bytes = npyEvents(
      [
        ['x', '<u2'],
        ['y', '<u2'],
        ['t', '<u8'],
        ['channel', '<u2'],
      ],
      { x: [1], y: [2], t: [3], channel: [4] },
    );
    expect(eventsOfBatch(read(bytes, 'npy').batch)).toEqual([ev(3, 0, 4, 1, 2)]);
    const upper = npyEvents(
      [
        ['X', '<u4'],
        ['Y', '<u4'],
        ['T', '<u4'],
        ['P', '<u4'],
      ],
      { X: [1], Y: [2], T: [3], P: [1] },
    );
    expect(eventsOfBatch(read(upper, 'npy').batch)).toEqual([ev(3, 0, 1, 1, 2)]);
  });

  it('fields that are not event fields are ignored with a warning', () => {
    const bytes = npyEvents(
      [
        ['t', '<u8'],
        ['x', '<u2'],
        ['y', '<u2'],
        ['p', '<u2'],
        ['confidence', '<f4'],
      ],
      { t: [1], x: [1], y: [1], p: [1], confidence: [0.5] },
    );
    const r = read(bytes, 'npy');
    expect(r.batch.length).toBe(1);
    expect(r.warnings).toEqual(["field 'confidence' is not an event field (t, x, y, p, layer, feature) and was ignored"]);
  });

  it('an empty array gives an empty batch', () => {
    const r = read(npyEvents([['t', '<u8'], ['x', '<u2'], ['y', '<u2'], ['p', '<u2']], { t: [], x: [], y: [], p: [] }), 'npy');
    expect(r.batch.length).toBe(0);
  });
});

describe('layered .npy files', () => {
  it('t, layer, x, y, feature: the layer comes from the file', () => {
    const bytes = npyEvents(
      [
        ['t', '<u8'],
        ['layer', '|u1'],
        ['x', '<u2'],
        ['y', '<u2'],
        ['feature', '<u2'],
      ],
      { t: [1, 2], layer: [0, 13], x: [3, 4], y: [5, 6], feature: [7, 1] },
    );
    const r = read(bytes, 'npy', { layer: 5 });
    expect(r.columns).toBe('layered');
    expect(eventsOfBatch(r.batch)).toEqual([ev(1, 0, 7, 3, 5), ev(2, 13, 1, 4, 6)]);
    expect(r.warnings).toEqual(["the file has a 'layer' field, so the layer option (5) was not used"]);
  });

  it('feature alongside p: the channel is the feature and p is reported as ignored', () => {
    const bytes = npyEvents(
      [
        ['t', '<u8'],
        ['layer', '|u1'],
        ['x', '<u2'],
        ['y', '<u2'],
        ['p', '<u2'],
        ['feature', '<u2'],
      ],
      { t: [1], layer: [1], x: [0], y: [0], p: [1], feature: [9] },
    );
    const r = read(bytes, 'npy');
    expect(r.batch.channel[0]).toBe(9);
    expect(r.warnings).toEqual(["field 'p' was ignored: the channel is taken from 'feature'"]);
  });

  it('a layer that is neither a core nor a special layer is an error', () => {
    const bytes = npyEvents([['t', '<u8'], ['layer', '|u1'], ['x', '<u2'], ['y', '<u2'], ['feature', '<u2']], { t: [1, 2], layer: [0, 10], x: [0, 0], y: [0, 0], feature: [0, 0] });
    const e = err(bytes, 'npy');
    expect(e.code).toBe('OUT_OF_RANGE');
    expect(e.message).toBe('row 1 (counting from 0): layer 10 is not a core (0..8) or a special layer (12..14)');
    expect(e.details).toEqual({ row: 1, field: 'layer', value: 10 });
  });
});

describe('.npy files that are not event arrays', () => {
  it('a plain array (e.g. a raster) is rejected with what it holds', () => {
    const e = err(writeNpy({ kind: 'numeric', dtype: '|u1', shape: [2, 1, 2, 2], data: new Array(8).fill(0) }), 'npy');
    expect(e.code).toBe('NOT_EVENTS');
    expect(e.message).toContain('plain |u1 array of shape [2, 1, 2, 2], not events');
  });

  it('missing t, x, y or polarity', () => {
    const noT = err(npyEvents([['x', '<u2'], ['y', '<u2'], ['p', '<u2']], { x: [1], y: [1], p: [1] }), 'npy');
    expect(noT.code).toBe('MISSING_FIELD');
    expect(noT.message).toContain("no 't' field (fields: x, y, p)");
    const noP = err(npyEvents([['t', '<u8'], ['x', '<u2'], ['y', '<u2']], { t: [1], x: [1], y: [1] }), 'npy');
    expect(noP.message).toContain('no polarity or channel field');
  });

  it('float fields', () => {
    const e = err(npyEvents([['t', '<f8'], ['x', '<u2'], ['y', '<u2'], ['p', '<u2']], { t: [0.5], x: [1], y: [1], p: [1] }), 'npy');
    expect(e.code).toBe('UNSUPPORTED_DTYPE');
    expect(e.message).toContain("field 't' has dtype '<f8'; event fields must be integers");
  });

  it('two fields for one role', () => {
    const e = err(npyEvents([['t', '<u8'], ['timestamp', '<u8'], ['x', '<u2'], ['y', '<u2'], ['p', '<u2']], { t: [1], timestamp: [1], x: [1], y: [1], p: [1] }), 'npy');
    expect(e.message).toContain("fields 't' and 'timestamp' both give t");
  });
});

describe('CSV files', () => {
  it('xytp rows go to options.layer', () => {
    const r = read('t,x,y,p\n0,1,2,1\n10,3,4,0\n', 'csv', { layer: 13 });
    expect(r.columns).toBe('xytp');
    expect(eventsOfBatch(r.batch)).toEqual([ev(0, 13, 1, 1, 2), ev(10, 13, 0, 3, 4)]);
    expect(r.batch.t.length).toBe(2); // no spare capacity
  });

  it('layered rows keep their layer', () => {
    const r = read('t,layer,x,y,feature\n5,8,1,2,3\n', 'csv');
    expect(r.columns).toBe('layered');
    expect(eventsOfBatch(r.batch)).toEqual([ev(5, 8, 3, 1, 2)]);
  });

  it('a .npy file read as CSV is named as such', () => {
    const e = err(writeEventFile(batchFromEvents([]), 'npy', 'xytp'), 'csv');
    expect(e.code).toBe('NOT_EVENTS');
    expect(e.message).toContain('this is a .npy file');
  });

  it('parser errors come through with the line', () => {
    const e = err('t,x,y,p\n1,2,3,4\n2,2,x,4\n', 'csv');
    expect(e.code).toBe('NOT_AN_INTEGER');
    expect(e.details).toMatchObject({ line: 3, field: 'y' });
  });
});

describe('timestamps', () => {
  const xytp = (t: number[]) =>
    npyEvents(
      [
        ['t', '<i8'],
        ['x', '<u2'],
        ['y', '<u2'],
        ['p', '<u2'],
      ],
      { t, x: t.map((_, i) => i), y: t.map(() => 0), p: t.map(() => 0) },
    );

  it('negative: error with the row index', () => {
    const e = err(xytp([0, 5, -3]), 'npy');
    expect(e.code).toBe('NEGATIVE');
    expect(e.message).toContain('row 2 (counting from 0): timestamp -3 is negative');
    expect(e.details).toEqual({ row: 2, field: 't', value: -3 });
  });

  it('going back in time: error naming the first row where t decreases', () => {
    const e = err(xytp([0, 5, 5, 4, 1]), 'npy');
    expect(e.code).toBe('NOT_SORTED');
    expect(e.message).toContain('row 3 (counting from 0): timestamp 4 µs is earlier than the 5 µs of the row before');
    expect(e.message).toContain('sort option');
    const csv = err('t,x,y,p\n10,0,0,0\n\n9,0,0,0\n', 'csv');
    expect(csv.details).toEqual({ line: 4, field: 't', value: 9, previous: 10 });
  });

  it('sort: stable sort by timestamp, reported', () => {
    const r = read(xytp([5, 3, 5, 1, 3]), 'npy', { sort: true });
    expect(r.sorted).toBe(true);
    // x holds the original row index: equal timestamps keep file order
    expect(Array.from(r.batch.t)).toEqual([1, 3, 3, 5, 5]);
    expect(Array.from(r.batch.x)).toEqual([3, 1, 4, 0, 2]);
    expect(r.warnings).toEqual([
      'timestamps were not in time order (the first step back at row 1 (counting from 0)); the events were sorted by timestamp, keeping file order for equal timestamps',
    ]);
  });

  it('sorted input is left as it is', () => {
    const r = read(xytp([1, 1, 2]), 'npy', { sort: true });
    expect(r.sorted).toBe(false);
    expect(r.warnings).toEqual([]);
  });

  it('values beyond 2^53 in a u8 field are an error', () => {
    const bytes = npyEvents([['t', '<u8'], ['x', '<u2'], ['y', '<u2'], ['p', '<u2']], { t: [0], x: [0], y: [0], p: [0] });
    // overwrite the one t value (the data starts at the last 14 bytes) with 2^60
    bytes.set(u64le(2n ** 60n), bytes.length - 14);
    expect(err(bytes, 'npy').code).toBe('UNSAFE_INTEGER');
  });
});

describe('coordinates and the input shape', () => {
  const shape = [2, 4, 8] as const; // C, H, W
  const file = (rows: number[][]) => 't,x,y,p\n' + rows.map((r) => r.join(',')).join('\n') + '\n';

  it('inside the shape: accepted', () => {
    expect(read(file([[0, 7, 3, 1]]), 'csv', { inputShape: shape }).batch.length).toBe(1);
  });

  it('outside: error naming the row, the field and the shape', () => {
    const x = err(file([[0, 0, 0, 0], [1, 8, 0, 0]]), 'csv', { inputShape: shape });
    expect(x.code).toBe('OUT_OF_RANGE');
    expect(x.message).toBe(
      'line 3: x = 8 is outside the input shape [2, 4, 8] (width 8, so 0..7); check the sensor size, or import with dropOutOfRange to drop such events',
    );
    expect(x.details).toEqual({ line: 3, field: 'x', value: 8, limit: 8 });
    expect(err(file([[0, 0, 4, 0]]), 'csv', { inputShape: shape }).details).toMatchObject({ field: 'y', value: 4, limit: 4 });
    expect(err(file([[0, 0, 0, 2]]), 'csv', { inputShape: shape }).details).toMatchObject({ field: 'p', value: 2, limit: 2 });
  });

  it('dropOutOfRange: dropped, counted and reported', () => {
    const r = read(file([[0, 0, 0, 0], [1, 8, 0, 0], [2, 1, 1, 1], [3, 0, 9, 5]]), 'csv', { inputShape: shape, dropOutOfRange: true });
    expect(eventsOfBatch(r.batch)).toEqual([ev(0, 0, 0, 0, 0), ev(2, 0, 1, 1, 1)]);
    expect(r.batch.t.length).toBe(2);
    expect(r.dropped).toEqual({ outOfRange: 2 });
    expect(r.warnings).toEqual(['2 events were outside the input shape [2, 4, 8] and dropped (the first at line 3)']);
  });

  it('without an input shape, values must fit 16 bits', () => {
    const bytes = npyEvents([['t', '<u8'], ['x', '<u4'], ['y', '<u2'], ['p', '<u2']], { t: [0], x: [70000], y: [0], p: [0] });
    const e = err(bytes, 'npy');
    expect(e.message).toBe('row 0 (counting from 0): x = 70000 does not fit 16 bits (0..65535)');
  });

  it('negative coordinates are errors even with dropOutOfRange; polarity -1 gets a hint', () => {
    const neg = npyEvents([['t', '<u8'], ['x', '<i4'], ['y', '<i4'], ['p', '<i1']], { t: [0, 1], x: [0, 0], y: [0, -2], p: [1, 1] });
    const e = err(neg, 'npy', { inputShape: shape, dropOutOfRange: true });
    expect(e.code).toBe('NEGATIVE');
    expect(e.message).toBe('row 1 (counting from 0): y = -2 is negative');
    const pol = npyEvents([['t', '<u8'], ['x', '<i4'], ['y', '<i4'], ['p', '<i1']], { t: [0], x: [0], y: [0], p: [-1] });
    expect(err(pol, 'npy').message).toContain('map polarities -1/1 to 0/1');
  });

  it('bad options are programming errors', () => {
    expect(() => read('t,x,y,p\n', 'csv', { layer: 9 })).toThrow(RangeError);
    expect(() => read('t,x,y,p\n', 'csv', { inputShape: [0, 1, 1] })).toThrow(RangeError);
  });
});

describe('writing event files', () => {
  const batch = batchFromEvents([ev(1000, 0, 1, 3, 4), ev(2500, 0, 0, 127, 0)]);

  it('xytp .npy: fields t <u8, x, y, p <u2 (the hand-built bytes above)', () => {
    const dict = "{'descr': [('t', '<u8'), ('x', '<u2'), ('y', '<u2'), ('p', '<u2')], 'fortran_order': False, 'shape': (2,), }";
    const expected = concat([0x93], ascii('NUMPY'), [1, 0], u16le(182), ascii(dict), spaces(73), ascii('\n'), u64le(1000), u16le(3, 4, 1), u64le(2500), u16le(127, 0, 0));
    expect(Array.from(writeEventFile(batch, 'npy', 'xytp'))).toEqual(Array.from(expected));
  });

  it('layered .npy: fields t <u8, layer |u1, x, y, feature <u2', () => {
    const a = readNpy(writeEventFile(batchFromEvents([ev(5, 13, 1, 2, 3)]), 'npy', 'layered'));
    expect(a.kind === 'structured' && a.fields).toEqual([
      { name: 't', dtype: '<u8' },
      { name: 'layer', dtype: '|u1' },
      { name: 'x', dtype: '<u2' },
      { name: 'y', dtype: '<u2' },
      { name: 'feature', dtype: '<u2' },
    ]);
  });

  it('csv', () => {
    expect(decode(writeEventFile(batch, 'csv', 'xytp'))).toBe('t,x,y,p\n1000,3,4,1\n2500,127,0,0\n');
  });

  it('round trips in every format and column set', () => {
    const events = [ev(0, 3, 0, 0, 0), ev(0, 12, 65535, 65535, 65535), ev(2 ** 53 - 1, 13, 1, 127, 127)];
    const mixed = batchFromEvents(events);
    for (const format of ['npy', 'csv'] as const) {
      expect(eventsOfBatch(readEventFile(writeEventFile(mixed, format, 'layered'), format).batch), format).toEqual(events);
      const one = batchFromEvents(events.map((e) => ({ ...e, layer: 4 })));
      const back = readEventFile(writeEventFile(one, format, 'xytp'), format, { layer: 4 });
      expect(back.columns).toBe('xytp');
      expect(eventsOfBatch(back.batch), format).toEqual(events.map((e) => ({ ...e, layer: 4 })));
    }
  });

  it('xytp refuses a batch whose events come from several layers', () => {
    const e = thrown(() => writeEventFile(batchFromEvents([ev(0, 0, 0, 0, 0), ev(1, 0, 0, 0, 0), ev(2, 3, 0, 0, 0)]), 'npy', 'xytp'));
    expect(e.code).toBe('BAD_COLUMNS');
    expect(e.message).toContain('event 2: layer 3');
    expect(e.message).toContain('write a layered file instead');
  });
});

describe('detectEventFormat', () => {
  const npyBytes = writeEventFile(batchFromEvents([]), 'npy', 'xytp');

  it('the .npy magic wins over the extension', () => {
    expect(detectEventFormat('events.csv', npyBytes)).toBe('npy');
    expect(detectEventFormat('events', npyBytes)).toBe('npy');
  });

  it('then the extension', () => {
    expect(detectEventFormat('events.NPY', utf8('garbage'))).toBe('npy');
    expect(detectEventFormat('a/b.c/events.csv', utf8('t,x,y,p\n'))).toBe('csv');
    expect(detectEventFormat('events.txt', utf8('t,x,y,p\n'))).toBe('csv');
  });

  it('otherwise an error saying what is accepted', () => {
    const e = thrown(() => detectEventFormat('events.aedat', utf8('#!AER-DAT')));
    expect(e.code).toBe('NOT_EVENTS');
    expect(e.message).toContain('"events.aedat"');
    expect(e.message).toContain('.npy or .csv');
    expect(thrown(() => detectEventFormat('events.npz', Uint8Array.of(0x50, 0x4b, 3, 4))).message).toContain('zip archive (.npz?)');
  });
});
