// Electron entry: one window, the menu, the app lifecycle, and the wiring of the composed
// services to Electron IPC. Deliberately thin: everything it calls also runs in plain
// Node (web host, CLI, tests). It cannot be launched on the build machines (no Electron
// binary there); CI type-checks it against the electron package's types.

import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, shell, type MenuItemConstructorOptions } from 'electron';
import { existsSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerIpcHandlers, forwardEventsTo } from './ipc/electron-adapter.js';
import { createServices, type Services } from './services/compose.js';
import { createWorkbenchDispatcher } from './ipc/workbench-dispatcher.js';
import { packageRoot } from './services/package-root.js';
import { CONTENT_SECURITY_POLICY } from './web/web-host.js';

const SCHEME = 'workbench';
const ORIGIN = `${SCHEME}://app`;
const RENDERER_DIR = join(packageRoot(), 'dist', 'renderer');
const PRELOAD = join(packageRoot(), 'dist', 'preload', 'preload.cjs');

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let services: Services | null = null;
let window: BrowserWindow | null = null;

function projectPathFromArgs(argv: readonly string[]): string | null {
  return argv.slice(1).find((a) => a.endsWith('.dcnnproj') && existsSync(a)) ?? null;
}

/** Serves the built renderer from the custom scheme, with the same CSP as the web host. */
function serveRenderer(): void {
  protocol.handle(SCHEME, async (request) => {
    const url = new URL(request.url);
    const path = normalize(join(RENDERER_DIR, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)));
    if (!path.startsWith(RENDERER_DIR + sep) || !existsSync(path)) return new Response('not found', { status: 404 });
    const file = await net.fetch(pathToFileURL(path).href);
    const headers = new Headers(file.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(file.body, { status: file.status, headers });
  });
}

async function openProjectDialog(): Promise<void> {
  if (!window || !services) return;
  const r = await dialog.showOpenDialog(window, { filters: [{ name: 'Workbench project', extensions: ['dcnnproj'] }], properties: ['openFile'] });
  const path = r.filePaths[0];
  if (!r.canceled && path) await openProject(path);
}

async function newProjectDialog(): Promise<void> {
  if (!window || !services) return;
  const r = await dialog.showSaveDialog(window, { title: 'New project', filters: [{ name: 'Workbench project', extensions: ['dcnnproj'] }] });
  if (r.canceled || !r.filePath) return;
  const path = r.filePath.endsWith('.dcnnproj') ? r.filePath : `${r.filePath}.dcnnproj`;
  try {
    await services.projects.create({ path, name: path.split(sep).pop()!.replace(/\.dcnnproj$/, ''), exampleId: 'lenet' });
  } catch (e) {
    dialog.showErrorBox('Cannot create the project', (e as Error).message);
  }
  buildMenu();
}

async function openProject(path: string): Promise<void> {
  if (!services) return;
  try {
    await services.projects.open(path);
  } catch (e) {
    dialog.showErrorBox('Cannot open the project', (e as Error).message);
  }
  buildMenu();
}

function buildMenu(): void {
  const recent = services?.projects.recent() ?? [];
  const send = (command: 'save-model' | 'new-project' | 'open-project') => services?.bus.emit('app.command', { command });
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => void newProjectDialog() },
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => void openProjectDialog() },
        {
          label: 'Open Recent',
          submenu: recent.length
            ? recent.map((p) => ({ label: p.path, enabled: !p.missing, click: () => void openProject(p.path) }))
            : [{ label: 'No recent projects', enabled: false }],
        },
        { type: 'separator' },
        { label: 'Save Model Version', accelerator: 'CmdOrCtrl+S', click: () => send('save-model') },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function createWindow(): void {
  window = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'DYNAP-CNN Workbench',
    webPreferences: { preload: PRELOAD, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
  });
  const contents = window.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${ORIGIN}/`)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the system browser; the app never opens windows.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const unsubscribe = services!.bus.subscribe(forwardEventsTo(contents));
  window.on('closed', () => {
    unsubscribe();
    window = null;
  });
  void window.loadURL(`${ORIGIN}/index.html`);
}

const singleInstance = app.requestSingleInstanceLock();
if (!singleInstance) {
  app.quit();
} else {
  app.on('second-instance', (_e, argv) => {
    const path = projectPathFromArgs(argv);
    if (path) void openProject(path);
    window?.focus();
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    void openProject(path);
  });
  void app.whenReady().then(async () => {
    serveRenderer();
    services = await createServices({ dataDir: app.getPath('userData'), mode: 'electron', version: app.getVersion() });
    registerIpcHandlers(ipcMain, createWorkbenchDispatcher(services, (m) => process.stderr.write(`${m}\n`)), (url) => url.startsWith(`${ORIGIN}/`));
    const path = projectPathFromArgs(process.argv);
    if (path) await openProject(path);
    buildMenu();
    createWindow();
  });
  app.on('window-all-closed', () => {
    void services?.dispose().finally(() => app.quit());
  });
}
