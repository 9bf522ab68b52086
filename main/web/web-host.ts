// The browser-hosted workbench: serves the built renderer over HTTP and the contract over
// a WebSocket, through the same dispatcher (validation) and services as the desktop app.
// Loopback only unless a host is given explicitly; a random token from the printed URL is
// required on the WebSocket; only the names the server was started for are answered
// (./allowed-hosts.ts); the page is served with a strict Content-Security-Policy.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_REQUEST_BYTES, type EventChannel } from '../../preload/api.js';
import type { Dispatcher } from '../ipc/dispatcher.js';
import { CompactSpikes, decodeWire, encodeWire, type WireMessage } from '../common/wire-codec.js';
import type { EventBus } from '../services/event-bus.js';
import { CONTENT_SECURITY_POLICY } from '../common/content-security-policy.js';
import { forLog, hostPolicy, type HostPolicy } from './allowed-hosts.js';
import { ConnectionBudget, DEFAULT_BUDGET, DEFAULT_HOST_LIMITS, HostBudget, type BudgetLimits, type HostLimits } from './connection-budget.js';

/**
 * Largest WebSocket frame read: the largest request plus room for its envelope (id,
 * channel, attachment references). ws refuses a longer frame from its length field, with
 * close code 1009, before buffering any of it.
 */
export const MAX_FRAME_BYTES = MAX_REQUEST_BYTES + 64 * 1024;


const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface WebHostOptions {
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  dispatcher: Dispatcher;
  bus: EventBus;
  /** Fixed token (tests); random by default. */
  token?: string;
  /** Names this machine is reached by besides the listen host, e.g. when bound to 0.0.0.0 (`--allow-host`). */
  allowHosts?: readonly string[];
  log?: (message: string) => void;
  /** Smaller frame limit (tests); MAX_FRAME_BYTES by default. */
  maxFrameBytes?: number;
  /** Per-connection budget (tests); DEFAULT_BUDGET by default. */
  budget?: BudgetLimits;
  /** What all connections may hold together (tests); DEFAULT_HOST_LIMITS by default. */
  hostLimits?: HostLimits;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
  /** Bytes queued on all sockets (for benchmarks and backpressure diagnostics). */
  bufferedBytes(): number;
}

