// The contract over Electron IPC, main side: one `handle` per request channel (prefixed
// "wb:"), each checking that the request comes from our own UI's frame, then going
// through the shared dispatcher; events go to the window as "wb:evt" messages. Electron
// itself is not imported: app.ts passes ipcMain and the window, tests pass a fake pair.

import { REQUEST_CHANNELS, type EventChannel } from '../../preload/api.js';
import type { ReplyEnvelope } from '../../preload/client-api.js';
import type { Dispatcher } from './dispatcher.js';

export const IPC_PREFIX = 'wb:';
export const IPC_EVENT = 'wb:evt';

export interface InvokeEventLike {
  senderFrame: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, payload: unknown) => Promise<ReplyEnvelope>): void;
  removeHandler(channel: string): void;
}

/** Registers every request channel; returns a function that removes them again. */
export function registerIpcHandlers(ipcMain: IpcMainLike, dispatcher: Dispatcher, isTrustedUrl: (url: string) => boolean): () => void {
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(IPC_PREFIX + channel, async (event, payload) => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedUrl(url)) {
        return { ok: false, error: { code: 'UNTRUSTED_SENDER', message: `request from an untrusted frame (${url || 'unknown'}) refused` } };
      }
      return dispatcher.dispatch(channel, payload);
    });
  }
  return () => REQUEST_CHANNELS.forEach((c) => ipcMain.removeHandler(IPC_PREFIX + c));
}

export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export function forwardEventsTo(target: WebContentsLike): (channel: EventChannel, payload: unknown) => void {
  return (channel, payload) => {
    if (!target.isDestroyed()) target.send(IPC_EVENT, channel, payload);
  };
}
