// `dcnn web [--port N] [--host H] [--data-dir D] [--project P]`: the browser-hosted
// workbench. Prints one line with the URL to open (token included) and runs until Ctrl-C.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createWorkbenchDispatcher } from '../../ipc/workbench-dispatcher.js';
import { createServices } from '../../services/compose.js';
import { defaultDataDir } from '../../services/data-dir.js';
import { packageRoot } from '../../services/package-root.js';
import { startWebHost } from '../../web/web-host.js';
import { CliError, type CliIO } from '../cli-io.js';

export async function webCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8686' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      project: { type: 'string' },
      'no-usb': { type: 'boolean' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be 0..65535; got "${values.port}"`);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const services = await createServices({ dataDir, mode: 'web', usb: !values['no-usb'] });
  if (values.project) await services.projects.open(values.project);
  let host;
  try {
    host = await startWebHost({
      host: values.host,
      port,
      staticDir: join(packageRoot(), 'dist', 'renderer'),
      dispatcher: createWorkbenchDispatcher(services, (m) => io.err(m)),
      bus: services.bus,
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
  io.out(`DYNAP-CNN Workbench: open ${host.url}`);
  await (io.interrupted ?? new Promise<void>(() => undefined));
  await host.close();
  await services.dispose();
  return 0;
}
