// The `dcnn` command line: dispatches to one module per command. Every command works on
// the same services as the desktop app and the web host.

import { evalsCommand } from './commands/evals.js';
import { ServiceError } from '../services/service-error.js';
import { ProjectWriteError } from '../store/project-write-error.js';
import { CliError, processIO, type CliIO } from './cli-io.js';
import { inCliTerms } from './option-names.js';
import { eventsCommand } from './commands/events.js';
import { deployCommand } from './commands/deploy.js';
import { checkCommand } from './commands/check.js';
import { compileCommand } from './commands/compile.js';
import { demoCommand } from './commands/demo.js';
import { evalCommand } from './commands/eval.js';
import { devicesCommand } from './commands/devices.js';
import { compareCommand } from './commands/compare.js';
import { exportCommand } from './commands/export.js';
import { importCommand, rerunCommand, runsCommand } from './commands/project-runs.js';
import { replayCommand } from './commands/replay.js';
import { runCommand } from './commands/run.js';
import { simulateCommand } from './commands/simulate.js';
import { webCommand } from './commands/web.js';
import { workerCommand } from './commands/worker.js';

type Command = (argv: string[], io: CliIO) => Promise<number>;

const USAGE: Record<string, string> = {
  compile:
    'dcnn compile MODEL.py|MODEL.pt --weights W.safetensors|W.pt [--weights-key K] | --init SEED --input-shape C,H,W [--device speck2fdevkit]\n' +
    '  [--ordering auto|2,0,1,...] [--layer2core-map 0:0,1:2,...] [--monitor -1|all|0,2|dvs] [--config-patch patch.json] [--config-out config.json]\n' +
    '  [--spike-threshold 1] [--min-v-mem=-1|none] [--reset subtract|zero] [--kind auto|ann|snn] [--bn-eps] [--dvs-input] [--json] [--weights-out W.json]',
  demo: 'dcnn demo',
  simulate:
    'dcnn simulate MODEL.py|MODEL.pt --weights W [--weights-key K] --input-shape C,H,W --raster R.npy [--mode event|timestep] [--dt-us 1000]\n' +
    '  [--order depth-first|breadth-first] [--device TYPE] [--engine native|wasm|js] [--json]',
  run:
    'dcnn run MODEL.py|MODEL.pt --weights W [--weights-key K] --input-shape C,H,W --events input.npy|input.csv [--device sim-speck2fdevkit:0]\n' +
    '  [--monitor -1|all|0,2] [--project exp.dcnnproj] [--out out.npy] [--slow-clock HZ] [--order ...] [--engine native|wasm|js] [--data-dir D] [--sort] [--drop-out-of-range] [--json]\n' +
    '  input from a dataset: --dataset DIR --class NAME|CHANNEL [--index I] (instead of --events)\n' +
    '  camera recordings: [--window FROM:TO] [--crop X,Y,W,H] [--downsample F|WxH] [--polarity two|merge|on|off] [--refractory US] [--sensor WxH]\n' +
    "  [--dvs-layer] (crop, downsample and polarity on the chip's DVS layer where they fit it; else on the host, saying why)",
  eval:
    'dcnn eval MODEL --weights W --input-shape C,H,W --dataset DIR [--mode event|timestep|both] [--workers N]\n' +
    '  [--readout count|first] [--window-us US] [--dt-us 1000] [--device TYPE] [--project P [--new]] [--csv FILE] [--queue redis://HOST:PORT] [--engine native|wasm|js] [--pj-per-synop PJ] [--json]',
  worker: 'dcnn worker --queue redis://HOST:PORT [--threads N]',
  deploy: 'dcnn deploy MODEL --weights W --input-shape C,H,W --device TYPE:INDEX [--monitor ...] [--config-patch P] [--slow-clock HZ] [--python PATH] [--json]',
  devices: 'dcnn devices [--json] | --types [--json] | --watch | --udev [--data-dir D]',
  runs: 'dcnn runs PROJECT.dcnnproj [--json]',
  evals: 'dcnn evals PROJECT.dcnnproj [ID] [--json] [--csv OUT.csv]',
  replay: 'dcnn replay PROJECT RUN [--speed 1|10|max] [--from T_us] [--to T_us] [--stream output|input] [--events [--no-header]]',
  rerun: 'dcnn rerun PROJECT RUN (--model M.py --weights W [--weights-key K] [--input-shape C,H,W] | --device ID) [--json]',
  compare: 'dcnn compare PROJECT RUN_A RUN_B [--stream output|input] [--json]',
  export:
    'dcnn export PROJECT RUN --stream input|output --out file.npy|file.csv [--columns layered|xytp] | --out file.aedat4 [--sensor WxH]\n' +
    '  | dcnn export --nir OUT.nir MODEL --weights W --input-shape C,H,W [compile options]',
  import: 'dcnn import PROJECT FILE.npy|FILE.csv [--stream input|output] [--model-version N] [--sort] [--drop-out-of-range]',
  check: 'dcnn check PROJECT.dcnnproj [--json]',
  events: 'dcnn events info FILE [--json] | dcnn events dataset DIR [--json] | dcnn events convert FILE --out OUT.npy|OUT.csv|OUT.aedat4 [--compression lz4|none] [input mapping: --window --crop --downsample --polarity --refractory --sensor]',
  web: 'dcnn web [--port 8686] [--host 127.0.0.1] [--data-dir D] [--project P] [--allow-host NAME]... [--allow-dir DIR]... [--no-usb]',
};

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  compile: { run: compileCommand, summary: 'compile a model for a chip: chip layers, integers, memory, placement, configuration' },
  demo: { run: demoCommand, summary: 'compile the seed LeNet example and show the result' },
  simulate: { run: simulateCommand, summary: 'run a raster [T,C,H,W] through the quantized model (event-driven or time-stepped)' },
  run: { run: runCommand, summary: 'deploy to a device (default sim-speck2fdevkit:0) and stream an event file through it' },
  eval: { run: evalCommand, summary: 'evaluate a model on a dataset (a folder per class): accuracy, per class, confusion, on all cores' },
  deploy: { run: deployCommand, summary: "compile for a device and write the configuration to it, then exit (sinabs' .to(device))" },
  devices: { run: devicesCommand, summary: 'connected devices and virtual devkits (--types: the registry, --watch: hot-plug)' },
  runs: { run: runsCommand, summary: 'the runs recorded in a project' },
  evals: { run: evalsCommand, summary: 'the dataset evaluations kept in a project; one of them: accuracy, per class, confusion, its rows as CSV' },
  replay: { run: replayCommand, summary: 'play a recorded stream back (real time, N times, or max speed)' },
  rerun: { run: rerunCommand, summary: "feed a recorded run's input through another model or device" },
  compare: { run: compareCommand, summary: "compare two runs' outputs over the chip layers both recorded (per chip layer, largest channel differences, first divergence)" },
  export: { run: exportCommand, summary: "write a run's input or output stream to .npy or CSV, or (--nir) a model's converted SNN as NIR" },
  import: { run: importCommand, summary: 'record an event file (.npy or CSV) as a run of a project, to replay, re-run or compare it' },
  check: { run: checkCommand, summary: 'verify a project: SQLite integrity and every recorded chunk (checksums), listing what is damaged' },
  events: { run: eventsCommand, summary: 'what a camera recording holds (info), or its events as .npy / CSV / AEDAT4 (convert), streaming' },
  worker: { run: workerCommand, summary: 'evaluate samples that `dcnn eval --queue` puts on a Redis queue, on this machine' },
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
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: ${USAGE[name] ?? `dcnn ${name}`}\n\n${command.summary} (see README.md for the details)`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof CliError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`dcnn ${name}: ${inCliTerms((e as Error).message)}\nusage: ${USAGE[name] ?? `dcnn ${name}`}`);
      return e instanceof CliError ? e.exitCode : 2;
    }
    // A full disk or a read-only project: the message says what to do, no stack trace.
    if (e instanceof ProjectWriteError) {
      io.err(`dcnn ${name}: ${inCliTerms(e.message)}`);
      return 1;
    }
    if (e instanceof Error && e.constructor.name === 'InputFileError') {
      io.err(`dcnn ${name}: ${inCliTerms(e.message)}`);
      return 2;
    }
    // A service refused on purpose (bad input events, a device of the wrong type, ...):
    // its message says what to do; it is not a crash.
    if (e instanceof ServiceError) {
      io.err(`dcnn ${name}: ${inCliTerms(e.message)}`);
      return 1;
    }
    throw e;
  }
}
