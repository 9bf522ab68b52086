// main/app.ts itself, loaded against a fake `electron` module (there is no Electron binary
// here): it must hand the session to the permission guards and the window to the
// navigation guards before the first page loads, and serve the page with the narrowed
// CSP. Behavioural, not a reading of the source: the fakes record what app.ts registers
// and the test then calls those handlers the way Electron would. What it cannot show is
// that Electron honours them; that needs a packaged app on a desktop.

import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { packageRoot } from '../../../main/services/package-root.js';

type Fn = (...args: never[]) => unknown;

const fx = vi.hoisted(() => {
  const order: string[] = [];
  const session: Record<string, Fn> = {};
  const listeners = new Map<string, Fn>();
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  let windowOpen: Fn | undefined;
  const loadURL = vi.fn(async (url: string) => void order.push(`loadURL ${url}`));
  const openExternal = vi.fn(async (_url: string) => {});
  const contents = {
    on(event: string, listener: Fn) {
      order.push(`contents.on ${event}`);
      listeners.set(event, listener);
      return contents;
    },
    setWindowOpenHandler(handler: Fn) {
      order.push('contents.setWindowOpenHandler');
      windowOpen = handler;
    },
    send: () => {},
    isDestroyed: () => false,
  };
  class BrowserWindow {
    webContents = contents;
    constructor(readonly options: unknown) {}
    on() {
      return this;
    }
    loadURL = loadURL;
    focus() {}
  }
  const record = (name: string) => (handler: Fn) => {
    order.push(`session.${name}`);
    session[name] = handler;
  };
  const electron = {
    app: {
      requestSingleInstanceLock: () => true,
      on: () => {},
      quit: () => {},
      whenReady: () => Promise.resolve(),
      getPath: () => '/nonexistent-user-data',
      getVersion: () => '0.0.0-test',
    },
    BrowserWindow,
    dialog: { showErrorBox: () => {}, showMessageBoxSync: () => 2 },
    ipcMain: { handle: () => {}, removeHandler: () => {} },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => {} },
    net: { fetch: async () => new Response('<!doctype html><title>t</title>', { headers: { 'Content-Type': 'text/html' } }) },
    protocol: {
      registerSchemesAsPrivileged: () => {},
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => void protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: record('setPermissionRequestHandler'),
        setPermissionCheckHandler: record('setPermissionCheckHandler'),
        setDevicePermissionHandler: record('setDevicePermissionHandler'),
      },
    },
    shell: { openExternal },
  };
  return { electron, order, session, listeners, protocolHandlers, loadURL, openExternal, windowOpen: () => windowOpen };
});

vi.mock('electron', () => ({ ...fx.electron, default: fx.electron }));
vi.mock('../../../main/services/compose.js', () => ({
  createServices: async () => ({
    bus: { emit: () => {}, subscribe: () => () => {} },
    projects: { open: async () => {} },
    dispose: async () => {},
  }),
}));
vi.mock('../../../main/ipc/workbench-dispatcher.js', () => ({ createWorkbenchDispatcher: () => ({ dispatch: async () => ({ ok: true }) }) }));
// A renderer build of one page, so the protocol handler has something to serve.
vi.mock('../../../main/services/package-root.js', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const root = mkdtempSync(join(tmpdir(), 'app-wiring-'));
  mkdirSync(join(root, 'dist', 'renderer'), { recursive: true });
  writeFileSync(join(root, 'dist', 'renderer', 'index.html'), '<!doctype html>');
  return { packageRoot: () => root };
});

// Through a variable, so the Node type-check does not pull app.ts (and Electron's DOM-based
// typings) in: tsconfig.electron.json checks app.ts.
const APP_MODULE = '../../../main/app.ts';
// app.ts logs each refusal to stderr; the assertions below make those refusals on purpose.
const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
await import(/* @vite-ignore */ APP_MODULE);
await vi.waitFor(() => expect(fx.loadURL).toHaveBeenCalled());

type Nav = { url: string; preventDefault(): void };
const prevented = (event: string, url: string): boolean => {
  let stopped = false;
  (fx.listeners.get(event) as unknown as (e: Nav) => void)({ url, preventDefault: () => void (stopped = true) });
  return stopped;
};

afterAll(() => {
  quiet.mockRestore();
  rmSync(packageRoot(), { recursive: true, force: true }); // the mocked root: a temporary folder
});

describe('main/app.ts wiring', () => {
  it('registers the permission handlers and every navigation hook before the page loads', () => {
    const load = fx.order.findIndex((e) => e.startsWith('loadURL '));
    for (const step of [
      'session.setPermissionRequestHandler',
      'session.setPermissionCheckHandler',
      'session.setDevicePermissionHandler',
      'contents.on will-navigate',
      'contents.on will-redirect',
      'contents.on will-frame-navigate',
      'contents.setWindowOpenHandler',
    ]) {
      const at = fx.order.indexOf(step);
      expect(at, step).toBeGreaterThanOrEqual(0);
      expect(at, step).toBeLessThan(load);
    }
    expect(fx.order[load]).toBe('loadURL workbench://app/index.html');
  });
  it('the session grants the clipboard to the app page and refuses the rest', () => {
    const request = fx.session.setPermissionRequestHandler as unknown as (c: null, p: string, cb: (g: boolean) => void, d: object) => void;
    const answers: boolean[] = [];
    request(null, 'clipboard-read', (g) => answers.push(g), { requestingUrl: 'workbench://app/index.html', isMainFrame: true });
    request(null, 'media', (g) => answers.push(g), { requestingUrl: 'workbench://app/index.html', isMainFrame: true });
    request(null, 'clipboard-read', (g) => answers.push(g), { requestingUrl: 'https://evil.example/', isMainFrame: true });
    expect(answers).toEqual([true, false, false]);
    const check = fx.session.setPermissionCheckHandler as unknown as (c: null, p: string, o: string, d: object) => boolean;
    expect(check(null, 'geolocation', 'workbench://app', { isMainFrame: true })).toBe(false);
  });
  it('navigation, redirects and frame navigation stay inside workbench://app', () => {
    for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      expect(prevented(event, 'workbench://app/index.html'), event).toBe(false);
      expect(prevented(event, 'https://evil.example/'), event).toBe(true);
      expect(prevented(event, 'file:///etc/passwd'), event).toBe(true);
    }
  });
  it('window.open goes to shell.openExternal only for allow-listed https links', () => {
    const open = fx.windowOpen() as unknown as (d: { url: string }) => { action: string };
    expect(open({ url: 'https://github.com.evil.example/synsense/sinabs' })).toEqual({ action: 'deny' });
    expect(open({ url: 'http://sinabs.readthedocs.io/' })).toEqual({ action: 'deny' });
    expect(fx.openExternal).not.toHaveBeenCalled();
    expect(open({ url: 'https://sinabs.readthedocs.io/' })).toEqual({ action: 'deny' });
    expect(fx.openExternal).toHaveBeenCalledExactlyOnceWith('https://sinabs.readthedocs.io/');
  });
  it("serves the page with connect-src narrowed to the app's own origin", async () => {
    const handler = fx.protocolHandlers.get('workbench')!;
    const response = await handler(new Request('workbench://app/index.html'));
    expect(response.status).toBe(200);
    const csp = response.headers.get('Content-Security-Policy')!;
    expect(csp.split(';').map((d) => d.trim())).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/\bwss?:/);
    expect(csp).toContain("script-src 'self'");
  });
});
