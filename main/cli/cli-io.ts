// How commands talk to the terminal: injected writers (so tests can run commands in
// process) and the error type that ends a command with a message and an exit code.

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  /** Resolves when the user interrupts (Ctrl-C); used by long-running commands. */
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
    interrupted: new Promise((resolve) => process.once('SIGINT', () => resolve())),
  };
}
