// CSV event files: header rules, row parsing, and errors that name the file line and the column.
import { describe, expect, it } from 'vitest';
import { parseEventCsv, readEventCsvLayout, writeEventCsv, type EventRowSink } from '../../../main/formats/event-csv.js';
import { FormatError } from '../../../main/formats/format-error.js';
import { batchFromEvents } from '../../../main/common/spike-batch.js';
import { concat, decode, utf8, thrown } from './byte-builders.js';

type Row = [t: number, x: number, y: number, channel: number, layer: number, line: number];

function parse(text: string | Uint8Array) {
  const rows: Row[] = [];
  const sink: EventRowSink = { row: (...r) => void rows.push(r) };
  const layout = parseEventCsv(typeof text === 'string' ? utf8(text) : text, () => sink);
  return { rows, layout };
}

function err(text: string) {
  const e = thrown(() => parse(text));
  expect(e).toBeInstanceOf(FormatError);
  expect(e.format).toBe('csv');
  return e;
}

describe('header', () => {
  it('t,x,y,p gives xytp rows with no layer (-1)', () => {
    const { rows, layout } = parse('t,x,y,p\n10,1,2,0\n20,3,4,1\n');
    expect(layout.columns).toBe('xytp');
    expect(layout.header).toEqual(['t', 'x', 'y', 'p']);
    expect(rows).toEqual([
      [10, 1, 2, 0, -1, 2],
      [20, 3, 4, 1, -1, 3],
    ]);
  });

  it('t,layer,x,y,feature in any order, any case, with aliases', () => {
    const { rows, layout } = parse('Feature,X,LAYER,Timestamp,y\n5,6,7,100,8\n');
    expect(layout.columns).toBe('layered');
    expect(rows).toEqual([[100, 6, 8, 5, 7, 2]]);
    expect(parse('polarity,y,x,timestamp\n1,2,3,4\n').rows).toEqual([[4, 3, 2, 1, -1, 2]]);
    expect(parse('t,x,y,channel\n1,2,3,4\n').rows).toEqual([[1, 2, 3, 4, -1, 2]]);
  });

  it('tolerates spaces, quoted names, CRLF, a byte order mark and no final newline', () => {
    const bytes = concat([0xef, 0xbb, 0xbf], utf8('"t", x ,y,p\r\n 1 , 2,3 ,4\r\n5,6,7,8'));
    expect(parse(bytes).rows).toEqual([
      [1, 2, 3, 4, -1, 2],
      [5, 6, 7, 8, -1, 3],
    ]);
  });

  it('skips blank lines and keeps counting file lines', () => {
    expect(parse('t,x,y,p\n\n1,2,3,4\r\n\r\n5,6,7,8\n\n').rows).toEqual([
      [1, 2, 3, 4, -1, 3],
      [5, 6, 7, 8, -1, 5],
    ]);
  });

  it('a header-only file has no rows', () => {
    expect(parse('t,x,y,p\n').rows).toEqual([]);
    expect(readEventCsvLayout(utf8('t,x,y,p'))).toEqual({ columns: 'xytp', header: ['t', 'x', 'y', 'p'], maxRows: 0 });
  });

  it('maxRows bounds the number of rows', () => {
    expect(readEventCsvLayout(utf8('t,x,y,p\n1,2,3,4\n5,6,7,8')).maxRows).toBe(2);
    expect(readEventCsvLayout(utf8('t,x,y,p\n1,2,3,4\n5,6,7,8\n')).maxRows).toBe(2);
  });
});

describe('header errors', () => {
  it('empty file', () => {
    const e = err('');
    expect(e.code).toBe('BAD_COLUMNS');
    expect(e.message).toContain('empty');
  });

  it('data where the header should be', () => {
    const e = err('1,2,3,4\n');
    expect(e.message).toContain('line 1 of the CSV file is data');
    expect(e.message).toContain('t,x,y,p or t,layer,x,y,feature');
  });

  it('unknown column', () => {
    const e = err('t,x,y,p,q\n');
    expect(e.message).toContain('unknown column "q"');
    expect(e.details).toEqual({ line: 1, field: 'q' });
  });

  it('names of Object members (constructor, __proto__, toString) are unknown columns, not aliases', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const e = err(`t,x,y,p,${name}\n1,2,3,0,5\n`);
      expect(e.message).toContain(`unknown column "${name}"`);
    }
  });

  it('other separators than commas', () => {
    const e = err('t;x;y;p\n1;2;3;4\n');
    expect(e.message).toBe('line 1: the header "t;x;y;p" does not use commas between columns; save the file with comma separators (t,x,y,p or t,layer,x,y,feature)');
  });

  it('two names for one column', () => {
    expect(err('t,x,y,p,polarity\n').message).toContain('columns "p" and "polarity" both give p');
    expect(err('t,x,y,p,feature\n').message).toContain('"p" and "feature"');
  });

  it('missing column', () => {
    const e = err('t,x,p\n');
    expect(e.message).toContain('has no y column');
    expect(err('t,x,y\n').message).toContain('has no p (or feature) column');
  });
});

