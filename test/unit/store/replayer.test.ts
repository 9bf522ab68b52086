import { describe, expect, it } from 'vitest';
import { eventsOfBatch, type SpikeBatch, type SpikeEvent } from '../../../main/common/spike-batch.js';
import { Replayer, type ReplayProgress } from '../../../main/store/replayer.js';
import { ManualClock, settle } from './manual-clock.js';
import { ev, memoryRecording } from './memory-recording.js';

/** Records what arrives and when (clock ms). */
function collector(clock: ManualClock) {
  const deliveries: Array<{ at: number; events: SpikeEvent[]; progress: ReplayProgress }> = [];
  const consumer = (batch: SpikeBatch, progress: ReplayProgress) => {
    deliveries.push({ at: clock.now(), events: eventsOfBatch(batch), progress });
  };
  return { deliveries, consumer };
}

// Events at 0, 10, 20, 30 ms of recording time (µs timestamps), chunks of 2.
const fourEvents = [ev(0, 0, 0), ev(10_000, 0, 1), ev(20_000, 0, 2), ev(30_000, 0, 3)];

describe('real time and N times real time', () => {
  it('speed 1 delivers each event when its recording time comes', async () => {
    const clock = new ManualClock();
    const { deliveries, consumer } = collector(clock);
    const replay = new Replayer(memoryRecording(fourEvents, 2), consumer, { clock, speed: 1, minIntervalMs: 1 });
    replay.play();
    await clock.advance(35);
    expect(deliveries.map((d) => [d.at, d.events.map((e) => e.channel)])).toEqual([
      [0, [0]],
      [10, [1]],
      [20, [2]],
      [30, [3]],
    ]);
    expect(replay.state).toBe('ended');
    await expect(replay.done).resolves.toEqual({ state: 'ended', delivered: 4 });
  });

  it('speed 2 delivers at half the recording time', async () => {
    const clock = new ManualClock();
    const { deliveries, consumer } = collector(clock);
    new Replayer(memoryRecording(fourEvents, 2), consumer, { clock, speed: 2, minIntervalMs: 1 }).play();
    await clock.advance(20);
    expect(deliveries.map((d) => d.at)).toEqual([0, 5, 10, 15]);
  });

  it('dense events arrive grouped, at most every minIntervalMs', async () => {
    // 100 events 1 ms apart; with 10 ms between deliveries they come in groups.
    const events = Array.from({ length: 100 }, (_, i) => ev(i * 1000, 0, i));
    const clock = new ManualClock();
    const { deliveries, consumer } = collector(clock);
    new Replayer(memoryRecording(events, 16), consumer, { clock, speed: 1, minIntervalMs: 10 }).play();
    await clock.advance(200);
    // At 0 ms: event 0; at 10 ms: events 1..10; ... at 90 ms: 81..90; at 100: 91..99.
    expect(deliveries.map((d) => d.events.length)).toEqual([1, 10, 10, 10, 10, 10, 10, 10, 10, 10, 9]);
    expect(deliveries.flatMap((d) => d.events.map((e) => e.channel))).toEqual(events.map((e) => e.channel));
  });
});

describe('recordings denser than one batch per interval', () => {
  it('at 1x, events already due are delivered at once, batch after batch, not one batch per interval', async () => {
    // 50 events at each ms: 500 events due by 10 ms, five times a batch of 100.
    const events = Array.from({ length: 1000 }, (_, i) => ev(Math.floor(i / 50) * 1000, 0, i));
    const clock = new ManualClock();
    const { deliveries, consumer } = collector(clock);
    const replay = new Replayer(memoryRecording(events, 64), consumer, { clock, speed: 1, minIntervalMs: 10, maxBatchEvents: 100 });
    replay.play();
    await clock.advance(10);
    // At 0 ms the 50 events of t=0; at 10 ms everything up to t=10 ms (550 events): all of it then, in full batches.
    expect(deliveries.map((d) => [d.at, d.events.length])).toEqual([
      [0, 50],
      [10, 100],
      [10, 100],
      [10, 100],
      [10, 100],
      [10, 100],
    ]);
    await clock.advance(10);
    expect(deliveries.reduce((n, d) => n + d.events.length, 0)).toBe(1000);
    await expect(replay.done).resolves.toEqual({ state: 'ended', delivered: 1000 });
    expect(deliveries.flatMap((d) => d.events.map((e) => e.channel))).toEqual(events.map((e) => e.channel));
  });
});

describe('as fast as possible', () => {
  it("'max' delivers everything in order without waiting, in batches of at most maxBatchEvents", async () => {
    const events = Array.from({ length: 10 }, (_, i) => ev(i * 1_000_000, 1, i));
    const clock = new ManualClock();
    const { deliveries, consumer } = collector(clock);
    const replay = new Replayer(memoryRecording(events, 4), consumer, { clock, speed: 'max', maxBatchEvents: 3 });
    replay.play();
    await clock.advance(0);
    expect(deliveries.map((d) => d.events.length)).toEqual([3, 3, 3, 1]);
    expect(deliveries.flatMap((d) => d.events)).toEqual(events);
    expect(deliveries.map((d) => d.progress.nextEvent)).toEqual([3, 6, 9, 10]);
    await expect(replay.done).resolves.toEqual({ state: 'ended', delivered: 10 });
  });

  it('waits for an async consumer before the next batch', async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    let release: () => void = () => {};
    const replay = new Replayer(
      memoryRecording(fourEvents, 1),
      (batch) => {
        seen.push(batch.length);
        return new Promise<void>((resolve) => (release = resolve));
      },
      { clock, speed: 'max', maxBatchEvents: 1 },
    );
    replay.play();
    await clock.advance(0);
    expect(seen).toEqual([1]);
    await clock.advance(100);
    expect(seen).toEqual([1]);
    release();
    await clock.advance(0);
    expect(seen).toEqual([1, 1]);
  });
});

