// The product's one event layout: a packed struct-of-arrays batch of spike events.
// Every column lives in a single ArrayBuffer so a batch crosses threads, IPC and the
// database as one transferable block. It deliberately carries no event-type tag: the
// `layer` field says where an event goes or comes from (see the LAYER_* constants).

/** Destination id of the readout layer (Speck2e/2f). */
export const LAYER_READOUT = 12;
/** Events into the DVS pre-processing layer (input, channel = polarity) and DVS monitor output. */
export const LAYER_DVS = 13;
/** Raw sensor events monitored before DVS pre-processing (`raw_monitor_enable`). */
export const LAYER_DVS_RAW = 14;

/** Bytes per event: t (f64) + x, y, channel (u16 each) + layer (u8). */
export const BYTES_PER_EVENT = 15;

export interface SpikeBatch {
  /** Number of valid events; columns may be longer (capacity). */
  readonly length: number;
  /** Timestamp in microseconds: integer-valued 64-bit float, exact up to 2^53 µs (~285 years). */
  readonly t: Float64Array;
  readonly x: Uint16Array;
  readonly y: Uint16Array;
  /** Feature / channel index (polarity for DVS input). */
  readonly channel: Uint16Array;
  /** Core id 0..8 (input: target core; output: source core), or a LAYER_* constant. */
  readonly layer: Uint8Array;
}

/** One event as plain values, for tests, tables and single-event APIs (never for bulk data). */
export interface SpikeEvent {
  t: number;
  layer: number;
  channel: number;
  x: number;
  y: number;
}

function columnsOver(buffer: ArrayBuffer, byteOffset: number, capacity: number) {
  let offset = byteOffset;
  const t = new Float64Array(buffer, offset, capacity);
  offset += capacity * 8;
  const x = new Uint16Array(buffer, offset, capacity);
  offset += capacity * 2;
  const y = new Uint16Array(buffer, offset, capacity);
  offset += capacity * 2;
  const channel = new Uint16Array(buffer, offset, capacity);
  offset += capacity * 2;
  const layer = new Uint8Array(buffer, offset, capacity);
  return { t, x, y, channel, layer };
}

/** An empty batch with room for `capacity` events, all columns in one buffer. */
export function allocateBatch(capacity: number, length = capacity): SpikeBatch {
  const buffer = new ArrayBuffer(capacity * BYTES_PER_EVENT);
  return { length, ...columnsOver(buffer, 0, capacity) };
}

/** Length-adjusted view of a batch (no copy). */
export function withLength(batch: SpikeBatch, length: number): SpikeBatch {
  if (length > batch.t.length) throw new RangeError(`length ${length} exceeds batch capacity ${batch.t.length}`);
  return { ...batch, length };
}

/**
 * The packed byte form: columns t | x | y | channel | layer, each exactly `length`
 * long, little-endian (the platform order of every supported host). This is the form
 * stored in recordings and sent over sockets.
 */
export function packBatch(batch: SpikeBatch): Uint8Array {
  const n = batch.length;
  const out = allocateBatch(n);
  out.t.set(batch.t.subarray(0, n));
  out.x.set(batch.x.subarray(0, n));
  out.y.set(batch.y.subarray(0, n));
  out.channel.set(batch.channel.subarray(0, n));
  out.layer.set(batch.layer.subarray(0, n));
  return new Uint8Array(out.t.buffer, 0, n * BYTES_PER_EVENT);
}

/** Views over packed bytes (copies only when the bytes are not 8-byte aligned). */
export function unpackBatch(bytes: Uint8Array): SpikeBatch {
  if (bytes.byteLength % BYTES_PER_EVENT !== 0) {
    throw new RangeError(`packed spike batch has ${bytes.byteLength} bytes, not a multiple of ${BYTES_PER_EVENT}`);
  }
  const n = bytes.byteLength / BYTES_PER_EVENT;
  if (bytes.byteOffset % 8 === 0) {
    return { length: n, ...columnsOver(bytes.buffer as ArrayBuffer, bytes.byteOffset, n) };
  }
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return { length: n, ...columnsOver(copy.buffer, 0, n) };
}

export function batchFromEvents(events: readonly SpikeEvent[]): SpikeBatch {
  const b = allocateBatch(events.length);
  events.forEach((e, i) => {
    b.t[i] = e.t;
    b.x[i] = e.x;
    b.y[i] = e.y;
    b.channel[i] = e.channel;
    b.layer[i] = e.layer;
  });
  return b;
}

export function eventsOfBatch(batch: SpikeBatch): SpikeEvent[] {
  const out: SpikeEvent[] = [];
  for (let i = 0; i < batch.length; i++) {
    out.push({ t: batch.t[i]!, layer: batch.layer[i]!, channel: batch.channel[i]!, x: batch.x[i]!, y: batch.y[i]! });
  }
  return out;
}

/** Concatenate batches into one new batch. */
export function concatBatches(batches: readonly SpikeBatch[]): SpikeBatch {
  const total = batches.reduce((s, b) => s + b.length, 0);
  const out = allocateBatch(total);
  let o = 0;
  for (const b of batches) {
    const n = b.length;
    out.t.set(b.t.subarray(0, n), o);
    out.x.set(b.x.subarray(0, n), o);
    out.y.set(b.y.subarray(0, n), o);
    out.channel.set(b.channel.subarray(0, n), o);
    out.layer.set(b.layer.subarray(0, n), o);
    o += n;
  }
  return out;
}

/** A copy of events [start, end). */
export function sliceBatch(batch: SpikeBatch, start: number, end: number): SpikeBatch {
  const n = Math.max(0, Math.min(end, batch.length) - start);
  const out = allocateBatch(n);
  out.t.set(batch.t.subarray(start, start + n));
  out.x.set(batch.x.subarray(start, start + n));
  out.y.set(batch.y.subarray(start, start + n));
  out.channel.set(batch.channel.subarray(start, start + n));
  out.layer.set(batch.layer.subarray(start, start + n));
  return out;
}

/**
 * Growable batch writer: producers append events one at a time without allocating
 * per event; `take()` hands over the filled batch and starts a new one.
 */
export class SpikeBatchBuilder {
  /** null after take(): the next push allocates, so a final take() leaves no spare buffer behind. */
  private batch: SpikeBatch | null;
  private n = 0;

  constructor(private readonly initialCapacity = 4096) {
    this.batch = allocateBatch(initialCapacity);
  }

  get length(): number {
    return this.n;
  }

  push(t: number, layer: number, channel: number, x: number, y: number): void {
    let b = this.batch;
    if (b === null) b = this.batch = allocateBatch(this.initialCapacity);
    if (this.n === b.t.length) b = this.grow(b);
    const i = this.n++;
    b.t[i] = t;
    b.layer[i] = layer;
    b.channel[i] = channel;
    b.x[i] = x;
    b.y[i] = y;
  }

  /** The events pushed so far, as a tight batch; the builder starts empty again. */
  take(): SpikeBatch {
    const n = this.n;
    const b = this.batch;
    this.batch = null;
    this.n = 0;
    if (b === null || n === 0) return allocateBatch(0);
    return n === b.t.length ? b : sliceBatch(withLength(b, n), 0, n);
  }

  private grow(b: SpikeBatch): SpikeBatch {
    const bigger = allocateBatch(Math.max(16, b.t.length * 2));
    bigger.t.set(b.t);
    bigger.x.set(b.x);
    bigger.y.set(b.y);
    bigger.channel.set(b.channel);
    bigger.layer.set(b.layer);
    this.batch = bigger;
    return bigger;
  }
}
