// AEDAT 4.0 files as iniVation DV writes them. Layout (DV "AEDAT 4.0" description):
// "#!AER-DAT4.0\r\n"; int32 size of the IOHeader; the IOHeader FlatBuffer (identifier
// "IOHE": compression enum, dataTablePosition int64 (-1 = none), infoNode string = the
// stream list as DV XML); then packets of int32 streamId, int32 size and `size` bytes of
// a size-prefixed FlatBuffer, compressed as the IOHeader says (0 none, 1/2 LZ4 frame,
// 3/4 Zstandard frame); from dataTablePosition on, the FileDataTable (an index, not read).
// Event packets ("EVTS": table EventPacket { elements: [Event] }, struct Event { int64
// timestamp; int16 x; int16 y; bool polarity } = 16 bytes with padding) are decoded by a
// hand-written table walk: two offsets and one vector, fewer lines than the generated
// flatbuffers code, and the bounds checks stay visible. Frames, IMU, triggers and other
// streams are skipped without decompressing them, counted per stream.

import { ByteQueue } from './byte-queue.js';
import { EventBlockBuilder, type EventBlock } from './event-block.js';
import { DecodeState, countBackwards, type DecodeReport, type EventDecoder } from './event-decoder.js';
import { Lz4FrameReader, decompressZstd, type PacketCodecs } from './packet-compression.js';

export const AEDAT4_MAGIC = '#!AER-DAT4.0\r\n';
/** Limit on one packet (compressed or not) and on the IOHeader: DV writes kilobytes. */
export const MAX_AEDAT4_PACKET = 256 * 1024 * 1024;
export const AEDAT4_EVENT_BYTES = 16;

export type Aedat4Compression = 'none' | 'lz4' | 'zstd';
const COMPRESSION: Readonly<Record<number, Aedat4Compression>> = { 0: 'none', 1: 'lz4', 2: 'lz4', 3: 'zstd', 4: 'zstd' };

export interface Aedat4Stream {
  id: number;
  /** Four-letter FlatBuffer identifier: EVTS, FRME, IMUS, TRIG, ... */
  type: string;
  name: string;
  sizeX: number | null;
  sizeY: number | null;
}

const STREAM_KIND: Readonly<Record<string, string>> = {
  FRME: 'frame',
  IMUS: 'IMU',
  TRIG: 'trigger',
  EVTS: 'event',
};

/** Bounds-checked little-endian reads over a FlatBuffer; `bad` names what broke. */
class FlatView {
  readonly dv: DataView;
  constructor(
    readonly b: Uint8Array,
    private readonly bad: (what: string) => never,
  ) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  check(at: number, len: number, what: string): void {
    if (!(at >= 0 && at + len <= this.b.length)) this.bad(`${what} at ${at} lies outside the ${this.b.length}-byte buffer`);
  }
  u16(at: number, what: string): number {
    this.check(at, 2, what);
    return this.dv.getUint16(at, true);
  }
  u32(at: number, what: string): number {
    this.check(at, 4, what);
    return this.dv.getUint32(at, true);
  }
  i32(at: number, what: string): number {
    this.check(at, 4, what);
    return this.dv.getInt32(at, true);
  }
  /** Absolute position of field `index` of the table at `table`, or -1 when absent. */
  field(table: number, index: number): number {
    const vt = table - this.i32(table, 'table');
    const vtSize = this.u16(vt, 'vtable');
    if (vtSize < 4 || vtSize % 2 !== 0) this.bad(`vtable size ${vtSize}`);
    const slot = 4 + 2 * index;
    if (slot + 2 > vtSize) return -1;
    const off = this.u16(vt + slot, 'vtable slot');
    return off === 0 ? -1 : table + off;
  }
  /** Target of the uoffset stored at `at`. */
  deref(at: number, what: string): number {
    return at + this.u32(at, what);
  }
}

