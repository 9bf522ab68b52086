// The bridge between event files (.npy structured arrays, CSV) and the product's one
// event layout, SpikeBatch. Reading checks every row (negative or non-monotonic
// timestamps, coordinates outside the input shape, impossible layers) and names the row;
// nothing is dropped or reordered unless the caller asks for it, and then it is counted
// and reported. Writing produces files numpy and spreadsheet tools read back. Camera
// recordings (AEDAT, ATIS .bin, Prophesee .dat/.raw) are read through the decoders in
// ./events/ and mapped by ./events/camera-input.ts. No file system here: callers read
// and write the bytes.

import { InputMapper, mappingNote, type InputMapping } from './events/input-mapping.js';
import type { EventBlock } from './events/event-block.js';
import { LAYER_DVS_RAW, LAYER_READOUT, SpikeBatchBuilder, allocateBatch, type SpikeBatch } from '../common/spike-batch.js';
import { EventCsvStream, parseEventCsv, writeEventCsv, type EventColumns, type EventCsvLayout, type EventRowSink } from './event-csv.js';
import { CameraInputCollector } from './events/camera-input.js';
import { CAMERA_EXTENSIONS, SNIFF_BYTES, createCameraDecoder, sniffCameraFormat } from './events/camera-formats.js';
import type { CameraFormat, DecodeReport } from './events/event-decoder.js';
import type { PacketCodecs } from './events/packet-compression.js';
import { concatBytes } from './bytes.js';
import { FormatError, type FormatErrorCode, type FormatErrorDetails } from './format-error.js';
import { npyRecordReader, readNpy, writeNpy, type NpyField, type NpyRecordReader, type NpyTypedArray } from './npy.js';
import { elementCount, formatShape } from './tensor.js';

export type { EventColumns } from './event-csv.js';
export type EventFileFormat = 'npy' | 'csv';
/** What can be read as input: the two writable formats and the camera recordings. */
export type EventInputFormat = EventFileFormat | CameraFormat;

export function isCameraFormat(format: EventInputFormat): format is CameraFormat {
  return format !== 'npy' && format !== 'csv';
}

export interface ReadEventFileOptions {
  /** [C, H, W] the events feed: every channel, y and x must be inside it. */
  inputShape?: readonly [number, number, number];
  /** Target core for files without a layer column (default 0). */
  layer?: number;
  /** Stably sort events whose timestamps go backwards instead of failing. */
  sort?: boolean;
  /** Drop (and count) events outside `inputShape` instead of failing. */
  dropOutOfRange?: boolean;
  /** Camera recordings: window, crop, downsampling, polarity and refractory filter before the model's input. */
  mapping?: InputMapping;
  /** Camera recordings: the sensor size, for formats whose files carry none (ATIS .bin). */
  sensor?: { width: number; height: number };
}

export interface EventFileContents {
  batch: SpikeBatch;
  /** 'layered' when the file has a layer column, else 'xytp' (layer = options.layer). */
  columns: EventColumns;
  dropped: { outOfRange: number };
  /** True when the events were reordered by timestamp. */
  sorted: boolean;
  /** Things the user should know that did not stop the import (ignored fields, drops, sorting). */
  warnings: string[];
  /** Camera recordings: what the decoder found (format, sensor size, skipped packets). */
  recording?: DecodeReport & { timeShift: number };
}

const MAX_CORE = 8;
const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

function hasNpyMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && NPY_MAGIC.every((b, i) => bytes[i] === b);
}

function isValidLayer(l: number): boolean {
  return Number.isInteger(l) && ((l >= 0 && l <= MAX_CORE) || (l >= LAYER_READOUT && l <= LAYER_DVS_RAW));
}

/** Collects validated rows into a batch; shared by the CSV and .npy readers. */
class EventCollector implements EventRowSink {
  private readonly events: SpikeBatchBuilder;
  private prevT = -Infinity;
  outOfRange = 0;
  firstOutOfRange = -1;
  /** row id of the first timestamp decrease, or -1 */
  firstDecrease = -1;
  private readonly c: number;
  private readonly h: number;
  private readonly w: number;

