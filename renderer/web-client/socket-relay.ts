// The web client's WebSocket, held by a dedicated worker instead of the page: both ends
// of the relay between them. The worker end owns the real sockets, receives every frame
// and decodes it (wire-codec), then posts the decoded message to the page with its binary
// attachments (spike batches) transferred, not copied; the page end is a SocketLike the
// WebSocketTransport uses as it would a WebSocket. So the tens of MB/s of spike batches a
// busy run streams are received, reassembled and decoded off the page's main thread, which
// is left to draw. A live run's monitor can also ask the worker to count that run's batches
// into raster cells (monitor/spike-digest.ts): the page then gets one small digest every
// few milliseconds instead of every event, and adds it to its raster in a fraction of the
// time. Everything else passes as it came; the contract and the wire format are unchanged.
// No DOM types: tests run both ends in Node over an in-memory port.

import { decodeWire, type WireMessage } from '../../main/common/wire-codec.js';
import { unpackBatch } from '../../main/common/spike-batch.js';
import { digestBuffers, SpikeDigester, type DigestSpec, type DigestedRunSpikes } from '../monitor/spike-digest.js';
import type { SocketFactory, SocketLike } from './websocket-transport.js';

/** One side of a worker's message channel (the Worker object on the page, the worker's global scope in it). */
export interface RelayPort {
  post(message: unknown, transfer: ArrayBuffer[]): void;
  listen(handler: (message: unknown) => void): void;
}

/** Page -> worker. */
export type ToRelay =
  | { op: 'open'; id: number; url: string }
  | { op: 'send'; id: number; data: string | ArrayBuffer }
  | { op: 'close'; id: number }
  | { op: 'digest'; runId: number; spec: DigestSpec }
  | { op: 'undigest'; runId: number };

/** Worker -> page. `frame`: a frame the worker could not decode, passed on as it came (the page's decoder says why). */
export type FromRelay =
  | { op: 'open'; id: number }
  | { op: 'message'; id: number; message: WireMessage }
  | { op: 'frame'; id: number; data: string | ArrayBuffer }
  | { op: 'close'; id: number; code: number };

const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
/** A close code for a socket the relay lost (the worker failed): "closed abnormally". */
export const RELAY_LOST = 1006;

/** The buffers of the Uint8Arrays in a decoded message that own their whole buffer (decodeWire copies each attachment into its own). */
export function attachmentBuffers(value: unknown, out: ArrayBuffer[] = []): ArrayBuffer[] {
  if (value instanceof Uint8Array) {
    const b = value.buffer;
    if (b instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === b.byteLength && b.byteLength > 0 && !out.includes(b)) out.push(b);
  } else if (Array.isArray(value)) {
    for (const v of value) if (v !== null && typeof v === 'object') attachmentBuffers(v, out);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) if (v !== null && typeof v === 'object') attachmentBuffers(v, out);
  }
  return out;
}

/** How long counted batches wait for more before the page gets them (below one frame at 60 Hz). */
export const DIGEST_FLUSH_MS = 8;

/** A run whose batches are counted in the worker, on one socket. */
interface Digesting {
  digester: SpikeDigester;
  timer: ReturnType<typeof setTimeout> | null;
}

