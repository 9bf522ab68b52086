// The `dcnn` command line: dispatches to one module per command. Every command works on
// the same services as the desktop app and the web host.

import { CliError, processIO, type CliIO } from './cli-io.js';
import { compileCommand } from './commands/compile.js';
import { demoCommand } from './commands/demo.js';
import { devicesCommand } from './commands/devices.js';
import { compareCommand, exportCommand, replayCommand, rerunCommand, runsCommand } from './commands/project-runs.js';
import { runCommand } from './commands/run.js';
import { simulateCommand } from './commands/simulate.js';
import { webCommand } from './commands/web.js';

type Command = (argv: string[], io: CliIO) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  compile: { run: compileCommand, summary: 'compile a model for a chip: chip layers, integers, memory, placement, configuration' },
  demo: { run: demoCommand, summary: 'compile the seed LeNet example and show the result' },
  simulate: { run: simulateCommand, summary: 'run a raster [T,C,H,W] through the quantized model (event-driven or time-stepped)' },
  run: { run: runCommand, summary: 'deploy to a device (default sim-speck2fdevkit:0) and stream an event file through it' },
  devices: { run: devicesCommand, summary: 'connected devices and virtual devkits (--types: the registry, --watch: hot-plug)' },
  runs: { run: runsCommand, summary: 'the runs recorded in a project' },
  replay: { run: replayCommand, summary: 'play a recorded stream back (real time, N times, or max speed)' },
  rerun: { run: rerunCommand, summary: "feed a recorded run's input through another model or device" },
  compare: { run: compareCommand, summary: "compare two runs' outputs (per layer, per channel, first divergence)" },
  export: { run: exportCommand, summary: "write a run's input or output stream to .npy or CSV" },
  web: { run: webCommand, summary: 'serve the workbench UI in a browser (prints the URL with its access token)' },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ['usage: dcnn <command> [options]', '', 'commands:', ...lines, '', 'Run `dcnn <command> --help` for a command\'s options (see README.md).'].join('\n');
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`dcnn: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof CliError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`dcnn ${name}: ${(e as Error).message}`);
      return e instanceof CliError ? e.exitCode : 2;
    }
    if (e instanceof Error && e.constructor.name === 'InputFileError') {
      io.err(`dcnn ${name}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
