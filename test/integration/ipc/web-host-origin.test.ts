// The web host survives any Origin and answers only to the names it was started for
// (issue 15, item 3): `Origin: null` or an unparsable Origin with the right token used to
// throw and end the process; Host and Origin both set to another name (DNS rebinding) used
// to be accepted, for the WebSocket and for plain HTTP.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeWire, encodeWire } from '../../../main/common/wire-codec.js';
import type { Dispatcher } from '../../../main/ipc/dispatcher.js';
import { EventBus } from '../../../main/services/event-bus.js';
import { hostPolicy } from '../../../main/web/allowed-hosts.js';
import { startWebHost, type WebHost } from '../../../main/web/web-host.js';

const TOKEN = 'test-token-0123456789';
// Answers every request with its channel: enough to see that a connection works.
const echo: Dispatcher = { dispatch: (channel) => Promise.resolve({ ok: true, value: channel }) };

let staticDir: string;
let host: WebHost;
const logged: string[] = [];

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'dcnn-origin-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>workbench</title>');
  host = await startWebHost({ port: 0, staticDir, dispatcher: echo, bus: new EventBus(), token: TOKEN, log: (m) => logged.push(m) });
});

afterAll(async () => {
  await host.close();
  rmSync(staticDir, { recursive: true, force: true });
});

/** The status of a raw upgrade request (101 when accepted), headers exactly as given. */
function upgradeStatus(headers: Record<string, string>, port = host.port): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: `/ws?token=${TOKEN}`,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function httpStatus(hostHeader: string, port = host.port): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { Host: hostHeader } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A real WebSocket (no Origin header, as scripts send) doing one request. */
async function roundTrip(port = host.port): Promise<unknown> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${TOKEN}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const reply = new Promise<unknown>((resolve) => {
    ws.on('message', (data: Buffer, isBinary) => {
      const m = decodeWire(isBinary ? new Uint8Array(data) : data.toString('utf8'));
      if (m.t === 'res') resolve(m.reply);
    });
  });
  ws.send(encodeWire({ t: 'req', id: 1, channel: 'app.info', payload: {} }));
  const value = await reply;
  ws.close();
  return value;
}

describe('WebSocket upgrades with a bad Origin', () => {
  it('refuses Origin: null with 403 and keeps serving', async () => {
    expect(await upgradeStatus({ Origin: 'null' })).toBe(403);
    expect(logged.some((l) => l.includes('origin "null"'))).toBe(true);
    expect(await roundTrip()).toEqual({ ok: true, value: 'app.info' });
    expect(await httpStatus(`127.0.0.1:${host.port}`)).toBe(200);
  });

  it('refuses unparsable Origins with 403 and keeps serving', async () => {
    for (const origin of ['http://[', '%%%', 'not a url', 'http://', '::::']) {
      expect(await upgradeStatus({ Origin: origin }), origin).toBe(403);
    }
    expect(await roundTrip()).toEqual({ ok: true, value: 'app.info' });
  });

  it('refuses an Origin of another site or scheme, accepts its own', async () => {
    expect(await upgradeStatus({ Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus({ Origin: `https://127.0.0.1:${host.port}` })).toBe(403);
    expect(await upgradeStatus({ Origin: `http://127.0.0.1:${host.port + 1}` })).toBe(403);
    expect(await upgradeStatus({ Origin: `http://127.0.0.1:${host.port}` })).toBe(101);
    expect(await upgradeStatus({ Host: `localhost:${host.port}`, Origin: `http://localhost:${host.port}` })).toBe(101);
  });

  it('accepts no Origin with the right token (scripts and tests), but not without the token', async () => {
    expect(await upgradeStatus({})).toBe(101);
    expect(await roundTrip()).toEqual({ ok: true, value: 'app.info' });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/ws?token=wrong', headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': randomBytes(16).toString('base64') } });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(401);
  });
});

describe('the Host header (DNS rebinding)', () => {
  it('refuses a WebSocket whose Host and Origin both name another host', async () => {
    const evil = `evil.example:${host.port}`;
    expect(await upgradeStatus({ Host: evil, Origin: `http://${evil}` })).toBe(403);
    expect(await upgradeStatus({ Host: evil })).toBe(403);
    expect(await upgradeStatus({ Host: `127.0.0.1:${host.port + 1}`, Origin: `http://127.0.0.1:${host.port + 1}` })).toBe(403);
    expect(logged.some((l) => l.includes(`host "${evil}"`))).toBe(true);
  });

  it('refuses plain HTTP for another host, serves its own names', async () => {
    expect(await httpStatus(`evil.example:${host.port}`)).toBe(403);
    expect(await httpStatus('evil.example')).toBe(403);
    expect(await httpStatus(`user@127.0.0.1:${host.port}`)).toBe(403);
    expect(await httpStatus(`127.0.0.1:${host.port + 1}`)).toBe(403);
    for (const name of ['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]']) {
      expect(await httpStatus(`${name}:${host.port}`), name).toBe(200);
    }
  });

  it('bound to every interface: answers the names given with --allow-host and the machine addresses, nothing else', async () => {
    const wide = await startWebHost({ host: '0.0.0.0', port: 0, staticDir, dispatcher: echo, bus: new EventBus(), token: TOKEN, allowHosts: ['labpc.example'] });
    try {
      expect(await httpStatus(`labpc.example:${wide.port}`, wide.port)).toBe(200);
      expect(await httpStatus(`127.0.0.1:${wide.port}`, wide.port)).toBe(200);
      expect(await httpStatus(`evil.example:${wide.port}`, wide.port)).toBe(403);
      expect(await upgradeStatus({ Host: `labpc.example:${wide.port}`, Origin: `http://labpc.example:${wide.port}` }, wide.port)).toBe(101);
      expect(await upgradeStatus({ Host: `evil.example:${wide.port}`, Origin: `http://evil.example:${wide.port}` }, wide.port)).toBe(403);
    } finally {
      await wide.close();
    }
  });
});

describe('hostPolicy', () => {
  it('takes the port into account, and port 80 may be left out', () => {
    const p = hostPolicy('127.0.0.1', 80);
    expect(p.allowsHost('localhost')).toBe(true);
    expect(p.allowsHost('localhost:80')).toBe(true);
    expect(p.allowsHost('localhost:8080')).toBe(false);
    expect(p.allowsOrigin('http://localhost')).toBe(true);
  });

  it('bound to one address, answers only that address', () => {
    const p = hostPolicy('192.0.2.7', 8686, ['labpc.lan']);
    expect(p.allowsHost('192.0.2.7:8686')).toBe(true);
    expect(p.allowsHost('labpc.lan:8686')).toBe(true);
    expect(p.allowsHost('localhost:8686')).toBe(false);
    expect(p.allowsHost(undefined)).toBe(false);
    expect(p.allowsHost('')).toBe(false);
  });

  it('never throws on header text', () => {
    const p = hostPolicy('::1', 1);
    for (const v of ['null', '', '[', 'http://[::1', '\u0000', 'a'.repeat(10_000), 'http://user:pw@[::1]:1']) {
      expect(() => p.allowsOrigin(v)).not.toThrow();
      expect(() => p.allowsHost(v)).not.toThrow();
    }
    expect(p.allowsOrigin('http://user:pw@[::1]:1')).toBe(false);
    expect(p.allowsOrigin('http://[::1]:1')).toBe(true);
  });
});
