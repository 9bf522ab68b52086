import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonTextError, parseJsonText } from '../../../main/common/json-text.js';
import { loadDeviceRegistry, parseUsbIdFile, USB_ID_FILE_NAME } from '../../../main/devices/usb-id-file.js';

// Made-up ids, for tests only.
describe('JSON text positions', () => {
  const text = ['{', '  "usb": [', '    { "type": "speck2fdevkit", "vendorId": "0xaaaa" },', '    { "type": 5 }', '  ]', '}'].join('\n');

  it('locates keys of members and starts of array elements (1-based line and column)', () => {
    const doc = parseJsonText(text);
    expect(doc.locate(['usb'])).toMatchObject({ line: 2, column: 3 });
    expect(doc.locate(['usb', 0])).toMatchObject({ line: 3, column: 5 });
    // `    { "type": "speck2fdevkit", ` is 31 characters, so the key starts in column 32.
    expect(doc.locate(['usb', 0, 'vendorId'])).toMatchObject({ line: 3, column: 32 });
    expect(doc.locate(['usb', 1, 'type'])).toMatchObject({ line: 4, column: 7 });
  });

  it('an absent path falls back to the nearest ancestor', () => {
    const doc = parseJsonText(text);
    expect(doc.locate(['usb', 1, 'productId'])).toMatchObject({ line: 4, column: 5 });
  });

  it('syntax errors carry line and column', () => {
    const cases: Array<[string, number, number, RegExp]> = [
      ['{\n  "usb": [\n    { "type": "x", }\n  ]\n}', 3, 20, /expected a key/],
      ['{\n  "usb": [1 2]\n}', 2, 13, /expected "," or "\]"/],
      ['{ "usb": "abc\n" }', 1, 14, /control character/],
      ['{ "usb": [] } x', 1, 15, /after the end/],
      ['{ "usb": ', 1, 10, /end of the file/],
      ['{ "a": 1, "a": 2 }', 1, 11, /appears twice/],
    ];
    for (const [src, line, column, message] of cases) {
      try {
        parseJsonText(src);
        expect.unreachable(src);
      } catch (e) {
        expect(e, src).toBeInstanceOf(JsonTextError);
        expect((e as JsonTextError).position, src).toMatchObject({ line, column });
        expect((e as JsonTextError).detail, src).toMatch(message);
      }
    }
  });

  it('reads the values JSON.parse reads', () => {
    const src = '{"a":[1,-2.5e3,true,false,null,"x\\u0041\\n"],"b":{}}';
    expect(parseJsonText(src).value).toEqual(JSON.parse(src));
  });
});

