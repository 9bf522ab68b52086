// Builds the `window.workbench` object from two transport primitives (send a request,
// subscribe to an event channel). The Electron preload and the browser's WebSocket client
// both use it, so the renderer sees the same API in both modes. No dependencies.

import {
  EVENT_CHANNELS,
  REQUEST_CHANNELS,
  type ApiErrorPayload,
  type EventChannel,
  type EventOf,
  type RequestChannel,
  type Unsubscribe,
  type WorkbenchApi,
} from './api.js';

/** What every reply looks like on the wire: Electron's invoke drops error data, so errors travel as values. */
export type ReplyEnvelope = { ok: true; value: unknown } | { ok: false; error: ApiErrorPayload };

export interface Transport {
  request(channel: RequestChannel, payload: unknown): Promise<ReplyEnvelope>;
  subscribe(channel: EventChannel, listener: (payload: unknown) => void): Unsubscribe;
}

/** A failed request, carrying the service's error payload. */
export class WorkbenchError extends Error {
  constructor(readonly payload: ApiErrorPayload) {
    super(payload.message);
    this.name = 'WorkbenchError';
  }
}

export function createWorkbenchApi(transport: Transport): WorkbenchApi {
  const api: Record<string, unknown> = {};
  for (const channel of REQUEST_CHANNELS) {
    api[channel] = async (req: unknown) => {
      const reply = await transport.request(channel, req ?? {});
      if (!reply.ok) throw new WorkbenchError(reply.error);
      return reply.value;
    };
  }
  api.on = <C extends EventChannel>(channel: C, listener: (payload: EventOf<C>) => void): Unsubscribe => {
    if (!(EVENT_CHANNELS as readonly string[]).includes(channel)) throw new Error(`unknown event channel ${channel}`);
    return transport.subscribe(channel, listener as (payload: unknown) => void);
  };
  return api as WorkbenchApi;
}