  constructor(
    capacity: number,
    private readonly format: EventFileFormat,
    private readonly layerFromFile: boolean,
    private readonly defaultLayer: number,
    private readonly options: ReadEventFileOptions,
    /** Streamed reads: full batches go here as they fill, and nothing is kept or sorted. */
    private readonly sink?: EventBatchSink,
  ) {
    this.events = new SpikeBatchBuilder(sink ? sink.chunkEvents : Math.max(16, capacity));
    const shape = options.inputShape;
    this.c = shape ? shape[0] : 65536;
    this.h = shape ? shape[1] : 65536;
    this.w = shape ? shape[2] : 65536;
  }

  /** How a row is named in messages: CSV rows by file line, .npy rows by array index. */
  where(id: number): string {
    return this.format === 'csv' ? `line ${id}` : `row ${id} (counting from 0)`;
  }

  private fail(code: FormatErrorCode, id: number, message: string, details: FormatErrorDetails = {}): never {
    throw new FormatError(this.format, code, `${this.where(id)}: ${message}`, {
      [this.format === 'csv' ? 'line' : 'row']: id,
      ...details,
    });
  }

  row(t: number, x: number, y: number, channel: number, layer: number, id: number): void {
    if (t < 0) this.fail('NEGATIVE', id, `timestamp ${t} is negative; timestamps are microseconds from 0 on`, { field: 't', value: t });
    if (t < this.prevT) {
      if (!this.options.sort) {
        this.fail(
          'NOT_SORTED',
          id,
          `timestamp ${t} µs is earlier than the ${this.prevT} µs of the row before; events must be in time order — sort the file, or import it with the sort option`,
          { field: 't', value: t, previous: this.prevT },
        );
      }
      if (this.firstDecrease < 0) this.firstDecrease = id;
    }
    this.prevT = t;
    const l = this.layerFromFile ? layer : this.defaultLayer;
    if (this.layerFromFile && !isValidLayer(l)) {
      this.fail('OUT_OF_RANGE', id, `layer ${l} is not a core (0..${MAX_CORE}) or a special layer (${LAYER_READOUT}..${LAYER_DVS_RAW})`, {
        field: 'layer',
        value: l,
      });
    }
    if (x < 0 || y < 0 || channel < 0) {
      const [field, value] = x < 0 ? ['x', x] : y < 0 ? ['y', y] : ['p', channel];
      this.fail('NEGATIVE', id, `${field} = ${value} is negative${field === 'p' ? ' (map polarities -1/1 to 0/1 before importing)' : ''}`, {
        field,
        value,
      });
    }
    if (channel >= this.c || y >= this.h || x >= this.w) {
      if (this.options.dropOutOfRange && this.options.inputShape) {
        if (this.firstOutOfRange < 0) this.firstOutOfRange = id;
        this.outOfRange++;
        return;
      }
      const [field, value, limit, axis] =
        channel >= this.c ? ['p', channel, this.c, 'channels'] : y >= this.h ? ['y', y, this.h, 'height'] : ['x', x, this.w, 'width'];
      this.fail(
        'OUT_OF_RANGE',
        id,
        this.options.inputShape
          ? `${field} = ${value} is outside the input shape ${formatShape(this.options.inputShape)} (${axis} ${limit}, so 0..${limit - 1}); check the sensor size, or import with dropOutOfRange to drop such events`
          : `${field} = ${value} does not fit 16 bits (0..65535)`,
        { field, value, limit },
      );
    }
    this.events.push(t, l, channel, x, y);
    if (this.sink && this.events.length >= this.sink.chunkEvents) this.sink.emit(this.events.take());
  }

  /** The collected events, tight (no spare capacity), sorted if rows went back in time. */
  finish(): SpikeBatch {
    const b = this.events.take();
    if (this.sink) {
      if (b.length > 0) this.sink.emit(b);
      return allocateBatch(0);
    }
    return this.firstDecrease >= 0 ? sortByTime(b) : b;
  }