/** The IOHeader table fields; throws through `bad`. */
function readIoHeader(fb: Uint8Array, bad: (what: string) => never): { compression: number; dataTablePosition: number; infoNode: string } {
  const v = new FlatView(fb, bad);
  const root = v.deref(0, 'root offset');
  const fc = v.field(root, 0);
  const fd = v.field(root, 1);
  const fi = v.field(root, 2);
  const compression = fc < 0 ? 0 : v.i32(fc, 'compression');
  let dataTablePosition = -1;
  if (fd >= 0) {
    const lo = v.u32(fd, 'dataTablePosition');
    const hi = v.i32(fd + 4, 'dataTablePosition');
    dataTablePosition = hi * 4294967296 + lo;
  }
  let infoNode = '';
  if (fi >= 0) {
    const s = v.deref(fi, 'infoNode');
    const len = v.u32(s, 'infoNode length');
    v.check(s + 4, len, 'infoNode text');
    infoNode = new TextDecoder().decode(fb.subarray(s + 4, s + 4 + len));
  }
  return { compression, dataTablePosition, infoNode };
}

const XML_ENTITIES: Readonly<Record<string, string>> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&apos;': "'" };

/** The output streams the infoNode XML declares (nodes whose last path part is a number). */
export function parseStreams(xml: string): Map<number, Aedat4Stream> {
  const attrs = new Map<string, Map<string, string>>();
  const stack: string[] = [];
  const re = /<node\b[^>]*?\bpath="([^"]*)"[^>]*?(\/?)>|<\/node>|<attr\b[^>]*?\bkey="([^"]*)"[^>]*>([^<]*)<\/attr>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (m[1] !== undefined) {
      if (m[2] !== '/') stack.push(m[1]);
    } else if (m[0] === '</node>') {
      stack.pop();
    } else {
      const path = stack[stack.length - 1] ?? '';
      let a = attrs.get(path);
      if (!a) attrs.set(path, (a = new Map()));
      a.set(m[3]!, m[4]!.replace(/&\w+;/g, (e) => XML_ENTITIES[e] ?? e));
    }
  }
  const streams = new Map<number, Aedat4Stream>();
  for (const [path, a] of attrs) {
    const id = /\/(\d+)\/$/.exec(path)?.[1];
    const type = a.get('typeIdentifier');
    if (id === undefined || type === undefined) continue;
    const info = attrs.get(`${path}info/`);
    const sx = Number.parseInt(info?.get('sizeX') ?? '', 10);
    const sy = Number.parseInt(info?.get('sizeY') ?? '', 10);
    streams.set(Number(id), {
      id: Number(id),
      type,
      name: a.get('originalOutputName') ?? `stream ${id}`,
      sizeX: sx > 0 ? sx : null,
      sizeY: sy > 0 ? sy : null,
    });
  }
  return streams;
}

export class Aedat4Decoder implements EventDecoder {
  readonly format = 'aedat4' as const;
  private readonly state: DecodeState = new DecodeState('aedat4', 'aedat4');
  private readonly queue = new ByteQueue();
  private readonly out = new EventBlockBuilder();
  private stage: 'magic' | 'header' | 'packets' | 'table' = 'magic';
  private compression: Aedat4Compression = 'none';
  private dataTablePosition = -1;
  streams = new Map<number, Aedat4Stream>();
  /** File offset of the next unread byte of `queue`'s view. */
  private pos = 0;
  private readonly lz4: Lz4FrameReader;

  /** `codecs`: faster decompressors the caller has loaded (lz4js and fzstd otherwise). */
  constructor(codecs: PacketCodecs = {}) {
    this.lz4 = new Lz4FrameReader(codecs.lz4Frame);
  }

  /** The IOHeader's compression (known after the header is read). */
  get packetCompression(): Aedat4Compression {
    return this.compression;
  }

  private bad(at: number, code: 'BAD_HEADER' | 'BAD_PACKET', what: string): never {
    this.state.fail(code, `${code === 'BAD_HEADER' ? 'the IOHeader' : `the packet at byte ${at}`} is corrupt: ${what}`, { offset: at });
  }

