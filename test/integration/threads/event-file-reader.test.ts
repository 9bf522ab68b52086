// Large event files are parsed in a real worker thread and arrive event for event; a bad
// large file fails with the parser's message (row and field), not a crash.

import { describe, expect, it } from 'vitest';
import { readEventFile, writeEventFile } from '../../../main/formats/event-files.js';
import { allocateBatch } from '../../../main/common/spike-batch.js';
import { OFF_THREAD_BYTES, readEventFileOffThread } from '../../../main/threads/event-file-reader.js';

function bigBatch(n: number) {
  const b = allocateBatch(n);
  for (let i = 0; i < n; i++) {
    b.t[i] = i * 3;
    b.x[i] = i % 28;
    b.y[i] = (i * 7) % 28;
    b.channel[i] = i % 2;
    b.layer[i] = 0;
  }
  return b;
}

describe('reading event files off the main thread', () => {
  it('a file above the threshold comes back identical to an inline parse', async () => {
    const bytes = writeEventFile(bigBatch(500_000), 'csv', 'xytp');
    expect(bytes.byteLength).toBeGreaterThan(OFF_THREAD_BYTES);
    const off = await readEventFileOffThread(bytes, 'csv', { inputShape: [2, 28, 28] });
    const inline = readEventFile(bytes, 'csv', { inputShape: [2, 28, 28] });
    expect(off.batch.length).toBe(500_000);
    for (const col of ['t', 'x', 'y', 'channel', 'layer'] as const) expect(Buffer.from(off.batch[col].buffer, off.batch[col].byteOffset, off.batch[col].byteLength).equals(Buffer.from(inline.batch[col].buffer, inline.batch[col].byteOffset, inline.batch[col].byteLength))).toBe(true);
  });
  it('a bad row in a large file is reported with its line, from the worker', async () => {
    const text = new TextDecoder().decode(writeEventFile(bigBatch(500_000), 'csv', 'xytp'));
    const lines = text.split('\n');
    lines[400_000] = '1199997,40,1,0';
    const bytes = new TextEncoder().encode(lines.join('\n'));
    await expect(readEventFileOffThread(bytes, 'csv', { inputShape: [2, 28, 28] })).rejects.toThrow(/line 400001/);
  });
});
