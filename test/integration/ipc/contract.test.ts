// One contract, two transports: the same request sequence through the Electron IPC
// adapter (ipcMain/ipcRenderer replaced by an in-process pair that clones payloads like
// Electron does) and through the WebSocket adapter against a real web host must give
// identical replies and events. Also: the WebSocket needs the token, and the Electron
// handlers refuse frames that are not our UI.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventChannel, WorkbenchApi } from '../../../preload/api.js';
import { createWorkbenchApi, type ReplyEnvelope } from '../../../preload/client-api.js';
import { electronTransport, type IpcRendererLike } from '../../../preload/electron-transport.js';
import { forwardEventsTo, registerIpcHandlers, type IpcMainLike, type InvokeEventLike } from '../../../main/ipc/electron-adapter.js';
import type { Dispatcher } from '../../../main/ipc/dispatcher.js';
import { createWorkbenchDispatcher } from '../../../main/ipc/workbench-dispatcher.js';
import { createServices, type Services } from '../../../main/services/compose.js';
import { startWebHost, type WebHost } from '../../../main/web/web-host.js';
import { WebSocketTransport, type SocketLike } from '../../../renderer/web-client/websocket-transport.js';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** ipcMain + ipcRenderer + webContents in one process; payloads cross as structured clones. */
function inProcessIpc(frameUrl: string) {
  const handlers = new Map<string, (e: InvokeEventLike, payload: unknown) => Promise<ReplyEnvelope>>();
  const listeners = new Map<string, Set<Listener>>();
  const ipcMain: IpcMainLike = {
    handle: (channel, fn) => void handlers.set(channel, fn),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const ipcRenderer: IpcRendererLike = {
    async invoke(channel, ...args) {
      const fn = handlers.get(channel);
      if (!fn) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await fn({ senderFrame: { url: frameUrl } }, structuredClone(args[0])));
    },
    on(channel, l) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    },
    removeListener(channel, l) {
      listeners.get(channel)?.delete(l);
    },
  };
  const webContents = {
    isDestroyed: () => false,
    send: (channel: string, ...args: unknown[]) => listeners.get(channel)?.forEach((l) => l({}, ...structuredClone(args))),
  };
  return { ipcMain, ipcRenderer, webContents };
}

let dir: string;
let services: Services;
let dispatcher: Dispatcher;
let host: WebHost;
let electronApi: WorkbenchApi;
let webApi: WorkbenchApi;
let webTransport: WebSocketTransport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dcnn-contract-'));
  services = await createServices({ dataDir: dir, mode: 'web', usb: false });
  dispatcher = createWorkbenchDispatcher(services, () => undefined);
  const ipc = inProcessIpc('workbench://app/index.html');
  registerIpcHandlers(ipc.ipcMain, dispatcher, (url) => url.startsWith('workbench://app/'));
  services.bus.subscribe(forwardEventsTo(ipc.webContents));
  electronApi = createWorkbenchApi(electronTransport(ipc.ipcRenderer));

  host = await startWebHost({ port: 0, staticDir: join(dir, 'no-ui'), dispatcher: dispatcher, bus: services.bus });
  webTransport = new WebSocketTransport(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, (url) => new WebSocket(url) as unknown as SocketLike);
  await webTransport.connect();
  webApi = createWorkbenchApi(webTransport);
});

afterAll(async () => {
  webTransport.close();
  await host.close();
  await services.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    return { ok: false, error: (e as { payload?: unknown }).payload ?? String(e) };
  }
}