  /** What the user should know about the rows read (drops, sorting). */
  notes(): string[] {
    const notes: string[] = [];
    if (this.outOfRange > 0) {
      notes.push(
        `${this.outOfRange} event${this.outOfRange === 1 ? ' was' : 's were'} outside the input shape ${formatShape(this.options.inputShape!)} and dropped (the first at ${this.where(this.firstOutOfRange)})`,
      );
    }
    if (this.firstDecrease >= 0 && !this.sink) {
      notes.push(`timestamps were not in time order (the first step back at ${this.where(this.firstDecrease)}); the events were sorted by timestamp, keeping file order for equal timestamps`);
    }
    return notes;
  }
}

/** Stable sort by timestamp (ties keep file order). */
function sortByTime(b: SpikeBatch): SpikeBatch {
  const n = b.length;
  const t = b.t;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, c) => t[a]! - t[c]! || a - c);
  const out = allocateBatch(n);
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    out.t[i] = t[j]!;
    out.x[i] = b.x[j]!;
    out.y[i] = b.y[j]!;
    out.channel[i] = b.channel[j]!;
    out.layer[i] = b.layer[j]!;
  }
  return out;
}

function checkOptions(options: ReadEventFileOptions): number {
  const layer = options.layer ?? 0;
  if (!isValidLayer(layer)) {
    throw new RangeError(`layer ${layer} is not a core (0..${MAX_CORE}) or a special layer (${LAYER_READOUT}..${LAYER_DVS_RAW})`);
  }
  const s = options.inputShape;
  if (s && !(s.length === 3 && s.every((d) => Number.isInteger(d) && d >= 1 && d <= 65536))) {
    throw new RangeError(`inputShape ${JSON.stringify(s)} must be [C, H, W] with each between 1 and 65536`);
  }
  return layer;
}

// ---------------------------------------------------------------------------------------
// .npy structured arrays

/** Canonical event field of a (case-insensitive) field name. */
const NPY_FIELD: Readonly<Record<string, 't' | 'x' | 'y' | 'p' | 'feature' | 'layer'>> = {
  t: 't',
  timestamp: 't',
  x: 'x',
  y: 'y',
  p: 'p',
  polarity: 'p',
  feature: 'feature',
  channel: 'feature',
  layer: 'layer',
};

function npyFail(code: FormatErrorCode, message: string, details: FormatErrorDetails = {}): never {
  throw new FormatError('npy', code, message, details);
}

function notEvents(dtype: string, shape: readonly number[]): never {
  npyFail(
    'NOT_EVENTS',
    `this .npy file holds a plain ${dtype} array of shape ${formatShape(shape)}, not events; an event file is a structured array with fields t, x, y, p (e.g. numpy dtype [('t','<u8'),('x','<u2'),('y','<u2'),('p','<u2')]) — convert rasters to events first`,
    { dtype },
  );
}

/** Which field of the records gives which event value (checked once, before any row). */
interface NpyEventFields {
  t: string;
  x: string;
  y: string;
  channel: string;
  layer: string | null;
}

function npyEventFields(fields: readonly NpyField[], options: ReadEventFileOptions, warnings: string[]): NpyEventFields {
  const byRole = new Map<string, string>();
  for (const f of fields) {
    const role = NPY_FIELD[f.name.toLowerCase()];
    if (role === undefined) {
      warnings.push(`field '${f.name}' is not an event field (t, x, y, p, layer, feature) and was ignored`);
      continue;
    }
    const other = byRole.get(role);
    if (other) npyFail('BAD_COLUMNS', `fields '${other}' and '${f.name}' both give ${role}; keep one of them`, { field: f.name });
    if (!/^[|<>=]?[biu]\d+$/.test(f.dtype)) {
      npyFail(
        'UNSUPPORTED_DTYPE',
        `field '${f.name}' has dtype '${f.dtype}'; event fields must be integers (timestamps in whole microseconds)`,
        { field: f.name, dtype: f.dtype },
      );
    }
    byRole.set(role, f.name);
  }
  const found = fields.map((f) => f.name).join(', ');
  for (const role of ['t', 'x', 'y'] as const) {
    if (!byRole.has(role)) {
      npyFail('MISSING_FIELD', `the event array has no '${role}' field (fields: ${found}); it needs t, x, y and p (or feature/channel)`, { field: role });
    }
  }
  const channel = byRole.get('feature') ?? byRole.get('p');
  if (!channel) {
    npyFail('MISSING_FIELD', `the event array has no polarity or channel field (fields: ${found}); it needs p, feature or channel`, { field: 'p' });
  }
  const p = byRole.get('p');
  if (byRole.has('feature') && p) warnings.push(`field '${p}' was ignored: the channel is taken from '${channel}'`);
  const layer = byRole.get('layer') ?? null;
  if (layer && options.layer !== undefined) warnings.push(`the file has a '${layer}' field, so the layer option (${options.layer}) was not used`);
  return { t: byRole.get('t')!, x: byRole.get('x')!, y: byRole.get('y')!, channel, layer };
}

