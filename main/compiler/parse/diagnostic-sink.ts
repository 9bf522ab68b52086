// Collects the parse diagnostics of one model text. The parser never throws for bad
// input: every stage reports here and goes on, so one pass shows several problems.
// Syntax errors are kept to one per source position, so a token that several parse
// levels trip over is reported once.

import type { Diagnostic, Severity } from '../diagnostics.js';
import type { LineIndex } from './line-index.js';

/** The codes this folder emits (Diagnostic.code). */
export type ParseCode =
  | 'SYNTAX'
  | 'NO_MODEL'
  | 'MULTIPLE_MODELS'
  | 'UNKNOWN_LAYER'
  | 'BAD_ARGUMENT'
  | 'UNKNOWN_KEYWORD'
  | 'DUPLICATE_ARGUMENT'
  | 'TOO_MANY_ARGUMENTS'
  | 'MISSING_ARGUMENT'
  /** Warning: an argument that is accepted but has no effect on the chip. */
  | 'IGNORED_ARGUMENT'
  /** Warning: a statement other than imports and the model, skipped. */
  | 'IGNORED_STATEMENT'
  /** The nn.Module class form: a statement outside the straight-line subset (class-model.ts). */
  | 'GRAPH_FORM';

export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];
  /**
   * Offset of the first unterminated string (-1: none), set by the tokenizer. Syntax
   * errors after it are echoes of that one mistake and are not reported.
   */
  unterminatedStringAt = -1;
  private errors = 0;
  private readonly syntaxAt = new Set<number>();

  constructor(readonly lines: LineIndex) {}

  get errorCount(): number {
    return this.errors;
  }

  report(severity: Severity, code: ParseCode, start: number, end: number, message: string, hint?: string): void {
    if (code === 'SYNTAX' && severity === 'error') {
      if (this.syntaxAt.has(start)) return;
      this.syntaxAt.add(start);
    }
    if (severity === 'error') this.errors++;
    const d: Diagnostic = { severity, code, message, span: this.lines.span(start, end) };
    if (hint !== undefined) d.hint = hint;
    this.diagnostics.push(d);
  }

  error(code: ParseCode, start: number, end: number, message: string, hint?: string): void {
    this.report('error', code, start, end, message, hint);
  }

  warning(code: ParseCode, start: number, end: number, message: string, hint?: string): void {
    this.report('warning', code, start, end, message, hint);
  }

  /** A problem with no place in the text (e.g. an empty file). */
  fileError(code: ParseCode, message: string, hint?: string): void {
    this.errors++;
    const d: Diagnostic = { severity: 'error', code, message };
    if (hint !== undefined) d.hint = hint;
    this.diagnostics.push(d);
  }

  hasSyntaxErrors(): boolean {
    return this.syntaxAt.size > 0;
  }
}
