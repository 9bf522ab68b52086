// What one WebSocket client may cost the web host (issue 15, item 4): a frame above the
// request limit is refused from its length field, before it is buffered (a 300 MB frame
// used to cost 974 MB before its refusal); a frame whose header names one attachment many
// times is refused without the copies; one connection may hold only so many requests at
// once. Other clients are served throughout.

import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_REQUEST_BYTES } from '../../../preload/api.js';
import { decodeWire, encodeWire } from '../../../main/common/wire-codec.js';
import type { Dispatcher } from '../../../main/ipc/dispatcher.js';
import { EventBus } from '../../../main/services/event-bus.js';
import { MAX_FRAME_BYTES, startWebHost, type WebHost } from '../../../main/web/web-host.js';
import { rawFrame } from '../../helpers/wire-frames.js';

const TOKEN = 'limits-token-0123456789';
const MB = 1024 * 1024;

// 'hold' requests wait until released, so a test can keep many in flight.
const held: (() => void)[] = [];
const dispatcher: Dispatcher = {
  dispatch: (channel) =>
    channel === 'hold'
      ? new Promise((resolve) => held.push(() => resolve({ ok: true, value: 'released' })))
      : Promise.resolve({ ok: true, value: channel }),
};

let host: WebHost;
const logged: string[] = [];

beforeAll(async () => {
  host = await startWebHost({ port: 0, staticDir: '/nonexistent', dispatcher, bus: new EventBus(), token: TOKEN, log: (m) => logged.push(m) });
});

afterAll(async () => {
  for (const release of held.splice(0)) release();
  await host.close();
});

interface Client {
  ws: WebSocket;
  replies: Map<number, unknown>;
  logs: string[];
  closed: Promise<number>;
  request(id: number, channel: string, payload?: unknown): Promise<unknown>;
}

async function connect(): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${TOKEN}`);
  const replies = new Map<number, unknown>();
  const logs: string[] = [];
  const waiting = new Map<number, (reply: unknown) => void>();
  ws.on('message', (data: Buffer, isBinary) => {
    const m = decodeWire(isBinary ? new Uint8Array(data) : data.toString('utf8'));
    if (m.t === 'res') {
      replies.set(m.id, m.reply);
      waiting.get(m.id)?.(m.reply);
    } else if (m.t === 'evt' && m.channel === 'log') logs.push((m.payload as { message: string }).message);
  });
  ws.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    replies,
    logs,
    closed,
    request: (id, channel, payload = {}) =>
      new Promise((resolve) => {
        waiting.set(id, resolve);
        ws.send(encodeWire({ t: 'req', id, channel, payload }));
      }),
  };
}

/** Waits until `check` holds (events arrive asynchronously). */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('frames above the request limit', () => {
  it('the frame limit is the request limit plus a small envelope, not twice it', () => {
    expect(MAX_FRAME_BYTES).toBeGreaterThan(MAX_REQUEST_BYTES);
    expect(MAX_FRAME_BYTES - MAX_REQUEST_BYTES).toBeLessThanOrEqual(MB);
  });

  it('a frame announcing 300 MB is closed with 1009 from its header, before any payload arrives', async () => {
    const client = await connect();
    // A raw masked binary frame header announcing 300 MB, then only 16 bytes of it: a
    // server that buffered before refusing would wait for the rest, never closing.
    const header = Buffer.alloc(14);
    header[0] = 0x82;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(300 * MB), 2);
    header.writeUInt32BE(0x01020304, 10);
    const socket = (client.ws as unknown as { _socket: Socket })._socket;
    socket.write(Buffer.concat([header, Buffer.alloc(16)]));
    expect(await client.closed).toBe(1009);

    const other = await connect();
    expect(await other.request(1, 'app.info')).toEqual({ ok: true, value: 'app.info' });
    other.ws.close();
  });
});

describe('attachment references', () => {
  it('a 1 MB frame naming one attachment 1500 times is refused; the connection and others go on', async () => {
    const client = await connect();
    const refs = Array.from({ length: 1500 }, () => ({ $bin: [0, MB - 64 * 1024] }));
    client.ws.send(rawFrame({ t: 'req', id: 1, channel: 'weights.load', payload: { name: 'w', bytes: refs } }, new Uint8Array(MB - 64 * 1024)));
    await until(() => client.logs.length > 0);
    expect(client.logs[0]).toMatch(/malformed request frame: .*referenced once/);
    expect(await client.request(2, 'app.info')).toEqual({ ok: true, value: 'app.info' });
    client.ws.close();
  });
});

describe('requests in flight per connection', () => {
  it('beyond 32 at once a request is answered BUDGET_EXCEEDED; other connections are not affected', async () => {
    const greedy = await connect();
    for (let id = 1; id <= 32; id++) greedy.ws.send(encodeWire({ t: 'req', id, channel: 'hold', payload: {} }));
    const refused = (await greedy.request(33, 'app.info')) as { ok: boolean; error: { code: string; message: string } };
    expect(refused.ok).toBe(false);
    expect(refused.error.code).toBe('BUDGET_EXCEEDED');
    expect(refused.error.message).toContain('the limit is 32');
    expect(held.length).toBe(32);

    const other = await connect();
    expect(await other.request(1, 'app.info')).toEqual({ ok: true, value: 'app.info' });

    // Once replies are out, the connection has its room back.
    for (const release of held.splice(0)) release();
    await until(() => greedy.replies.size === 33);
    expect(await greedy.request(34, 'app.info')).toEqual({ ok: true, value: 'app.info' });
    greedy.ws.close();
    other.ws.close();
  });

  it('a second large upload while one is in flight is refused by bytes', async () => {
    const small = await startWebHost({ port: 0, staticDir: '/nonexistent', dispatcher, bus: new EventBus(), token: TOKEN, budget: { maxInFlight: 32, maxInFlightBytes: 3 * MB } });
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${small.port}/ws?token=${TOKEN}`);
      const replies = new Map<number, { ok: boolean; error?: { code: string } }>();
      ws.on('message', (data: Buffer, isBinary) => {
        const m = decodeWire(isBinary ? new Uint8Array(data) : data.toString('utf8'));
        if (m.t === 'res') replies.set(m.id, m.reply as { ok: boolean });
      });
      await new Promise((r) => ws.once('open', r));
      ws.send(encodeWire({ t: 'req', id: 1, channel: 'hold', payload: { bytes: new Uint8Array(2 * MB) } }));
      ws.send(encodeWire({ t: 'req', id: 2, channel: 'hold', payload: { bytes: new Uint8Array(2 * MB) } }));
      await until(() => replies.has(2));
      expect(replies.get(2)).toMatchObject({ ok: false, error: { code: 'BUDGET_EXCEEDED' } });
      expect(replies.has(1)).toBe(false);
      for (const release of held.splice(0)) release();
      await until(() => replies.has(1));
      expect(replies.get(1)).toMatchObject({ ok: true });
      ws.close();
    } finally {
      await small.close();
    }
  });
});

