// jAER / libcaer AEDAT files before DV: AEDAT 2.0 and AEDAT 3.1 (DVS Gesture ships 3.1).
// Both open with '#' header lines ("#!AER-DAT2.0" / "#!AER-DAT3.1"); 3.1 ends its header
// with "#!END-HEADER". Coordinates are as stored (jAER puts the DAVIS origin bottom-left
// and mirrors DVS128 x; libcaer/AEDAT 3.1 is top-left): no flips here.
//
// AEDAT 2.0: big-endian records of uint32 address + uint32 timestamp (µs). DAVIS address
// (header names a DAVIS): a DVS event when bits 31 and 10 are clear; y bits 30..22, x bits
// 21..12, polarity bit 11; APS/IMU samples are skipped and counted. DVS128 address
// (otherwise): polarity bit 0, x bits 7..1, y bits 14..8; bit 15 set marks special events
// (skipped). The 32-bit timestamp wraps after 71.6 minutes (a drop > 2^31 µs is a wrap).
//
// AEDAT 3.1: packets of a 28-byte little-endian header (int16 type, int16 source, int32
// eventSize, int32 tsOffset, int32 tsOverflow, int32 capacity, int32 number, int32 valid)
// and capacity x eventSize bytes. Type 1 (polarity, 8 bytes: uint32 data, int32 ts):
// data bit 0 valid, bit 1 polarity, y bits 16..2, x bits 31..17; t = tsOverflow << 31 | ts.
// Every other packet type (special, frame, IMU, ...) is skipped and counted by name.

import { ByteQueue } from './byte-queue.js';
import { EventBlockBuilder, type EventBlock } from './event-block.js';
import { DecodeState, countBackwards, type DecodeReport, type EventDecoder, type SensorSize } from './event-decoder.js';
import { MAX_TEXT_HEADER, scanTextHeader } from './text-header.js';

/** A packet larger than this is a lying header, not data (DV writes packets of kilobytes). */
export const MAX_AEDAT3_PACKET = 256 * 1024 * 1024;
const WRAP = 4294967296;

const SENSORS: readonly [RegExp, number, number][] = [
  [/DVS128/i, 128, 128],
  [/DAVIS\s*-?240|DAVIS240|FX2|FX3 \(DAVIS\)/i, 240, 180],
  [/DAVIS\s*-?346|DAVIS346/i, 346, 260],
  [/DAVIS\s*-?640|DAVIS640|DVXplorer/i, 640, 480],
  [/DAVIS\s*-?128|DAVIS128/i, 128, 128],
];

function sensorFromHeader(lines: readonly string[]): SensorSize | null {
  for (const line of lines) {
    for (const [re, w, h] of SENSORS) {
      if (re.test(line)) return { width: w, height: h, source: `camera named in the header: "${line.replace(/^#\s*/, '')}"` };
    }
  }
  return null;
}

const AEDAT3_TYPES: Readonly<Record<number, string>> = {
  0: 'special-event packets (type 0)',
  2: 'frame packets (type 2)',
  3: 'IMU 6-axis packets (type 3)',
  4: 'IMU 9-axis packets (type 4)',
  5: 'sample packets (type 5)',
  6: 'ear packets (type 6)',
  7: 'configuration packets (type 7)',
  8: 'point-1D packets (type 8)',
  9: 'point-2D packets (type 9)',
  10: 'point-3D packets (type 10)',
  11: 'point-4D packets (type 11)',
  12: 'spike packets (type 12)',
};

abstract class JaerDecoder {
  protected readonly queue = new ByteQueue();
  protected readonly out = new EventBlockBuilder();
  protected headerDone = false;
  protected headerLines: string[] = [];

  constructor(
    protected readonly state: DecodeState,
    private readonly magic: string,
    private readonly terminators: readonly string[],
  ) {}

  /** Header parse; returns the data start or -1 (need more bytes). */
  protected header(b: Uint8Array): number {
    const h = scanTextHeader(b, 0x23, this.terminators);
    if (!h) {
      if (b.length > MAX_TEXT_HEADER) this.state.fail('HEADER_TOO_LARGE', `no end of the '#' header in the first ${MAX_TEXT_HEADER} bytes`, { limit: MAX_TEXT_HEADER });
      return -1;
    }
    const first = h.lines[0] ?? '';
    if (!first.startsWith(this.magic)) {
      this.state.fail('BAD_MAGIC', `the file should begin with "${this.magic}" but begins with "${first.slice(0, 20)}"`, { offset: 0 });
    }
    this.headerLines = h.lines;
    this.state.sensor = sensorFromHeader(h.lines);
    this.headerDone = true;
    return h.end;
  }

  report(): DecodeReport {
    return this.state.report();
  }
}

export class Aedat2Decoder extends JaerDecoder implements EventDecoder {
  readonly format = 'aedat2' as const;
  private davis: boolean | null = null;
  private lastRaw = 0;
  private offset = 0;

  constructor() {
    super(new DecodeState('aedat2', 'aedat2'), '#!AER-DAT2', []);
  }

