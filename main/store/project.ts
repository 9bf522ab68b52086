// One experiment project = one SQLite file (extension .dcnnproj): its metadata, model
// versions, runs and their recorded event streams. The Project class guards the
// connection; every write is a transaction. Opening a project also settles runs whose
// writer died (they become 'interrupted', reason 'crashed'). Replay, comparison and file
// import/export build on the readers this class hands out; they live in their own modules.

import { ProjectEvaluations } from './evaluations.js';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { fullIntegrityCheck, openOurDatabase, openOurDatabaseForViewing, type DatabaseSpec } from './database-open.js';
import { PROJECT_MIGRATIONS, PROJECT_SCHEMA_VERSION } from './migrations/index.js';
import { asProjectWrite, openWriteProblemOf, ProjectWriteError } from './project-write-error.js';
import { RecordingReader, type ChunkInfo, type ChunkSource, type RecordingTotals } from './recording-reader.js';
import type { ChunkToCommit, RecordingStream, RecordingWriterOptions } from './recording-writer.js';
import { RunRecorder } from './run-recorder.js';
import { currentOwner, ownerState } from './run-ownership.js';
import { INTERRUPT_REASONS, type InterruptReason, type RunEnding, type RunStatus } from './run-status.js';
import { SpaceReserve } from './space-reserve.js';
import { z } from 'zod';
import {
  anyJsonSchema,
  pragmaInt,
  ProjectRowError,
  checkedJson,
  checkedRow,
  chunkRowSchema,
  countersSchema,
  inputShapeSchema,
  modelVersionRowSchema,
  monitorLayersSchema,
  orphanRunRowSchema,
  projectRowSchema,
  recordingTotalsRowSchema,
  runRowSchema,
} from './row-schemas.js';

export { ProjectWriteError } from './project-write-error.js';

export const PROJECT_EXTENSION = '.dcnnproj';
/** PRAGMA application_id of every project file: "DCNP". */
export const PROJECT_APPLICATION_ID = 0x44434e50;
/**
 * Page size of new project files. Chunks are blobs of tens to hundreds of KB; larger
 * pages mean fewer overflow pages per chunk (measured in test/bench/store-bench.ts).
 */
export const PROJECT_PAGE_SIZE = 65536;

export const PROJECT_DATABASE: DatabaseSpec = {
  label: 'project',
  applicationId: PROJECT_APPLICATION_ID,
  schemaVersion: PROJECT_SCHEMA_VERSION,
  migrations: PROJECT_MIGRATIONS,
  pageSize: PROJECT_PAGE_SIZE,
  uncheckedTables: ['chunk_data'],
  extension: PROJECT_EXTENSION,
};

export interface ProjectMeta {
  path: string;
  name: string;
  description: string;
  createdAt: string;
  schemaVersion: number;
}

export interface ModelVersionInput {
  name?: string | null;
  modelText: string;
  /** safetensors bytes (or null for a model without weights); stored once per SHA-256. */
  weights: Uint8Array | null;
  /** [channels, height, width]. */
  inputShape: readonly number[];
  /** Device type the model was compiled for, e.g. "speck2fdevkit". */
  device: string;
  compileOptions: unknown;
  /** The compiled chip configuration as JSON text. */
  configJson: string;
  /** Why the version exists (default "model"); see ModelVersionPurpose. */
  purpose?: ModelVersionPurpose;
  /**
   * Reuse the newest version that is the same in every stored field (text, weights,
   * shape, device, options, configuration, purpose, name) instead of adding one: runs
   * of an unchanged model share its version.
   */
  reuseIdentical?: boolean;
}

/**
 * "model": the project's own model (the newest one is what the project opens with);
 * "rerun": compiled for another device type to re-run a recording there.
 */
export type ModelVersionPurpose = 'model' | 'rerun';

export interface ModelVersion {
  id: number;
  name: string | null;
  createdAt: string;
  modelText: string;
  weightsSha256: string | null;
  weightsByteLength: number | null;
  inputShape: number[];
  device: string;
  compileOptions: unknown;
  configJson: string;
  purpose: ModelVersionPurpose;
}

