// One samna bridge child process (native/samna-bridge): started with the chosen Python,
// the version handshake, requests with ids and a timeout each, streams (a forward pass:
// batches both ways, progress, a stall timeout), and what happens when the process dies
// or stops answering: every pending request fails with BridgeExitedError, the exit
// listeners hear it once, and `start()` starts a fresh process. It knows the protocol,
// not devices (samna-driver.ts) nor discovery (samna-host.ts).

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { packageRoot } from '../services/package-root.js';
import type { SpikeBatch } from '../common/spike-batch.js';
import { describeCandidate, pythonMissingFix, samnaInstallFix, type PythonCandidate } from './python-locator.js';
import { encodeBatchFrame, encodeJsonFrame, FrameDecoder, type DecodedFrame } from './samna-frame-codec.js';

export const BRIDGE_PROTOCOL = 1;

export interface BridgeHello {
  bridge: string;
  protocol: number;
  samna: string;
  python: string;
  /** sys.executable of the bridge. */
  executable: string;
}

/** The bridge could not be started: no Python, no samna in it, or the bridge itself failed. */
export class BridgeUnavailableError extends Error {
  override readonly name = 'BridgeUnavailableError';
  readonly code = 'SAMNA_UNAVAILABLE';
  constructor(
    readonly kind: 'python-missing' | 'samna-missing' | 'bridge-failed',
    /** The interpreter(s) tried, as "python3 (from PATH)". */
    readonly tried: string,
    detail: string,
    readonly fix: string,
  ) {
    super(`${detail} ${fix}`);
  }
}

