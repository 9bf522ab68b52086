// What `dcnn events info` tells about a recording, gathered block by block while the file
// streams past (nothing is kept but counters): event count, time span, polarity counts,
// the largest x and y seen (the sensor size when the format has none in its header).

import type { EventBlock } from './event-block.js';

export interface EventSummaryView {
  events: number;
  /** First and last timestamps in file order (µs), null when there are no events. */
  firstUs: number | null;
  lastUs: number | null;
  /** Lowest and highest timestamps (they differ from first/last when time goes backwards). */
  minUs: number | null;
  maxUs: number | null;
  on: number;
  off: number;
  /** Largest coordinates seen, -1 when there are no events. */
  maxX: number;
  maxY: number;
}

export class EventSummary {
  private events = 0;
  private first = NaN;
  private last = NaN;
  private min = Infinity;
  private max = -Infinity;
  private on = 0;
  private maxX = -1;
  private maxY = -1;

  add(block: EventBlock): void {
    const n = block.length;
    if (n === 0) return;
    const { t, x, y, p } = block;
    if (this.events === 0) this.first = t[0]!;
    this.last = t[n - 1]!;
    let min = this.min;
    let max = this.max;
    let on = 0;
    let mx = this.maxX;
    let my = this.maxY;
    for (let i = 0; i < n; i++) {
      const v = t[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
      on += p[i]!;
      if (x[i]! > mx) mx = x[i]!;
      if (y[i]! > my) my = y[i]!;
    }
    this.min = min;
    this.max = max;
    this.on += on;
    this.maxX = mx;
    this.maxY = my;
    this.events += n;
  }

  view(): EventSummaryView {
    const any = this.events > 0;
    return {
      events: this.events,
      firstUs: any ? this.first : null,
      lastUs: any ? this.last : null,
      minUs: any ? this.min : null,
      maxUs: any ? this.max : null,
      on: this.on,
      off: this.events - this.on,
      maxX: this.maxX,
      maxY: this.maxY,
    };
  }
}