export interface StartRunInput {
  modelVersionId: number;
  deviceId: string;
  deviceType: string;
  deployOptions?: unknown;
  /** Cores whose output is monitored. */
  monitorLayers: readonly number[];
  /** The run this one derives from (a re-run of its input). */
  parentRunId?: number | null;
  /** How it derives from the parent, e.g. "re-run". */
  relation?: string | null;
  /** Chunking, latency bound, codec and timer of the recording writers. */
  recording?: RecordingWriterOptions;
}

export interface RunInfo {
  id: number;
  modelVersionId: number;
  deviceId: string;
  deviceType: string;
  deployOptions: unknown;
  monitorLayers: number[];
  startedAt: string;
  endedAt: string | null;
  status: RunStatus;
  reason: InterruptReason | null;
  message: string | null;
  eventsIn: number;
  eventsOut: number;
  counters: Record<string, unknown>;
  parentRunId: number | null;
  relation: string | null;
}

export interface OpenProjectOptions {
  /** Create the file when it does not exist (it must end in .dcnnproj). */
  create?: boolean;
  /** Name of a new project (default: the file name without extension). */
  name?: string;
  description?: string;
  /**
   * Open to view only (runs, replay, export, check): works in a read-only folder or on a
   * full disk, never writes, and leaves runs of a dead writer as they are.
   */
  readOnly?: boolean;
}

/** A run, model version or recording that the project does not hold. */
export class NotInProjectError extends Error {
  readonly code = 'NOT_IN_PROJECT';
  constructor(
    readonly what: 'run' | 'model version' | 'recording',
    readonly id: number | string,
    readonly projectPath: string,
  ) {
    super(`${what} ${id} does not exist in project ${projectPath}`);
    this.name = 'NotInProjectError';
  }
}

// Runs recorded by this process, by "<real path>\0<run id>": only this process knows
// whether a run it owns still has a live recorder.
const liveRecorders = new Set<string>();

function nowIso(): string {
  return new Date().toISOString();
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function chunkInfoOf(row: unknown, path: string, where: string): ChunkInfo | null {
  if (row === undefined) return null;
  const r = checkedRow(chunkRowSchema, row, path, where);
  return { seq: r.seq, firstEvent: r.first_event, count: r.event_count, tFirst: r.t_first, tLast: r.t_last, codec: r.codec, checksum: r.checksum };
}

function runInfoOf(raw: unknown, path: string): RunInfo {
  const row = checkedRow(runRowSchema, raw, path, `runs row ${rowIdOf(raw)}`);
  const where = `runs row ${row.id}`;
  return {
    id: row.id,
    modelVersionId: row.model_version_id,
    deviceId: row.device_id,
    deviceType: row.device_type,
    deployOptions: checkedJson(anyJsonSchema, row.deploy_options, path, where, 'deploy_options'),
    monitorLayers: checkedJson(monitorLayersSchema, row.monitor_layers, path, where, 'monitor_layers'),
    startedAt: row.started_at,
    endedAt: row.ended_at,
    status: row.status,
    reason: row.reason,
    message: row.message,
    eventsIn: row.events_in,
    eventsOut: row.events_out,
    counters: checkedJson(countersSchema, row.counters, path, where, 'counters'),
    parentRunId: row.parent_run_id,
    relation: row.relation,
  };
}

function modelVersionOf(raw: unknown, path: string): ModelVersion {
  const row = checkedRow(modelVersionRowSchema, raw, path, `model_versions row ${rowIdOf(raw)}`);
  const where = `model_versions row ${row.id}`;
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    modelText: row.model_text,
    weightsSha256: row.weights_sha256,
    weightsByteLength: row.weights_byte_length,
    inputShape: checkedJson(inputShapeSchema, row.input_shape, path, where, 'input_shape'),
    device: row.device,
    compileOptions: checkedJson(anyJsonSchema, row.compile_options, path, where, 'compile_options'),
    configJson: row.config_json,
    purpose: row.purpose,
  };
}

const idSchema = z.number().int().nonnegative();

/** A BLOB column's bytes (null when the row is missing). */
function blobOf(value: unknown, path: string, where: string): Uint8Array | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Uint8Array)) throw new ProjectRowError(path, where, [`expected bytes, found ${typeof value}`]);
  return value;
}

/** The id of a row not yet checked, for naming it in an error. */
function rowIdOf(raw: unknown): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'number' ? String(id) : '?';
}

