import { describe, expect, it, vi } from 'vitest';
import { batchFromEvents, packBatch } from '../../../main/common/spike-batch';
import type { RunStartedView } from '../../../preload/api';
import { SpikeMonitorModel } from '../../../renderer/monitor/spike-monitor';
import { ReplaySession, type ReplayState } from '../../../renderer/runs/replay-session';
import { RunSession } from '../../../renderer/runs/run-session';
import { SpikeDigester } from '../../../renderer/monitor/spike-digest';
import { FakeWorkbench } from './fake-workbench';

const exitEvent = (t: number, channel: number) => packBatch(batchFromEvents([{ t, layer: 1, channel, x: 0, y: 0 }]));
const flush = () => new Promise<void>((r) => setTimeout(r, 0));

const STARTED: RunStartedView = {
  runId: 5,
  deviceId: 'sim-speck2fdevkit:0',
  modelVersion: 1,
  monitored: [{ core: 1, layer: 4, neuronShape: [10, 1, 1] }],
  exitCore: 1,
  eventsInTotal: 10,
  inputDurationUs: 1000,
  inputPreview: null,
};

describe('live run session', () => {
  it('asks for its batches to be counted where they arrive once the run is known, takes the counts, and ends that at the run\'s end', async () => {
    const fake = new FakeWorkbench();
    const asked: Array<[number, number]> = [];
    let ended = 0;
    const session = new RunSession(fake.api(), () => undefined, 10, (runId, spec) => {
      asked.push([runId, spec.exitChannels]);
      return () => ended++;
    });
    await session.start(async () => STARTED);
    expect(asked).toEqual([[5, 10]]);
    const digester = new SpikeDigester(session.monitor!.digestSpec()!);
    digester.add(batchFromEvents([{ t: 10, layer: 1, channel: 3, x: 0, y: 0 }, { t: 20, layer: 1, channel: 3, x: 0, y: 0 }]));
    fake.emit('run.spikes', { runId: 5, digest: digester.take()! } as never);
    fake.emit('run.spikes', { runId: 5, spikes: exitEvent(30, 1) });
    expect([session.monitor?.exitCounts(), session.monitor?.events]).toEqual([[0, 1, 0, 2, 0, 0, 0, 0, 0, 0], 3]);
    expect(ended).toBe(0);
    fake.emit('run.ended', { runId: 5, status: 'completed', reason: null, message: null, eventsIn: 10, eventsOut: 3, perLayer: [], exitCounts: [], predicted: 3, wallMs: 1 });
    expect(ended).toBe(1);
    session.dispose();
    expect(ended).toBe(1);
  });

  it('keeps events that arrive before run.start answers, and drops those of other runs', async () => {
    const fake = new FakeWorkbench();
    const api = fake.api();
    const session = new RunSession(api, () => undefined);
    let answer!: (v: RunStartedView) => void;
    const p = session.start(() => new Promise((r) => (answer = r)));
    expect(session.state.phase).toBe('starting');
    fake.emit('run.spikes', { runId: 5, spikes: exitEvent(10, 3) });
    fake.emit('run.spikes', { runId: 4, spikes: exitEvent(10, 9) });
    answer(STARTED);
    await p;
    fake.emit('run.spikes', { runId: 5, spikes: exitEvent(20, 3) });
    fake.emit('run.spikes', { runId: 6, spikes: exitEvent(20, 8) });
    expect(session.state.phase).toBe('running');
    expect(session.monitor?.exitCounts()).toEqual([0, 0, 0, 2, 0, 0, 0, 0, 0, 0]);
    session.dispose();
  });

  it('follows progress and ends with the summary', async () => {
    const fake = new FakeWorkbench();
    const session = new RunSession(fake.api(), () => undefined);
    await session.start(async () => STARTED);
    fake.emit('run.progress', { runId: 5, eventsIn: 4, eventsOut: 2, totalIn: 10, timeUs: 400 });
    expect(session.state.progress?.eventsIn).toBe(4);
    fake.emit('run.ended', { runId: 5, status: 'completed', reason: null, message: null, eventsIn: 10, eventsOut: 3, perLayer: [], exitCounts: [0, 3], predicted: 1, wallMs: 12 });
    expect(session.state.phase).toBe('ended');
    expect(session.state.summary?.predicted).toBe(1);
    session.dispose();
    expect(fake.listenerCount('run.spikes')).toBe(0);
  });

  it('shows why a run could not start', async () => {
    const session = new RunSession(new FakeWorkbench().api(), () => undefined);
    await session.start(() => Promise.reject(Object.assign(new Error('x'), { payload: { code: 'DEVICE_BUSY', message: 'sim-speck2fdevkit:0 is busy with run #3.' } })));
    expect(session.state.phase).toBe('failed');
    expect(session.state.error).toBe('sim-speck2fdevkit:0 is busy with run #3.');
  });

  it('stop asks the service to stop this run', async () => {
    const fake = new FakeWorkbench();
    const session = new RunSession(fake.api(), () => undefined);
    await session.start(async () => STARTED);
    await session.stop();
    expect(fake.callsOf('run.stop')).toEqual([{ runId: 5 }]);
    expect(session.state.phase).toBe('stopping');
  });
});

