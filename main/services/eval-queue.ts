// Evaluation beyond one machine: the samples of a `dcnn eval --queue redis://HOST:PORT` go
// to a BullMQ queue on Redis, and `dcnn worker --queue ...` processes on any machine take
// them. The settings every sample shares (chip configuration, mode, mapping) are put in
// Redis once; each job carries one sample's bytes, so workers need no shared disk. A
// worker that dies holds its jobs only until their lock expires; BullMQ then hands them to
// another worker. Every job has its own id and one result, so nothing is counted twice.

import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { deserialize, serialize } from 'node:v8';
import { Queue, QueueEvents, Worker, type ConnectionOptions } from 'bullmq';
import Tinypool from 'tinypool';
import type { EvalTask, EvalTaskResult } from '../threads/eval-worker.js';
import { poolWorkerFile } from '../threads/pool-worker-file.js';
import type { SampleRunner } from './evaluation.js';
import { ServiceError } from './service-error.js';

export const EVAL_QUEUE = 'dcnn-eval';
/** A dead worker's jobs go back to the queue once their lock is this old. */
const LOCK_MS = 5000;

interface SampleJob {
  /** Redis key of the shared settings (Omit<EvalTask, 'path'>, v8-serialized, base64). */
  base: string;
  /** The sample's name in the dataset (its extension tells the format). */
  name: string;
  /** The sample's bytes, base64. */
  bytes: string;
}

/** Host, port, password and database of a redis:// URL. */
export function redisConnection(url: string): { host: string; port: number; password?: string; db?: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ServiceError('BAD_QUEUE_URL', `--queue ${url} is not a URL: give redis://HOST:PORT`);
  }
  if (u.protocol !== 'redis:') throw new ServiceError('BAD_QUEUE_URL', `--queue ${url}: only redis://HOST:PORT queues are supported`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  if (db !== undefined && !Number.isInteger(db)) throw new ServiceError('BAD_QUEUE_URL', `--queue ${url}: the database after the port must be a number`);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379), ...(u.password ? { password: decodeURIComponent(u.password) } : {}), ...(db !== undefined ? { db } : {}) };
}

/** The coordinator's side: samples become jobs; results come back as the jobs finish. */
export function queueRunner(url: string, options: { lanes?: number } = {}): SampleRunner {
  const connection: ConnectionOptions = redisConnection(url);
  const queue = new Queue<SampleJob, EvalTaskResult>(EVAL_QUEUE, { connection });
  const events = new QueueEvents(EVAL_QUEUE, { connection });
  const tag = randomUUID();
  const baseKey = `${EVAL_QUEUE}:settings:${tag}`;
  let next = 0;
  return {
    lanes: options.lanes ?? 64,
    label: `queue ${url}`,
    async prepare(base) {
      await events.waitUntilReady();
      const client = await queue.client;
      // Structured-clone bytes, not JSON: the configuration holds typed arrays.
      await client.set(baseKey, serialize(base).toString('base64'));
    },
    async run(_task, sample) {
      const bytes = await readFile(sample.path);
      const job = await queue.add(
        'sample',
        { base: baseKey, name: sample.file, bytes: bytes.toString('base64') },
        { jobId: `${tag}-${next++}`, attempts: 3, backoff: { type: 'fixed', delay: 200 }, removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } },
      );
      try {
        return (await job.waitUntilFinished(events)) as EvalTaskResult;
      } catch (e) {
        return { ok: false, error: `the queue's workers could not evaluate it: ${(e as Error).message}` };
      }
    },
    async close() {
      try {
        await (await queue.client).del(baseKey);
      } finally {
        await events.close();
        await queue.close();
      }
    },
  };
}

export interface QueueWorker {
  /** Samples this worker finished. */
  readonly processed: number;
  close(): Promise<void>;
}

/** A `dcnn worker`: takes sample jobs from the queue and runs them in a pool of threads here. */
export async function startQueueWorker(url: string, options: { threads?: number; onSample?: (name: string, ok: boolean) => void } = {}): Promise<QueueWorker> {
  const connection: ConnectionOptions = { ...redisConnection(url), maxRetriesPerRequest: null };
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const pool = new Tinypool({ filename: poolWorkerFile(new URL('../threads/eval-worker.js', import.meta.url)), minThreads: threads, maxThreads: threads });
  const settings = new Map<string, Omit<EvalTask, 'path'>>();
  let processed = 0;
  const worker = new Worker<SampleJob, EvalTaskResult>(
    EVAL_QUEUE,
    async (job) => {
      let base = settings.get(job.data.base);
      if (!base) {
        const text = await (await worker.client).get(job.data.base);
        if (text === null) throw new Error(`the evaluation's settings (${job.data.base}) are gone from Redis`);
        base = deserialize(Buffer.from(text, 'base64')) as Omit<EvalTask, 'path'>;
        settings.set(job.data.base, base);
      }
      const result = (await pool.run({ ...base, path: job.data.name, bytes: new Uint8Array(Buffer.from(job.data.bytes, 'base64')) } satisfies EvalTask)) as EvalTaskResult;
      processed++;
      options.onSample?.(job.data.name, result.ok);
      return result;
    },
    { connection, concurrency: threads, lockDuration: LOCK_MS, stalledInterval: LOCK_MS, maxStalledCount: 5 },
  );
  await worker.waitUntilReady();
  return {
    get processed() {
      return processed;
    },
    async close() {
      await worker.close();
      await pool.destroy();
    },
  };
}
