// Browser mode: installs `window.workbench` over the web host's WebSocket, using the token
// from the page URL. Requests wait while the socket reconnects; events resume after it.
// The renderer cannot tell this apart from the Electron preload (same contract object).
// The socket lives in a worker (socket-worker.ts), so receiving and decoding a busy run's
// spike batches does not take the page's main thread; where no worker can start, the page
// holds the socket itself. The worker also counts live runs' batches into raster cells
// when a monitor asks (monitor/spike-digest.ts).

import { API_GLOBAL, type WorkbenchApi } from '../../preload/api.js';
import { createWorkbenchApi } from '../../preload/client-api.js';
import { socketRelay } from './socket-relay.js';
import { offerDigests } from '../monitor/spike-digest.js';
import { WebSocketTransport, type SocketFactory, type SocketLike, type WebClientStatus } from './websocket-transport.js';

export type { WebClientStatus } from './websocket-transport.js';

declare global {
  interface Window {
    workbench?: WorkbenchApi;
  }
}

/** The WebSocket URL for this page: same host, token from `?token=`. */
export function socketUrlFor(location: Location): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`;
}

const direct: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike;

/** Sockets held by the socket worker; the page's own WebSocket when the worker cannot start or fails (the transport then reconnects directly). */
function socketFactory(): SocketFactory {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./socket-worker.ts', import.meta.url), { type: 'module', name: 'workbench-socket' });
  } catch {
    return direct;
  }
  const relay = socketRelay({
    post: (message, transfer) => worker.postMessage(message, transfer),
    listen: (handler) => worker.addEventListener('message', (e) => handler(e.data)),
  });
  let failed = false;
  offerDigests(relay.digest);
  worker.addEventListener('error', () => {
    failed = true;
    offerDigests(null);
    worker.terminate();
    relay.lost();
  });
  return (url) => (failed ? direct(url) : relay.open(url));
}

export async function installWebClient(onStatus?: (status: WebClientStatus) => void): Promise<void> {
  const transport = new WebSocketTransport(socketUrlFor(window.location), socketFactory());
  if (onStatus) transport.onStatus = onStatus;
  await transport.connect();
  (window as unknown as Record<string, unknown>)[API_GLOBAL] = createWorkbenchApi(transport);
}
