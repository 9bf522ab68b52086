// ATIS 40-bit event files, as N-MNIST and N-Caltech101 ship them (Orchard et al. 2015):
// 5 bytes per event, big-endian bit fields — byte 0 x, byte 1 y, byte 2 bit 7 polarity,
// then a 23-bit timestamp in µs (byte 2 bits 6..0, bytes 3 and 4). There is no header,
// so no sensor size (N-MNIST is 34x34, N-Caltech101 up to 240x180). Records with y = 240
// are timestamp-overflow markers in Orchard's reader: each adds 2^13 µs to the following
// timestamps, as the dataset's own MATLAB/Python readers do; they are not events.

import { ByteQueue } from './byte-queue.js';
import { EventBlockBuilder, type EventBlock } from './event-block.js';
import { DecodeState, countBackwards, type DecodeReport, type EventDecoder } from './event-decoder.js';

const RECORD = 5;
const OVERFLOW_Y = 240;
const OVERFLOW_STEP = 1 << 13;

export class AtisBinDecoder implements EventDecoder {
  readonly format = 'atis-bin' as const;
  private readonly state: DecodeState = new DecodeState('atis-bin', 'atis-bin');
  private readonly queue = new ByteQueue();
  private readonly out = new EventBlockBuilder();
  private offset = 0;

  push(chunk: Uint8Array): EventBlock {
    this.state.bytes += chunk.length;
    const b = this.queue.feed(chunk);
    const records = Math.floor(b.length / RECORD);
    const out = this.out;
    out.reserve(records);
    const t = out.t;
    const x = out.x;
    const y = out.y;
    const p = out.p;
    let n = out.n;
    let offset = this.offset;
    let overflows = 0;
    const end = records * RECORD;
    for (let i = 0; i < end; i += RECORD) {
      const yy = b[i + 1]!;
      const b2 = b[i + 2]!;
      if (yy === OVERFLOW_Y) {
        offset += OVERFLOW_STEP;
        overflows++;
        continue;
      }
      x[n] = b[i]!;
      y[n] = yy;
      p[n] = b2 >> 7;
      t[n] = offset + (((b2 & 0x7f) << 16) | (b[i + 3]! << 8) | b[i + 4]!);
      n++;
    }
    if (overflows > 0) this.state.skip('timestamp-overflow markers (y = 240 records)', overflows);
    this.offset = offset;
    countBackwards(this.state, t, out.n, n);
    this.state.events += n - out.n;
    out.n = n;
    this.queue.keep(b, end);
    return out.take();
  }

  end(): EventBlock {
    const left = this.queue.pending;
    if (left > 0) this.state.truncated('a 5-byte event record', left, RECORD);
    return this.out.take();
  }

  report(): DecodeReport {
    return this.state.report();
  }
}
