// Electron entry: one window, the menu, the app lifecycle, and the wiring of the composed
// services to Electron IPC. Deliberately thin: everything it calls also runs in plain
// Node (web host, CLI, tests). It cannot be launched on the build machines (no Electron
// binary there); CI type-checks it against the electron package's types.

import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, session, shell, type MenuItemConstructorOptions } from 'electron';
import { existsSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppCommand } from '../preload/api.js';
import { registerIpcHandlers, forwardEventsTo } from './ipc/electron-adapter.js';
import { createServices, type Services } from './services/compose.js';
import { createWorkbenchDispatcher } from './ipc/workbench-dispatcher.js';
import { packageRoot } from './services/package-root.js';
import { CONTENT_SECURITY_POLICY } from './common/content-security-policy.js';
import { APP_ORIGIN as ORIGIN, APP_SCHEME as SCHEME, electronContentSecurityPolicy, isAppUrl } from './electron-security.js';
import { guardContents, guardSession } from './electron-guards.js';

// The renderer talks over IPC, so unlike the web host's page it may connect nowhere else.
const RENDERER_CSP = electronContentSecurityPolicy(CONTENT_SECURITY_POLICY);
const logSecurity = (message: string) => process.stderr.write(`security: ${message}\n`);
const RENDERER_DIR = join(packageRoot(), 'dist', 'renderer');
const PRELOAD = join(packageRoot(), 'dist', 'preload', 'preload.cjs');

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let services: Services | null = null;
let window: BrowserWindow | null = null;

function projectPathFromArgs(argv: readonly string[]): string | null {
  return argv.slice(1).find((a) => a.endsWith('.dcnnproj') && existsSync(a)) ?? null;
}

/** Serves the built renderer from the custom scheme, with the web host's CSP narrowed to IPC-only use. */
function serveRenderer(): void {
  protocol.handle(SCHEME, async (request) => {
    const url = new URL(request.url);
    const path = normalize(join(RENDERER_DIR, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)));
    if (!path.startsWith(RENDERER_DIR + sep) || !existsSync(path)) return new Response('not found', { status: 404 });
    const file = await net.fetch(pathToFileURL(path).href);
    const headers = new Headers(file.headers);
    headers.set('Content-Security-Policy', RENDERER_CSP);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(file.body, { status: file.status, headers });
  });
}

async function openProject(path: string): Promise<void> {
  if (!services) return;
  try {
    await services.projects.open(path);
  } catch (e) {
    dialog.showErrorBox('Cannot open the project', (e as Error).message);
  }
}

function buildMenu(): void {
  // New/Open go through the UI's own dialogs: it holds the editor state and asks about unsaved edits first.
  const send = (command: AppCommand) => services?.bus.emit('app.command', { command });
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => send('new-project') },
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => send('open-project') },
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
  // Before loadURL, so not even the first page load goes unguarded.
  guardContents(contents, ORIGIN, (url) => shell.openExternal(url), logSecurity);
  // Closing the window or quitting (before-quit closes the windows) with unsaved edits: the
  // page's beforeunload handler holds the unload, and this asks save / discard / cancel.
  contents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(window!, {
      type: 'question',
      buttons: ['Save', 'Discard changes', 'Cancel'],
      defaultId: 0,
      cancelId: 2,
      message: 'The model has changes that are not saved.',
      detail: 'Save them as a model version before closing?',
    });
    if (choice === 1) event.preventDefault(); // discard: let the unload go ahead
    else if (choice === 0) services?.bus.emit('app.command', { command: 'save-and-close' });
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
    // Before any page exists: permission requests are judged from the first one on.
    guardSession(session.defaultSession, ORIGIN);
    serveRenderer();
    services = await createServices({ dataDir: app.getPath('userData'), mode: 'electron', version: app.getVersion() });
    registerIpcHandlers(ipcMain, createWorkbenchDispatcher(services, (m) => process.stderr.write(`${m}\n`)), (url) => isAppUrl(url, ORIGIN));
    const path = projectPathFromArgs(process.argv);
    if (path) await openProject(path);
    buildMenu();
    createWindow();
  });
  app.on('window-all-closed', () => {
    void services?.dispose().finally(() => app.quit());
  });
}
