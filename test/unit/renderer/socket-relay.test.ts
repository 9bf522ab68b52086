import { afterEach, describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../../main/common/wire-codec';
import { attachmentBuffers, DIGEST_FLUSH_MS, RELAY_LOST, relaySockets, socketRelay, type RelayPort } from '../../../renderer/web-client/socket-relay';
import { batchFromEvents, packBatch } from '../../../main/common/spike-batch';
import type { DigestSpec, SpikeDigest } from '../../../renderer/monitor/spike-digest';
import { WebSocketTransport, type SocketLike } from '../../../renderer/web-client/websocket-transport';

/** The worker's end of a WebSocket, driven by the test. */
class FakeSocket implements SocketLike {
  binaryType = 'blob';
  readyState = 0;
  sent: Array<string | Uint8Array> = [];
  closed = false;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string | Uint8Array): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: string | Uint8Array): void {
    // What a browser WebSocket with binaryType 'arraybuffer' hands over: its own ArrayBuffer.
    this.onmessage?.({ data: typeof frame === 'string' ? frame : frame.slice().buffer });
  }
  drop(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

/** A real MessageChannel between the two ends (structured clone, transfers detach), with what the worker end posted. */
function channel() {
  const mc = new MessageChannel();
  const posted: Array<{ message: unknown; transfer: ArrayBuffer[] }> = [];
  const end = (port: MessagePort, log: boolean): RelayPort => ({
    post(message, transfer) {
      if (log) posted.push({ message, transfer });
      port.postMessage(message, transfer);
    },
    listen(handler) {
      port.addEventListener('message', (e) => handler(e.data));
      port.start();
    },
  });
  return { page: end(mc.port1, false), worker: end(mc.port2, true), posted, close: () => (mc.port1.close(), mc.port2.close()) };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

function relayed() {
  const ch = channel();
  cleanup.push(ch.close);
  const sockets: FakeSocket[] = [];
  relaySockets(ch.worker, (url) => {
    const s = new FakeSocket(url);
    sockets.push(s);
    return s;
  });
  return { ...ch, sockets, relay: socketRelay(ch.page) };
}

describe('the web client socket held by a worker', () => {
  it('opens the socket in the worker, as an arraybuffer socket, and says so on the page', async () => {
    const r = relayed();
    const page = r.relay.open('ws://host/ws?token=t');
    const opened: unknown[] = [];
    page.onopen = (e) => opened.push(e);
    await settle();
    expect(r.sockets.map((s) => [s.url, s.binaryType])).toEqual([['ws://host/ws?token=t', 'arraybuffer']]);
    expect(page.readyState).toBe(0);
    r.sockets[0]!.open();
    await settle();
    expect([page.readyState, opened.length]).toEqual([1, 1]);
  });

  it('hands the page each frame decoded, the spike batch bytes moved out of the worker, not copied', async () => {
    const r = relayed();
    const page = r.relay.open('ws://h/ws');
    const got: unknown[] = [];
    page.onmessage = (e) => got.push(e);
    await settle();
    r.sockets[0]!.open();
    const spikes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    r.sockets[0]!.receive(encodeWire({ t: 'evt', channel: 'run.spikes', payload: { runId: 7, spikes } }));
    await settle();
    expect(got).toEqual([{ data: null, message: { t: 'evt', channel: 'run.spikes', payload: { runId: 7, spikes } } }]);
    const message = r.posted.find((p) => (p.message as { op: string }).op === 'message')!;
    expect(message.transfer).toHaveLength(1);
    // Transferred: the worker's copy of the 15 bytes is gone (detached).
    expect(message.transfer[0]!.byteLength).toBe(0);
  });

  it('passes text frames (replies) decoded too', async () => {
    const r = relayed();
    const page = r.relay.open('ws://h/ws');
    const got: unknown[] = [];
    page.onmessage = (e) => got.push(e);
    await settle();
    r.sockets[0]!.receive('{"t":"res","id":3,"reply":{"ok":true,"value":42}}');
    await settle();
    expect(got).toEqual([{ data: null, message: { t: 'res', id: 3, reply: { ok: true, value: 42 } } }]);
  });

  it('passes a frame it cannot decode on as it came, for the page to report', async () => {
    const r = relayed();
    const page = r.relay.open('ws://h/ws');
    const got: unknown[] = [];
    page.onmessage = (e) => got.push(e);
    await settle();
    r.sockets[0]!.receive('not json');
    await settle();
    expect(got).toEqual([{ data: 'not json' }]);
  });

  it('sends what the page sends: text as text, binary frames moved to the worker', async () => {
    const r = relayed();
    const page = r.relay.open('ws://h/ws');
    await settle();
    r.sockets[0]!.open();
    await settle();
    page.send('{"t":"req","id":1,"channel":"devices.list","payload":{}}');
    const frame = new Uint8Array([9, 8, 7]);
    page.send(frame);
    await settle();
    expect(r.sockets[0]!.sent).toEqual(['{"t":"req","id":1,"channel":"devices.list","payload":{}}', new Uint8Array([9, 8, 7])]);
    expect(frame.byteLength).toBe(0);
    // A view into a larger buffer is copied, and the caller's buffer left alone.
    const big = new Uint8Array([1, 2, 3, 4]);
    page.send(big.subarray(1, 3));
    await settle();
    expect(r.sockets[0]!.sent[2]).toEqual(new Uint8Array([2, 3]));
    expect(big).toEqual(new Uint8Array([1, 2, 3, 4]));
  });

  it('closes: the page asks, the worker closes, the close code comes back', async () => {
    const r = relayed();
    const page = r.relay.open('ws://h/ws');
    const codes: number[] = [];
    page.onclose = (e) => codes.push(e.code);
    await settle();
    r.sockets[0]!.open();
    page.close();
    await settle();
    expect([r.sockets[0]!.closed, page.readyState]).toEqual([true, 2]);
    r.sockets[0]!.drop(1000);
    await settle();
    expect([codes, page.readyState]).toEqual([[1000], 3]);
  });

  it('a lost worker closes every socket it held, abnormally', async () => {
    const r = relayed();
    const a = r.relay.open('ws://h/ws');
    const codes: number[] = [];
    a.onclose = (e) => codes.push(e.code);
    r.relay.lost();
    expect([codes, a.readyState]).toEqual([[RELAY_LOST], 3]);
  });

  it('carries the contract transport: a request out, its reply and an event with a batch back', async () => {
    const r = relayed();
    const transport = new WebSocketTransport('ws://h/ws', r.relay.open);
    const connected = transport.connect();
    await settle();
    r.sockets[0]!.open();
    await connected;
    const events: unknown[] = [];
    transport.subscribe('run.spikes', (p) => events.push(p));
    const reply = transport.request('devices.list', {});
    await settle();
    expect(decodeWire(r.sockets[0]!.sent[0]!)).toEqual({ t: 'req', id: 1, channel: 'devices.list', payload: {} });
    r.sockets[0]!.receive(encodeWire({ t: 'evt', channel: 'run.spikes', payload: { runId: 1, spikes: new Uint8Array([0, 1, 2]) } }));
    r.sockets[0]!.receive(encodeWire({ t: 'res', id: 1, reply: { ok: true, value: ['sim-speck2fdevkit:0'] } }));
    expect(await reply).toEqual({ ok: true, value: ['sim-speck2fdevkit:0'] });
    expect(events).toEqual([{ runId: 1, spikes: new Uint8Array([0, 1, 2]) }]);
    transport.close();
  });
});

describe('live-run batches counted in the worker', () => {
  const spec: DigestSpec = { columns: 10, binUs: 100, startUs: 0, level: 0, layers: [{ key: 1, neuronShape: [4, 1, 1], rows: 4 }], exitCore: 1, exitChannels: 4 };
  const spikes = (runId: number, t: number, channel: number) =>
    encodeWire({ t: 'evt', channel: 'run.spikes', payload: { runId, spikes: packBatch(batchFromEvents([{ t, layer: 1, channel, x: 0, y: 0 }])) } });

  it('sends the counts of the asked-for run instead of its batches, in order with what comes after, and other runs as they came', async () => {
    const r = relayed();
    const page = r.relay.open('ws://h/ws');
    const got: Array<{ channel: string; payload: { runId: number; digest?: SpikeDigest; spikes?: Uint8Array } }> = [];
    page.onmessage = (e) => got.push(e.message as never);
    await settle();
    r.sockets[0]!.open();
    const stop = r.relay.digest(7, spec);
    await settle();
    r.sockets[0]!.receive(spikes(7, 10, 2));
    r.sockets[0]!.receive(spikes(7, 20, 2));
    r.sockets[0]!.receive(spikes(7, 150, 3));
    r.sockets[0]!.receive(spikes(8, 30, 1));
    r.sockets[0]!.receive(spikes(7, 160, 3));
    r.sockets[0]!.receive(encodeWire({ t: 'evt', channel: 'run.ended', payload: { runId: 7 } }));
    await settle();
    expect(got.map((m) => [m.channel, m.payload.runId, m.payload.digest ? 'digest' : 'spikes'])).toEqual([
      ['run.spikes', 7, 'digest'],
      ['run.spikes', 8, 'spikes'],
      ['run.spikes', 7, 'digest'],
      ['run.ended', 7, 'spikes'],
    ]);
    const [first, , second] = got.map((m) => m.payload.digest);
    // Layer index, column, row, count: channel 2 twice in column 0, channel 3 once in column 1.
    expect([first!.events, Array.from(first!.cells), Array.from(first!.exit)]).toEqual([3, [0, 0, 2, 2, 0, 1, 3, 1], [0, 0, 2, 1]]);
    expect([second!.events, Array.from(second!.cells)]).toEqual([1, [0, 1, 3, 1]]);
    // After the monitor says it is done, batches pass as they come.
    stop();
    await settle();
    r.sockets[0]!.receive(spikes(7, 170, 0));
    await settle();
    expect(got.at(-1)!.payload.spikes).toBeInstanceOf(Uint8Array);
  });

  it('hands the counts over within a few milliseconds when nothing else comes', async () => {
    const r = relayed();
    const page = r.relay.open('ws://h/ws');
    const got: unknown[] = [];
    page.onmessage = (e) => got.push(e.message);
    await settle();
    r.relay.digest(3, spec);
    await settle();
    r.sockets[0]!.receive(spikes(3, 10, 0));
    expect(got).toEqual([]);
    await new Promise((res) => setTimeout(res, DIGEST_FLUSH_MS + 20));
    expect(got).toHaveLength(1);
  });
});

describe('which buffers a decoded message can give away', () => {
  it('those of byte arrays that own their whole buffer, once each', () => {
    const a = new Uint8Array([1, 2]);
    const b = new Uint8Array([3]);
    const part = new Uint8Array(8).subarray(2, 4);
    expect(attachmentBuffers({ x: a, list: [b, { y: a }], part, n: 3, s: 'text', none: null, empty: new Uint8Array(0) })).toEqual([a.buffer, b.buffer]);
  });
});