/** The worker end: opens, feeds and closes real sockets as the page asks, and posts back what they receive, decoded. */
export function relaySockets(port: RelayPort, createSocket: SocketFactory): void {
  const sockets = new Map<number, SocketLike>();
  const specs = new Map<number, DigestSpec>();
  /** Per socket id: the runs counted on it. */
  const digesting = new Map<number, Map<number, Digesting>>();
  const flushRun = (id: number, runId: number, d: Digesting) => {
    if (d.timer !== null) clearTimeout(d.timer);
    d.timer = null;
    const digest = d.digester.take();
    if (!digest) return;
    const payload: DigestedRunSpikes = { runId, digest };
    port.post({ op: 'message', id, message: { t: 'evt', channel: 'run.spikes', payload } } satisfies FromRelay, digestBuffers(digest));
  };
  // Anything else the socket brings comes after the counts before it: they go first.
  const flushSocket = (id: number) => {
    for (const [runId, d] of digesting.get(id) ?? []) flushRun(id, runId, d);
  };
  const digestOf = (id: number, message: WireMessage): Digesting | null => {
    if (message.t !== 'evt' || message.channel !== 'run.spikes') return null;
    const payload = message.payload as { runId?: unknown; spikes?: unknown };
    if (typeof payload.runId !== 'number' || !(payload.spikes instanceof Uint8Array)) return null;
    const spec = specs.get(payload.runId);
    if (!spec) return null;
    let runs = digesting.get(id);
    if (!runs) digesting.set(id, (runs = new Map()));
    let d = runs.get(payload.runId);
    if (!d) runs.set(payload.runId, (d = { digester: new SpikeDigester(spec), timer: null }));
    return d;
  };
  port.listen((data) => {
    const m = data as ToRelay;
    if (m.op === 'digest') {
      specs.set(m.runId, m.spec);
    } else if (m.op === 'undigest') {
      specs.delete(m.runId);
      for (const [id, runs] of digesting) {
        const d = runs.get(m.runId);
        if (!d) continue;
        flushRun(id, m.runId, d);
        runs.delete(m.runId);
      }
    } else if (m.op === 'open') {
      const id = m.id;
      const ws = createSocket(m.url);
      ws.binaryType = 'arraybuffer';
      sockets.set(id, ws);
      ws.onopen = () => port.post({ op: 'open', id } satisfies FromRelay, []);
      ws.onmessage = (e) => {
        const frame = e.data as string | ArrayBuffer;
        let message: WireMessage;
        try {
          message = decodeWire(typeof frame === 'string' ? frame : new Uint8Array(frame));
        } catch {
          flushSocket(id);
          port.post({ op: 'frame', id, data: frame } satisfies FromRelay, typeof frame === 'string' ? [] : [frame]);
          return;
        }
        const d = digestOf(id, message);
        if (d) {
          const payload = (message as { payload: { runId: number; spikes: Uint8Array } }).payload;
          try {
            d.digester.add(unpackBatch(payload.spikes));
            d.timer ??= setTimeout(() => flushRun(id, payload.runId, d), DIGEST_FLUSH_MS);
            return;
          } catch {
            // A batch the digester cannot read goes to the page as it came (its monitor says what is wrong).
          }
        }
        flushSocket(id);
        port.post({ op: 'message', id, message } satisfies FromRelay, attachmentBuffers(message));
      };
      ws.onclose = (e) => {
        flushSocket(id);
        for (const d of digesting.get(id)?.values() ?? []) if (d.timer !== null) clearTimeout(d.timer);
        digesting.delete(id);
        sockets.delete(id);
        port.post({ op: 'close', id, code: e.code } satisfies FromRelay, []);
      };
    } else if (m.op === 'send') {
      const ws = sockets.get(m.id);
      if (ws && ws.readyState === OPEN) ws.send(typeof m.data === 'string' ? m.data : new Uint8Array(m.data));
    } else if (m.op === 'close') {
      sockets.get(m.id)?.close();
    }
  });
}

/** The page end of one relayed socket: a WebSocket as far as the transport can tell. */
class RelayedSocket implements SocketLike {
  /** Always 'arraybuffer' in the worker; kept for the SocketLike shape. */
  binaryType = 'arraybuffer';
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown; message?: WireMessage }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;

  constructor(
    private readonly id: number,
    private readonly port: RelayPort,
  ) {}

  send(data: string | Uint8Array): void {
    if (typeof data === 'string') {
      this.port.post({ op: 'send', id: this.id, data } satisfies ToRelay, []);
      return;
    }
    // An encoded frame owns its buffer (encodeWire): moved to the worker. Any other view is copied.
    const own = data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    const buffer = own ? (data.buffer as ArrayBuffer) : data.slice().buffer;
    this.port.post({ op: 'send', id: this.id, data: buffer } satisfies ToRelay, [buffer]);
  }

  close(): void {
    if (this.readyState >= CLOSING) return;
    this.readyState = CLOSING;
    this.port.post({ op: 'close', id: this.id } satisfies ToRelay, []);
  }

  /** From the worker. */
  deliver(m: FromRelay): void {
    if (m.op === 'open') {
      // Closed by the page before the worker's socket opened: it stays closing.
      if (this.readyState >= CLOSING) return;
      this.readyState = OPEN;
      this.onopen?.({});
    } else if (m.op === 'message') {
      this.onmessage?.({ data: null, message: m.message });
    } else if (m.op === 'frame') {
      this.onmessage?.({ data: m.data });
    } else {
      this.readyState = CLOSED;
      this.onclose?.({ code: m.code });
    }
  }
}

export interface SocketRelay {
  /** A socket to `url`, held by the worker. */
  open: SocketFactory;
  /** Count run `runId`'s spike batches in the worker from now on (until the returned function is called). */
  digest(runId: number, spec: DigestSpec): () => void;
  /** The worker is gone: every socket it held is closed (code RELAY_LOST), so the transport reconnects. */
  lost(): void;
}

/** The page end: sockets whose frames the worker at the other end of `port` receives and decodes. */
export function socketRelay(port: RelayPort): SocketRelay {
  const sockets = new Map<number, RelayedSocket>();
  let nextId = 1;
  port.listen((data) => {
    const m = data as FromRelay;
    const socket = sockets.get(m.id);
    if (!socket) return;
    if (m.op === 'close') sockets.delete(m.id);
    socket.deliver(m);
  });
  return {
    open(url) {
      const id = nextId++;
      const socket = new RelayedSocket(id, port);
      sockets.set(id, socket);
      port.post({ op: 'open', id, url } satisfies ToRelay, []);
      return socket;
    },
    digest(runId, spec) {
      port.post({ op: 'digest', runId, spec } satisfies ToRelay, []);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        port.post({ op: 'undigest', runId } satisfies ToRelay, []);
      };
    },
    lost() {
      for (const [id, socket] of [...sockets]) {
        sockets.delete(id);
        socket.deliver({ op: 'close', id, code: RELAY_LOST });
      }
    },
  };
}
