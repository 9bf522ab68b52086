// The web client's worker: holds the page's WebSocket to the web host and decodes its
// frames off the page's main thread (socket-relay.ts is all of it; this file only wires
// the relay to the worker's global scope and the browser's WebSocket).

import { relaySockets } from './socket-relay.js';
import type { SocketLike } from './websocket-transport.js';

relaySockets(
  {
    post: (message, transfer) => self.postMessage(message, { transfer }),
    listen: (handler) => self.addEventListener('message', (e: MessageEvent) => handler(e.data)),
  },
  (url) => new WebSocket(url) as unknown as SocketLike,
);
