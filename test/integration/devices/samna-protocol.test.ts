// The bridge's side of the frame protocol, as a raw child process (python3 -m samna_bridge
// with the fake samna) fed bytes by hand: frames of an unknown kind, bad JSON, an unknown
// request and a stray spike batch each get a typed error reply, and the bridge goes on to
// answer the next request; end of input ends it with exit code 0.

import { spawn, type ChildProcess } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allocateBatch } from '../../../main/common/spike-batch.js';
import { encodeBatchFrame, encodeJsonFrame, FrameDecoder, type DecodedFrame } from '../../../main/devices/samna-frame-codec.js';
import { packageRoot } from '../../../main/services/package-root.js';
import { FakeSamna, speck2f } from './samna-fake.js';

let fake: FakeSamna | null = null;
let bridge: ChildProcess | null = null;

afterEach(async () => {
  // A failed assertion must not leave the bridge behind.
  if (bridge && bridge.exitCode === null && bridge.signalCode === null) bridge.kill('SIGKILL');
  bridge = null;
  await fake?.cleanup();
  fake = null;
});

/** A frame: u32 LE body length, then the body. */
function rawFrame(body: number[]): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length, true);
  out.set(body, 4);
  return out;
}

describe('the bridge survives bad frames', () => {
  it('answers each bad frame with a typed error and the next request normally; end of input: exit 0', async () => {
    fake = new FakeSamna([speck2f('SN-P', 1, 2)]);
    const env = fake.env();
    env.PYTHONPATH = `${join(packageRoot(), 'native', 'samna-bridge')}${delimiter}${env.PYTHONPATH}`;
    const child = spawn('python3', ['-m', 'samna_bridge'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    bridge = child;
    const decoder = new FrameDecoder();
    const frames: DecodedFrame[] = [];
    const waiters: Array<{ n: number; resolve: () => void }> = [];
    child.stdout.on('data', (chunk: Buffer) => {
      frames.push(...decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
      for (const w of waiters.splice(0)) {
        if (frames.length >= w.n) w.resolve();
        else waiters.push(w);
      }
    });
    const until = (n: number) => new Promise<void>((resolve) => (frames.length >= n ? resolve() : waiters.push({ n, resolve })));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    await until(1);
    expect(frames[0]).toMatchObject({ kind: 'json', message: { id: 0, ok: true, result: { op: 'hello', protocol: 1 } } });
    child.stdin.write(rawFrame([0x58, 1, 2])); // kind 'X'
    child.stdin.write(rawFrame([0x4a, ...new TextEncoder().encode('{not json')]));
    child.stdin.write(rawFrame([0x4a, ...new TextEncoder().encode('[1, 2]')]));
    child.stdin.write(encodeJsonFrame({ id: 7, op: 'self_destruct' }));
    child.stdin.write(encodeBatchFrame(9, allocateBatch(3), true));
    child.stdin.write(encodeJsonFrame({ id: 8, op: 'list' }));
    await until(7);
    const replies = frames.slice(1, 7).map((f) => (f.kind === 'json' ? f.message : f.kind));
    expect(replies).toEqual([
      { id: null, ok: false, error: { type: 'bad-kind', message: 'unknown frame kind 0x58 (expected 0x4a JSON or 0x42 batch)' } },
      { id: null, ok: false, error: expect.objectContaining({ type: 'bad-json' }) },
      { id: null, ok: false, error: { type: 'bad-json', message: 'a control frame must hold a JSON object' } },
      { id: 7, ok: false, error: expect.objectContaining({ type: 'unknown-op' }) },
      { id: 9, ok: false, error: expect.objectContaining({ type: 'unexpected-batch' }) },
      { id: 8, ok: true, result: { devices: [{ typeName: 'Speck2fDevKit', type: 'speck2fdevkit', serial: 'SN-P', bus: 1, address: 2, logicVersion: 1, samnaIndex: 0 }] } },
    ]);
    child.stdin.end();
    expect(await exited).toBe(0);
  });
});
