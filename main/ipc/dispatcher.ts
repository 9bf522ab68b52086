// The one entry point for every request from a UI, whatever the transport (Electron IPC,
// WebSocket): unknown channels, oversize payloads and payloads that fail their schema
// are answered with an error reply; handler failures become error replies too. It never
// throws, so a hostile or buggy renderer cannot crash the process.

import { MAX_REQUEST_BYTES, REQUEST_CHANNELS, type ApiErrorCode, type ApiErrorPayload, type ReplyOf, type RequestChannel, type RequestOf } from '../../preload/api.js';
import type { ReplyEnvelope } from '../../preload/client-api.js';
import { toApiError } from '../services/api-error.js';
import { ServiceError } from '../services/service-error.js';
import { requestSchemas } from './schemas.js';

export type Handlers = { [C in RequestChannel]: (req: RequestOf<C>) => Promise<ReplyOf<C>> | ReplyOf<C> };

export { ServiceError };

const KNOWN = new Set<string>(REQUEST_CHANNELS);

/** Rough payload size: binary attachments by length, the rest by JSON length. */
export function payloadBytes(payload: unknown): number {
  let binary = 0;
  let json: string | undefined;
  try {
    json = JSON.stringify(payload, (_k, v: unknown) => {
      if (v instanceof Uint8Array) {
        binary += v.byteLength;
        return 0;
      }
      return v;
    });
  } catch {
    return Infinity;
  }
  return binary + (json?.length ?? 0);
}

function failure(code: ApiErrorCode, message: string, extra: Partial<ApiErrorPayload> = {}): ReplyEnvelope {
  return { ok: false, error: { code, message, ...extra } };
}

export interface Dispatcher {
  dispatch(channel: string, payload: unknown): Promise<ReplyEnvelope>;
}

export function createDispatcher(handlers: Handlers, log: (message: string) => void = () => undefined): Dispatcher {
  return {
    async dispatch(channel, payload) {
      if (typeof channel !== 'string' || !KNOWN.has(channel)) {
        return failure('UNKNOWN_CHANNEL', `unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}`);
      }
      const c = channel as RequestChannel;
      const size = payloadBytes(payload);
      if (size > MAX_REQUEST_BYTES) {
        return failure('PAYLOAD_TOO_LARGE', `the ${c} request is ${size === Infinity ? 'not serializable' : `${Math.round(size / 1048576)} MiB`}; the limit is ${MAX_REQUEST_BYTES / 1048576} MiB`);
      }
      const parsed = requestSchemas[c].safeParse(payload ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const path = issue.path.join('.');
        return failure('INVALID_PAYLOAD', `invalid ${c} request${path ? ` at ${path}` : ''}: ${issue.message}`, path ? { path } : {});
      }
      try {
        const handler = handlers[c] as (req: unknown) => Promise<unknown> | unknown;
        return { ok: true, value: await handler(parsed.data) };
      } catch (e) {
        const mapped = toApiError(e);
        // Expected failures (bad input, busy device, damaged file) are answers, not crashes.
        if (mapped.internal) log(`${c} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return { ok: false, error: mapped.payload };
      }
    },
  };
}
