// Dataset evaluations kept in a project (schema 7): one row per evaluation with what makes
// it what it is (model version, dataset, settings), one row per sample written as the
// sample finishes. An evaluation that did not finish is found again by the same model
// version, dataset and settings, and goes on with the samples it has not done. An
// evaluation in both modes keeps the second (time-stepped) result of each sample and the
// causes of a disagreement beside it (schema 8).

import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { DisagreementCause } from '../sim/mode-disagreement.js';
import { DROP_REASONS } from '../sim/sim-counters.js';
import { checkedJson, checkedRow } from './row-schemas.js';

export type EvaluationStatus = 'running' | 'completed' | 'stopped';

export interface StoredSample {
  file: string;
  label: string;
  labelIndex: number;
  predicted: number | null;
  exitCounts: number[];
  firstSpikeUs: number | null;
  eventsIn: number;
  synapticOps: number;
  error: string | null;
  /** Mode 'both': the time-stepped result and why it differs (causes null: the modes agree). */
  compared: StoredCompared | null;
}

export interface StoredCompared {
  predicted: number | null;
  exitCounts: number[];
  firstSpikeUs: number | null;
  synapticOps: number;
  causes: DisagreementCause[] | null;
}

const causeSchema: z.ZodType<DisagreementCause> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dropped_events'), reason: z.enum(DROP_REASONS), events: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('saturation'), core: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('ordering'), predicted: z.number().int().nullable() }),
  z.object({ kind: z.literal('unattributed') }),
]);

const comparedSchema = z.object({
  predicted: z.number().int().nullable(),
  exitCounts: z.array(z.number()),
  firstSpikeUs: z.number().nullable(),
  synapticOps: z.number(),
  causes: z.array(causeSchema).nullable(),
});

export interface EvaluationInfo {
  id: number;
  createdAt: string;
  finishedAt: string | null;
  status: EvaluationStatus;
  modelVersionId: number;
  dataset: string;
  settings: Record<string, unknown>;
  classes: string[];
  sampleCount: number;
  samplesDone: number;
}

const evaluationRowSchema = z.object({
  id: z.number().int(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  status: z.enum(['running', 'completed', 'stopped']),
  model_version_id: z.number().int(),
  dataset: z.string(),
  settings_json: z.string(),
  classes_json: z.string(),
  sample_count: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
});

const sampleRowSchema = z.object({
  file: z.string(),
  label: z.string(),
  label_index: z.number().int(),
  predicted: z.number().int().nullable(),
  exit_counts_json: z.string(),
  first_spike_us: z.number().nullable(),
  events_in: z.number().int(),
  synaptic_ops: z.number().int(),
  error: z.string().nullable(),
  compared_json: z.string().nullable(),
});

const SELECT_EVALUATION = `SELECT e.*, (SELECT COUNT(*) FROM evaluation_samples s WHERE s.evaluation_id = e.id) AS done FROM evaluations e`;

/**
 * Settings as stored: keys sorted at every depth, so equal settings are equal text. (A
 * key list as JSON.stringify's replacer would also drop the keys of nested objects, such
 * as an input mapping's window and crop.)
 */
export function settingsText(settings: Record<string, unknown>): string {
  return JSON.stringify(sortedKeys(settings));
}

function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, sortedKeys(o[k])]),
  );
}

