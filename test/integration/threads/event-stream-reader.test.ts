// Streaming an event file from a real worker thread: the file is checked first (a bad
// row fails before any batch), then its events arrive batch by batch, equal to a whole
// read, never more than the window ahead of a slow consumer; a file that must be sorted
// comes back whole; aborting while the file is checked ends at once.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEventFile, writeEventFile } from '../../../main/formats/event-files.js';
import { allocateBatch, concatBatches, type SpikeBatch } from '../../../main/common/spike-batch.js';
import { openEventPathStream } from '../../../main/threads/event-file-reader.js';
import { packageRoot } from '../../../main/services/package-root.js';

const dir = mkdtempSync(join(tmpdir(), 'dcnn-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function events(n: number, step = 3): SpikeBatch {
  const b = allocateBatch(n);
  for (let i = 0; i < n; i++) {
    b.t[i] = 1000 + i * step;
    b.x[i] = i % 28;
    b.y[i] = (i * 7) % 28;
    b.channel[i] = i % 2;
  }
  return b;
}

function same(a: SpikeBatch, b: SpikeBatch): boolean {
  if (a.length !== b.length) return false;
  return (['t', 'x', 'y', 'channel', 'layer'] as const).every((c) =>
    Buffer.from(a[c].buffer, a[c].byteOffset, a.length * a[c].BYTES_PER_ELEMENT).equals(Buffer.from(b[c].buffer, b[c].byteOffset, b.length * b[c].BYTES_PER_ELEMENT)),
  );
}

const write = (name: string, bytes: Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

const options = { inputShape: [2, 28, 28] as const, layer: 0 };

describe('streaming an event file from the worker', () => {
  for (const format of ['npy', 'csv'] as const) {
    it(`${format}: the batches equal a whole read, and a slow consumer holds the worker back`, async () => {
      const bytes = writeEventFile(events(300_000), format, 'xytp');
      const path = write(`ok.${format}`, bytes);
      const opened = await openEventPathStream(path, format, options, undefined, { chunkEvents: 4096, window: 2 });
      expect(opened.kind).toBe('stream');
      if (opened.kind !== 'stream') return;
      expect(opened.stream.total).toBe(300_000);
      expect(opened.stream.firstUs).toBe(1000);
      expect(opened.stream.lastUs).toBe(1000 + 299_999 * 3);
      const got: SpikeBatch[] = [];
      let mostQueued = 0;
      for await (const b of opened.stream.batches()) {
        got.push(b);
        if (got.length % 10 === 1) {
          // Give the worker time to run ahead, if it could.
          await new Promise((r) => setTimeout(r, 30));
          mostQueued = Math.max(mostQueued, opened.stream.queued());
        }
      }
      expect(mostQueued).toBeGreaterThan(0);
      expect(mostQueued).toBeLessThanOrEqual(2);
      expect(got.length).toBe(Math.ceil(300_000 / 4096));
      expect(same(concatBatches(got), readEventFile(bytes, format, options).batch)).toBe(true);
    });
  }

  it('a camera recording is shifted to start at 0 µs, as a whole read does', async () => {
    const path = join(packageRoot(), 'test/fixtures/real/events/tonic_sample.aedat4');
    const whole = readEventFile(new Uint8Array(readFileSync(path)), 'aedat4', { inputShape: [2, 128, 128], layer: 1 });
    const opened = await openEventPathStream(path, 'aedat4', { inputShape: [2, 128, 128], layer: 1 }, undefined, { chunkEvents: 1000 });
    if (opened.kind !== 'stream') throw new Error('expected a stream');
    expect(opened.summary.warnings).toEqual(whole.warnings);
    const got: SpikeBatch[] = [];
    for await (const b of opened.stream.batches()) got.push(b);
    expect(same(concatBatches(got), whole.batch)).toBe(true);
    expect(opened.stream.firstUs).toBe(0);
  });

  it('a bad row fails while the file is checked, naming its line, before any batch', async () => {
    const lines = new TextDecoder().decode(writeEventFile(events(200_000), 'csv', 'xytp')).split('\n');
    lines[150_000] = '1199997,40,1,0';
    const path = write('bad.csv', new TextEncoder().encode(lines.join('\n')));
    await expect(openEventPathStream(path, 'csv', options)).rejects.toThrow(/line 150001.*outside the input shape/);
  });

  it('events out of time order with the sort option come back whole, sorted', async () => {
    const b = events(1000);
    b.t[500] = 5;
    const path = write('unsorted.npy', writeEventFile(b, 'npy', 'xytp'));
    const opened = await openEventPathStream(path, 'npy', { ...options, sort: true });
    expect(opened.kind).toBe('whole');
    if (opened.kind !== 'whole') return;
    expect(opened.contents.sorted).toBe(true);
    expect(opened.contents.batch.t[0]).toBe(5);
  });

  it('ending the iteration early closes the stream; aborting during the check rejects at once', async () => {
    const path = write('long.npy', writeEventFile(events(400_000), 'npy', 'xytp'));
    const opened = await openEventPathStream(path, 'npy', options, undefined, { chunkEvents: 1024 });
    if (opened.kind !== 'stream') throw new Error('expected a stream');
    let n = 0;
    for await (const b of opened.stream.batches()) {
      n += b.length;
      if (n >= 3072) break;
    }
    expect(n).toBe(3072);
    await expect(async () => {
      for await (const _ of opened.stream.batches()) break;
    }).rejects.toThrow(/once/);
    const abort = new AbortController();
    const big = write('big.csv', writeEventFile(events(2_000_000), 'csv', 'xytp'));
    const pending = openEventPathStream(big, 'csv', options, undefined, { signal: abort.signal });
    setTimeout(() => abort.abort(), 20);
    // Checking 2 M rows (and starting the thread) takes far longer than 20 ms, so this is mid-check.
    await expect(pending).rejects.toThrow(/cancelled/);
  });
});