function npyRows(collector: EventCollector, f: NpyEventFields, columns: Readonly<Record<string, NpyTypedArray>>, n: number, first: number): void {
  const t = columns[f.t]!;
  const x = columns[f.x]!;
  const y = columns[f.y]!;
  const ch = columns[f.channel]!;
  const layer = f.layer ? columns[f.layer]! : undefined;
  for (let i = 0; i < n; i++) collector.row(t[i]!, x[i]!, y[i]!, ch[i]!, layer ? layer[i]! : -1, first + i);
}

function readNpyEvents(bytes: Uint8Array, options: ReadEventFileOptions, defaultLayer: number, warnings: string[]) {
  const array = readNpy(bytes);
  if (array.kind !== 'structured') notEvents(array.dtype, array.shape);
  const fields = npyEventFields(array.fields, options, warnings);
  const n = elementCount(array.shape);
  const collector = new EventCollector(n, 'npy', fields.layer !== null, defaultLayer, options);
  npyRows(collector, fields, array.columns, n, 0);
  return { collector, columns: (fields.layer ? 'layered' : 'xytp') as EventColumns };
}

/** Headers longer than this are not waited for (numpy writes a few hundred bytes). */
const MAX_NPY_HEADER_BYTES = 16 * 1024 * 1024;

/** The .npy reader over consecutive chunks: the header first, then whole records as they arrive. */
function streamNpyEvents(options: ReadEventFileOptions, defaultLayer: number, warnings: string[], fileBytes: number, sink: EventBatchSink, feed: ChunkFeed) {
  const st: { head: Uint8Array; carry: Uint8Array; row: number; reader: NpyRecordReader | null; fields: NpyEventFields | null; collector: EventCollector | null } = {
    head: new Uint8Array(0),
    carry: new Uint8Array(0),
    row: 0,
    reader: null,
    fields: null,
    collector: null,
  };
  const begin = (bytes: Uint8Array, final: boolean): Uint8Array | null => {
    st.head = concatBytes(st.head, bytes);
    // The preamble (magic, version, header length) first.
    if (!final && st.head.length < Math.min(12, fileBytes)) return null;
    let r: NpyRecordReader;
    try {
      r = npyRecordReader(st.head, fileBytes);
    } catch (e) {
      // Not the whole header yet: wait for more of the file.
      const d = e instanceof FormatError && e.code === 'TRUNCATED' ? e.details.expectedBytes : undefined;
      if (!final && typeof d === 'number' && d > st.head.length && d <= Math.min(fileBytes, MAX_NPY_HEADER_BYTES)) return null;
      throw e;
    }
    if (!r.fields) notEvents(r.header.descr as string, r.header.shape);
    if (!r.inRecordOrder) npyFail('UNSUPPORTED_DTYPE', 'this .npy event array has more than one axis and is stored in Fortran order; save it with numpy.save as a 1-D array');
    st.reader = r;
    st.fields = npyEventFields(r.fields, options, warnings);
    st.collector = new EventCollector(0, 'npy', st.fields.layer !== null, defaultLayer, options, sink);
    const rest = st.head.subarray(r.header.dataOffset);
    st.head = new Uint8Array(0);
    return rest;
  };
  const records = (r: NpyRecordReader, bytes: Uint8Array) => {
    const data = st.carry.length > 0 ? concatBytes(st.carry, bytes) : bytes;
    const n = Math.min(Math.floor(data.length / r.itemSize), r.count - st.row);
    if (n > 0) {
      npyRows(st.collector!, st.fields!, r.decode(data.subarray(0, n * r.itemSize), st.row), n, st.row);
      st.row += n;
    }
    st.carry = data.slice(n * r.itemSize);
  };
  feed((chunk) => {
    if (st.reader) return records(st.reader, chunk);
    const rest = begin(chunk, false);
    if (rest && st.reader) records(st.reader, rest);
  });
  const reader = st.reader ?? (begin(new Uint8Array(0), true), st.reader!);
  if (st.row !== reader.count) {
    npyFail('TRUNCATED', `.npy data is cut off: the header announces ${reader.count} records, the file held ${st.row}; the file changed while it was read`, {
      expectedBytes: reader.count * reader.itemSize,
      foundBytes: st.row * reader.itemSize,
    });
  }
  return { collector: st.collector!, columns: (st.fields!.layer ? 'layered' : 'xytp') as EventColumns };
}

