// CSV files of spike events, over bytes: a required header line naming the columns
// (`t,x,y,p` or `t,layer,x,y,feature`, any order, case-insensitive, with the aliases
// timestamp = t, polarity = p, channel = feature), then one event per line of
// non-negative decimal integers. The parser walks the bytes once without per-line
// strings or regular expressions so ten million rows stay fast. It checks syntax and
// hands each row to a sink; what a valid event is (coordinate ranges, order of
// timestamps, target layer) is decided by the sink (see event-files.ts), not here.

import type { SpikeBatch } from '../common/spike-batch.js';
import { concatBytes } from './bytes.js';
import { FormatError, type FormatErrorCode, type FormatErrorDetails } from './format-error.js';

export type EventColumns = 'xytp' | 'layered';

/** Receives each data row; `layer` is -1 when the file has no layer column. */
export interface EventRowSink {
  row(t: number, x: number, y: number, channel: number, layer: number, line: number): void;
}

export interface EventCsvLayout {
  columns: EventColumns;
  /** The header's column names as written in the file. */
  header: string[];
  /** Upper bound on the number of data rows (lines after the header). */
  maxRows: number;
}

// Targets of the columns, in the order they are passed to the sink.
const T = 0;
const X = 1;
const Y = 2;
const CHANNEL = 3;
const LAYER = 4;
const TARGET_NAMES = ['t', 'x', 'y', 'p', 'layer'];

const ALIASES: Readonly<Record<string, number>> = {
  t: T,
  timestamp: T,
  x: X,
  y: Y,
  p: CHANNEL,
  polarity: CHANNEL,
  feature: CHANNEL,
  channel: CHANNEL,
  layer: LAYER,
};

const ACCEPTED_HEADERS = 't,x,y,p or t,layer,x,y,feature';

const CR = 13;
const LF = 10;
const COMMA = 44;
const SPACE = 32;
const TAB = 9;
const ZERO = 48;
const NINE = 57;

function fail(code: FormatErrorCode, message: string, details: FormatErrorDetails = {}): never {
  throw new FormatError('csv', code, message, details);
}

function decodeLine(bytes: Uint8Array, start: number, end: number): string {
  return new TextDecoder('utf-8').decode(bytes.subarray(start, end));
}

/** Count data lines (an upper bound on rows) with the engine's native byte search. */
function countLines(bytes: Uint8Array, from: number): number {
  let n = 0;
  let p = from;
  for (;;) {
    const nl = bytes.indexOf(LF, p);
    if (nl < 0) break;
    n++;
    p = nl + 1;
  }
  return p < bytes.length ? n + 1 : n;
}

interface Header {
  layout: EventCsvLayout;
  /** target (T, X, ...) of each column, in file order */
  targets: number[];
  /** byte offset of the first data line */
  dataStart: number;
  names: string[];
}

