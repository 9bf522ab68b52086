// An LZ4-compressed AEDAT4 recording read by path in the event-file worker, which decodes
// its packets with the WebAssembly LZ4 decoder (main/threads/lz4-wasm.ts), arrives event
// for event as the inline read with lz4js gives it; a damaged packet fails with the same
// message on both paths.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEventFile } from '../../../main/formats/event-files.js';
import { readEventPathOffThread } from '../../../main/threads/event-file-reader.js';
import { aedat4, syntheticEvents } from '../../helpers/event-recordings.js';

const dir = mkdtempSync(join(tmpdir(), 'dcnn-lz4-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('an LZ4 AEDAT4 recording in the event-file worker', () => {
  const bytes = aedat4(syntheticEvents(300_000, 640, 480), 'lz4');

  it('decodes to the same events as the inline read with lz4js', async () => {
    const path = join(dir, 'rec.aedat4');
    writeFileSync(path, bytes);
    const off = await readEventPathOffThread(path, 'aedat4');
    const inline = readEventFile(bytes, 'aedat4');
    expect(off.batch.length).toBe(300_000);
    expect(off.recording?.events).toBe(300_000);
    for (const col of ['t', 'x', 'y', 'channel', 'layer'] as const) expect(bytesOf(off.batch[col]).equals(bytesOf(inline.batch[col])), col).toBe(true);
  });

  it('a packet whose LZ4 data is damaged fails with the same message', async () => {
    const bad = bytes.slice();
    // 0xff bytes over the middle of the file, inside a packet's LZ4 data.
    const at = bytes.length >> 1;
    bad.fill(0xff, at, at + 64);
    const path = join(dir, 'bad.aedat4');
    writeFileSync(path, bad);
    let inline = '';
    try {
      readEventFile(bad, 'aedat4');
    } catch (e) {
      inline = (e as Error).message;
    }
    expect(inline).toMatch(/does not decompress/);
    await expect(readEventPathOffThread(path, 'aedat4')).rejects.toThrow(inline);
  });
});
