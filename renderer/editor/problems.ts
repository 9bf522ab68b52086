// The problems of one compile, as one list: the parser's and converter's diagnostics plus
// the stage error (when it is not already one of them), sorted by position, and their
// Monaco marker form. Pure data: it does not touch Monaco, so the problems list, the
// markers and the tests all read the same thing.

import type { CompileView, DiagnosticView, SpanView } from '../../preload/api';

export interface Problem {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  hint?: string;
  span?: SpanView;
  /** Compile stage of a stage error (parse, weights, conversion, limits, mapping). */
  stage?: string;
}

/** Monaco's MarkerSeverity values (kept here so this module needs no Monaco import). */
export const MARKER_SEVERITY = { info: 2, warning: 4, error: 8 } as const;

export interface MarkerData {
  severity: number;
  message: string;
  code: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

const RANK = { error: 0, warning: 1, info: 2 } as const;

function sameSpan(a: SpanView | undefined, b: SpanView | undefined): boolean {
  if (!a || !b) return a === b;
  return a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

export function problemsOf(view: CompileView | null): Problem[] {
  if (!view) return [];
  const out: Problem[] = view.diagnostics.map((d: DiagnosticView) => ({ ...d }));
  const e = view.error;
  if (e && !out.some((p) => p.code === e.code && sameSpan(p.span, e.span))) {
    out.push({ severity: 'error', code: e.code, message: e.message, stage: e.stage, ...(e.hint ? { hint: e.hint } : {}), ...(e.span ? { span: e.span } : {}) });
  }
  // Problems with a place first, in reading order; the rest (weights, placement) after, errors first.
  return out
    .map((p, i) => ({ p, i }))
    .sort((a, b) => {
      const sa = a.p.span;
      const sb = b.p.span;
      if (sa && sb) return sa.line - sb.line || sa.column - sb.column || RANK[a.p.severity] - RANK[b.p.severity] || a.i - b.i;
      if (sa) return -1;
      if (sb) return 1;
      return RANK[a.p.severity] - RANK[b.p.severity] || a.i - b.i;
    })
    .map(({ p }) => p);
}

export function countBySeverity(problems: readonly Problem[]): Record<Problem['severity'], number> {
  const c = { error: 0, warning: 0, info: 0 };
  for (const p of problems) c[p.severity]++;
  return c;
}

/**
 * Marker for a problem with a span. An empty span (end = start) is widened to one
 * character so the squiggle is visible; Monaco clamps it at the line end.
 */
export function markerOf(p: Problem): MarkerData | null {
  const s = p.span;
  if (!s) return null;
  const empty = s.endLine < s.line || (s.endLine === s.line && s.endColumn <= s.column);
  return {
    severity: MARKER_SEVERITY[p.severity],
    message: p.hint ? `${p.message}\n${p.hint}` : p.message,
    code: p.code,
    startLineNumber: s.line,
    startColumn: s.column,
    endLineNumber: empty ? s.line : s.endLine,
    endColumn: empty ? s.column + 1 : s.endColumn,
  };
}

export function markersOf(problems: readonly Problem[]): MarkerData[] {
  return problems.map(markerOf).filter((m): m is MarkerData => m !== null);
}

/** "L4:5" for a span, "" without one. */
export function placeOf(span: SpanView | undefined): string {
  return span ? `L${span.line}:${span.column}` : '';
}