function tokenMatches(expected: string, given: string | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // The token is in the page URL: never leak it through Referer.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

function serveStatic(staticDir: string, req: IncomingMessage, res: ServerResponse): void {
  securityHeaders(res);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  let path = decodeURIComponent(url.pathname);
  if (path.endsWith('/')) path += 'index.html';
  const root = resolve(staticDir);
  const file = normalize(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end('forbidden');
    return;
  }
  if (!existsSync(join(root, 'index.html'))) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end('The workbench UI is not built yet: run `npm run build`, then restart `npm run web`.');
    return;
  }
  if (!existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': path.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

/**
 * An event as it goes on the socket: the spike batches of a run or replay in the compact
 * spike form (a busy run streams tens of MB/s of them), which the client's decoder turns
 * back into the packed batch the contract names. Everything else as it is.
 */
function onTheWire(channel: EventChannel, payload: unknown): unknown {
  if (channel !== 'run.spikes' && channel !== 'replay.spikes') return payload;
  const p = payload as { spikes?: unknown };
  return p.spikes instanceof Uint8Array ? { ...p, spikes: new CompactSpikes(p.spikes) } : payload;
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const log = options.log ?? (() => undefined);
  const sockets = new Set<WebSocket>();
  const hostBudget = new HostBudget(options.hostLimits ?? DEFAULT_HOST_LIMITS);
  // Upgrades accepted and not yet connected count against the connection limit too.
  let upgrading = 0;
  // Known once the port is: until then nothing is answered.
  let hosts: HostPolicy | null = null;

  const server = createServer((req, res) => {
    try {
      if (!hosts?.allowsHost(req.headers.host)) {
        log(`refused an HTTP request for host ${forLog(req.headers.host)}`);
        securityHeaders(res);
        res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('forbidden: this server does not answer to that host name');
        return;
      }
      serveStatic(options.staticDir, req, res);
    } catch (e) {
      log(`http error: ${(e as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  // Compression stays off: a small compressed frame could inflate to the whole limit.
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? MAX_FRAME_BYTES, perMessageDeflate: false });

  server.on('upgrade', (req, socket, head) => {
    // Node leaves an upgrading socket without an error listener: a reset would kill the process.
    socket.on('error', (e) => log(`upgrade socket error: ${e.message}`));
    const refuse = (status: number, text: string) => {
      // Closed once the reply is out (as ws does), so a client that never reads cannot keep it.
      socket.once('finish', () => socket.destroy());
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    try {
      if (!hosts?.allowsHost(req.headers.host)) {
        log(`refused a WebSocket for host ${forLog(req.headers.host)}`);
        return refuse(403, 'Forbidden');
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/ws') return refuse(404, 'Not Found');
      if (!tokenMatches(token, url.searchParams.get('token'))) {
        log('refused a WebSocket without the right token');
        return refuse(401, 'Unauthorized');
      }
      // Browsers always send an Origin; scripts and tests send none and are let in on the
      // token alone (documented in the README): the Origin check guards against pages, not
      // against programs that already hold the token.
      const origin = req.headers.origin;
      if (origin !== undefined && !hosts.allowsOrigin(origin)) {
        log(`refused a WebSocket from origin ${forLog(origin)}`);
        return refuse(403, 'Forbidden');
      }
      if (sockets.size + upgrading >= hostBudget.limits.maxConnections) {
        log(`refused a WebSocket: ${sockets.size + upgrading} connections are open (the limit is ${hostBudget.limits.maxConnections})`);
        return refuse(503, 'Service Unavailable');
      }
      let accepted = false;
      upgrading++;
      // A handshake that ws aborts closes the socket without a connection.
      socket.once('close', () => {
        if (!accepted) upgrading--;
      });
      wss.handleUpgrade(req, socket, head, (ws) => {
        accepted = true;
        upgrading--;
        wss.emit('connection', ws, req);
      });
    } catch (e) {
      log(`refused a WebSocket upgrade that failed: ${(e as Error).message}`);
      refuse(400, 'Bad Request');
    }
  });

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    const budget = new ConnectionBudget(options.budget ?? DEFAULT_BUDGET, hostBudget);
    const unsubscribe = options.bus.subscribe((channel: EventChannel, payload: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeWire({ t: 'evt', channel, payload: onTheWire(channel, payload) }));
    });
    ws.on('message', (data, isBinary) => {
      void handleFrame(ws, budget, data as Buffer, isBinary);
    });
    ws.on('close', () => {
      unsubscribe();
      sockets.delete(ws);
    });
    ws.on('error', (e) => log(`websocket error: ${e.message}`));
  });

  async function handleFrame(ws: WebSocket, budget: ConnectionBudget, data: Buffer, isBinary: boolean): Promise<void> {
    let message: WireMessage;
    try {
      message = decodeWire(isBinary ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data.toString('utf8'));
    } catch (e) {
      ws.send(encodeWire({ t: 'evt', channel: 'log', payload: { level: 'error', message: `malformed request frame: ${(e as Error).message}` } }));
      return;
    }
    if (message.t !== 'req' || !Number.isSafeInteger(message.id)) {
      ws.send(encodeWire({ t: 'evt', channel: 'log', payload: { level: 'error', message: 'expected a request frame with a numeric id' } }));
      return;
    }
    const frameBytes = data.byteLength;
    const refused = budget.acquire(frameBytes);
    if (refused) {
      if (ws.readyState === ws.OPEN) ws.send(encodeWire({ t: 'res', id: message.id, reply: { ok: false, error: { code: 'BUDGET_EXCEEDED', message: refused } } }));
      return;
    }
    try {
      const reply = await options.dispatcher.dispatch(message.channel, message.payload);
      if (ws.readyState === ws.OPEN) ws.send(encodeWire({ t: 'res', id: message.id, reply }));
    } finally {
      budget.release(frameBytes);
    }
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  hosts = hostPolicy(host, port, options.allowHosts);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    bufferedBytes: () => [...sockets].reduce((s, ws) => s + ws.bufferedAmount, 0),
    close: async () => {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
