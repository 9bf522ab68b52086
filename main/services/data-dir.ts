// Where the workbench keeps its app data (app database, usb-ids.json, default projects)
// when it runs outside Electron (CLI, web host): the platform's usual per-user folder, or
// DCNN_DATA_DIR. Electron passes app.getPath('userData') instead.

import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.DCNN_DATA_DIR) return env.DCNN_DATA_DIR;
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'DYNAP-CNN Workbench');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'DYNAP-CNN Workbench');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'DYNAP-CNN Workbench');
}
