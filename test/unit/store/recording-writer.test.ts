import { describe, expect, it } from 'vitest';
import { batchFromEvents, eventsOfBatch } from '../../../main/common/spike-batch.js';
import { decodeChunk } from '../../../main/store/chunk-codec.js';
import { RecordingOrderError, RecordingWriter, type ChunkToCommit } from '../../../main/store/recording-writer.js';
import { FakeFlushTimer } from './fake-timer.js';
import { ev } from './memory-recording.js';

function setup(options: { chunkEvents: number; maxLatencyMs?: number }) {
  const chunks: ChunkToCommit[] = [];
  const timer = new FakeFlushTimer();
  const writer = new RecordingWriter('output', (c) => chunks.push(c), { ...options, timer, codec: 'columns' });
  return { chunks, timer, writer };
}

const tenEvents = Array.from({ length: 10 }, (_, i) => ev(i * 10, 1, i, i, 0));

describe('events are cut into chunks of chunkEvents', () => {
  it('10 events with chunks of 4: two full chunks commit at once, two events wait', () => {
    const { chunks, writer } = setup({ chunkEvents: 4 });
    writer.append(batchFromEvents(tenEvents));
    expect(chunks.map((c) => [c.seq, c.firstEvent, c.count, c.tFirst, c.tLast])).toEqual([
      [0, 0, 4, 0, 30],
      [1, 4, 4, 40, 70],
    ]);
    expect(writer.committed).toBe(8);
    expect(writer.accepted).toBe(10);
    writer.flush();
    expect(chunks.map((c) => [c.seq, c.firstEvent, c.count, c.tFirst, c.tLast])[2]).toEqual([2, 8, 2, 80, 90]);
    expect(chunks.flatMap((c) => eventsOfBatch(decodeChunk(c.codec, c.bytes, c.count)))).toEqual(tenEvents);
  });

  it('small batches fill one chunk; a chunk never exceeds chunkEvents, whatever the batch size', () => {
    const { chunks, writer } = setup({ chunkEvents: 3 });
    for (const e of tenEvents.slice(0, 5)) writer.append(batchFromEvents([e]));
    writer.append(batchFromEvents(tenEvents.slice(5)));
    writer.close();
    expect(chunks.map((c) => c.count)).toEqual([3, 3, 3, 1]);
  });

  it('flush with nothing pending commits nothing; close flushes; nothing is accepted after close', () => {
    const { chunks, writer } = setup({ chunkEvents: 4 });
    writer.flush();
    expect(chunks).toHaveLength(0);
    writer.append(batchFromEvents(tenEvents.slice(0, 1)));
    writer.close();
    expect(chunks).toHaveLength(1);
    expect(() => writer.append(batchFromEvents(tenEvents.slice(1, 2)))).toThrow(/closed/);
  });
});

describe('an uncommitted event waits at most maxLatencyMs', () => {
  it('the timer starts with the first uncommitted event and commits the partial chunk', () => {
    const { chunks, timer, writer } = setup({ chunkEvents: 100, maxLatencyMs: 1000 });
    writer.append(batchFromEvents(tenEvents.slice(0, 2)));
    expect([...timer.pending.values()].map((t) => t.ms)).toEqual([1000]);
    // Later events do not push the deadline back.
    writer.append(batchFromEvents(tenEvents.slice(2, 3)));
    expect(timer.pending.size).toBe(1);
    timer.fireAll();
    expect(chunks.map((c) => c.count)).toEqual([3]);
    expect(timer.pending.size).toBe(0);
    // The next event starts a new deadline.
    writer.append(batchFromEvents(tenEvents.slice(3, 4)));
    expect(timer.pending.size).toBe(1);
  });

  it('a full chunk cancels its deadline; leftover events get a new one', () => {
    const { timer, writer } = setup({ chunkEvents: 4 });
    writer.append(batchFromEvents(tenEvents.slice(0, 4)));
    expect(timer.pending.size).toBe(0);
    writer.append(batchFromEvents(tenEvents.slice(4, 9)));
    expect(timer.pending.size).toBe(1);
  });
});

describe('timestamps must not go backwards (seeking relies on it)', () => {
  it('a step back inside a batch refuses the whole batch and names the event', () => {
    const { writer } = setup({ chunkEvents: 4 });
    writer.append(batchFromEvents([ev(5), ev(7)]));
    try {
      writer.append(batchFromEvents([ev(8), ev(6)]));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RecordingOrderError);
      expect(e).toMatchObject({ stream: 'output', eventIndex: 3, t: 6, previousT: 8 });
    }
    expect(writer.accepted).toBe(2);
  });

  it('a batch starting before the previous batch ended is refused; equal timestamps are fine', () => {
    const { writer } = setup({ chunkEvents: 4 });
    writer.append(batchFromEvents([ev(5), ev(7)]));
    expect(() => writer.append(batchFromEvents([ev(6)]))).toThrow(/before the previous event's 7 µs/);
    writer.append(batchFromEvents([ev(7), ev(7)]));
    expect(writer.accepted).toBe(4);
  });

  it('NaN timestamps are refused', () => {
    const { writer } = setup({ chunkEvents: 4 });
    expect(() => writer.append(batchFromEvents([ev(Number.NaN)]))).toThrow(RecordingOrderError);
  });
});

describe('a failed commit stops the recording without a gap', () => {
  it('the chunk is not counted and later events are refused with the same error', () => {
    const failure = new Error('disk full');
    const writer = new RecordingWriter('input', () => {
      throw failure;
    }, { chunkEvents: 2, timer: new FakeFlushTimer() });
    expect(() => writer.append(batchFromEvents([ev(1), ev(2)]))).toThrow(failure);
    expect(writer.committed).toBe(0);
    expect(() => writer.append(batchFromEvents([ev(3)]))).toThrow(failure);
  });

  it('a failure in a timer-driven commit is reported and refuses later events', () => {
    const failure = new Error('disk full');
    const timer = new FakeFlushTimer();
    const reported: unknown[] = [];
    const writer = new RecordingWriter('input', () => {
      throw failure;
    }, { chunkEvents: 10, timer, onError: (e) => reported.push(e) });
    writer.append(batchFromEvents([ev(1)]));
    timer.fireAll();
    expect(reported).toEqual([failure]);
    expect(() => writer.append(batchFromEvents([ev(2)]))).toThrow(failure);
  });
});