// ---------------------------------------------------------------------------------------
// Public API

/** Chunk size camera recordings are decoded in (also the worker's file read size). */
export const CAMERA_CHUNK_BYTES = 1 << 20;

/** Hands consecutive chunks of a file to `push` (a chunk may be reused once push returns). */
export type ChunkFeed = (push: (chunk: Uint8Array) => void) => void;

/** Where a streamed read sends its events: batches of `chunkEvents` (the last one shorter). */
export interface EventBatchSink {
  chunkEvents: number;
  emit(batch: SpikeBatch): void;
  /** Camera recordings: µs subtracted from every timestamp (the timeShift a first pass found). */
  timeShift?: number;
}

/** A streamed read's report: what readEventFile says, without the events. */
export type EventFileSummary = Omit<EventFileContents, 'batch'> & {
  /** The timestamps go back: putting them in order needs the whole file (read it with readEventFile). */
  needsSort: boolean;
};

function decodeCamera(format: CameraFormat, options: ReadEventFileOptions, feed: ChunkFeed, stream: EventBatchSink | undefined, codecs: PacketCodecs) {
  const layer = checkOptions(options);
  const decoder = createCameraDecoder(format, codecs);
  const collector = new CameraInputCollector({
    layer,
    ...(options.inputShape ? { inputShape: options.inputShape } : {}),
    ...(stream ? { stream: { chunkEvents: stream.chunkEvents, timeShift: stream.timeShift ?? 0, emit: stream.emit } } : {}),
  });
  // The mapper needs the sensor size, which the decoder knows once it has read the header.
  const mapping: { mapper: InputMapper | null } = { mapper: null };
  const add = (block: EventBlock) => {
    if (options.mapping) {
      mapping.mapper ??= new InputMapper(options.mapping, options.sensor ?? decoder.report().sensor);
      collector.add(mapping.mapper.map(block));
    } else {
      collector.add(block);
    }
  };
  feed((chunk) => add(decoder.push(chunk)));
  add(decoder.end());
  const report = decoder.report();
  const mapped = collector.finish(report);
  const note = mapping.mapper && options.mapping ? mappingNote(options.mapping, mapping.mapper.report()) : null;
  return {
    mapped,
    contents: {
      batch: mapped.batch,
      columns: 'xytp' as const,
      dropped: mapped.dropped,
      sorted: mapped.sorted,
      warnings: note ? [note, ...mapped.warnings] : mapped.warnings,
      recording: { ...report, timeShift: mapped.timeShift },
    },
  };
}

/**
 * Reads a camera recording chunk by chunk into a batch for the model's entry; `feed`
 * receives a push function and calls it with consecutive chunks of the file.
 */
