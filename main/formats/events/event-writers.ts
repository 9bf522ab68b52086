// Writers that turn a stream of camera events (EventBlocks) into a file while the source
// streams past, holding nothing but the current block: a structured .npy with fields
// t (int64 µs), x, y (uint16), p (uint8) as Tonic and numpy users load it; CSV `t,x,y,p`
// (the workbench's own event CSV); and AEDAT 4.0 (aedat4-writer.ts). The caller writes
// `start()` first, each `add()` result after it, `end()` last, and then, when `end()`
// gives one, writes `rewriteStart` over the first bytes (the .npy header with the final
// count, the same length as the first). No file system here.

import { structuredNpyHeader, writeNpy, type NpyField } from '../npy.js';
import { aedat4EventPackets, aedat4Header, type Aedat4WriteCompression } from './aedat4-writer.js';
import type { EventBlock } from './event-block.js';

export type EventOutputFormat = 'npy' | 'csv' | 'aedat4';

export interface EventWriter {
  start(): Uint8Array;
  add(block: EventBlock): Uint8Array[];
  end(): { tail: Uint8Array[]; rewriteStart: Uint8Array | null };
}

export const EVENT_NPY_FIELDS: readonly NpyField[] = [
  { name: 't', dtype: '<i8' },
  { name: 'x', dtype: '<u2' },
  { name: 'y', dtype: '<u2' },
  { name: 'p', dtype: '<u1' },
];

/** The output format a file name asks for, or null. */
export function eventOutputFormatOf(fileName: string): EventOutputFormat | null {
  const ext = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return ext === 'npy' ? 'npy' : ext === 'csv' ? 'csv' : ext === 'aedat4' ? 'aedat4' : null;
}

class NpyEventWriter implements EventWriter {
  private count = 0;
  private readonly headerLength = structuredNpyHeader(EVENT_NPY_FIELDS, 0).length;

  start(): Uint8Array {
    return structuredNpyHeader(EVENT_NPY_FIELDS, 0);
  }

  add(block: EventBlock): Uint8Array[] {
    if (block.length === 0) return [];
    this.count += block.length;
    const file = writeNpy({ kind: 'structured', shape: [block.length], fields: EVENT_NPY_FIELDS, columns: { t: block.t.subarray(0, block.length), x: block.x.subarray(0, block.length), y: block.y.subarray(0, block.length), p: block.p.subarray(0, block.length) } });
    return [file.subarray(this.headerLength)];
  }

  end(): { tail: Uint8Array[]; rewriteStart: Uint8Array } {
    return { tail: [], rewriteStart: structuredNpyHeader(EVENT_NPY_FIELDS, this.count) };
  }
}

class CsvEventWriter implements EventWriter {
  private readonly encoder = new TextEncoder();

  start(): Uint8Array {
    return this.encoder.encode('t,x,y,p\n');
  }

  add(block: EventBlock): Uint8Array[] {
    const out: Uint8Array[] = [];
    const { t, x, y, p } = block;
    // Rows in pieces of 16384, so a line buffer never grows with the block.
    for (let from = 0; from < block.length; from += 16384) {
      const to = Math.min(block.length, from + 16384);
      let text = '';
      for (let i = from; i < to; i++) text += `${t[i]!},${x[i]!},${y[i]!},${p[i]!}\n`;
      out.push(this.encoder.encode(text));
    }
    return out;
  }

  end(): { tail: Uint8Array[]; rewriteStart: null } {
    return { tail: [], rewriteStart: null };
  }
}

class Aedat4EventWriter implements EventWriter {
  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly compression: Aedat4WriteCompression,
    private readonly source: string,
  ) {}

  start(): Uint8Array {
    return aedat4Header({ width: this.width, height: this.height, compression: this.compression, source: this.source });
  }

  add(block: EventBlock): Uint8Array[] {
    return block.length === 0 ? [] : aedat4EventPackets(block, this.compression);
  }

  end(): { tail: Uint8Array[]; rewriteStart: null } {
    return { tail: [], rewriteStart: null };
  }
}

export interface EventWriterOptions {
  /** AEDAT4 only: the sensor size written to the header (events must lie inside it). */
  sensor?: { width: number; height: number };
  compression?: Aedat4WriteCompression;
  /** AEDAT4 only: the stream's source attribute (e.g. the file converted from). */
  source?: string;
}

export function createEventWriter(format: EventOutputFormat, options: EventWriterOptions = {}): EventWriter {
  switch (format) {
    case 'npy':
      return new NpyEventWriter();
    case 'csv':
      return new CsvEventWriter();
    case 'aedat4': {
      if (!options.sensor) throw new RangeError('an AEDAT4 file needs the sensor size (width x height) for its header');
      return new Aedat4EventWriter(options.sensor.width, options.sensor.height, options.compression ?? 'lz4', options.source ?? 'DYNAP-CNN workbench');
    }
  }
}