function parseHeader(bytes: Uint8Array): Header {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3; // UTF-8 byte order mark
  if (start >= bytes.length) fail('BAD_COLUMNS', `the CSV file is empty; it needs a header line (${ACCEPTED_HEADERS}) and one event per line`, { line: 1 });
  let end = bytes.indexOf(LF, start);
  const dataStart = end < 0 ? bytes.length : end + 1;
  if (end < 0) end = bytes.length;
  if (end > start && bytes[end - 1] === CR) end--;
  const text = decodeLine(bytes, start, end);
  const names = text.split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1').trim());
  const targets: number[] = [];
  const seen = new Map<number, string>();
  for (const name of names) {
    // Own keys only: 'constructor', '__proto__' and the like are unknown columns, not Object's members.
    const key = name.toLowerCase();
    const target = Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
    if (target === undefined) {
      const looksNumeric = /^-?\d+$/.test(name);
      const otherSeparator = /[;\t|]/.test(name);
      fail(
        'BAD_COLUMNS',
        looksNumeric
          ? `line 1 of the CSV file is data, but the first line must be a header naming the columns (${ACCEPTED_HEADERS}); add one`
          : otherSeparator
            ? `line 1: the header "${text}" does not use commas between columns; save the file with comma separators (${ACCEPTED_HEADERS})`
            : `line 1: unknown column "${name}" in the CSV header; the header must be ${ACCEPTED_HEADERS} (timestamp, polarity and channel are accepted too)`,
        { line: 1, field: name },
      );
    }
    const earlier = seen.get(target);
    if (earlier !== undefined) {
      fail('BAD_COLUMNS', `line 1: columns "${earlier}" and "${name}" both give ${TARGET_NAMES[target]}; keep one of them`, {
        line: 1,
        field: name,
      });
    }
    seen.set(target, name);
    targets.push(target);
  }
  for (const required of [T, X, Y, CHANNEL]) {
    if (!seen.has(required)) {
      fail(
        'BAD_COLUMNS',
        `line 1: the CSV header "${text}" has no ${required === CHANNEL ? 'p (or feature)' : TARGET_NAMES[required]} column; it must be ${ACCEPTED_HEADERS}`,
        { line: 1, field: TARGET_NAMES[required]! },
      );
    }
  }
  const columns: EventColumns = seen.has(LAYER) ? 'layered' : 'xytp';
  return { layout: { columns, header: names, maxRows: countLines(bytes, dataStart) }, targets, dataStart, names };
}

/** Read the header only: which columns the file has and how many rows it can hold at most. */
export function readEventCsvLayout(bytes: Uint8Array): EventCsvLayout {
  return parseHeader(bytes).layout;
}

/** Largest value a column can hold: t is exact up to 2^53 - 1 µs, x/y/channel are 16-bit, layer 8-bit. */
const LIMITS = [Number.MAX_SAFE_INTEGER, 65535, 65535, 65535, 255];

/**
 * Parse every data row into the sink that `sinkFor` returns once the header is read.
 * Errors name the 1-based line of the file and the column: not an integer, negative,
 * missing or extra fields, too large for its column. Blank lines are skipped.
 */
export function parseEventCsv(bytes: Uint8Array, sinkFor: (layout: EventCsvLayout) => EventRowSink): EventCsvLayout {
  const header = parseHeader(bytes);
  parseRows(bytes, header, sinkFor(header.layout), header.dataStart, 2);
  return header.layout;
}

