// How commands talk to the terminal: injected writers (so tests can run commands in
// process) and the error type that ends a command with a message and an exit code.

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  /** Resolves when the user interrupts (Ctrl-C, or SIGTERM); used by long-running commands. */
  interrupted?: Promise<void>;
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
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    cwd: process.cwd(),
    interrupted: interruption(),
  };
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
