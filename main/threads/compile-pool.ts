// Compiles off the main thread, one at a time (a large compile can hold a gigabyte; two
// at once on a lab PC would be worse than waiting). The thread is started on first use
// and ends when idle, so a session that only compiles small models never starts one.

import Tinypool from 'tinypool';
import type { CompileRequest, CompileResult } from '../compiler/compile-types.js';
import type { CompileOptions } from '../compiler/compile.js';
import type { CompileTask } from './compile-worker.js';
import { poolWorkerFile } from './pool-worker-file.js';

export class CompilePool {
  private pool: Tinypool | null = null;

  run(request: CompileRequest, options: CompileOptions): Promise<CompileResult> {
    this.pool ??= new Tinypool({ filename: poolWorkerFile(new URL('./compile-worker.js', import.meta.url)), minThreads: 0, maxThreads: 1, idleTimeout: 30_000 });
    return this.pool.run({ request, options } satisfies CompileTask) as Promise<CompileResult>;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }
}
