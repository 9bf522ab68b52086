// How commands talk to the terminal: injected writers (so tests can run commands in
// process) and the error type that ends a command with a message and an exit code.

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  /** Resolves when the user interrupts (Ctrl-C, or SIGTERM); used by long-running commands. */
  interrupted?: Promise<void>;
  /** Resolves when stdout's reader went away (`dcnn replay --events | head`); out() then writes nothing. */
  outputClosed?: Promise<void>;
}

/** A problem the user can act on: printed without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function processIO(): CliIO {
  const stdout = closedOutput();
  return {
    out: (t) => {
      if (!stdout.closed) process.stdout.write(t.endsWith('\n') ? t : `${t}\n`);
    },
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    cwd: process.cwd(),
    interrupted: interruption(),
    outputClosed: stdout.promise,
  };
}

/**
 * A reader that stops reading (`| head`, `| less` quit) is the user saying "enough", not
 * a crash: EPIPE on stdout marks it closed (commands stop, the exit code stays 0) instead
 * of an unhandled 'error' event printing a stack.
 */
function closedOutput(): { readonly closed: boolean; promise: Promise<void> } {
  const state = { closed: false, promise: Promise.resolve() };
  state.promise = new Promise((resolve) => {
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      state.closed = true;
      resolve();
    });
  });
  return state;
}

/**
 * Resolves on Ctrl-C (SIGINT) or SIGTERM (a scheduler or `kill` ending the job): both stop
 * a run the same way, so it is recorded as stopped, not crashed. A second signal while
 * the command winds down ends the process at once.
 */
function interruption(): Promise<void> {
  return new Promise((resolve) => {
    const first = (): void => {
      process.off('SIGINT', first);
      process.off('SIGTERM', first);
      const again = (): never => process.exit(130);
      process.once('SIGINT', again);
      process.once('SIGTERM', again);
      resolve();
    };
    process.on('SIGINT', first);
    process.on('SIGTERM', first);
  });
}
