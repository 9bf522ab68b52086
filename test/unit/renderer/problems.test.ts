import { describe, expect, it } from 'vitest';
import type { CompileView } from '../../../preload/api';
import { countBySeverity, MARKER_SEVERITY, markerOf, problemsOf } from '../../../renderer/editor/problems';
import { fakeCompile, LENET_EXAMPLE } from './fake-workbench';

const base = fakeCompile(LENET_EXAMPLE.spec);
const span = (line: number, column: number, endLine = line, endColumn = column + 3) => ({ line, column, endLine, endColumn });

describe('problems of a compile', () => {
  it('lists problems with a place first, in reading order, then the rest errors first', () => {
    const view: CompileView = {
      ...base,
      diagnostics: [
        { severity: 'info', code: 'C', message: 'no place' },
        { severity: 'warning', code: 'B', message: 'line 9', span: span(9, 1) },
        { severity: 'error', code: 'A', message: 'line 4 col 7', span: span(4, 7) },
        { severity: 'warning', code: 'D', message: 'line 4 col 2', span: span(4, 2) },
        { severity: 'error', code: 'E', message: 'no place either' },
      ],
      error: null,
    };
    expect(problemsOf(view).map((p) => p.code)).toEqual(['D', 'A', 'B', 'E', 'C']);
  });

  it('adds the stage error unless the same problem is already a diagnostic', () => {
    const s = span(4, 5);
    const dup: CompileView = { ...base, diagnostics: [{ severity: 'error', code: 'SYNTAX', message: 'bad', span: s }], error: { stage: 'parse', class: 'SyntaxError', code: 'SYNTAX', message: 'bad', span: s } };
    expect(problemsOf(dup)).toHaveLength(1);
    const extra: CompileView = { ...base, diagnostics: [], error: { stage: 'mapping', class: 'ValueError', code: 'NO_MAPPING', message: 'No valid mapping', hint: 'Use a chip with larger cores.' } };
    expect(problemsOf(extra)).toEqual([{ severity: 'error', code: 'NO_MAPPING', message: 'No valid mapping', stage: 'mapping', hint: 'Use a chip with larger cores.' }]);
  });

  it('has no problems before the first compile', () => {
    expect(problemsOf(null)).toEqual([]);
  });

  it('counts by severity', () => {
    const view: CompileView = {
      ...base,
      diagnostics: [
        { severity: 'error', code: 'A', message: '' },
        { severity: 'warning', code: 'B', message: '' },
        { severity: 'warning', code: 'C', message: '' },
      ],
      error: null,
    };
    expect(countBySeverity(problemsOf(view))).toEqual({ error: 1, warning: 2, info: 0 });
  });
});

describe('markers', () => {
  it('puts a marker at the span, with Monaco severities (error 8, warning 4, info 2) and the hint under the message', () => {
    expect(markerOf({ severity: 'error', code: 'SYNTAX', message: "'(' was never closed", hint: 'Close it.', span: { line: 4, column: 5, endLine: 4, endColumn: 14 } })).toEqual({
      severity: 8,
      message: "'(' was never closed\nClose it.",
      code: 'SYNTAX',
      startLineNumber: 4,
      startColumn: 5,
      endLineNumber: 4,
      endColumn: 14,
    });
    expect(MARKER_SEVERITY).toEqual({ info: 2, warning: 4, error: 8 });
  });

  it('widens an empty span to one character so the squiggle shows', () => {
    const m = markerOf({ severity: 'warning', code: 'X', message: 'm', span: { line: 3, column: 10, endLine: 3, endColumn: 10 } });
    expect([m?.startColumn, m?.endColumn, m?.endLineNumber]).toEqual([10, 11, 3]);
  });

  it('has no marker for a problem without a place', () => {
    expect(markerOf({ severity: 'error', code: 'X', message: 'm' })).toBeNull();
  });
});
