// The streaming event writers: a .npy written block by block (header rewritten with the
// final count) equals the file written in one piece; the CSV is the workbench's own
// `t,x,y,p` layout; the summary counts what it is given.

import { describe, expect, it } from 'vitest';
import type { EventBlock } from '../../../../main/formats/events/event-block.js';
import { EventSummary } from '../../../../main/formats/events/event-summary.js';
import { createEventWriter, EVENT_NPY_FIELDS, eventOutputFormatOf } from '../../../../main/formats/events/event-writers.js';
import { structuredNpyHeader, writeNpy } from '../../../../main/formats/npy.js';

function block(events: Array<[number, number, number, number]>): EventBlock {
  return {
    length: events.length,
    t: Float64Array.from(events, (e) => e[0]),
    x: Uint16Array.from(events, (e) => e[1]),
    y: Uint16Array.from(events, (e) => e[2]),
    p: Uint8Array.from(events, (e) => e[3]),
  };
}

function written(format: 'npy' | 'csv', blocks: EventBlock[]): Uint8Array {
  const w = createEventWriter(format);
  const parts = [w.start(), ...blocks.flatMap((b) => w.add(b))];
  const end = w.end();
  parts.push(...end.tail);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  if (end.rewriteStart) out.set(end.rewriteStart, 0);
  return out;
}

describe('streaming event writers', () => {
  const a = block([
    [10, 1, 2, 1],
    [12, 3, 4, 0],
  ]);
  const b = block([[2 ** 40 + 5, 65535, 7, 1]]);

  it('the .npy header has one length for any count, so it can be rewritten in place', () => {
    expect(structuredNpyHeader(EVENT_NPY_FIELDS, 0).length).toBe(structuredNpyHeader(EVENT_NPY_FIELDS, 10 ** 15).length);
  });

  it('a .npy streamed in blocks equals the same events written at once', () => {
    const whole = writeNpy({
      kind: 'structured',
      shape: [3],
      fields: EVENT_NPY_FIELDS,
      columns: { t: [10, 12, 2 ** 40 + 5], x: [1, 3, 65535], y: [2, 4, 7], p: [1, 0, 1] },
    });
    expect(written('npy', [a, block([]), b])).toEqual(whole);
  });

  it('CSV: a header line, then t,x,y,p per event', () => {
    expect(new TextDecoder().decode(written('csv', [a, b]))).toBe(`t,x,y,p\n10,1,2,1\n12,3,4,0\n${2 ** 40 + 5},65535,7,1\n`);
  });

  it('AEDAT4 without a sensor size is refused; output formats come from the extension', () => {
    expect(() => createEventWriter('aedat4')).toThrow(/sensor size/);
    expect([eventOutputFormatOf('a.NPY'), eventOutputFormatOf('b.csv'), eventOutputFormatOf('c.aedat4'), eventOutputFormatOf('d.h5')]).toEqual(['npy', 'csv', 'aedat4', null]);
  });

  it('the summary counts events, polarities, extremes and time span across blocks', () => {
    const s = new EventSummary();
    s.add(b);
    s.add(a);
    expect(s.view()).toEqual({ events: 3, firstUs: 2 ** 40 + 5, lastUs: 12, minUs: 10, maxUs: 2 ** 40 + 5, on: 2, off: 1, maxX: 65535, maxY: 7 });
    expect(new EventSummary().view()).toEqual({ events: 0, firstUs: null, lastUs: null, minUs: null, maxUs: null, on: 0, off: 0, maxX: -1, maxY: -1 });
  });
});
