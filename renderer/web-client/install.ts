// Browser mode: installs `window.workbench` over the web host's WebSocket, using the token
// from the page URL. Requests wait while the socket reconnects; events resume after it.
// The renderer cannot tell this apart from the Electron preload (same contract object).

import { API_GLOBAL, type WorkbenchApi } from '../../preload/api.js';
import { createWorkbenchApi } from '../../preload/client-api.js';
import { WebSocketTransport, type SocketLike, type WebClientStatus } from './websocket-transport.js';

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

export async function installWebClient(onStatus?: (status: WebClientStatus) => void): Promise<void> {
  const transport = new WebSocketTransport(socketUrlFor(window.location), (url) => new WebSocket(url) as unknown as SocketLike);
  if (onStatus) transport.onStatus = onStatus;
  await transport.connect();
  (window as unknown as Record<string, unknown>)[API_GLOBAL] = createWorkbenchApi(transport);
}
