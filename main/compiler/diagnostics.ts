// Problems found in a model, as data: where (span), what (code), and what to do (hint).
// The compiler never throws for bad user input; it returns diagnostics and, when a
// stage cannot go on, one CompileError naming the stage. Text for people is built from
// these fields in one place (`formatDiagnostic`).

import { lineColumnAt } from '../common/json-text.js';

export { lineColumnAt };

/** 1-based line and column, `start`/`end` are 0-based offsets into the source (end exclusive). */
export interface SourceSpan {
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. SYNTAX, UNKNOWN_LAYER, UNSUPPORTED_LAYER, BAD_ARGUMENT. */
  code: string;
  message: string;
  span?: SourceSpan;
  /** What the user can do about it. */
  hint?: string;
}

/** Pipeline stages, as reported in `error.stage` of `dcnn compile --json`. */
export type CompileStage = 'parse' | 'weights' | 'conversion' | 'limits' | 'mapping' | 'config';

export interface CompileError {
  stage: CompileStage;
  /** Error class in the reference's vocabulary where one exists (ValueError, InvalidEdge, ...). */
  class: string;
  /** Our stable code (conversion.md §5.2 recommendation), e.g. EXPECTED_SPIKING_LAYER. */
  code: string;
  message: string;
  /** Chip-layer index (model order) the error is about, when there is one. */
  layer?: number;
  span?: SourceSpan;
  hint?: string;
}

export function formatSpan(span: SourceSpan | undefined): string {
  return span ? `${span.line}:${span.column}` : '';
}

export function formatDiagnostic(d: Diagnostic, file = ''): string {
  const where = d.span ? `${file}${file ? ':' : ''}${formatSpan(d.span)}: ` : file ? `${file}: ` : '';
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${where}${d.severity} ${d.code}: ${d.message}${hint}`;
}

/** Span covering `start`..`end` of `source`, with line/column computed. */
export function spanOf(source: string, start: number, end: number): SourceSpan {
  const a = lineColumnAt(source, start);
  const b = lineColumnAt(source, end);
  return { start, end, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