/** A header line longer than this is not a CSV event header (the stream stops looking for its end). */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * The same parse over consecutive chunks of a file, for files too large to hold whole:
 * whole lines are parsed as they arrive and a line cut by a chunk boundary waits for the
 * next chunk. `maxRows` of the layout is 0 (the file's length is not known here).
 */
export class EventCsvStream {
  private carry: Uint8Array = new Uint8Array(0);
  private header: Header | null = null;
  private sink: EventRowSink | null = null;
  private line = 2;
  private started = false;

  constructor(private readonly sinkFor: (layout: EventCsvLayout) => EventRowSink) {}

  /** The chunk may be reused by the caller once this returns. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const bytes = this.carry.length === 0 ? chunk : concatBytes(this.carry, chunk);
    let from = 0;
    if (!this.header) {
      if (!this.started && bytes.length >= 6 && bytes[0] === 0x93 && bytes[1] === 0x4e && bytes[2] === 0x55) {
        fail('NOT_EVENTS', 'this is a .npy file, not CSV text; read it with the npy format');
      }
      this.started = true;
      const nl = bytes.indexOf(LF);
      if (nl < 0) {
        if (bytes.length > MAX_HEADER_BYTES) fail('BAD_COLUMNS', `line 1 is longer than ${MAX_HEADER_BYTES} bytes: this is not a CSV header (${ACCEPTED_HEADERS})`, { line: 1 });
        this.carry = bytes.slice();
        return;
      }
      this.begin(bytes.subarray(0, nl + 1));
      from = nl + 1;
    }
    const lastLf = bytes.lastIndexOf(LF);
    if (lastLf >= from) {
      this.line = parseRows(bytes.subarray(0, lastLf + 1), this.header!, this.sink!, from, this.line);
      from = lastLf + 1;
    }
    this.carry = bytes.slice(from);
  }

  /** Parses what is left (a last line without a line break) and returns the layout. */
  end(): EventCsvLayout {
    if (!this.header) this.begin(this.carry);
    else if (this.carry.length > 0) this.line = parseRows(this.carry, this.header, this.sink!, 0, this.line);
    this.carry = new Uint8Array(0);
    return this.header!.layout;
  }

  private begin(headerLine: Uint8Array): void {
    const header = parseHeader(headerLine);
    this.header = { ...header, layout: { ...header.layout, maxRows: 0 } };
    this.sink = this.sinkFor(this.header.layout);
  }
}

// The error paths live outside the hot loop so that none of its variables is captured by
// a closure (captured variables would live in a heap context instead of registers).

function fieldTextAt(bytes: Uint8Array, from: number): string {
  let e = from;
  while (e < bytes.length && bytes[e] !== COMMA && bytes[e] !== LF && bytes[e] !== CR) e++;
  return decodeLine(bytes, from, e).trim();
}

function badField(bytes: Uint8Array, h: Header, line: number, f: number, from: number): never {
  const text = fieldTextAt(bytes, from);
  const name = h.names[f]!;
  const details = { line, field: name, text };
  if (text === '') fail('MISSING_FIELD', `line ${line}, column ${name}: the value is empty; every row needs ${h.names.length} integers`, details);
  if (/^-\d+$/.test(text)) {
    fail(
      'NEGATIVE',
      `line ${line}, column ${name}: ${text} is negative; events need non-negative integers${h.targets[f] === CHANNEL ? ' (map polarities -1/1 to 0/1)' : ''}`,
      details,
    );
  }
  return fail(
    'NOT_AN_INTEGER',
    `line ${line}, column ${name}: "${text}" is not a non-negative integer${h.targets[f] === T ? ' (timestamps are whole microseconds)' : ''}`,
    details,
  );
}

function missingField(h: Header, line: number, f: number): never {
  const nf = h.names.length;
  return fail('MISSING_FIELD', `line ${line}: only ${f} of ${nf} columns (${h.names.join(',')}); column ${h.names[f]} is missing`, {
    line,
    field: h.names[f]!,
  });
}

function extraField(h: Header, line: number): never {
  return fail('EXTRA_FIELD', `line ${line}: more than the ${h.names.length} columns of the header (${h.names.join(',')}); remove the extra values`, {
    line,
  });
}

function tooLarge(bytes: Uint8Array, h: Header, line: number, f: number, from: number): never {
  const limit = LIMITS[h.targets[f]!]!;
  return fail('OUT_OF_RANGE', `line ${line}, column ${h.names[f]}: ${fieldTextAt(bytes, from)} is too large (at most ${limit} fits this column)`, {
    line,
    field: h.names[f]!,
    limit,
  });
}

/** Parses the rows in bytes[start..] (line `firstLine` of the file first); returns the next line number. */
function parseRows(bytes: Uint8Array, h: Header, sink: EventRowSink, start: number, firstLine: number): number {
  const targets = Int32Array.from(h.targets);
  const limits = Float64Array.from(h.targets, (t) => LIMITS[t]!);
  const nf = targets.length;
  const last = nf - 1;
  const values = new Float64Array(5);
  values[LAYER] = -1;
  const n = bytes.length;
  let pos = start;
  let line = firstLine;

  while (pos < n) {
    let c = bytes[pos]!;
    // Blank line (LF or CRLF).
    if (c === LF) {
      pos++;
      line++;
      continue;
    }
    if (c === CR && bytes[pos + 1] === LF) {
      pos += 2;
      line++;
      continue;
    }
    for (let f = 0; f < nf; f++) {
      while (pos < n && ((c = bytes[pos]!) === SPACE || c === TAB)) pos++;
      const fieldStart = pos;
      let v = 0;
      while (pos < n && (c = bytes[pos]!) >= ZERO && c <= NINE) {
        v = v * 10 + (c - ZERO);
        pos++;
      }
      if (pos === fieldStart) {
        if (pos >= n || c === LF || c === CR) missingField(h, line, f);
        badField(bytes, h, line, f, fieldStart);
      }
      while (pos < n && ((c = bytes[pos]!) === SPACE || c === TAB)) pos++;
      // Beyond 2^53 the sum above is no longer exact, but it stays above every limit.
      if (v > limits[f]!) tooLarge(bytes, h, line, f, fieldStart);
      values[targets[f]!] = v;
      if (pos >= n) {
        if (f < last) missingField(h, line, f + 1);
        break;
      }
      if (c === COMMA) {
        if (f === last) extraField(h, line);
        pos++;
      } else if (c === LF || c === CR) {
        if (f < last) missingField(h, line, f + 1);
      } else {
        badField(bytes, h, line, f, fieldStart);
      }
    }
    // End of row: CRLF, LF or end of file.
    if (pos < n && bytes[pos] === CR) pos++;
    if (pos < n) {
      if (bytes[pos] !== LF) fail('NOT_AN_INTEGER', `line ${line}: a carriage return inside the row`, { line });
      pos++;
    }
    sink.row(values[T]!, values[X]!, values[Y]!, values[CHANNEL]!, values[LAYER]!, line);
    line++;
  }
  return line;
}

// ---------------------------------------------------------------------------------------
// Writing

/** Write `v` (a non-negative integer below 2^53) in decimal at `pos`; returns the new position. */
function putInt(out: Uint8Array, pos: number, v: number): number {
  if (v < 10) {
    out[pos] = ZERO + v;
    return pos + 1;
  }
  let digits = 0;
  for (let r = v; r >= 1; r = Math.floor(r / 10)) digits++;
  let p = pos + digits;
  for (let r = v; p > pos; r = Math.floor(r / 10)) out[--p] = ZERO + (r % 10);
  return pos + digits;
}

/**
 * CSV text of a batch: `t,x,y,p` (the layer column is not written: the caller makes sure
 * it carries no information) or `t,layer,x,y,feature`, LF line endings.
 */
export function writeEventCsv(batch: SpikeBatch, columns: EventColumns): Uint8Array {
  const n = batch.length;
  const headerText = columns === 'xytp' ? 't,x,y,p\n' : 't,layer,x,y,feature\n';
  // 16 digits of t, 3 of layer, 5 for each of x, y, channel, plus separators.
  const out = new Uint8Array(headerText.length + n * 39);
  for (let i = 0; i < headerText.length; i++) out[i] = headerText.charCodeAt(i);
  let pos = headerText.length;
  const { t, x, y, channel, layer } = batch;
  for (let i = 0; i < n; i++) {
    const ti = t[i]!;
    if (!Number.isSafeInteger(ti) || ti < 0) {
      throw new FormatError('csv', 'BAD_VALUE', `event ${i} has timestamp ${ti}; timestamps must be whole non-negative microseconds`, {
        index: i,
        value: ti,
      });
    }
    pos = putInt(out, pos, ti);
    out[pos++] = COMMA;
    if (columns === 'layered') {
      pos = putInt(out, pos, layer[i]!);
      out[pos++] = COMMA;
    }
    pos = putInt(out, pos, x[i]!);
    out[pos++] = COMMA;
    pos = putInt(out, pos, y[i]!);
    out[pos++] = COMMA;
    pos = putInt(out, pos, channel[i]!);
    out[pos++] = LF;
  }
  return out.subarray(0, pos);
}
