// Prophesee EVT 3.0 .raw files: '%' header, then little-endian 16-bit words, type in bits
// 15..12, decoded as the Prophesee EVT 3.0 description states. EVT_ADDR_Y (0x0): y in
// 10..0. EVT_ADDR_X (0x2): one event, polarity bit 11, x in 10..0. VECT_BASE_X (0x3):
// polarity bit 11 and the base x of the vectors that follow. VECT_12 (0x4) / VECT_8 (0x5):
// a 12/8-bit mask of events at base x + bit, then base x advances by 12/8. EVT_TIME_LOW
// (0x6): timestamp bits 11..0. EVT_TIME_HIGH (0x8): timestamp bits 23..12. So
// t = time_high << 12 | time_low, with nothing added when time-low steps back (it does so
// every 4096 µs before the next time-high; expelliarmus' "time-low overflow" counts that
// step again, which the description does not). Time-high is a 12-bit counter: a drop of
// more than half its range is a wrap (+2^24 µs); a smaller one a backwards jump, counted.
// EXT_TRIGGER (0xA), OTHERS (0xE), CONTINUED_4/12 (0x7/0xF) are skipped and counted.

import { ByteQueue, aligned } from './byte-queue.js';
import { EventBlockBuilder, type EventBlock } from './event-block.js';
import { DecodeState, countBackwards, type DecodeReport, type EventDecoder } from './event-decoder.js';
import { consumeRawHeader } from './prophesee-raw-header.js';

const SKIP_NAMES: Readonly<Record<number, string>> = {
  0x7: 'CONTINUED_4 words',
  0xa: 'external trigger words (EXT_TRIGGER)',
  0xe: 'OTHERS words',
  0xf: 'CONTINUED_12 words',
};
const HANDLED = new Set([0x0, 0x2, 0x3, 0x4, 0x5, 0x6, 0x8]);
const TIME_HIGH_RANGE = 4096;

export class Evt3Decoder implements EventDecoder {
  readonly format = 'evt3' as const;
  private readonly state: DecodeState = new DecodeState('evt3', 'evt3');
  private readonly queue = new ByteQueue();
  private readonly out = new EventBlockBuilder();
  private headerDone = false;
  private y = 0;
  private baseX = 0;
  private pol = 0;
  private timeHigh = 0;
  private timeLow = 0;
  private wrapOffset = 0;
  private readonly byType = new Float64Array(16);

  push(chunk: Uint8Array): EventBlock {
    this.state.bytes += chunk.length;
    let b = this.queue.feed(chunk);
    if (!this.headerDone) {
      const rest = consumeRawHeader(b, 3, this.state, this.queue);
      if (!rest) return this.out.take();
      this.headerDone = true;
      b = rest;
    }
    const words = Math.floor(b.length / 2);
    const src = aligned(b.subarray(0, words * 2), 2);
    const w16 = new Uint16Array(src.buffer, src.byteOffset, words);
    const out = this.out;
    out.reserve(words + 12);
    let { t, x, y, p } = out;
    let cap = t.length - 12;
    let n = out.n;
    const start = n;
    let yy = this.y;
    let bx = this.baseX;
    let pol = this.pol;
    let th = this.timeHigh;
    let tl = this.timeLow;
    let wrap = this.wrapOffset;
    let now = wrap + th * 4096 + tl;
    const byType = this.byType;
    for (let i = 0; i < words; i++) {
      const w = w16[i]!;
      const type = w >>> 12;
      switch (type) {
        case 0x0:
          yy = w & 0x7ff;
          break;
        case 0x2:
          if (n >= cap) {
            out.n = n;
            out.reserve(words - i + 12);
            ({ t, x, y, p } = out);
            cap = t.length - 12;
          }
          t[n] = now;
          x[n] = w & 0x7ff;
          y[n] = yy;
          p[n] = (w >>> 11) & 1;
          n++;
          break;
        case 0x3:
          bx = w & 0x7ff;
          pol = (w >>> 11) & 1;
          break;
        case 0x4:
        case 0x5: {
          if (n >= cap) {
            out.n = n;
            out.reserve(words - i + 12);
            ({ t, x, y, p } = out);
            cap = t.length - 12;
          }
          let m = type === 0x4 ? w & 0xfff : w & 0xff;
          while (m !== 0) {
            const bit = 31 - Math.clz32(m & -m);
            t[n] = now;
            x[n] = bx + bit;
            y[n] = yy;
            p[n] = pol;
            n++;
            m &= m - 1;
          }
          bx += type === 0x4 ? 12 : 8;
          break;
        }
        case 0x6:
          tl = w & 0xfff;
          now = wrap + th * 4096 + tl;
          break;
        case 0x8: {
          const nth = w & 0xfff;
          if (nth < th && th - nth > TIME_HIGH_RANGE / 2) {
            wrap += TIME_HIGH_RANGE * 4096;
            this.state.timeWraps++;
          }
          th = nth;
          now = wrap + th * 4096 + tl;
          break;
        }
        default:
          byType[type]!++;
      }
    }
    this.y = yy;
    this.baseX = bx;
    this.pol = pol;
    this.timeHigh = th;
    this.timeLow = tl;
    this.wrapOffset = wrap;
    for (let type = 0; type < 16; type++) {
      const c = byType[type]!;
      if (c > 0 && !HANDLED.has(type)) this.state.skip(SKIP_NAMES[type] ?? `words of reserved type 0x${type.toString(16)}`, c);
    }
    byType.fill(0);
    countBackwards(this.state, t, start, n);
    this.state.events += n - start;
    out.n = n;
    this.queue.keep(b, words * 2);
    return out.take();
  }

  end(): EventBlock {
    const left = this.queue.pending;
    if (!this.headerDone) this.state.truncated("the '%' header", left, left + 1);
    if (left > 0) this.state.truncated('a 16-bit EVT 3.0 word', left, 2);
    return this.out.take();
  }

  report(): DecodeReport {
    return this.state.report();
  }
}
