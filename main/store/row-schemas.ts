// The shapes of the rows the project file holds, as schemas: every row and JSON column
// read from SQLite is checked here before the rest of the workbench sees it, so a file
// edited by hand or written by a future version fails with the table, row and column at
// fault instead of turning into wrong numbers somewhere downstream. Writes are not checked
// here: the statements in project.ts build them from typed values.

import { z } from 'zod';
import { INTERRUPT_REASONS, RUN_STATUSES } from './run-status.js';

/** A row or a JSON column of the project file does not have the shape this version reads. */
export class ProjectRowError extends Error {
  override readonly name = 'ProjectRowError';
  readonly code = 'PROJECT_DAMAGED';
  constructor(
    readonly projectPath: string,
    /** Table and row, e.g. "runs row 3". */
    readonly where: string,
    /** Column (or column.path) and what is wrong there. */
    readonly problems: readonly string[],
  ) {
    super(
      `project ${projectPath} holds a row this version cannot read (${where}: ${problems.join('; ')}). ` +
        'The file was changed outside the workbench or by a newer version: open it with that version, or restore a copy.',
    );
  }
}

const integer = z.number().int();
const count = z.number().int().nonnegative();
const time = z.number();
const text = z.string();

export const runRowSchema = z.object({
  id: count,
  model_version_id: count,
  device_id: text,
  device_type: text,
  deploy_options: text,
  monitor_layers: text,
  started_at: text,
  ended_at: text.nullable(),
  status: z.enum(RUN_STATUSES),
  reason: z.enum(Object.keys(INTERRUPT_REASONS) as [keyof typeof INTERRUPT_REASONS, ...Array<keyof typeof INTERRUPT_REASONS>]).nullable(),
  message: text.nullable(),
  events_in: count,
  events_out: count,
  counters: text,
  parent_run_id: count.nullable(),
  relation: text.nullable(),
});
export type RunRow = z.infer<typeof runRowSchema>;

export const modelVersionRowSchema = z.object({
  id: count,
  name: text.nullable(),
  created_at: text,
  model_text: text,
  weights_sha256: text.nullable(),
  weights_byte_length: count.nullable(),
  input_shape: text,
  device: text,
  compile_options: text,
  config_json: text,
  purpose: z.enum(['model', 'rerun']),
});
export type ModelVersionRow = z.infer<typeof modelVersionRowSchema>;

export const chunkRowSchema = z.object({
  seq: count,
  first_event: count,
  event_count: count,
  t_first: time,
  t_last: time,
  codec: text,
  checksum: count.nullable(),
});
export type ChunkRow = z.infer<typeof chunkRowSchema>;

export const recordingTotalsRowSchema = z.object({
  id: count,
  event_count: count,
  chunk_count: count,
  byte_count: count,
  t_first: time.nullable(),
  t_last: time.nullable(),
});

export const projectRowSchema = z.object({ name: text, description: text, created_at: text });

export const orphanRunRowSchema = z.object({
  id: count,
  owner_host: text.nullable(),
  owner_pid: integer.nullable(),
  owner_boot: text.nullable(),
  owner_start: text.nullable(),
});

/** JSON columns: what each must hold once parsed. */
export const monitorLayersSchema = z.array(integer);
export const inputShapeSchema = z.array(z.number().int().positive()).min(1);
export const countersSchema = z.record(z.string(), z.unknown());
export const anyJsonSchema = z.unknown();

function problemsOf(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    return `${path || 'row'}: ${issue.message}`;
  });
}

/** Checks one row read from the file; `where` names it for the error ("runs row 3"). */
export function checkedRow<S extends z.ZodType>(schema: S, row: unknown, projectPath: string, where: string): z.infer<S> {
  const parsed = schema.safeParse(row);
  if (!parsed.success) throw new ProjectRowError(projectPath, where, problemsOf(parsed.error));
  return parsed.data;
}

/** Parses and checks one JSON column of a row already checked. */
export function checkedJson<S extends z.ZodType>(schema: S, textValue: string, projectPath: string, where: string, column: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(textValue) as unknown;
  } catch (e) {
    throw new ProjectRowError(projectPath, where, [`${column}: not JSON (${(e as Error).message})`]);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ProjectRowError(projectPath, where, problemsOf(parsed.error, column));
  return parsed.data;
}

/** What SQLite's own statements answer (pragmas, the schema table), checked like rows. */
export interface SqliteReader {
  pragma(source: string, options?: { simple: boolean }): unknown;
}

export function pragmaInt(db: SqliteReader, name: string): number {
  const parsed = z.number().int().safeParse(db.pragma(name, { simple: true }));
  if (!parsed.success) throw new Error(`SQLite answered PRAGMA ${name} with something other than an integer`);
  return parsed.data;
}

/** The text column `column` of every row a pragma returns (integrity_check, quick_check, ...). */
export function pragmaTexts(db: SqliteReader, source: string, column: string): string[] {
  const parsed = z.array(z.record(z.string(), z.unknown())).safeParse(db.pragma(source));
  if (!parsed.success) throw new Error(`SQLite answered PRAGMA ${source} with rows of an unexpected shape`);
  return parsed.data.map((row) => String(row[column]));
}