export function readCameraEvents(format: CameraFormat, options: ReadEventFileOptions, feed: ChunkFeed, codecs: PacketCodecs = {}): EventFileContents {
  return decodeCamera(format, options, feed, undefined, codecs).contents;
}

/**
 * Reads an event file of `fileBytes` bytes chunk by chunk and sends its events to
 * `sink` in batches as they are read, holding no more than a chunk and a batch: the
 * same checks and the same events as readEventFile, for files of any length. A file
 * whose timestamps go back cannot be put in order this way: a camera recording, or a
 * .npy / CSV file read with the sort option, then reports `needsSort` (the events sent
 * are in file order) and must be read whole.
 */
export function streamEventFile(format: EventInputFormat, options: ReadEventFileOptions, fileBytes: number, feed: ChunkFeed, sink: EventBatchSink, codecs: PacketCodecs = {}): EventFileSummary {
  if (isCameraFormat(format)) {
    const { mapped, contents } = decodeCamera(format, options, feed, sink, codecs);
    const { batch: _none, ...summary } = contents;
    return { ...summary, needsSort: mapped.backwards };
  }
  const defaultLayer = checkOptions(options);
  const warnings: string[] = [];
  let read: { collector: EventCollector; columns: EventColumns };
  if (format === 'csv') {
    let collector: EventCollector | undefined;
    const csv = new EventCsvStream((l) => (collector = new EventCollector(0, 'csv', l.columns === 'layered', defaultLayer, options, sink)));
    feed((chunk) => csv.push(chunk));
    const layout = csv.end();
    read = { collector: collector!, columns: layout.columns };
    layeredNote(read.columns, options, warnings);
  } else {
    read = streamNpyEvents(options, defaultLayer, warnings, fileBytes, sink, feed);
  }
  const c = read.collector;
  c.finish();
  return { columns: read.columns, dropped: { outOfRange: c.outOfRange }, sorted: false, warnings: [...warnings, ...c.notes()], needsSort: c.firstDecrease >= 0 };
}

function layeredNote(columns: EventColumns, options: ReadEventFileOptions, warnings: string[]): void {
  if (columns === 'layered' && options.layer !== undefined) warnings.push(`the file has a layer column, so the layer option (${options.layer}) was not used`);
}

/** Read an event file into a SpikeBatch, checking every row (see ReadEventFileOptions). */
export function readEventFile(bytes: Uint8Array, format: EventInputFormat, options: ReadEventFileOptions = {}, codecs: PacketCodecs = {}): EventFileContents {
  if (isCameraFormat(format)) {
    return readCameraEvents(format, options, (push) => {
      for (let i = 0; i < bytes.length; i += CAMERA_CHUNK_BYTES) push(bytes.subarray(i, i + CAMERA_CHUNK_BYTES));
    }, codecs);
  }
  const defaultLayer = checkOptions(options);
  const warnings: string[] = [];
  let collector: EventCollector | undefined;
  let columns: EventColumns;
  if (format === 'csv') {
    if (hasNpyMagic(bytes)) {
      throw new FormatError('csv', 'NOT_EVENTS', 'this is a .npy file, not CSV text; read it with the npy format', {});
    }
    const layout = parseEventCsv(bytes, (l: EventCsvLayout) => {
      collector = new EventCollector(l.maxRows, 'csv', l.columns === 'layered', defaultLayer, options);
      return collector;
    });
    columns = layout.columns;
    layeredNote(columns, options, warnings);
  } else {
    const r = readNpyEvents(bytes, options, defaultLayer, warnings);
    collector = r.collector;
    columns = r.columns;
  }
  const c = collector!;
  const batch = c.finish();
  return { batch, columns, dropped: { outOfRange: c.outOfRange }, sorted: c.firstDecrease >= 0, warnings: [...warnings, ...c.notes()] };
}

/**
 * An event file of `batch`. 'xytp' has no layer column, so every event must share one
 * layer (it would be lost otherwise); 'layered' keeps it. .npy fields: t '<u8', x, y, p
 * '<u2' or t '<u8', layer '<u1', x, y, feature '<u2'.
 */
