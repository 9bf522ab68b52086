// The contract's transport over a WebSocket, for the browser client (and for tests in
// Node, with the `ws` package's WebSocket): requests with ids and their replies, events,
// queueing while (re)connecting, and failing pending requests when the socket drops.
// In the browser the socket it is given is held by a worker (socket-relay.ts).
// No DOM types here, so it also compiles and runs outside a browser.

import type { EventChannel, RequestChannel } from '../../preload/api.js';
import type { ReplyEnvelope, Transport } from '../../preload/client-api.js';
import { decodeWire, encodeWire, type WireMessage } from '../../main/common/wire-codec.js';

/** What this transport uses of a WebSocket (the browser's, or `ws` in Node). */
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: string | Uint8Array): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  /** `message`: the frame already decoded (a socket held by the web client's worker, socket-relay.ts, decodes there); else `data` is the frame. */
  onmessage: ((event: { data: unknown; message?: WireMessage }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

const OPEN = 1;

const decodeFrame = (data: string | ArrayBuffer): WireMessage => decodeWire(typeof data === 'string' ? data : new Uint8Array(data));

export interface WebClientStatus {
  connected: boolean;
  message: string;
}

export class WebSocketTransport implements Transport {
  private socket: SocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (reply: ReplyEnvelope) => void>();
  private readonly queue: Array<string | Uint8Array> = [];
  private readonly listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  private retryMs = 250;
  private closed = false;
  onStatus: (status: WebClientStatus) => void = () => undefined;

  constructor(
    private readonly url: string,
    private readonly createSocket: SocketFactory,
  ) {}

  /** Resolves once the first connection is open; rejects if it never opens after several tries. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const open = () => {
        const ws = this.createSocket(this.url);
        ws.binaryType = 'arraybuffer';
        this.socket = ws;
        ws.onopen = () => {
          this.retryMs = 250;
          this.onStatus({ connected: true, message: 'connected' });
          for (const frame of this.queue.splice(0)) ws.send(frame);
          if (!settled) {
            settled = true;
            resolve();
          }
        };
        ws.onmessage = (e) => this.receive(e.message ?? decodeFrame(e.data as string | ArrayBuffer));
        ws.onclose = (e) => {
          this.socket = null;
          if (this.closed) return;
          if (!settled && (e.code === 1008 || this.retryMs > 4000)) {
            // Never connected after several tries: most often a wrong or missing token.
            settled = true;
            reject(new Error('cannot connect to the workbench (is it running, and is the token in the URL right?)'));
            return;
          }
          // Requests sent on the lost socket get no reply: fail them so the UI can say so.
          for (const [id, resolveReply] of this.pending) {
            resolveReply({ ok: false, error: { code: 'DISCONNECTED', message: 'the connection to the workbench was lost; try again' } });
            this.pending.delete(id);
          }
          this.onStatus({ connected: false, message: `connection lost, retrying in ${Math.round(this.retryMs / 1000)} s` });
          setTimeout(open, this.retryMs);
          this.retryMs = Math.min(this.retryMs * 2, 10_000);
        };
      };
      open();
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  request(channel: RequestChannel, payload: unknown): Promise<ReplyEnvelope> {
    const id = this.nextId++;
    const frame = encodeWire({ t: 'req', id, channel, payload });
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      if (this.socket && this.socket.readyState === OPEN) this.socket.send(frame);
      else this.queue.push(frame);
    });
  }

  subscribe(channel: EventChannel, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  private receive(message: WireMessage): void {
    if (message.t === 'res') {
      const resolveReply = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolveReply?.(message.reply as ReplyEnvelope);
    } else if (message.t === 'evt') {
      for (const l of this.listeners.get(message.channel as EventChannel) ?? []) l(message.payload);
    }
  }
}
