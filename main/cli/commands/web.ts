// `dcnn web [--port N] [--host H] [--data-dir D] [--project P] [--allow-host NAME]...
// [--allow-dir DIR]...`: the browser-hosted workbench. Prints one line with the URL to
// open (token included) and runs until Ctrl-C. Browser requests reach only projects under
// the data folder, the --allow-dir folders and the --project file.

import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createWorkbenchDispatcher } from '../../ipc/workbench-dispatcher.js';
import { createServices } from '../../services/compose.js';
import { defaultDataDir } from '../../services/data-dir.js';
import { packageRoot } from '../../services/package-root.js';
import { isWildcardHost } from '../../web/allowed-hosts.js';
import { startWebHost } from '../../web/web-host.js';
import { CliError, type CliIO } from '../cli-io.js';

// A bare host name or IP address: a port or scheme here would never match a Host header.
const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i;

function allowedHostName(name: string): string {
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  if (isIP(bare) === 0 && !HOST_NAME.test(name)) throw new CliError(`--allow-host takes a host name or IP address without port or scheme; got "${name}"`);
  return bare;
}

function allowedDir(dir: string, cwd: string): string {
  const full = resolve(cwd, dir);
  let isDir = false;
  try {
    isDir = statSync(full).isDirectory();
  } catch {
    // reported below, as for a file
  }
  if (!isDir) throw new CliError(`--allow-dir ${dir}: no such folder`);
  return full;
}

export async function webCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8686' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      project: { type: 'string' },
      'no-usb': { type: 'boolean' },
      'allow-host': { type: 'string', multiple: true, default: [] },
      'allow-dir': { type: 'string', multiple: true, default: [] },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be 0..65535; got "${values.port}"`);
  const allowHosts = values['allow-host'].map(allowedHostName);
  const allowDirs = values['allow-dir'].map((d) => allowedDir(d, io.cwd));
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const project = values.project === undefined ? undefined : resolve(io.cwd, values.project);
  const services = await createServices({
    dataDir,
    mode: 'web',
    usb: !values['no-usb'],
    allowDirs,
    // Named here by the person starting the host: the page may reopen it, not its neighbours.
    allowFiles: project === undefined ? [] : [project],
  });
  if (project !== undefined) await services.projects.open(project);
  let host;
  try {
    host = await startWebHost({
      host: values.host,
      port,
      staticDir: join(packageRoot(), 'dist', 'renderer'),
      dispatcher: createWorkbenchDispatcher(services, (m) => io.err(m)),
      bus: services.bus,
      allowHosts,
      log: (m) => io.err(m),
    });
  } catch (e) {
    await services.dispose();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${port} is in use: pick another with --port N (0 = any free port)`);
    throw e;
  }
  if (values.host !== '127.0.0.1' && values.host !== 'localhost' && values.host !== '::1') {
    io.err(`warning: listening on ${values.host}: anyone who can reach this address and has the URL (with its token) can use the workbench and its devices`);
  }
  if (isWildcardHost(values.host) && allowHosts.length === 0) {
    io.err('note: on every interface the page answers to this machine\'s IP addresses and loopback names; add --allow-host NAME for each host name it is reached by');
  }
  io.out(`DYNAP-CNN Workbench: open ${host.url}`);
  await (io.interrupted ?? new Promise<void>(() => undefined));
  await host.close();
  await services.dispose();
  return 0;
}