  push(chunk: Uint8Array): EventBlock {
    this.state.bytes += chunk.length;
    const b = this.queue.feed(chunk);
    let i = 0;
    const base = this.pos;
    for (;;) {
      const left = b.length - i;
      if (this.stage === 'magic') {
        if (left < AEDAT4_MAGIC.length) break;
        for (let k = 0; k < AEDAT4_MAGIC.length; k++) {
          if (b[i + k] !== AEDAT4_MAGIC.charCodeAt(k)) {
            this.state.fail('BAD_MAGIC', `the file does not begin with "#!AER-DAT4.0" (byte ${k} differs); it is not an AEDAT 4.0 file`, { offset: k });
          }
        }
        i += AEDAT4_MAGIC.length;
        this.stage = 'header';
      } else if (this.stage === 'header') {
        if (left < 4) break;
        const size = new DataView(b.buffer, b.byteOffset + i, 4).getInt32(0, true);
        if (size < 12 || size > MAX_AEDAT4_PACKET) this.bad(base + i, 'BAD_HEADER', `its size field says ${size} bytes`);
        if (left < 4 + size) break;
        const fb = b.subarray(i + 4, i + 4 + size);
        const h = readIoHeader(fb, (what) => this.bad(base + i, 'BAD_HEADER', what));
        const c = COMPRESSION[h.compression];
        if (c === undefined) this.state.fail('BAD_HEADER', `the IOHeader names compression type ${h.compression}; known are 0 (none), 1-2 (LZ4), 3-4 (Zstandard)`, { compression: h.compression });
        this.compression = c;
        this.dataTablePosition = h.dataTablePosition;
        this.streams = parseStreams(h.infoNode);
        const ev = [...this.streams.values()].find((s) => s.type === 'EVTS');
        if (!ev) this.state.notes.push('the header declares no event (EVTS) stream; the file holds no events');
        else if (ev.sizeX && ev.sizeY) this.state.sensor = { width: ev.sizeX, height: ev.sizeY, source: 'file header (stream info sizeX/sizeY)' };
        i += 4 + size;
        this.stage = 'packets';
      } else if (this.stage === 'packets') {
        if (this.dataTablePosition >= 0 && base + i >= this.dataTablePosition) {
          if (base + i > this.dataTablePosition) this.bad(base + i, 'BAD_PACKET', `a packet runs past the data table position ${this.dataTablePosition} the header gives`);
          this.stage = 'table';
          continue;
        }
        if (left < 8) break;
        const dv = new DataView(b.buffer, b.byteOffset + i, 8);
        const stream = dv.getInt32(0, true);
        const size = dv.getInt32(4, true);
        const at = base + i;
        if (size < 0 || size > MAX_AEDAT4_PACKET) {
          this.state.fail('PACKET_TOO_LARGE', `the packet at byte ${at} claims ${size} bytes (limit ${MAX_AEDAT4_PACKET}); the packet header is corrupt`, { offset: at, bytes: size, limit: MAX_AEDAT4_PACKET });
        }
        const s = this.streams.get(stream);
        if (!s) {
          this.state.fail('UNKNOWN_STREAM', `the packet at byte ${at} belongs to stream ${stream}, which the header does not declare (streams: ${[...this.streams.keys()].join(', ') || 'none'}); the file is corrupt`, {
            offset: at,
            stream,
          });
        }
        if (left < 8 + size) break;
        if (s.type === 'EVTS') this.eventPacket(b.subarray(i + 8, i + 8 + size), at);
        else this.state.skip(`${STREAM_KIND[s.type] ?? s.type} packets (stream ${stream} "${s.name}", ${s.type})`);
        i += 8 + size;
      } else {
        // The FileDataTable: an index of the packets, not needed to read them in order.
        i = b.length;
        break;
      }
    }
    this.pos = base + i;
    this.queue.keep(b, i);
    return this.out.take();
  }