/** The sequence a UI session starts with, including failures it must survive. */
async function sequence(api: WorkbenchApi, projectName: string) {
  const examples = await api['examples.list']({});
  const spec = examples[0]!.spec;
  return [
    await settle(api['app.info']({})),
    { ok: true, value: examples },
    await settle(api['compile.run']({ spec })),
    await settle(api['compile.run']({ spec: { ...spec, source: 'nn.Sequential(nn.Conv2d(1, 4, 3), nn.MaxPool2d(2))' } })),
    await settle(api['compile.run']({ spec: { ...spec, inputShape: [1, 28] as unknown as [number, number, number] } })),
    await settle(api['devices.types']({})),
    await settle(api['settings.get']({})),
    await settle(api['project.open']({ path: join(dir, 'missing.dcnnproj') })),
    await settle(api['run.stop']({ runId: 99 })),
    await settle(api['replay.control']({ replayId: 'nope', action: 'seek', timeUs: -1 })),
    await settle(
      api['project.new']({ name: projectName, exampleId: examples[0]!.id }).then((p) => ({
        // What differs between the two projects by construction: file, name and clock.
        ...p,
        path: 'normalized',
        name: 'normalized',
        createdAt: 'normalized',
        modelVersions: p.modelVersions.map((v) => ({ ...v, createdAt: 'normalized' })),
      })),
    ),
    await settle(api['runs.list']({})),
  ];
}

describe('the same contract over Electron IPC and over the WebSocket', () => {
  it('gives identical replies to the same request sequence', async () => {
    const viaElectron = await sequence(electronApi, 'contract-electron');
    const viaWeb = await sequence(webApi, 'contract-web');
    expect(viaWeb).toEqual(viaElectron);
    // The sequence really exercised failures: the bad shape is refused by validation.
    expect(viaElectron[4]).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', path: 'spec.inputShape' } });
    expect(viaElectron[7]).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } });
  });

  it('delivers the same events to both', async () => {
    const got: Record<string, unknown[]> = { electron: [], web: [] };
    const channel: EventChannel = 'devices.changed';
    const offE = electronApi.on(channel, (p) => got.electron!.push(p));
    const offW = webApi.on(channel, (p) => got.web!.push(p));
    const { id } = await electronApi['devices.addVirtual']({ type: 'speck2fmodule' });
    await webApi['devices.removeVirtual']({ id });
    await new Promise((r) => setTimeout(r, 200));
    offE();
    offW();
    expect(got.electron!.length).toBeGreaterThanOrEqual(2);
    expect(got.web).toEqual(got.electron);
  });

  it('carries binary payloads (weights upload) as bytes on both', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const a = await settle(electronApi['weights.load']({ name: 'junk.safetensors', bytes }));
    const b = await settle(webApi['weights.load']({ name: 'junk.safetensors', bytes }));
    expect(b).toEqual(a);
    expect(a).toMatchObject({ ok: false, error: { code: 'BAD_WEIGHTS_FILE' } });
  });
});

describe('transport security', () => {
  it('a WebSocket without the token is refused (401)', async () => {
    const status = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`);
      ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      ws.on('open', () => resolve('open'));
      ws.on('error', () => undefined);
    });
    expect(status).toBe('401');
  });

  it('a WebSocket with a wrong token is refused, and one from a foreign origin too', async () => {
    const wrong = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token.slice(1)}x`);
      ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      ws.on('open', () => resolve('open'));
      ws.on('error', () => undefined);
    });
    expect(wrong).toBe('401');
    const foreign = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { headers: { Origin: 'http://evil.example' } });
      ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      ws.on('open', () => resolve('open'));
      ws.on('error', () => undefined);
    });
    expect(foreign).toBe('403');
  });

  it('a malformed frame gets a log event, and the connection keeps working', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`);
    await new Promise((r) => ws.on('open', r));
    const messages: string[] = [];
    ws.on('message', (d) => messages.push(d.toString()));
    ws.send('{not json');
    ws.send(JSON.stringify({ t: 'req', id: 7, channel: 'settings.get', payload: {} }));
    await new Promise((r) => setTimeout(r, 300));
    ws.close();
    expect(messages.some((m) => m.includes('malformed request frame'))).toBe(true);
    expect(messages.some((m) => m.includes('"id":7') && m.includes('"ok":true'))).toBe(true);
  });

  it('the Electron handlers refuse requests from a frame that is not the workbench UI', async () => {
    const ipc = inProcessIpc('https://evil.example/');
    registerIpcHandlers(ipc.ipcMain, dispatcher, (url) => url.startsWith('workbench://app/'));
    const api = createWorkbenchApi(electronTransport(ipc.ipcRenderer));
    await expect(api['settings.get']({})).rejects.toMatchObject({ payload: { code: 'UNTRUSTED_SENDER' } });
  });
});