  push(chunk: Uint8Array): EventBlock {
    this.state.bytes += chunk.length;
    let b = this.queue.feed(chunk);
    if (!this.headerDone) {
      const pos = this.header(b);
      if (pos < 0) {
        this.queue.keep(b, 0);
        return this.out.take();
      }
      this.davis = this.headerLines.some((l) => /davis/i.test(l));
      if (!this.state.sensor && !this.davis) this.state.sensor = { width: 128, height: 128, source: 'DVS128 address layout (the header names no camera)' };
      b = b.subarray(pos);
    }
    const records = Math.floor(b.length / 8);
    const out = this.out;
    out.reserve(records);
    const { t, x, y, p } = out;
    let n = out.n;
    let last = this.lastRaw;
    let offset = this.offset;
    let wraps = 0;
    let other = 0;
    const davis = this.davis === true;
    for (let i = 0; i < records * 8; i += 8) {
      const a = ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
      const ts = ((b[i + 4]! << 24) | (b[i + 5]! << 16) | (b[i + 6]! << 8) | b[i + 7]!) >>> 0;
      if (ts < last && last - ts > 2147483648) {
        offset += WRAP;
        wraps++;
      }
      last = ts;
      if (davis) {
        if ((a & 0x80000400) !== 0) {
          other++;
          continue;
        }
        y[n] = (a >>> 22) & 0x1ff;
        x[n] = (a >>> 12) & 0x3ff;
        p[n] = (a >>> 11) & 1;
      } else {
        if ((a & 0x8000) !== 0) {
          other++;
          continue;
        }
        p[n] = a & 1;
        x[n] = (a >>> 1) & 0x7f;
        y[n] = (a >>> 8) & 0x7f;
      }
      t[n] = offset + ts;
      n++;
    }
    if (other > 0) this.state.skip(davis ? 'APS / IMU samples (DAVIS address bit 31 or 10 set)' : 'special events (DVS128 address bit 15 set)', other);
    this.lastRaw = last;
    this.offset = offset;
    this.state.timeWraps += wraps;
    countBackwards(this.state, t, out.n, n);
    this.state.events += n - out.n;
    out.n = n;
    this.queue.keep(b, records * 8);
    return out.take();
  }

  end(): EventBlock {
    const left = this.queue.pending;
    if (!this.headerDone) this.state.truncated("the '#' header", left, left + 1);
    if (left > 0) this.state.truncated('an 8-byte AEDAT 2.0 record', left, 8);
    return this.out.take();
  }
}

export class Aedat3Decoder extends JaerDecoder implements EventDecoder {
  readonly format = 'aedat3' as const;

  constructor() {
    super(new DecodeState('aedat3', 'aedat3'), '#!AER-DAT3', ['#!END-HEADER']);
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
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const out = this.out;
    for (;;) {
      if (b.length - pos < 28) break;
      const type = dv.getInt16(pos, true);
      const size = dv.getInt32(pos + 4, true);
      const overflow = dv.getInt32(pos + 12, true);
      const capacity = dv.getInt32(pos + 16, true);
      const number = dv.getInt32(pos + 20, true);
      const at = this.state.bytes - (b.length - pos);
      if (size <= 0 || capacity < 0 || number < 0 || number > capacity || overflow < 0) {
        this.state.fail('BAD_PACKET', `the packet header at byte ${at} is not valid (event size ${size}, capacity ${capacity}, number ${number}, timestamp overflow ${overflow})`, {
          offset: at,
          eventSize: size,
          capacity,
          number,
        });
      }
      const body = size * capacity;
      if (body > MAX_AEDAT3_PACKET) {
        this.state.fail('PACKET_TOO_LARGE', `the packet at byte ${at} claims ${body} bytes (${capacity} events of ${size} bytes), more than the ${MAX_AEDAT3_PACKET}-byte limit; the header is corrupt`, {
          offset: at,
          bytes: body,
          limit: MAX_AEDAT3_PACKET,
        });
      }
      if (b.length - pos - 28 < body) break;
      const start = pos + 28;
      if (type === 1) {
        if (size < 8) this.state.fail('BAD_PACKET', `the polarity packet at byte ${at} has ${size}-byte events; polarity events are 8 bytes`, { offset: at, eventSize: size });
        out.reserve(number);
        const { t, x, y, p } = out;
        let n = out.n;
        const high = overflow * 2147483648;
        let invalid = 0;
        for (let k = 0; k < number; k++) {
          const o = start + k * size;
          const d = dv.getUint32(o, true);
          if ((d & 1) === 0) {
            invalid++;
            continue;
          }
          t[n] = high + dv.getInt32(o + 4, true);
          p[n] = (d >>> 1) & 1;
          y[n] = (d >>> 2) & 0x7fff;
          x[n] = (d >>> 17) & 0x7fff;
          n++;
        }
        if (invalid > 0) this.state.skip('polarity events marked invalid (valid bit 0)', invalid);
        countBackwards(this.state, t, out.n, n);
        this.state.events += n - out.n;
        out.n = n;
      } else {
        this.state.skip(AEDAT3_TYPES[type] ?? `packets of unknown type ${type}`);
      }
      pos = start + body;
    }
    this.queue.keep(b, pos);
    return out.take();
  }

  end(): EventBlock {
    const left = this.queue.pending;
    if (!this.headerDone) this.state.truncated("the '#' header", left, left + 1);
    if (left > 0) this.state.truncated('an AEDAT 3.1 packet', left, left < 28 ? 28 : left + 1);
    return this.out.take();
  }
}
