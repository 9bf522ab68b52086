// Worker-thread side of the virtual devkit: owns one EventEngine, consumes input chunks
// of a forward pass as they arrive, sends monitored events back as transferred buffers,
// reports progress at least every ~100 ms while busy, and stops between two input events
// when the shared cancel flag names the current run. Start it with spawnWorker; talk to
// it only through SimulationClient.

import { parentPort } from 'node:worker_threads';
import { EventEngine } from '../sim/event-engine.js';
import { resolveEngine } from './native-engine.js';
import { diffCounters, type SimCounters } from '../sim/sim-counters.js';
import type { SpikeBatch } from '../common/spike-batch.js';
import { batchOfBuffer, CONTROL_CANCEL_RUN, errorOf, transferableBatch, type FromWorker, type ToWorker } from './simulation-protocol.js';

const PROGRESS_MS = 100;

if (!parentPort) throw new Error('sim-worker.ts must run in a worker thread (use SimulationClient)');
const port = parentPort;

let engine: EventEngine | null = null;
let control: Int32Array<ArrayBufferLike> = new Int32Array(1);
let run: { id: number; start: SimCounters; lastProgress: number; ended: boolean } | null = null;

const post = (msg: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);

function emitOutput(batch: SpikeBatch): void {
  if (!run || batch.length === 0) return;
  const events = transferableBatch(batch);
  post({ type: 'output', runId: run.id, events }, [events]);
}

function progress(): void {
  if (!run || !engine) return;
  run.lastProgress = performance.now();
  post({
    type: 'progress',
    runId: run.id,
    eventsIn: engine.inputCount - run.start.eventsIn,
    eventsOut: engine.outputCount - run.start.eventsOut,
    timeUs: engine.timeUs,
  });
}

function shouldStop(): boolean {
  if (!run) return true;
  if (Atomics.load(control, CONTROL_CANCEL_RUN) === run.id) return true;
  if (performance.now() - run.lastProgress >= PROGRESS_MS) progress();
  return false;
}

function finish(cancelled: boolean, error?: unknown): void {
  if (!run || !engine || run.ended) return;
  run.ended = true;
  progress();
  const counters = diffCounters(run.start, engine.counters());
  post({ type: 'runDone', runId: run.id, counters, cancelled, ...(error !== undefined ? { error: errorOf(error) } : {}) });
  run = null;
}

function onChunk(runId: number, seq: number, events: ArrayBuffer): void {
  if (!run || run.id !== runId || !engine) return;
  if (Atomics.load(control, CONTROL_CANCEL_RUN) === runId) {
    finish(true);
    return;
  }
  const batch = batchOfBuffer(events);
  let done: number;
  try {
    done = engine.process(batch, emitOutput, { shouldStop });
  } catch (e) {
    finish(false, e);
    return;
  }
  if (done < batch.length) {
    finish(true);
    return;
  }
  if (performance.now() - run.lastProgress >= PROGRESS_MS) progress();
  post({ type: 'chunkDone', runId, seq });
}

function onRequest(msg: Extract<ToWorker, { type: 'request' }>): void {
  try {
    if (!engine) throw new Error('no configuration loaded');
    switch (msg.op) {
      case 'readNeuron':
        post({ type: 'reply', reqId: msg.reqId, value: engine.readNeuronValue(msg.core, msg.address) });
        return;
      case 'resetStates':
        engine.resetStates();
        post({ type: 'reply', reqId: msg.reqId });
        return;
      case 'counters':
        post({ type: 'reply', reqId: msg.reqId, value: engine.counters() });
        return;
      case 'advanceTo': {
        const outputs: ArrayBuffer[] = [];
        engine.advanceTo(msg.timeUs, (b) => outputs.push(transferableBatch(b)));
        post({ type: 'reply', reqId: msg.reqId, outputs }, outputs);
        return;
      }
    }
  } catch (e) {
    post({ type: 'reply', reqId: msg.reqId, error: errorOf(e) });
  }
}

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'load':
      try {
        control = new Int32Array(msg.control);
        const { engine: requested, ...settings } = msg.settings;
        const chosen = resolveEngine(requested);
        engine = new EventEngine(msg.config, { ...settings, ...(chosen.native ? { native: chosen.native } : {}), kernelImpl: settings.kernelImpl ?? chosen.kernelImpl });
        post({ type: 'loaded', warnings: [...engine.warnings], engine: engine.engine, nativeDeclined: engine.nativeDeclined });
      } catch (e) {
        post({ type: 'loadFailed', error: errorOf(e) });
      }
      return;
    case 'begin':
      if (!engine) return;
      // A devkit restarts its stopwatch at every forward: timestamps start again near 0.
      engine.restartClock();
      run = { id: msg.runId, start: engine.counters(), lastProgress: performance.now(), ended: false };
      progress();
      return;
    case 'chunk':
      onChunk(msg.runId, msg.seq, msg.events);
      return;
    case 'end':
      if (run && run.id === msg.runId) finish(false);
      return;
    case 'cancel':
      if (run && run.id === msg.runId) finish(true);
      return;
    case 'request':
      onRequest(msg);
      return;
  }
});
