// Prophesee / Chronocam .dat files (N-CARS, ATIS recordings): '%' header lines, then (from
// Version 1 on) one byte event type and one byte event size, then little-endian records:
// uint32 timestamp (µs), uint32 address. Version 2+: x bits 0..13, y bits 14..27, p bit 28;
// older files: x bits 0..8, y bits 9..16, p bit 17. Only CD events (type 0 "Event2D",
// type 12 "EventCD") are read; other event types (IMU, triggers) are refused, since their
// records are not pixels. 32-bit timestamps wrap after 71.6 minutes: a step back of more
// than 2^31 µs is taken as a wrap.

import { ByteQueue } from './byte-queue.js';
import { EventBlockBuilder, type EventBlock } from './event-block.js';
import { DecodeState, countBackwards, type DecodeReport, type EventDecoder } from './event-decoder.js';
import { MAX_TEXT_HEADER, headerKeys, scanTextHeader } from './text-header.js';

const CD_TYPES = new Set([0, 12]);
const WRAP = 4294967296;

export class PropheseeDatDecoder implements EventDecoder {
  readonly format = 'prophesee-dat' as const;
  private readonly state: DecodeState = new DecodeState('prophesee-dat', 'prophesee-dat');
  private readonly queue = new ByteQueue();
  private readonly out = new EventBlockBuilder();
  private headerDone = false;
  private recordSize = 8;
  private modern = true;
  private lastRaw = 0;
  private offset = 0;

  /** Parses header + type/size bytes; returns where records start, or -1 for "need more". */
  private header(b: Uint8Array): number {
    const h = scanTextHeader(b, 0x25);
    if (!h) {
      if (b.length > MAX_TEXT_HEADER) this.state.fail('HEADER_TOO_LARGE', `no end of the '%' header in the first ${MAX_TEXT_HEADER} bytes; this is not a .dat event file`, { limit: MAX_TEXT_HEADER });
      return -1;
    }
    const keys = headerKeys(h.lines);
    const version = Number.parseInt(keys.get('version') ?? '0', 10) || 0;
    this.modern = version >= 2;
    let pos = h.end;
    if (version >= 1) {
      if (b.length < pos + 2) return -1;
      const type = b[pos]!;
      const size = b[pos + 1]!;
      if (!CD_TYPES.has(type)) {
        this.state.fail('UNSUPPORTED_FORMAT', `the file holds events of type ${type}, not CD (pixel) events (type 0 or 12); only CD .dat files can be read`, { eventType: type, offset: pos });
      }
      if (size < 8) this.state.fail('BAD_HEADER', `the header says events are ${size} bytes; CD events are at least 8 bytes (timestamp + address)`, { eventSize: size, offset: pos + 1 });
      this.recordSize = size;
      pos += 2;
    }
    const w = Number.parseInt(keys.get('width') ?? '', 10);
    const hh = Number.parseInt(keys.get('height') ?? '', 10);
    const geometry = /^(\d+)x(\d+)$/.exec(keys.get('geometry') ?? '');
    if (w > 0 && hh > 0) this.state.sensor = { width: w, height: hh, source: 'file header (Width/Height)' };
    else if (geometry) this.state.sensor = { width: Number(geometry[1]), height: Number(geometry[2]), source: 'file header (geometry)' };
    this.headerDone = true;
    return pos;
  }

  push(chunk: Uint8Array): EventBlock {
    this.state.bytes += chunk.length;
    const b = this.queue.feed(chunk);
    let pos = 0;
    if (!this.headerDone) {
      pos = this.header(b);
      if (pos < 0) {
        this.queue.keep(b, 0);
        return this.out.take();
      }
    }
    const rs = this.recordSize;
    const records = Math.floor((b.length - pos) / rs);
    const out = this.out;
    out.reserve(records);
    const { t, x, y, p } = out;
    let n = out.n;
    let last = this.lastRaw;
    let offset = this.offset;
    let wraps = 0;
    const end = pos + records * rs;
    const modern = this.modern;
    for (let i = pos; i < end; i += rs) {
      const ts = (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
      const a = (b[i + 4]! | (b[i + 5]! << 8) | (b[i + 6]! << 16) | (b[i + 7]! << 24)) >>> 0;
      if (ts < last && last - ts > 2147483648) {
        offset += WRAP;
        wraps++;
      }
      last = ts;
      t[n] = offset + ts;
      if (modern) {
        x[n] = a & 0x3fff;
        y[n] = (a >>> 14) & 0x3fff;
        p[n] = (a >>> 28) & 1;
      } else {
        x[n] = a & 0x1ff;
        y[n] = (a >>> 9) & 0xff;
        p[n] = (a >>> 17) & 1;
      }
      n++;
    }
    this.lastRaw = last;
    this.offset = offset;
    this.state.timeWraps += wraps;
    countBackwards(this.state, t, out.n, n);
    this.state.events += n - out.n;
    out.n = n;
    this.queue.keep(b, end);
    return out.take();
  }

  end(): EventBlock {
    const left = this.queue.pending;
    if (!this.headerDone) this.state.truncated("the '%' header", left, left + 1);
    if (left > 0) this.state.truncated(`a ${this.recordSize}-byte event record`, left, this.recordSize);
    return this.out.take();
  }

  report(): DecodeReport {
    return this.state.report();
  }
}
