// Services for one CLI command: the same composition root as the app, with the data
// folder from --data-dir / DCNN_DATA_DIR, and no USB hot-plug (a command lists once).

import { createServices, type Services } from '../services/compose.js';
import { defaultDataDir } from '../services/data-dir.js';
import type { CliIO } from './cli-io.js';

export async function cliServices(io: CliIO, options: { dataDir?: string | undefined; usb?: boolean; hotplug?: boolean; python?: string | undefined } = {}): Promise<Services> {
  return createServices({
    dataDir: options.dataDir ?? defaultDataDir(),
    mode: 'cli',
    usb: options.usb ?? true,
    hotplug: options.hotplug ?? false,
    python: options.python,
    log: (m) => io.err(m),
  });
}

/** Runs `body` with services and always disposes them. */
export async function withServices<T>(io: CliIO, options: Parameters<typeof cliServices>[1], body: (s: Services) => Promise<T>): Promise<T> {
  const services = await cliServices(io, options);
  try {
    return await body(services);
  } finally {
    await services.dispose();
  }
}