const RUN_COLUMNS = `id, model_version_id, device_id, device_type, deploy_options, monitor_layers, started_at, ended_at,
  status, reason, message, events_in, events_out, counters, parent_run_id, relation`;
const MODEL_VERSION_COLUMNS = `m.id, m.name, m.created_at, m.model_text, m.weights_sha256, w.byte_length AS weights_byte_length,
  m.input_shape, m.device, m.compile_options, m.config_json, m.purpose`;
const CHUNK_COLUMNS = 'seq, first_event, event_count, t_first, t_last, codec, checksum';

function prepareStatements(db: Database.Database) {
  return {
    insertChunk: db.prepare(
      `INSERT INTO chunks (recording_id, seq, first_event, event_count, t_first, t_last, codec, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertChunkData: db.prepare('INSERT INTO chunk_data (chunk_id, bytes) VALUES (?, ?)'),
    updateRecording: db.prepare(
      `UPDATE recordings SET event_count = event_count + ?, chunk_count = chunk_count + 1, byte_count = byte_count + ?,
         t_first = COALESCE(t_first, ?), t_last = ? WHERE id = ?`,
    ),
    addEventsIn: db.prepare('UPDATE runs SET events_in = events_in + ?, last_commit_at = ? WHERE id = ?'),
    addEventsOut: db.prepare('UPDATE runs SET events_out = events_out + ?, last_commit_at = ? WHERE id = ?'),
    recordingId: db.prepare('SELECT id FROM recordings WHERE run_id = ? AND stream = ?').pluck(),
    totals: db.prepare('SELECT id, event_count, chunk_count, byte_count, t_first, t_last FROM recordings WHERE id = ?'),
    chunkInfo: db.prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks WHERE recording_id = ? AND seq = ?`),
    chunkAtTime: db.prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks WHERE recording_id = ? AND t_last >= ? ORDER BY t_last, seq LIMIT 1`),
    chunkBytes: db
      .prepare('SELECT d.bytes FROM chunks c JOIN chunk_data d ON d.chunk_id = c.id WHERE c.recording_id = ? AND c.seq = ?')
      .pluck(),
    run: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`),
    runs: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY id`),
    modelVersion: db.prepare(`SELECT ${MODEL_VERSION_COLUMNS} FROM model_versions m LEFT JOIN weight_blobs w ON w.sha256 = m.weights_sha256 WHERE m.id = ?`),
    modelVersions: db.prepare(`SELECT ${MODEL_VERSION_COLUMNS} FROM model_versions m LEFT JOIN weight_blobs w ON w.sha256 = m.weights_sha256 ORDER BY m.id`),
  };
}

export function openProject(path: string, options: OpenProjectOptions = {}): Project {
  if (options.readOnly) {
    const { db, inMemory } = openOurDatabaseForViewing(path, PROJECT_DATABASE);
    try {
      return new Project(db, path, false, inMemory ? 'in-memory copy' : 'viewing');
    } catch (e) {
      db.close();
      throw e;
    }
  }
  let opened: ReturnType<typeof openOurDatabase>;
  try {
    opened = openOurDatabase(path, PROJECT_DATABASE, {
      create: options.create ?? false,
      initialize: (newDb) => {
        newDb
          .prepare('INSERT INTO project (id, name, description, created_at) VALUES (1, ?, ?, ?)')
          .run(options.name ?? basename(path, PROJECT_EXTENSION), options.description ?? '', nowIso());
      },
    });
  } catch (e) {
    const problem = openWriteProblemOf(e);
    if (problem) throw new ProjectWriteError(path, problem, 'the project', e);
    throw e;
  }
  const { db, created } = opened;
  try {
    return new Project(db, path, created);
  } catch (e) {
    db.close();
    throw e;
  }
}

export class Project {
  /** Runs this open marked interrupted because their writer had died. */
  readonly interruptedOnOpen: readonly number[];
  private readonly key: string;
  private readonly recorders = new Map<number, RunRecorder>();
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly chunkSource: ChunkSource;
  private readonly commitChunkTx: (runId: number, stream: RecordingStream, chunk: ChunkToCommit) => void;
  private readonly reserve: SpaceReserve;
  private reserveMade = false;
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    readonly path: string,
    /** The file was created by this open. */
    readonly created: boolean,
    /** Opened to view only ('in-memory copy': read from a copy, see openOurDatabaseForViewing). */
    readonly viewOnly: false | 'viewing' | 'in-memory copy' = false,
  ) {
    this.key = realpathSync(path);
    this.reserve = new SpaceReserve(path);
    const s = prepareStatements(db);
    this.statements = s;
    this.chunkSource = {
      totals: (recordingId): RecordingTotals => {
        const raw = s.totals.get(recordingId);
        if (raw === undefined) throw new NotInProjectError('recording', recordingId, this.path);
        const r = checkedRow(recordingTotalsRowSchema, raw, this.path, `recordings row ${recordingId}`);
        return { recordingId: r.id, count: r.event_count, chunkCount: r.chunk_count, byteCount: r.byte_count, firstT: r.t_first, lastT: r.t_last };
      },
      chunkInfo: (recordingId, seq) => chunkInfoOf(s.chunkInfo.get(recordingId, seq), this.path, `chunks of recording ${recordingId}, seq ${seq}`),
      chunkAtTime: (recordingId, t) => chunkInfoOf(s.chunkAtTime.get(recordingId, t), this.path, `chunks of recording ${recordingId} at t=${t}`),
      chunkBytes: (recordingId, seq) => blobOf(s.chunkBytes.get(recordingId, seq), this.path, `chunk_data of recording ${recordingId}, seq ${seq}`),
    };
    this.commitChunkTx = db.transaction((runId: number, stream: RecordingStream, c: ChunkToCommit) => {
      const recordingId = checkedRow(idSchema, s.recordingId.get(runId, stream), this.path, `recordings of run ${runId} (${stream})`);
      const { lastInsertRowid } = s.insertChunk.run(recordingId, c.seq, c.firstEvent, c.count, c.tFirst, c.tLast, c.codec, c.checksum);
      s.insertChunkData.run(lastInsertRowid, toBuffer(c.bytes));
      s.updateRecording.run(c.count, c.bytes.byteLength, c.tFirst, c.tLast, recordingId);
      (stream === 'input' ? s.addEventsIn : s.addEventsOut).run(c.count, nowIso(), runId);
    });
    this.interruptedOnOpen = viewOnly ? [] : this.settleOrphanedRuns();
  }

  get meta(): ProjectMeta {
    const raw = this.db.prepare('SELECT name, description, created_at FROM project WHERE id = 1').get();
    const row = raw === undefined ? undefined : checkedRow(projectRowSchema, raw, this.path, 'project row 1');
    return {
      path: this.path,
      name: row?.name ?? basename(this.path, PROJECT_EXTENSION),
      description: row?.description ?? '',
      createdAt: row?.created_at ?? '',
      schemaVersion: pragmaInt(this.db, 'user_version'),
    };
  }

  updateMeta(change: { name?: string; description?: string }): ProjectMeta {
    this.assertOpen();
    const current = this.meta;
    const upsert = this.db.prepare(
      `INSERT INTO project (id, name, description, created_at) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description`,
    );
    this.write('the project details', () => upsert.run(change.name ?? current.name, change.description ?? current.description, current.createdAt || nowIso()));
    return this.meta;
  }

  addModelVersion(input: ModelVersionInput): ModelVersion {
    this.assertOpen();
    if (input.inputShape.length === 0 || !input.inputShape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new RangeError(`input shape must be positive integers ([channels, height, width]), got [${input.inputShape.join(', ')}]`);
    }
    const add = this.db.transaction(() => {
      let sha: string | null = null;
      if (input.weights) {
        sha = createHash('sha256').update(input.weights).digest('hex');
        this.db
          .prepare('INSERT OR IGNORE INTO weight_blobs (sha256, byte_length, data) VALUES (?, ?, ?)')
          .run(sha, input.weights.byteLength, toBuffer(input.weights));
      }
      const fields = [
        input.name ?? null,
        input.modelText,
        sha,
        JSON.stringify(input.inputShape),
        input.device,
        JSON.stringify(input.compileOptions ?? null),
        input.configJson,
        input.purpose ?? 'model',
      ] as const;
      if (input.reuseIdentical) {
        const same: unknown = this.db
          .prepare(
            `SELECT id FROM model_versions WHERE name IS ? AND model_text = ? AND weights_sha256 IS ? AND input_shape = ?
               AND device = ? AND compile_options = ? AND config_json = ? AND purpose = ? ORDER BY id DESC LIMIT 1`,
          )
          .pluck()
          .get(...fields);
        if (typeof same === 'number') return same;
      }
      return this.db
        .prepare(
          `INSERT INTO model_versions (name, created_at, model_text, weights_sha256, input_shape, device, compile_options, config_json, purpose)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(fields[0], nowIso(), ...fields.slice(1)).lastInsertRowid as number;
    });
    const id = this.write('the model version', () => add());
    return this.getModelVersion(id)!;
  }

  listModelVersions(): ModelVersion[] {
    return this.statements.modelVersions.all().map((row) => modelVersionOf(row, this.path));
  }

  getModelVersion(id: number): ModelVersion | null {
    const row = this.statements.modelVersion.get(id);
    return row === undefined ? null : modelVersionOf(row, this.path);
  }

  /** The weights file of a model version (null when it has none). */
  modelWeights(id: number): Uint8Array | null {
    const version = this.getModelVersion(id);
    if (!version) throw new NotInProjectError('model version', id, this.path);
    if (version.weightsSha256 === null) return null;
    return blobOf(this.db.prepare('SELECT data FROM weight_blobs WHERE sha256 = ?').pluck().get(version.weightsSha256), this.path, `weight_blobs ${version.weightsSha256}`);
  }

  startRun(input: StartRunInput): RunRecorder {
    this.assertOpen();
    if (this.viewOnly) throw new Error(`a new run cannot be recorded: project ${this.path} was opened to view only`);
    if (!this.getModelVersion(input.modelVersionId)) throw new NotInProjectError('model version', input.modelVersionId, this.path);
    if (input.parentRunId != null && !this.getRun(input.parentRunId)) throw new NotInProjectError('run', input.parentRunId, this.path);
    const owner = currentOwner();
    const insertRun = this.db.transaction(() => {
      const id = this.db
        .prepare(
          `INSERT INTO runs (model_version_id, device_id, device_type, deploy_options, monitor_layers, started_at, status,
             owner_host, owner_pid, owner_boot, owner_start, parent_run_id, relation)
           VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.modelVersionId,
          input.deviceId,
          input.deviceType,
          JSON.stringify(input.deployOptions ?? {}),
          JSON.stringify(input.monitorLayers),
          nowIso(),
          owner.host,
          owner.pid,
          owner.boot,
          owner.start,
          input.parentRunId ?? null,
          input.relation ?? null,
        ).lastInsertRowid as number;
      const addRecording = this.db.prepare('INSERT INTO recordings (run_id, stream) VALUES (?, ?)');
      addRecording.run(id, 'input');
      addRecording.run(id, 'output');
      return id;
    });
    // Before the run's rows, so the reserve is there even when the run's start fills the disk.
    this.reserveMade = this.reserve.ensure() || this.reserveMade;
    const runId = this.write('a new run', () => insertRun.immediate());
    liveRecorders.add(this.liveKey(runId));
    const recorder = new RunRecorder(
      runId,
      {
        commitChunk: (id, stream, chunk) => {
          this.assertOpen();
          try {
            this.write(`the ${stream} recording of run ${id}`, () => this.commitChunkTx(id, stream, chunk));
          } catch (e) {
            // Room for the run's ending: the recorder writes it next.
            if (e instanceof ProjectWriteError && e.problem === 'disk-full') this.reserve.release();
            throw e;
          }
        },
        endRun: (id, ending, counters) => this.endRun(id, ending, counters),
        release: (id) => {
          liveRecorders.delete(this.liveKey(id));
          this.recorders.delete(id);
        },
      },
      input.recording,
    );
    this.recorders.set(runId, recorder);
    return recorder;
  }

  listRuns(): RunInfo[] {
    return this.statements.runs.all().map((row) => runInfoOf(row, this.path));
  }

  getRun(id: number): RunInfo | null {
    const row = this.statements.run.get(id);
    return row === undefined ? null : runInfoOf(row, this.path);
  }

  /** Runs derived from `id` (re-runs of its input), oldest first. */
  childRuns(id: number): RunInfo[] {
    return this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE parent_run_id = ? ORDER BY id`).all(id).map((row) => runInfoOf(row, this.path));
  }

  openRecording(runId: number, stream: RecordingStream): RecordingReader {
    this.assertOpen();
    const rawId = this.statements.recordingId.get(runId, stream);
    if (rawId === undefined) {
      if (!this.getRun(runId)) throw new NotInProjectError('run', runId, this.path);
      throw new NotInProjectError('recording', `${stream} of run ${runId}`, this.path);
    }
    return new RecordingReader(this.chunkSource, runId, stream, checkedRow(idSchema, rawId, this.path, `recordings of run ${runId} (${stream})`));
  }

  /** SQLite's full integrity_check (every page, including event data): ['ok'] or the problems. */
  integrityCheck(): string[] {
    this.assertOpen();
    return fullIntegrityCheck(this.db);
  }

  /**
   * Closes the connection. Runs still recording are committed and end as interrupted
   * ('cancelled': the project was closed during the run).
   */
  close(): void {
    if (this.closed) return;
    for (const recorder of [...this.recorders.values()]) {
      try {
        recorder.finish({ status: 'interrupted', reason: 'cancelled', message: 'the project was closed during the run' });
      } catch {
        // finish() has already recorded the failure on the run.
      }
    }
    this.closed = true;
    this.db.close();
    if (this.reserveMade) this.reserve.release();
  }

  private endRun(runId: number, ending: RunEnding, counters: Record<string, unknown>): void {
    this.assertOpen();
    const reason = ending.status === 'interrupted' ? ending.reason : null;
    const message = ending.status === 'completed' ? null : (ending.message ?? (reason ? INTERRUPT_REASONS[reason] : null));
    const update = this.db.prepare(`UPDATE runs SET status = ?, reason = ?, message = ?, ended_at = ?, counters = ? WHERE id = ?`);
    this.write(`the end of run ${runId}`, () => update.run(ending.status, reason, message, nowIso(), JSON.stringify(counters), runId));
  }

  /** The project's dataset evaluations (per-sample results, resumable). */
  get evaluations(): ProjectEvaluations {
    this.assertOpen();
    return new ProjectEvaluations(this.db, this.path, (operation, fn) => this.write(operation, fn));
  }

  /** A write whose full-disk or read-only failure comes out as ProjectWriteError. */
  private write<T>(operation: string, fn: () => T): T {
    if (this.viewOnly) throw new Error(`${operation} cannot be saved: project ${this.path} was opened to view only`);
    return asProjectWrite(this.path, operation, fn);
  }

  private liveKey(runId: number): string {
    return `${this.key}\u0000${runId}`;
  }

  /**
   * Marks 'running' runs whose writer process is gone as interrupted ('crashed'). Reads
   * first and writes only when there is something to settle, so a plain open of a
   * project takes no write lock.
   */
  private settleOrphanedRuns(): number[] {
    type Row = z.infer<typeof orphanRunRowSchema>;
    const statement = this.db.prepare(`SELECT id, owner_host, owner_pid, owner_boot, owner_start FROM runs WHERE status = 'running'`);
    const select = { all: (): Row[] => statement.all().map((row) => checkedRow(orphanRunRowSchema, row, this.path, `runs row ${rowIdOf(row)}`)) };
    const gone = (row: Row) =>
      row.owner_host === null ||
      row.owner_pid === null ||
      ownerState({ host: row.owner_host, pid: row.owner_pid, boot: row.owner_boot, start: row.owner_start }, () =>
        liveRecorders.has(this.liveKey(row.id)),
      ) === 'gone';
    if (!select.all().some(gone)) return [];
    const mark = this.db.prepare(
      `UPDATE runs SET status = 'interrupted', reason = 'crashed', message = ?, ended_at = COALESCE(last_commit_at, started_at)
       WHERE id = ? AND status = 'running'`,
    );
    const settle = this.db.transaction(() => {
      // Re-read inside the write transaction: another process may have settled them.
      const settled = select.all().filter(gone).map((row) => row.id);
      for (const id of settled) mark.run(INTERRUPT_REASONS.crashed, id);
      return settled;
    });
    return this.write('the runs of a writer that ended', () => settle.immediate());
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`project ${this.path} is closed`);
  }
}