describe('what all clients together may cost', () => {
  async function open(port: number): Promise<{ ws: WebSocket; replies: Map<number, { ok: boolean; error?: { code: string; message: string } }> }> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${TOKEN}`);
    const replies = new Map<number, { ok: boolean; error?: { code: string; message: string } }>();
    ws.on('message', (data: Buffer, isBinary) => {
      const m = decodeWire(isBinary ? new Uint8Array(data) : data.toString('utf8'));
      if (m.t === 'res') replies.set(m.id, m.reply as { ok: boolean });
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return { ws, replies };
  }

  it('connections beyond the limit are refused at the upgrade (503), and let in again once one closes', async () => {
    const log: string[] = [];
    const limited = await startWebHost({ port: 0, staticDir: '/nonexistent', dispatcher, bus: new EventBus(), token: TOKEN, log: (m) => log.push(m), hostLimits: { maxConnections: 3, maxInFlightBytes: 64 * MB } });
    try {
      const clients = await Promise.all([open(limited.port), open(limited.port), open(limited.port)]);
      await expect(open(limited.port)).rejects.toThrow('HTTP 503');
      expect(log.some((l) => /3 connections are open \(the limit is 3\)/.test(l))).toBe(true);
      clients[0]!.ws.close();
      // The server counts the closed connection out once its close handshake is done.
      let again: Awaited<ReturnType<typeof open>> | null = null;
      for (let tries = 0; !again && tries < 50; tries++) {
        again = await open(limited.port).catch(() => null);
        if (!again) await new Promise((r) => setTimeout(r, 50));
      }
      expect(again).not.toBeNull();
      again!.ws.close();
      for (const c of clients.slice(1)) c.ws.close();
    } finally {
      await limited.close();
    }
  });

  it('uploads in progress on different connections share one byte budget', async () => {
    const limited = await startWebHost({ port: 0, staticDir: '/nonexistent', dispatcher, bus: new EventBus(), token: TOKEN, hostLimits: { maxConnections: 16, maxInFlightBytes: 3 * MB } });
    try {
      const a = await open(limited.port);
      const b = await open(limited.port);
      a.ws.send(encodeWire({ t: 'req', id: 1, channel: 'hold', payload: { bytes: new Uint8Array(2 * MB) } }));
      await new Promise((r) => setTimeout(r, 100));
      b.ws.send(encodeWire({ t: 'req', id: 1, channel: 'hold', payload: { bytes: new Uint8Array(2 * MB) } }));
      await until(() => b.replies.has(1));
      expect(b.replies.get(1)).toMatchObject({ ok: false, error: { code: 'BUDGET_EXCEEDED' } });
      expect(b.replies.get(1)?.error?.message).toMatch(/of all clients/);
      for (const release of held.splice(0)) release();
      await until(() => a.replies.has(1));
      expect(a.replies.get(1)).toMatchObject({ ok: true });
      // Released: the other client's upload goes through now.
      b.ws.send(encodeWire({ t: 'req', id: 2, channel: 'app.info', payload: { bytes: new Uint8Array(2 * MB) } }));
      await until(() => b.replies.has(2));
      expect(b.replies.get(2)).toMatchObject({ ok: true });
      a.ws.close();
      b.ws.close();
    } finally {
      await limited.close();
    }
  });
});