/** The bridge answered a request with a typed error (samna refused, not found, ...). */
export class BridgeRequestError extends Error {
  override readonly name = 'BridgeRequestError';
  readonly code = 'SAMNA_REFUSED';
  constructor(
    readonly op: string,
    readonly type: string,
    message: string,
    readonly data: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

/** The bridge process ended (or was ended because it stopped answering) with requests open. */
export class BridgeExitedError extends Error {
  override readonly name = 'BridgeExitedError';
  readonly code = 'SAMNA_BRIDGE_EXITED';
  constructor(
    readonly how: 'exited' | 'hung' | 'stopped',
    readonly detail: string,
    /** The last lines the bridge wrote to stderr. */
    readonly stderrTail: string,
  ) {
    super(`The samna bridge ${how === 'hung' ? 'stopped answering and was ended' : how === 'stopped' ? 'was stopped' : 'ended'}: ${detail}${stderrTail ? ` (its last output: ${stderrTail.trim().split('\n').slice(-3).join(' | ')})` : ''}`);
  }
}

export interface SamnaBridgeOptions {
  /** Interpreters to try in order (python-locator.ts); the first that starts is used. */
  python: readonly PythonCandidate[];
  /** Folder holding the samna_bridge package. Default: native/samna-bridge of the workbench. */
  bridgeDir?: string;
  /** Environment of the child (default: this process's); the bridge folder is prepended to PYTHONPATH. */
  env?: NodeJS.ProcessEnv;
  /** Handshake time limit (importing samna can take seconds). Default 30 s. */
  helloTimeoutMs?: number;
  /** Default time limit of a request. Default 20 s. */
  requestTimeoutMs?: number;
  /** Protocol complaints that are not fatal (garbage frames). Default: ignored. */
  log?: (message: string) => void;
}

export interface StreamHandlers {
  onBatch?: (batch: SpikeBatch) => void;
  onProgress?: (progress: Record<string, unknown>) => void;
}

export interface BridgeStream {
  readonly id: number;
  /** Sends one input batch (resolves when the pipe took it: backpressure). */
  send(batch: SpikeBatch, last: boolean): Promise<void>;
  cancel(): void;
  /** The final reply's result. */
  readonly done: Promise<Record<string, unknown>>;
}

interface Pending {
  op: string;
  resolve: (result: Record<string, unknown>) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  timeoutMs: number;
  stream?: StreamHandlers;
}

const STDERR_TAIL = 4096;

export function defaultBridgeDir(): string {
  return join(packageRoot(), 'native', 'samna-bridge');
}

export class SamnaBridge {
  private child: ChildProcessWithoutNullStreams | null = null;
  private starting: Promise<BridgeHello> | null = null;
  private helloInfo: BridgeHello | null = null;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private stderr = '';
  private readonly exitListeners = new Set<(e: BridgeExitedError) => void>();
  private ending: BridgeExitedError | null = null;

  constructor(private readonly options: SamnaBridgeOptions) {}

  get hello(): BridgeHello | null {
    return this.helloInfo;
  }

  get running(): boolean {
    return this.child !== null && this.helloInfo !== null;
  }

  /** Starts the process (if not running) and completes the handshake. */
  start(): Promise<BridgeHello> {
    if (this.running) return Promise.resolve(this.helloInfo!);
    if (!this.starting) {
      this.starting = this.spawnFirstWorking().finally(() => {
        this.starting = null;
      });
    }
    return this.starting;
  }

  onExit(listener: (e: BridgeExitedError) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  request(op: string, args: Record<string, unknown> = {}, timeoutMs?: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const id = this.register(op, resolve, reject, timeoutMs ?? this.options.requestTimeoutMs ?? 20_000);
      if (id !== null) this.write(encodeJsonFrame({ ...args, id, op }));
    });
  }

  /** A streaming request: the reply comes after batches and progress; `stallMs` bounds the silence. */
  stream(op: string, args: Record<string, unknown>, handlers: StreamHandlers, stallMs: number): BridgeStream {
    let id = -1;
    const done = new Promise<Record<string, unknown>>((resolve, reject) => {
      const got = this.register(op, resolve, reject, stallMs, handlers);
      if (got !== null) {
        id = got;
        this.write(encodeJsonFrame({ ...args, id, op }));
      }
    });
    return {
      get id() {
        return id;
      },
      send: async (batch, last) => {
        if (id < 0 || !this.pending.has(id)) return;
        await this.write(encodeBatchFrame(id, batch, last));
      },
      cancel: () => {
        if (id >= 0 && this.pending.has(id)) void this.write(encodeJsonFrame({ id: 0, op: 'cancel', target: id }));
      },
      done,
    };
  }

  /** Asks the bridge to end (closing what it holds), then ends it if it does not within `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    this.request('shutdown', {}, graceMs).catch(() => undefined);
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Ends the process now (a hung bridge). */
  kill(detail: string): void {
    const child = this.child;
    if (!child) return;
    this.ending = new BridgeExitedError('hung', detail, this.stderr);
    child.kill('SIGKILL');
  }

  // ---- internals -------------------------------------------------------------------

  private register(op: string, resolve: Pending['resolve'], reject: Pending['reject'], timeoutMs: number, stream?: StreamHandlers): number | null {
    if (!this.running) {
      reject(new BridgeExitedError('exited', `it is not running (request ${op})`, this.stderr));
      return null;
    }
    const id = this.nextId++;
    const timer = setTimeout(() => this.kill(`request ${op} got no answer within ${timeoutMs} ms`), timeoutMs);
    timer.unref();
    const p: Pending = { op, resolve, reject, timer, timeoutMs };
    if (stream) p.stream = stream;
    this.pending.set(id, p);
    return id;
  }

  private write(bytes: Uint8Array): Promise<void> {
    const child = this.child;
    if (!child || !child.stdin.writable) return Promise.resolve();
    return new Promise((resolve) => {
      if (child.stdin.write(bytes)) resolve();
      else {
        const done = () => {
          child.stdin.off('drain', done);
          child.off('exit', done);
          resolve();
        };
        child.stdin.once('drain', done);
        child.once('exit', done);
      }
    });
  }

  private async spawnFirstWorking(): Promise<BridgeHello> {
    const tried: PythonCandidate[] = [];
    let lastFailure: BridgeUnavailableError | null = null;
    for (const candidate of this.options.python) {
      tried.push(candidate);
      const result = await this.trySpawn(candidate);
      if ('hello' in result) return result.hello;
      lastFailure = result.failure;
      // Only a Python that is not there sends us on to the next name on PATH.
      if (result.failure.kind !== 'python-missing') throw result.failure;
    }
    const which = tried.map(describeCandidate).join(', ');
    throw lastFailure && tried.length === 1 ? lastFailure : new BridgeUnavailableError('python-missing', which, `No Python could be started (tried ${which}).`, pythonMissingFix(tried));
  }

  private trySpawn(candidate: PythonCandidate): Promise<{ hello: BridgeHello } | { failure: BridgeUnavailableError }> {
    const env = { ...(this.options.env ?? process.env) };
    const dir = this.options.bridgeDir ?? defaultBridgeDir();
    env.PYTHONPATH = env.PYTHONPATH ? `${dir}${delimiter}${env.PYTHONPATH}` : dir;
    env.PYTHONDONTWRITEBYTECODE = '1';
    const who = describeCandidate(candidate);
    return new Promise((settle) => {
      let child: ChildProcessWithoutNullStreams;
      try {
        child = spawn(candidate.command, ['-m', 'samna_bridge'], { env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
      } catch (e) {
        settle({ failure: new BridgeUnavailableError('python-missing', who, `Python ${who} could not be started (${(e as Error).message}).`, pythonMissingFix([candidate])) });
        return;
      }
      this.stderr = '';
      this.ending = null;
      const decoder = new FrameDecoder();
      let settled = false;
      const finish = (r: { hello: BridgeHello } | { failure: BridgeUnavailableError }) => {
        if (settled) return;
        settled = true;
        clearTimeout(helloTimer);
        if ('failure' in r) child.kill('SIGKILL');
        settle(r);
      };
      const helloTimer = setTimeout(
        () => finish({ failure: new BridgeUnavailableError('bridge-failed', who, `The samna bridge under ${who} did not answer within ${this.options.helloTimeoutMs ?? 30_000} ms.`, samnaInstallFix(candidate.command)) }),
        this.options.helloTimeoutMs ?? 30_000,
      );
      child.on('error', (e: NodeJS.ErrnoException) => {
        const missing = e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'ENOTDIR';
        finish({
          failure: missing
            ? new BridgeUnavailableError('python-missing', who, `Python ${who} was not found (${e.code}).`, pythonMissingFix([candidate]))
            : new BridgeUnavailableError('bridge-failed', who, `Python ${who} could not be started (${e.message}).`, pythonMissingFix([candidate])),
        });
      });
      child.stdin.on('error', () => undefined); // EPIPE after the child died: the exit handler reports it
      child.stderr.on('data', (d: Buffer) => {
        this.stderr = (this.stderr + d.toString('utf8')).slice(-STDERR_TAIL);
      });
      child.stdout.on('data', (chunk: Buffer) => {
        const frames = decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        for (const f of frames) {
          if (!settled) {
            finish(this.handshake(f, who, candidate, child));
            continue;
          }
          this.dispatch(f);
        }
      });
      child.on('exit', (code, signal) => {
        if (!settled) {
          const tail = this.stderr.trim().split('\n').slice(-3).join(' | ');
          finish({ failure: new BridgeUnavailableError('bridge-failed', who, `The samna bridge under ${who} ended before its handshake (exit ${code ?? signal})${tail ? `: ${tail}` : ''}.`, samnaInstallFix(candidate.command)) });
          return;
        }
        this.exited(child, code, signal);
      });
    });
  }

  private handshake(f: DecodedFrame, who: string, candidate: PythonCandidate, child: ChildProcessWithoutNullStreams): { hello: BridgeHello } | { failure: BridgeUnavailableError } {
    if (f.kind !== 'json' || f.message.id !== 0) {
      return { failure: new BridgeUnavailableError('bridge-failed', who, `The samna bridge under ${who} did not start with a handshake.`, samnaInstallFix(candidate.command)) };
    }
    const m = f.message;
    if (m.ok !== true) {
      const err = (m.error ?? {}) as Record<string, unknown>;
      const exe = typeof err.executable === 'string' ? err.executable : candidate.command;
      if (err.type === 'samna-missing') {
        return { failure: new BridgeUnavailableError('samna-missing', who, `samna is not installed in ${who} = ${exe} (Python ${String(err.python ?? '?')}): ${String(err.message ?? '')}.`, samnaInstallFix(exe)) };
      }
      return { failure: new BridgeUnavailableError('bridge-failed', who, `The samna bridge under ${who} failed to start: ${String(err.message ?? 'no message')}.`, samnaInstallFix(exe)) };
    }
    const r = (m.result ?? {}) as Record<string, unknown>;
    const hello: BridgeHello = {
      bridge: String(r.bridge ?? '?'),
      protocol: Number(r.protocol ?? 0),
      samna: String(r.samna ?? '?'),
      python: String(r.python ?? '?'),
      executable: String(r.executable ?? candidate.command),
    };
    if (hello.protocol !== BRIDGE_PROTOCOL) {
      return { failure: new BridgeUnavailableError('bridge-failed', who, `The samna bridge speaks protocol ${hello.protocol}, the workbench ${BRIDGE_PROTOCOL}.`, 'Reinstall the workbench: its bridge files do not match.') };
    }
    this.child = child;
    this.helloInfo = hello;
    return { hello };
  }

  private dispatch(f: DecodedFrame): void {
    if (f.kind === 'error') {
      this.options.log?.(`samna bridge: ${f.error.message}`);
      return;
    }
    if (f.kind === 'batch') {
      const p = this.pending.get(f.id);
      if (!p?.stream) return;
      this.touch(p);
      p.stream.onBatch?.(f.batch);
      return;
    }
    const m = f.message;
    const id = typeof m.id === 'number' ? m.id : null;
    const p = id !== null ? this.pending.get(id) : undefined;
    if (!p || id === null) {
      if (m.ok === false) this.options.log?.(`samna bridge: ${String((m.error as Record<string, unknown> | undefined)?.message ?? 'an error for no request')}`);
      return;
    }
    if (m.progress !== undefined) {
      this.touch(p);
      p.stream?.onProgress?.(m.progress as Record<string, unknown>);
      return;
    }
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (m.ok === true) p.resolve((m.result ?? {}) as Record<string, unknown>);
    else {
      const err = (m.error ?? {}) as Record<string, unknown>;
      const { type, message, ...data } = err;
      p.reject(new BridgeRequestError(p.op, String(type ?? 'error'), String(message ?? 'the bridge reported an error without a message'), data));
    }
  }

  private touch(p: Pending): void {
    p.timer.refresh();
  }

  private exited(child: ChildProcessWithoutNullStreams, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.helloInfo = null;
    const e = this.ending ?? new BridgeExitedError('exited', `exit ${code ?? signal}`, this.stderr);
    this.ending = null;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    for (const l of [...this.exitListeners]) {
      try {
        l(e);
      } catch {
        // A listener's failure must not stop the others.
      }
    }
  }
}