function replayRig() {
  const fake = new FakeWorkbench();
  const api = fake.api();
  const model = new SpikeMonitorModel({ monitored: STARTED.monitored, exitCore: 1, startUs: 0, durationUs: 100_000, columns: 10 });
  const states: ReplayState[] = [];
  const info = { runId: 5, stream: 'output' as const, count: 600, firstUs: 0, lastUs: 100_000 };
  const session = new ReplaySession(api, 5, () => model, (s) => states.push(s), info);
  return { fake, api, model, session, states };
}

describe('replay session', () => {
  it('play starts a replay of the output stream from the start, at the chosen speed', async () => {
    const { fake, session } = replayRig();
    await session.setSpeed(4);
    await session.play();
    expect(fake.callsOf('replay.start')).toEqual([{ runId: 5, stream: 'output', speed: 4, fromUs: 0 }]);
    expect(session.state.status).toBe('playing');
    expect(session.state.replayId).toBe('replay-1');
  });

  it('a preview at full speed keeps the speed the user chose', async () => {
    const { fake, session } = replayRig();
    await session.play('max');
    expect(fake.callsOf('replay.start')[0]?.speed).toBe('max');
    fake.emit('replay.state', { replayId: 'replay-1', state: 'ended', timeUs: 100_000, speed: 'max' });
    expect(session.state.speed).toBe(1);
    await session.play();
    expect(fake.callsOf('replay.start')[1]).toEqual({ runId: 5, stream: 'output', speed: 1, fromUs: 0 });
  });

  it('feeds only its own replay to the monitor and follows the replay clock', async () => {
    const { fake, model, session } = replayRig();
    await session.play();
    fake.emit('replay.spikes', { replayId: 'replay-1', spikes: exitEvent(100, 2), timeUs: 100 });
    fake.emit('replay.spikes', { replayId: 'replay-99', spikes: exitEvent(100, 5), timeUs: 100 });
    expect(model.exitCounts()[2]).toBe(1);
    expect(model.events).toBe(1);
    expect(session.state.timeUs).toBe(100);
    fake.emit('replay.state', { replayId: 'replay-1', state: 'ended', timeUs: 100_000, speed: 1 });
    expect(session.state.status).toBe('ended');
  });

  it('pause and resume go to replay.control', async () => {
    const { fake, session } = replayRig();
    await session.play();
    await session.pause();
    expect(session.state.status).toBe('paused');
    await session.play();
    expect(session.state.status).toBe('playing');
    expect(fake.callsOf('replay.control')).toEqual([
      { replayId: 'replay-1', action: 'pause' },
      { replayId: 'replay-1', action: 'resume' },
    ]);
  });

  it('a seek drops batches that were under way and restarts the monitor from the new time', async () => {
    const { fake, api, model, session } = replayRig();
    await session.play();
    fake.emit('replay.spikes', { replayId: 'replay-1', spikes: exitEvent(50_000, 1), timeUs: 50_000 });
    let confirm!: () => void;
    const control = vi.spyOn(api, 'replay.control').mockImplementation(() => new Promise((r) => (confirm = () => r({}))));
    const seeking = session.seek(20_000);
    // Sent before the service saw the seek: from the old position.
    fake.emit('replay.spikes', { replayId: 'replay-1', spikes: exitEvent(51_000, 1), timeUs: 51_000 });
    expect(model.events).toBe(1);
    confirm();
    await seeking;
    expect(control).toHaveBeenCalledWith({ replayId: 'replay-1', action: 'seek', timeUs: 20_000 });
    expect(model.events).toBe(0);
    fake.emit('replay.spikes', { replayId: 'replay-1', spikes: exitEvent(20_500, 6), timeUs: 20_500 });
    expect(model.exitCounts()[6]).toBe(1);
    expect(session.state.timeUs).toBe(20_500);
  });

  it('a seek before playing sets where play starts, clamped to the recording', async () => {
    const { fake, session } = replayRig();
    await session.seek(250_000);
    expect(session.state.timeUs).toBe(100_000);
    await session.seek(30_000);
    await session.play();
    expect(fake.callsOf('replay.start')[0]?.fromUs).toBe(30_000);
  });

  it('holds events that arrive before replay.start answers', async () => {
    const fake = new FakeWorkbench();
    const api = fake.api();
    const model = new SpikeMonitorModel({ monitored: STARTED.monitored, exitCore: 1, startUs: 0, durationUs: 1000, columns: 10 });
    vi.spyOn(api, 'replay.start').mockImplementation(async () => {
      fake.emit('replay.spikes', { replayId: 'r-early', spikes: exitEvent(1, 8), timeUs: 1 });
      await flush();
      return { replayId: 'r-early', info: { runId: 5, stream: 'output', count: 1, firstUs: 0, lastUs: 1000 } };
    });
    const session = new ReplaySession(api, 5, () => model, () => undefined);
    await session.play();
    expect(model.exitCounts()[8]).toBe(1);
  });

  it('stops its replay when disposed', async () => {
    const { fake, session } = replayRig();
    await session.play();
    session.dispose();
    await flush();
    expect(fake.callsOf('replay.control')).toContainEqual({ replayId: 'replay-1', action: 'stop' });
    expect(fake.listenerCount('replay.spikes')).toBe(0);
  });
});
