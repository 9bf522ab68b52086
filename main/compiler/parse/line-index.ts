// Offsets -> 1-based line/column for a source text, built once per parse so every span
// (IR layers, diagnostics) costs a binary search instead of a rescan from the start.
// Lines break at '\n' only, exactly like `lineColumnAt` in ../diagnostics.ts, so spans
// made here and there agree ('\r' of CRLF files stays the last column of its line).

import type { SourceSpan } from '../diagnostics.js';

export class LineIndex {
  /** Offset of the first character of each line; lineStarts[0] = 0. */
  private readonly lineStarts: number[] = [0];

  constructor(readonly source: string) {
    let at = source.indexOf('\n');
    while (at !== -1) {
      this.lineStarts.push(at + 1);
      at = source.indexOf('\n', at + 1);
    }
  }

  /** 0-based index of the line holding `offset`. */
  lineOf(offset: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Offset of the first character of 0-based line `line`. */
  lineStart(line: number): number {
    return this.lineStarts[line] ?? this.source.length;
  }

  span(start: number, end: number): SourceSpan {
    const s = Math.max(0, Math.min(start, this.source.length));
    const e = Math.max(s, Math.min(end, this.source.length));
    const a = this.lineOf(s);
    const b = this.lineOf(e);
    return {
      start: s,
      end: e,
      line: a + 1,
      column: s - this.lineStarts[a]! + 1,
      endLine: b + 1,
      endColumn: e - this.lineStarts[b]! + 1,
    };
  }

  /** "line:column" of an offset, for messages that mention a second place. */
  where(offset: number): string {
    const sp = this.span(offset, offset);
    return `${sp.line}:${sp.column}`;
  }
}
