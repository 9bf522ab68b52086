// `dcnn worker --queue redis://HOST:PORT [--threads N]`: one machine's share of an
// evaluation run with `dcnn eval --queue`: takes sample jobs from the queue until Ctrl-C or
// SIGTERM, runs them on N threads (default: one per core), and says what it did.

import { parseArgs } from 'node:util';
import { startQueueWorker } from '../../services/eval-queue.js';
import { CliError, type CliIO } from '../cli-io.js';

export async function workerCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { queue: { type: 'string' }, threads: { type: 'string' } } });
  if (!values.queue) throw new CliError('--queue redis://HOST:PORT is required: the queue `dcnn eval --queue` puts samples on');
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new CliError(`--threads must be a positive integer; got "${values.threads}"`);
  const worker = await startQueueWorker(values.queue, { ...(threads ? { threads } : {}), onSample: (name, ok) => io.err(`${ok ? 'evaluated' : 'could not read'} ${name}`) });
  io.err(`worker on ${values.queue}: waiting for samples (Ctrl-C to stop)`);
  await (io.interrupted ?? new Promise<void>(() => undefined));
  await worker.close();
  io.err(`worker stopped after ${worker.processed} samples`);
  return 0;
}
