// A small JSON reader that remembers where each value and key stands in the text, so a
// schema error about `usb[2].vendorId` can name line and column of a user-edited file.
// It accepts exactly JSON (RFC 8259): no comments, no trailing commas. It does not
// validate shapes; callers run a schema over `value` and ask `locate(path)` for places.

export interface TextPosition {
  /** 0-based offset into the text. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, counted in UTF-16 code units. */
  column: number;
}

export type JsonPath = ReadonlyArray<string | number>;

export interface PositionedJson {
  value: unknown;
  /**
   * Where `path` points: the key of an object member (`"vendorId": ...`), the start of
   * an array element, or the nearest existing ancestor when the path names something
   * absent (a missing required key -> the object that lacks it).
   */
  locate(path: JsonPath): TextPosition;
}

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    readonly detail: string,
    readonly position: TextPosition,
  ) {
    super(`line ${position.line}, column ${position.column}: ${detail}`);
  }
}

function pathKey(path: JsonPath): string {
  return JSON.stringify(path);
}

export function parseJsonWithPositions(text: string): PositionedJson {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const positionAt = (offset: number): TextPosition => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1 };
  };
  const places = new Map<string, number>();
  let i = 0;

  const fail = (detail: string, at = i): never => {
    throw new JsonSyntaxError(detail, positionAt(Math.min(at, text.length)));
  };
  const describeHere = (): string => (i >= text.length ? 'the end of the file' : `${JSON.stringify(text[i])}`);
  const skipSpace = (): void => {
    while (i < text.length) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else break;
    }
  };
  const expect = (c: string, what: string): void => {
    skipSpace();
    if (text[i] !== c) fail(`expected ${what}, found ${describeHere()}`);
    i++;
  };

  const readString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) fail('string not closed (missing ")', start);
      const c = text[i] as string;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          fail('invalid escape in string', i);
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) fail('control character (e.g. a line break) inside a string', i);
      out += c;
      i++;
    }
  };

  const readNumber = (): number => {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (!m || m[0] === '-') fail(`not a JSON value: ${describeHere()}`);
    const s = (m as RegExpExecArray)[0];
    i += s.length;
    return Number(s);
  };

  const readValue = (path: (string | number)[]): unknown => {
    skipSpace();
    if (!places.has(pathKey(path))) places.set(pathKey(path), i);
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      skipSpace();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail(`expected a key in double quotes, found ${describeHere()}`);
        const keyAt = i;
        const key = readString();
        if (Object.prototype.hasOwnProperty.call(obj, key)) fail(`key ${JSON.stringify(key)} appears twice in this object`, keyAt);
        // A member is located at its key: that is where a person looks for it.
        places.set(pathKey([...path, key]), keyAt);
        expect(':', '":" after the key');
        obj[key] = readValue([...path, key]);
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail(`expected "," or "}" after a value, found ${describeHere()}`);
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      skipSpace();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(readValue([...path, arr.length]));
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail(`expected "," or "]" after a value, found ${describeHere()}`);
      }
    }
    if (c === '"') return readString();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return readNumber();
    if (i >= text.length) return fail('unexpected end of the file: a value is missing');
    return fail(`not a JSON value: ${describeHere()}`);
  };

  // A UTF-8 byte-order mark is common in files saved by Windows editors.
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  const value = readValue([]);
  skipSpace();
  if (i < text.length) fail(`unexpected ${describeHere()} after the end of the JSON value`);

  return {
    value,
    locate(path) {
      for (let n = path.length; n >= 0; n--) {
        const at = places.get(pathKey(path.slice(0, n)));
        if (at !== undefined) return positionAt(at);
      }
      return positionAt(0);
    },
  };
}
