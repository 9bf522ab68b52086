// Every request is validated before a service sees it; nothing a renderer sends can crash
// the dispatcher. Handlers here are probes that record what reached them.

import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES, REQUEST_CHANNELS, type RequestChannel } from '../../../preload/api.js';
import { createDispatcher, ServiceError, type Handlers } from '../../../main/ipc/dispatcher.js';
import { decodeWire, encodeWire, WireFormatError } from '../../../main/common/wire-codec.js';

function probeHandlers(reached: string[]): Handlers {
  const out: Record<string, (req: unknown) => unknown> = {};
  for (const c of REQUEST_CHANNELS) out[c] = (req) => {
    reached.push(c);
    if (c === 'settings.get') throw new TypeError('boom');
    if (c === 'run.stop') throw new ServiceError('RUN_NOT_ACTIVE', 'run 3 is not running');
    return { echoed: req };
  };
  return out as unknown as Handlers;
}

const SPEC = {
  source: 'nn.Sequential()',
  weightsId: null,
  inputShape: [1, 28, 28],
  chip: 'speck2fdevkit',
  ordering: 'auto',
  monitorLayers: [-1],
  configPatch: '',
};

describe('dispatcher', () => {
  const reached: string[] = [];
  const logged: string[] = [];
  const d = createDispatcher(probeHandlers(reached), (m) => logged.push(m));

  it('passes a valid payload to its handler', async () => {
    expect(await d.dispatch('compile.run', { spec: SPEC })).toEqual({ ok: true, value: { echoed: { spec: SPEC } } });
  });

  it.each([
    ['unknown channel', 'compile.nuke', {}, 'UNKNOWN_CHANNEL', undefined],
    ['non-string channel', 42, {}, 'UNKNOWN_CHANNEL', undefined],
    ['wrong type', 'compile.run', { spec: { ...SPEC, source: 7 } }, 'INVALID_PAYLOAD', 'spec.source'],
    ['missing field', 'compile.run', { spec: { ...SPEC, chip: undefined } }, 'INVALID_PAYLOAD', 'spec.chip'],
    ['extra field', 'devices.addVirtual', { type: 'speck2fdevkit', exec: 'rm -rf /' }, 'INVALID_PAYLOAD', undefined],
    ['negative run id', 'run.stop', { runId: -1 }, 'INVALID_PAYLOAD', 'runId'],
    ['bad enum', 'replay.start', { runId: 1, stream: 'both', speed: 1 }, 'INVALID_PAYLOAD', 'stream'],
    ['string instead of bytes', 'weights.load', { name: 'w', bytes: 'AAAA' }, 'INVALID_PAYLOAD', 'bytes'],
    ['not an object', 'project.open', 'exp.dcnnproj', 'INVALID_PAYLOAD', undefined],
    ['input shape of two numbers', 'compile.run', { spec: { ...SPEC, inputShape: [1, 28] } }, 'INVALID_PAYLOAD', 'spec.inputShape'],
  ])('%s is answered with %s', async (_name, channel, payload, code, path) => {
    const before = reached.length;
    const reply = await d.dispatch(channel as string, payload);
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe(code);
      if (path) expect(reply.error.path).toBe(path);
    }
    expect(reached.length).toBe(before);
  });

  it('refuses a payload over the size limit without calling the service', async () => {
    const before = reached.length;
    const big = new Uint8Array(MAX_REQUEST_BYTES + 1);
    const reply = await d.dispatch('weights.load', { name: 'huge.safetensors', bytes: big });
    expect(reply).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(reached.length).toBe(before);
  });

  it('turns service errors into their code and message, and unexpected ones into INTERNAL with a log line', async () => {
    expect(await d.dispatch('run.stop', { runId: 3 })).toEqual({ ok: false, error: { code: 'RUN_NOT_ACTIVE', message: 'run 3 is not running' } });
    const reply = await d.dispatch('settings.get', {});
    expect(reply).toMatchObject({ ok: false, error: { message: 'boom' } });
    expect(logged.some((l) => l.includes('settings.get failed'))).toBe(true);
  });

  it('has a schema for every channel of the contract', async () => {
    for (const channel of REQUEST_CHANNELS as readonly RequestChannel[]) {
      const reply = await d.dispatch(channel, { definitelyNotAField: true });
      // Every schema is strict: an unknown field is never passed on.
      expect(reply.ok).toBe(false);
    }
  });
});

describe('wire format', () => {
  it('keeps Uint8Arrays as binary attachments, not JSON numbers', () => {
    const spikes = new Uint8Array([1, 2, 3, 250]);
    const frame = encodeWire({ t: 'evt', channel: 'run.spikes', payload: { runId: 1, spikes } });
    expect(frame).toBeInstanceOf(Uint8Array);
    expect((frame as Uint8Array).byteLength).toBeLessThan(100);
    const back = decodeWire(frame);
    expect(back).toEqual({ t: 'evt', channel: 'run.spikes', payload: { runId: 1, spikes } });
  });
  it('plain messages travel as text', () => {
    expect(typeof encodeWire({ t: 'req', id: 1, channel: 'app.info', payload: {} })).toBe('string');
  });
  it.each([
    ['short binary frame', new Uint8Array([1, 0])],
    ['header beyond the frame', new Uint8Array([255, 0, 0, 0, 123])],
    ['not JSON', '{oops'],
    ['not a message', '{"hello": 1}'],
    ['attachment outside the frame', (() => {
      const h = new TextEncoder().encode('{"t":"evt","channel":"log","payload":{"$bin":[0,99]}}');
      const f = new Uint8Array(4 + h.length + 2);
      new DataView(f.buffer).setUint32(0, h.length, true);
      f.set(h, 4);
      return f;
    })()],
  ])('rejects %s with a WireFormatError', (_name, frame) => {
    expect(() => decodeWire(frame as string | Uint8Array)).toThrow(WireFormatError);
  });
});
