// Prophesee EVT 2.0 .raw files: '%' header, then little-endian 32-bit words, type in bits
// 31..28. CD_OFF (0x0) / CD_ON (0x1): timestamp bits 5..0 in 27..22, x in 21..11, y in
// 10..0. EVT_TIME_HIGH (0x8): timestamp bits 33..6 in 27..0. EXT_TRIGGER (0xA), OTHERS
// (0xE), CONTINUED (0xF) are skipped and counted. Time-high is a 28-bit counter: a drop of
// more than half its range is a wrap (+2^34 µs); a smaller drop is a backwards jump,
// kept and counted. CD events before the first time-high word get time-high 0.

import { ByteQueue, aligned } from './byte-queue.js';
import { EventBlockBuilder, type EventBlock } from './event-block.js';
import { DecodeState, countBackwards, type DecodeReport, type EventDecoder } from './event-decoder.js';
import { consumeRawHeader } from './prophesee-raw-header.js';

const SKIP_NAMES: Readonly<Record<number, string>> = {
  0xa: 'external trigger words (EXT_TRIGGER)',
  0xe: 'OTHERS words',
  0xf: 'CONTINUED words',
};
const TIME_HIGH_RANGE = 2 ** 28;

export class Evt2Decoder implements EventDecoder {
  readonly format = 'evt2' as const;
  private readonly state: DecodeState = new DecodeState('evt2', 'evt2');
  private readonly queue = new ByteQueue();
  private readonly out = new EventBlockBuilder();
  private headerDone = false;
  private timeHigh = 0;
  /** µs added for time-high wraps, as a multiple of 2^34. */
  private wrapOffset = 0;
  private seenTimeHigh = false;
  private readonly byType = new Float64Array(16);

  push(chunk: Uint8Array): EventBlock {
    this.state.bytes += chunk.length;
    let b = this.queue.feed(chunk);
    if (!this.headerDone) {
      const rest = consumeRawHeader(b, 2, this.state, this.queue);
      if (!rest) return this.out.take();
      this.headerDone = true;
      b = rest;
    }
    const words = Math.floor(b.length / 4);
    const src = aligned(b.subarray(0, words * 4), 4);
    const w32 = new Uint32Array(src.buffer, src.byteOffset, words);
    const out = this.out;
    out.reserve(words);
    const { t, x, y, p } = out;
    let n = out.n;
    let th = this.timeHigh;
    let base = this.wrapOffset + th * 64;
    const byType = this.byType;
    for (let i = 0; i < words; i++) {
      const w = w32[i]!;
      const type = w >>> 28;
      if (type <= 1) {
        t[n] = base + ((w >>> 22) & 0x3f);
        x[n] = (w >>> 11) & 0x7ff;
        y[n] = w & 0x7ff;
        p[n] = type;
        n++;
      } else if (type === 8) {
        const nth = w & 0x0fffffff;
        if (nth < th && th - nth > TIME_HIGH_RANGE / 2) {
          this.wrapOffset += TIME_HIGH_RANGE * 64;
          this.state.timeWraps++;
        }
        th = nth;
        this.seenTimeHigh = true;
        base = this.wrapOffset + th * 64;
      } else {
        byType[type]!++;
      }
    }
    if (!this.seenTimeHigh && n > out.n && !this.state.notes.some((s) => s.startsWith('CD events before'))) {
      this.state.notes.push('CD events before the first EVT_TIME_HIGH word were given time-high 0');
    }
    this.timeHigh = th;
    for (let type = 2; type < 16; type++) {
      const c = byType[type]!;
      if (c > 0 && type !== 8) this.state.skip(SKIP_NAMES[type] ?? `words of reserved type 0x${type.toString(16)}`, c);
    }
    byType.fill(0);
    countBackwards(this.state, t, out.n, n);
    this.state.events += n - out.n;
    out.n = n;
    this.queue.keep(b, words * 4);
    return out.take();
  }

  end(): EventBlock {
    const left = this.queue.pending;
    if (!this.headerDone) this.state.truncated("the '%' header", left, left + 1);
    if (left > 0) this.state.truncated('a 32-bit EVT 2.0 word', left, 4);
    return this.out.take();
  }

  report(): DecodeReport {
    return this.state.report();
  }
}