export class ProjectEvaluations {
  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    private readonly write: <T>(operation: string, fn: () => T) => T,
  ) {}

  private info(raw: unknown): EvaluationInfo {
    const where = `evaluations row ${(raw as { id?: unknown }).id ?? '?'}`;
    const r = checkedRow(evaluationRowSchema, raw, this.path, where);
    return {
      id: r.id,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
      status: r.status,
      modelVersionId: r.model_version_id,
      dataset: r.dataset,
      settings: checkedJson(z.record(z.string(), z.unknown()), r.settings_json, this.path, where, 'settings_json'),
      classes: checkedJson(z.array(z.string()), r.classes_json, this.path, where, 'classes_json'),
      sampleCount: r.sample_count,
      samplesDone: r.done,
    };
  }

  list(): EvaluationInfo[] {
    return this.db
      .prepare(`${SELECT_EVALUATION} ORDER BY e.id`)
      .all()
      .map((r) => this.info(r));
  }

  get(id: number): EvaluationInfo | null {
    const raw = this.db.prepare(`${SELECT_EVALUATION} WHERE e.id = ?`).get(id);
    return raw === undefined ? null : this.info(raw);
  }

  /** The newest evaluation of these settings that did not complete, to go on with. */
  unfinished(modelVersionId: number, dataset: string, settings: Record<string, unknown>): EvaluationInfo | null {
    const raw = this.db
      .prepare(`${SELECT_EVALUATION} WHERE e.status != 'completed' AND e.model_version_id = ? AND e.dataset = ? AND e.settings_json = ? ORDER BY e.id DESC LIMIT 1`)
      .get(modelVersionId, dataset, settingsText(settings));
    return raw === undefined ? null : this.info(raw);
  }

  start(input: { modelVersionId: number; dataset: string; settings: Record<string, unknown>; classes: readonly string[]; sampleCount: number }): EvaluationInfo {
    const id = this.write('a new evaluation', () =>
      Number(
        this.db
          .prepare(`INSERT INTO evaluations (created_at, status, model_version_id, dataset, settings_json, classes_json, sample_count) VALUES (?, 'running', ?, ?, ?, ?, ?)`)
          .run(new Date().toISOString(), input.modelVersionId, input.dataset, settingsText(input.settings), JSON.stringify(input.classes), input.sampleCount).lastInsertRowid,
      ),
    );
    return this.get(id)!;
  }

  /** Marks a stopped or crashed evaluation running again. */
  resume(id: number): void {
    this.write(`evaluation ${id}`, () => this.db.prepare(`UPDATE evaluations SET status = 'running', finished_at = NULL WHERE id = ?`).run(id));
  }

  /** One finished sample; a sample already stored (a resumed run) is replaced. */
  addSample(id: number, s: StoredSample): void {
    this.write(`sample ${s.file} of evaluation ${id}`, () =>
      this.db
        .prepare(
          `INSERT OR REPLACE INTO evaluation_samples (evaluation_id, file, label, label_index, predicted, exit_counts_json, first_spike_us, events_in, synaptic_ops, error, compared_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, s.file, s.label, s.labelIndex, s.predicted, JSON.stringify(s.exitCounts), s.firstSpikeUs, s.eventsIn, s.synapticOps, s.error, s.compared ? JSON.stringify(s.compared) : null),
    );
  }

  samples(id: number): StoredSample[] {
    return this.db
      .prepare(
        'SELECT file, label, label_index, predicted, exit_counts_json, first_spike_us, events_in, synaptic_ops, error, compared_json FROM evaluation_samples WHERE evaluation_id = ? ORDER BY file',
      )
      .all(id)
      .map((raw) => {
        const where = `evaluation_samples row (${id}, ${String((raw as { file?: unknown }).file)})`;
        const r = checkedRow(sampleRowSchema, raw, this.path, where);
        return {
          file: r.file,
          label: r.label,
          labelIndex: r.label_index,
          predicted: r.predicted,
          exitCounts: checkedJson(z.array(z.number()), r.exit_counts_json, this.path, where, 'exit_counts_json'),
          firstSpikeUs: r.first_spike_us,
          eventsIn: r.events_in,
          synapticOps: r.synaptic_ops,
          error: r.error,
          compared: r.compared_json === null ? null : (checkedJson(comparedSchema, r.compared_json, this.path, where, 'compared_json') as StoredCompared),
        };
      });
  }

  finish(id: number, status: 'completed' | 'stopped'): void {
    this.write(`the end of evaluation ${id}`, () => this.db.prepare('UPDATE evaluations SET status = ?, finished_at = ? WHERE id = ?').run(status, new Date().toISOString(), id));
  }
}
