// The contract over Electron IPC, renderer side: a Transport over ipcRenderer's invoke
// and the "wb:evt" event stream. Kept free of the electron import so it can be tested
// with an in-process IPC pair; preload.ts passes the real ipcRenderer.

import type { EventChannel, RequestChannel } from './api.js';
import type { ReplyEnvelope, Transport } from './client-api.js';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function electronTransport(ipc: IpcRendererLike): Transport {
  return {
    request: (channel: RequestChannel, payload: unknown) => ipc.invoke(`wb:${channel}`, payload) as Promise<ReplyEnvelope>,
    subscribe(channel: EventChannel, listener: (payload: unknown) => void) {
      const handler = (_event: unknown, ...args: unknown[]) => {
        if (args[0] === channel) listener(args[1]);
      };
      ipc.on('wb:evt', handler);
      return () => {
        ipc.removeListener('wb:evt', handler);
      };
    },
  };
}