describe('row errors name the line and the column', () => {
  it('not an integer', () => {
    const e = err('t,x,y,p\n1,2,3,4\n2,1.5,3,4\n');
    expect(e.code).toBe('NOT_AN_INTEGER');
    expect(e.message).toBe('line 3, column x: "1.5" is not a non-negative integer');
    expect(e.details).toEqual({ line: 3, field: 'x', text: '1.5' });
    expect(err('t,x,y,p\n1e3,2,3,4\n').message).toContain('column t: "1e3" is not a non-negative integer (timestamps are whole microseconds)');
    expect(err('t,x,y,p\n1,abc,3,4\n').details).toMatchObject({ line: 2, field: 'x' });
    expect(err('t,x,y,p\n1,+2,3,4\n').code).toBe('NOT_AN_INTEGER');
    expect(err('t,x,y,p\n1,2 5,3,4\n').message).toContain('"2 5"');
  });

  it('negative', () => {
    const e = err('t,x,y,p\n1,2,3,-1\n');
    expect(e.code).toBe('NEGATIVE');
    expect(e.message).toContain('line 2, column p: -1 is negative');
    expect(e.message).toContain('map polarities -1/1 to 0/1');
    expect(err('t,x,y,p\n-5,2,3,1\n').details).toEqual({ line: 2, field: 't', text: '-5' });
  });

  it('missing field', () => {
    const e = err('t,x,y,p\n1,2,3,4\n1,2,3\n');
    expect(e.code).toBe('MISSING_FIELD');
    expect(e.message).toBe('line 3: only 3 of 4 columns (t,x,y,p); column p is missing');
    expect(err('t,x,y,p\n1,2,3,').details).toEqual({ line: 2, field: 'p' });
    expect(err('t,x,y,p\n1,2,3').code).toBe('MISSING_FIELD');
    const empty = err('t,x,y,p\n1,,3,4\n');
    expect(empty.code).toBe('MISSING_FIELD');
    expect(empty.message).toContain('line 2, column x: the value is empty');
  });

  it('extra fields', () => {
    const e = err('t,x,y,p\n1,2,3,4\n\n1,2,3,4,5\n');
    expect(e.code).toBe('EXTRA_FIELD');
    expect(e.message).toContain('line 4: more than the 4 columns');
  });

  it('values too large for their column', () => {
    const x = err('t,x,y,p\n1,65536,3,4\n');
    expect(x.code).toBe('OUT_OF_RANGE');
    expect(x.message).toContain('line 2, column x: 65536 is too large (at most 65535');
    expect(err('t,layer,x,y,feature\n1,256,0,0,0\n').details).toMatchObject({ field: 'layer', limit: 255 });
    expect(err('t,x,y,p\n9007199254740992,0,0,0\n').details).toMatchObject({ field: 't', limit: 9007199254740991 });
    expect(parse('t,x,y,p\n9007199254740991,65535,0,0\n').rows[0]![0]).toBe(9007199254740991);
  });
});

describe('writing', () => {
  const batch = batchFromEvents([
    { t: 0, layer: 3, channel: 1, x: 2, y: 9 },
    { t: 1234567890123, layer: 13, channel: 0, x: 65535, y: 10 },
  ]);

  it('xytp text', () => {
    expect(decode(writeEventCsv(batch, 'xytp'))).toBe('t,x,y,p\n0,2,9,1\n1234567890123,65535,10,0\n');
  });

  it('layered text', () => {
    expect(decode(writeEventCsv(batch, 'layered'))).toBe('t,layer,x,y,feature\n0,3,2,9,1\n1234567890123,13,65535,10,0\n');
  });

  it('reads back what it writes', () => {
    expect(parse(writeEventCsv(batch, 'layered')).rows).toEqual([
      [0, 2, 9, 1, 3, 2],
      [1234567890123, 65535, 10, 0, 13, 3],
    ]);
  });

  it('refuses timestamps that are not whole non-negative microseconds', () => {
    const e = thrown(() => writeEventCsv(batchFromEvents([{ t: 1.5, layer: 0, channel: 0, x: 0, y: 0 }]), 'xytp'));
    expect(e.code).toBe('BAD_VALUE');
    expect(e.message).toContain('event 0 has timestamp 1.5');
  });
});