export function writeEventFile(batch: SpikeBatch, format: EventFileFormat, columns: EventColumns): Uint8Array {
  const n = batch.length;
  if (columns === 'xytp' && n > 0) {
    const first = batch.layer[0]!;
    for (let i = 1; i < n; i++) {
      if (batch.layer[i] !== first) {
        throw new FormatError(
          'events',
          'BAD_COLUMNS',
          `the events come from more than one layer (event 0: layer ${first}, event ${i}: layer ${batch.layer[i]}); an xytp file has no layer column — write a layered file instead`,
          { index: i },
        );
      }
    }
  }
  if (format === 'csv') return writeEventCsv(batch, columns);
  const t = batch.t.subarray(0, n);
  const x = batch.x.subarray(0, n);
  const y = batch.y.subarray(0, n);
  const ch = batch.channel.subarray(0, n);
  if (columns === 'xytp') {
    return writeNpy({
      kind: 'structured',
      shape: [n],
      fields: [
        { name: 't', dtype: '<u8' },
        { name: 'x', dtype: '<u2' },
        { name: 'y', dtype: '<u2' },
        { name: 'p', dtype: '<u2' },
      ],
      columns: { t, x, y, p: ch },
    });
  }
  return writeNpy({
    kind: 'structured',
    shape: [n],
    fields: [
      { name: 't', dtype: '<u8' },
      { name: 'layer', dtype: '<u1' },
      { name: 'x', dtype: '<u2' },
      { name: 'y', dtype: '<u2' },
      { name: 'feature', dtype: '<u2' },
    ],
    columns: { t, layer: batch.layer.subarray(0, n), x, y, feature: ch },
  });
}


/** 'npy' or 'csv': by the .npy magic bytes first, then by the file name's extension. */
export function detectEventFormat(fileName: string, bytes: Uint8Array): EventFileFormat {
  if (hasNpyMagic(bytes)) return 'npy';
  const ext = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (ext === 'npy') return 'npy';
  if (ext === 'csv' || ext === 'txt') return 'csv';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    throw new FormatError('events', 'NOT_EVENTS', `"${fileName}" is a zip archive (.npz?); extract the event array and save it with numpy.save as .npy`, {
      extension: ext,
    });
  }
  throw new FormatError(
    'events',
    'NOT_EVENTS',
    `cannot tell the format of "${fileName}": it is not a .npy file (no \\x93NUMPY magic) and its extension is not .npy or .csv; rename it or convert it to one of these`,
    { extension: ext },
  );
}

/**
 * Any readable event format, by content first (the .npy magic, the camera formats'
 * signatures and headers), then by extension (CSV, and the camera formats that have no
 * signature: ATIS .bin, headerless .dat).
 */
export function detectEventInputFormat(fileName: string, bytes: Uint8Array): EventInputFormat {
  if (hasNpyMagic(bytes)) return 'npy';
  const ext = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (ext === 'csv' || ext === 'txt') return 'csv';
  const camera = sniffCameraFormat(bytes.subarray(0, SNIFF_BYTES), fileName);
  if (camera) return camera;
  if (ext === 'raw' || ext === 'aedat' || ext === 'aedat4') {
    throw new FormatError(
      'events',
      'NOT_EVENTS',
      `"${fileName}" is named like a camera recording (.${ext}) but its first bytes are not one: no "#!AER-DAT" line, no "% evt 2.0/3.0" or "% format EVT..." header; the file may be damaged or of another format`,
      { extension: ext },
    );
  }
  try {
    return detectEventFormat(fileName, bytes);
  } catch (e) {
    if (e instanceof FormatError && e.code === 'NOT_EVENTS' && e.details.extension === ext && !(bytes[0] === 0x50 && bytes[1] === 0x4b)) {
      throw new FormatError(
        'events',
        'NOT_EVENTS',
        `cannot tell the format of "${fileName}": it is not .npy, CSV, or a camera recording (${CAMERA_EXTENSIONS.map((x) => `.${x}`).join(' ')}); convert it to one of these`,
        { extension: ext },
      );
    }
    throw e;
  }
}