describe('pause, resume, seek, stop', () => {
  it('pause holds the recording time; resume continues from it', async () => {
    const clock = new ManualClock();
    const { deliveries, consumer } = collector(clock);
    const replay = new Replayer(memoryRecording(fourEvents, 2), consumer, { clock, speed: 1, minIntervalMs: 1 });
    replay.play();
    await clock.advance(5);
    replay.pause();
    expect(replay.timeUs).toBe(5000);
    await clock.advance(100);
    expect(deliveries).toHaveLength(1);
    replay.resume();
    // recording time 5 ms at wall 105 ms: the 10 ms event is due at 110 ms.
    await clock.advance(6);
    expect(deliveries.map((d) => d.at)).toEqual([0, 110]);
  });

  it('seek jumps to the first event at or after the time', async () => {
    const clock = new ManualClock();
    const { deliveries, consumer } = collector(clock);
    const replay = new Replayer(memoryRecording(fourEvents, 2), consumer, { clock, speed: 1, minIntervalMs: 1 });
    replay.play();
    await clock.advance(1);
    replay.seek(15_000);
    await clock.advance(20);
    // Event 1 (10 ms) is skipped; event 2 (20 ms) comes 5 ms after the seek, event 3 at 15 ms after.
    expect(deliveries.map((d) => [d.at, d.events[0]!.channel])).toEqual([
      [0, 0],
      [6, 2],
      [16, 3],
    ]);
  });

  it('seek while paused moves the position; nothing arrives until resume', async () => {
    const clock = new ManualClock();
    const { deliveries, consumer } = collector(clock);
    const replay = new Replayer(memoryRecording(fourEvents, 2), consumer, { clock, speed: 'max' });
    replay.seek(20_000);
    replay.play();
    replay.pause();
    await clock.advance(10);
    expect(deliveries).toHaveLength(0);
    replay.resume();
    await clock.advance(0);
    expect(deliveries.flatMap((d) => d.events.map((e) => e.channel))).toEqual([2, 3]);
  });

  it('stop ends the replay at once', async () => {
    const clock = new ManualClock();
    const { deliveries, consumer } = collector(clock);
    const replay = new Replayer(memoryRecording(fourEvents, 2), consumer, { clock, speed: 1, minIntervalMs: 1 });
    replay.play();
    await clock.advance(12);
    replay.stop();
    await clock.advance(100);
    expect(deliveries).toHaveLength(2);
    await expect(replay.done).resolves.toEqual({ state: 'stopped', delivered: 2 });
  });

  it('fromUs/toUs replay a time window', async () => {
    const clock = new ManualClock();
    const { deliveries, consumer } = collector(clock);
    const replay = new Replayer(memoryRecording(fourEvents, 2), consumer, { clock, speed: 'max', fromUs: 5_000, toUs: 30_000 });
    replay.play();
    await clock.advance(0);
    expect(deliveries.flatMap((d) => d.events.map((e) => e.channel))).toEqual([1, 2]);
    expect(replay.state).toBe('ended');
  });

  it('a consumer that throws ends the replay as failed', async () => {
    const clock = new ManualClock();
    const failure = new Error('renderer gone');
    const replay = new Replayer(
      memoryRecording(fourEvents, 2),
      () => {
        throw failure;
      },
      { clock, speed: 'max' },
    );
    replay.play();
    await clock.advance(0);
    await settle();
    // The one batch handed over held all four events (one batch spans chunks up to maxBatchEvents).
    await expect(replay.done).resolves.toEqual({ state: 'failed', delivered: 4, error: failure });
  });

  it('a damaged chunk ends the replay as failed, after the events before it', async () => {
    const clock = new ManualClock();
    const { deliveries, consumer } = collector(clock);
    const replay = new Replayer(memoryRecording(fourEvents, 2, 'output', 1), consumer, { clock, speed: 'max', maxBatchEvents: 2 });
    replay.play();
    await clock.advance(0);
    expect(deliveries.flatMap((d) => d.events.map((e) => e.channel))).toEqual([0, 1]);
    const end = await replay.done;
    expect(end.state).toBe('failed');
    expect((end.error as Error).message).toMatch(/output recording: chunk 1 is damaged/);
  });

  it('refuses impossible speeds', () => {
    const reader = memoryRecording(fourEvents, 2);
    expect(() => new Replayer(reader, () => {}, { speed: 0 })).toThrow(/positive number or 'max'/);
    expect(() => new Replayer(reader, () => {}, { speed: Number.NaN })).toThrow(RangeError);
  });

  it('an empty recording ends at once', async () => {
    const clock = new ManualClock();
    const replay = new Replayer(memoryRecording([], 2), () => {}, { clock, speed: 1 });
    replay.play();
    await clock.advance(0);
    await expect(replay.done).resolves.toEqual({ state: 'ended', delivered: 0 });
  });
});