describe('usb-ids.json validation', () => {
  it('accepts hex strings with or without 0x and plain numbers', () => {
    const text = JSON.stringify({
      usb: [
        { type: 'speck2fdevkit', vendorId: '0xAAAA', productId: '0x0001', note: 'bench 3' },
        { type: 'speck2edevkit', vendorId: 'aaaa', productId: 2 },
      ],
    });
    const r = parseUsbIdFile(text);
    expect(r.problems).toEqual([]);
    expect(r.entries).toEqual([
      { type: 'speck2fdevkit', vendorId: 0xaaaa, productId: 1, source: 'user-file', note: 'bench 3', line: 1 },
      { type: 'speck2edevkit', vendorId: 0xaaaa, productId: 2, source: 'user-file', line: 1 },
    ]);
  });

  it('names the line and column of a JSON syntax error', () => {
    const text = '{\n  "usb": [\n    { "type": "speck2fdevkit" "vendorId": "0xaaaa" }\n  ]\n}\n';
    const r = parseUsbIdFile(text);
    expect(r.entries).toEqual([]);
    expect(r.problems).toEqual([{ line: 3, column: 31, message: 'not valid JSON: expected "," or "}" after a value, found "\\""' }]);
  });

  it('names the line of each schema problem: unknown type, bad id, missing key, unknown key', () => {
    const text = [
      '{',
      '  "usb": [',
      '    { "type": "speck9", "vendorId": "0xaaaa", "productId": "0x0001" },',
      '    { "type": "speck2fdevkit", "vendorId": "0x1ffff", "productId": "0x0001" },',
      '    { "type": "speck2fdevkit", "vendorId": "0xaaaa" },',
      '    { "type": "speck2fdevkit", "vendorID": "0xaaaa", "vendorId": 1, "productId": 70000 }',
      '  ]',
      '}',
    ].join('\n');
    const { entries, problems } = parseUsbIdFile(text);
    expect(entries).toEqual([]);
    expect(problems.map((p) => [p.line, p.column])).toEqual([
      [3, 7],
      [4, 32],
      [5, 5],
      [6, 32], // the key "vendorID"
      [6, 69], // the key "productId": 31 + 22 ("vendorID": "0xaaaa", ) + 15 ("vendorId": 1, ) characters before it
    ]);
    expect(problems[0]?.message).toMatch(/unknown device type "speck9"; known types: .*speck2fdevkit/);
    expect(problems[1]?.message).toMatch(/"0x1ffff" is not a USB id/);
    expect(problems[2]?.message).toBe('missing "productId" in usb[2]');
    expect(problems[3]?.message).toMatch(/unknown key "vendorID" in usb\[3\]/);
    expect(problems[4]?.message).toMatch(/70000 is not a USB id/);
  });

  it('a top level that is not { "usb": [...] } is explained', () => {
    expect(parseUsbIdFile('[]').problems[0]).toMatchObject({ line: 1, column: 1, message: 'expected an object: { "usb": [ ... ] }' });
    expect(parseUsbIdFile('{"usb": {}}').problems[0]).toMatchObject({ line: 1, column: 2, message: expect.stringMatching(/expected "usb" to be a list/) });
    expect(parseUsbIdFile('{}').problems[0]).toMatchObject({ line: 1, column: 1, message: 'missing "usb" in the file' });
  });

  it('one USB id for two types is a conflict naming both lines', () => {
    const text = [
      '{ "usb": [',
      '  { "type": "speck2fdevkit", "vendorId": "0xaaaa", "productId": "0x0001" },',
      '  { "type": "speck2edevkit", "vendorId": 43690, "productId": 1 }',
      '] }',
    ].join('\n');
    const { entries, problems } = parseUsbIdFile(text);
    expect(entries).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 3, column: 3 });
    expect(problems[0]?.message).toContain('"speck2edevkit" here and to "speck2fdevkit" on line 2');
  });
});

describe('loadDeviceRegistry (the data folder)', () => {
  const dirs: string[] = [];
  const dataDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'dcnn-usbids-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('no file: built-in table only, status ok', () => {
    const r = loadDeviceRegistry(dataDir());
    expect(r.status).toMatchObject({ status: 'ok', file: null });
  });

  it('a valid file adds its ids', () => {
    const d = dataDir();
    writeFileSync(join(d, USB_ID_FILE_NAME), '{ "usb": [ { "type": "dynapcnndevkit", "vendorId": "0xaaaa", "productId": "0x0003" } ] }');
    const r = loadDeviceRegistry(d);
    expect(r.matchUsb(0xaaaa, 3)?.key).toBe('dynapcnndevkit');
    expect(r.status.file).toBe(join(d, USB_ID_FILE_NAME));
  });

  it('a bad file does not stop anything: status names the problem, ids are not used', () => {
    const d = dataDir();
    writeFileSync(join(d, USB_ID_FILE_NAME), '{ "usb": [ { "type": "dynapcnndevkit", "vendorId": "0xaaaa", "productId": "0x0003" }, ] }');
    const r = loadDeviceRegistry(d);
    expect(r.matchUsb(0xaaaa, 3)).toBeUndefined();
    expect(r.status.status).toBe('invalid-user-file');
    expect(r.status.message).toMatch(/line 1, column 87: not valid JSON/);
  });

  it('an unreadable file (a folder in its place) is a status too', () => {
    const d = dataDir();
    // usb-ids.json is a directory: reading it fails with EISDIR.
    mkdirSync(join(d, USB_ID_FILE_NAME));
    const r = loadDeviceRegistry(d);
    expect(r.status.status).toBe('invalid-user-file');
    expect(r.status.message).toMatch(/cannot be read/);
  });
});

describe('usb-ids.json that would have stopped the workbench', () => {
  it('6000 levels deep: a problem with its place, nothing thrown', () => {
    const r = parseUsbIdFile('{"usb": ' + '['.repeat(6000) + ']'.repeat(6000) + '}');
    expect(r.entries).toEqual([]);
    expect(r.problems[0]).toMatchObject({ line: 1, message: expect.stringMatching(/nested more than 64 levels deep/) });
  });

  it('a __proto__ key in an entry is refused by name as an unknown key', () => {
    const r = parseUsbIdFile('{ "usb": [ { "type": "dynapcnndevkit", "vendorId": "0xaaaa", "productId": "0x0003", "__proto__": { "type": "speck2fdevkit" } } ] }');
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(/__proto__/);
  });
});
