// Which Python runs the samna bridge: `--python PATH` on the CLI, else DCNN_PYTHON, else
// the app setting `devices.python`, else `python3` then `python` from PATH. The first
// three name one interpreter (used as given, so a virtualenv's or conda env's python
// works); only the PATH fallback tries more than one. It starts nothing itself.

export type PythonSource = 'option' | 'env' | 'setting' | 'path';

export interface PythonCandidate {
  command: string;
  source: PythonSource;
}

export interface PythonChoiceInput {
  /** `--python PATH`. */
  option?: string | undefined;
  /** The environment (DCNN_PYTHON is read from it). */
  env?: NodeJS.ProcessEnv;
  /** The app setting `devices.python`. */
  setting?: string | null | undefined;
  platform?: NodeJS.Platform;
}

export const PYTHON_ENV_VAR = 'DCNN_PYTHON';

export function pythonCandidates(input: PythonChoiceInput = {}): PythonCandidate[] {
  const option = input.option?.trim();
  if (option) return [{ command: option, source: 'option' }];
  const env = (input.env ?? process.env)[PYTHON_ENV_VAR]?.trim();
  if (env) return [{ command: env, source: 'env' }];
  const setting = input.setting?.trim();
  if (setting) return [{ command: setting, source: 'setting' }];
  // Windows installs `python` (and the `py` launcher); python3 is a Store alias there at best.
  const names = (input.platform ?? process.platform) === 'win32' ? ['python', 'python3'] : ['python3', 'python'];
  return names.map((command) => ({ command, source: 'path' }));
}

const SOURCE_TEXT: Record<PythonSource, string> = {
  option: '--python',
  env: PYTHON_ENV_VAR,
  setting: 'the app setting devices.python',
  path: 'PATH',
};

/** "python3 (from PATH)", "/opt/conda/bin/python (from DCNN_PYTHON)". */
export function describeCandidate(c: PythonCandidate): string {
  return `${c.command} (from ${SOURCE_TEXT[c.source]})`;
}

/** What to do when samna cannot be imported by the chosen Python. */
export function samnaInstallFix(python: string): string {
  return (
    `Install samna into that Python (\`${python} -m pip install samna\`), or point the workbench at the Python that has it: ` +
    `\`--python /path/to/python\` on the command line, ${PYTHON_ENV_VAR}=/path/to/python in the environment, or the setting devices.python. ` +
    'Virtual devkits keep working meanwhile.'
  );
}

export function pythonMissingFix(tried: readonly PythonCandidate[]): string {
  const which = tried.map(describeCandidate).join(', ');
  return (
    `No Python could be started (tried ${which}). Install Python 3 with samna (\`pip install samna\`) and pass it with \`--python /path/to/python\` ` +
    `or ${PYTHON_ENV_VAR}=/path/to/python. Virtual devkits keep working meanwhile.`
  );
}