  private eventPacket(payload: Uint8Array, at: number): void {
    let d: Uint8Array;
    try {
      d = this.compression === 'lz4' ? this.lz4.decompress(payload, MAX_AEDAT4_PACKET) : this.compression === 'zstd' ? decompressZstd(payload, MAX_AEDAT4_PACKET) : payload;
    } catch (e) {
      this.state.fail('DECOMPRESSION_FAILED', `the ${this.compression.toUpperCase()} data of the event packet at byte ${at} does not decompress (${(e as Error).message}); the file is damaged there`, {
        offset: at,
        compression: this.compression,
      });
    }
    // `d` is valid until the next packet (the LZ4 reader reuses its output buffer); the
    // events are copied out below. Table offsets are relative to the buffer start; the
    // int64 timestamps want 8-byte alignment.
    if (d.byteOffset % 8 !== 0) d = d.slice();
    const v = new FlatView(d, (what) => this.bad(at, 'BAD_PACKET', what));
    const prefix = v.u32(0, 'size prefix');
    if (prefix > d.length - 4) this.bad(at, 'BAD_PACKET', `its size prefix says ${prefix} bytes but ${d.length - 4} follow`);
    const table = 4 + v.u32(4, 'root offset');
    const f = v.field(table, 0);
    if (f < 0) return;
    const vec = v.deref(f, 'elements offset');
    const count = v.u32(vec, 'elements length');
    const start = vec + 4;
    v.check(start, count * AEDAT4_EVENT_BYTES, `${count} events`);
    const out = this.out;
    out.reserve(count);
    const { t, x, y, p } = out;
    let n = out.n;
    if ((d.byteOffset + start) % 4 === 0) {
      // One Int32 view, four words an event (little-endian, as DV writes and every host
      // running this is): timestamp low and high, x | y << 16, polarity in the low byte.
      // Backwards steps are counted in the same pass (countBackwards' bookkeeping).
      const w = new Int32Array(d.buffer, d.byteOffset + start, count * 4);
      const end = count * 4;
      const st = this.state;
      const from = n;
      let last = st.lastT;
      let back = 0;
      let firstBack = -1;
      for (let q = 0; q < end; q += 4) {
        const tv = w[q + 1]! * 4294967296 + (w[q]! >>> 0);
        t[n] = tv;
        if (tv < last) {
          if (firstBack < 0) firstBack = n;
          back++;
        }
        last = tv;
        const xy = w[q + 2]!;
        x[n] = xy;
        y[n] = xy >>> 16;
        p[n] = (w[q + 3]! & 0xff) === 0 ? 0 : 1;
        n++;
      }
      if (firstBack >= 0 && st.firstBackwardsAt < 0) st.firstBackwardsAt = st.events + (firstBack - from);
      st.backwards += back;
      if (count > 0) st.lastT = last;
      st.events += count;
      out.n = n;
      return;
    }
    const dv = v.dv;
    for (let k = 0; k < count; k++) {
      const o = start + k * 16;
      t[n] = dv.getInt32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
      x[n] = dv.getUint16(o + 8, true);
      y[n] = dv.getUint16(o + 10, true);
      p[n] = d[o + 12]! === 0 ? 0 : 1;
      n++;
    }
    countBackwards(this.state, t, out.n, n);
    this.state.events += n - out.n;
    out.n = n;
  }

  end(): EventBlock {
    const left = this.queue.pending;
    if (this.stage === 'magic' || this.stage === 'header') this.state.truncated('the AEDAT 4.0 header', left, left + 1);
    if (left > 0 && this.stage === 'packets') this.state.truncated('a packet', left, left + 1);
    if (this.stage === 'packets' && this.dataTablePosition >= 0) {
      this.state.notes.push(`the file ends at byte ${this.pos} before the data table position ${this.dataTablePosition} the header gives; it may have been cut`);
    }
    return this.out.take();
  }

  report(): DecodeReport {
    return this.state.report();
  }
}
