// Runs the `dcnn` command as a user would (a child process of bin/dcnn.js) and gives back
// its exit code and output, for the CLI tests.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const DCNN_BIN = fileURLToPath(new URL('../../bin/dcnn.js', import.meta.url));

export interface DcnnResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runDcnn(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<DcnnResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [DCNN_BIN, ...args], { cwd: options.cwd, env: options.env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as DcnnResult;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}
