// Requests that passed validation and still exhausted the host (issue 15, item 4), through
// the real dispatcher over real services: the Poisson generator at the schema's maximums
// (over 6 GB in 40 s), 40 different 8 MB weights uploads (665 MB never released),
// `devices.addVirtual` without end. Each is now bounded, refused with its own code and a
// message naming the limit, while ordinary requests work as before.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec, RunStartedView } from '../../../preload/api.js';
import type { Dispatcher } from '../../../main/ipc/dispatcher.js';
import { createWorkbenchDispatcher } from '../../../main/ipc/workbench-dispatcher.js';
import { createServices, type Services } from '../../../main/services/compose.js';
import { writeSafetensors } from '../../../main/formats/safetensors.js';
import { DEFAULT_WEIGHTS_LIMITS } from '../../../main/services/weights-cache.js';
import { MAX_VIRTUAL_PER_TYPE } from '../../../main/devices/virtual-limit.js';

let dir: string;
let services: Services;
let dispatcher: Dispatcher;
let spec: ModelSpec;
const logged: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dcnn-limits-'));
  services = await createServices({ dataDir: dir, mode: 'electron', usb: false, samna: false });
  dispatcher = createWorkbenchDispatcher(services, (m) => logged.push(m));
  const examples = await dispatcher.dispatch('examples.list', {});
  if (!examples.ok) throw new Error('examples.list failed');
  spec = (examples.value as { spec: ModelSpec }[])[0]!.spec;
  const opened = await dispatcher.dispatch('project.new', { name: 'limits', path: join(dir, 'limits.dcnnproj') });
  if (!opened.ok) throw new Error(opened.error.message);
});

afterAll(async () => {
  await services.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function failure(channel: string, payload: unknown): Promise<{ code: string; message: string }> {
  const reply = await dispatcher.dispatch(channel, payload);
  if (reply.ok) throw new Error(`${channel} succeeded; a failure was expected`);
  return reply.error;
}

describe('generators', () => {
  it('the Poisson generator at the schema maximums is refused at once, naming the limit', async () => {
    const started = performance.now();
    const e = await failure('run.start', {
      deviceId: 'sim-speck2fdevkit:0',
      model: spec,
      input: { kind: 'generator', generator: 'poisson', durationMs: 600_000, rateHz: 1_000_000, seed: 1 },
    });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(e.code).toBe('INPUT_TOO_LARGE');
    expect(e.message).toContain('the limit is 8,388,608 events');
    expect(e.message).toMatch(/at most [\d,]+ ms/);
  });

  it('the moving bar at the maximums too; a low rate over a long time is refused by the work it would take', async () => {
    const bar = await failure('run.start', { deviceId: 'sim-speck2fdevkit:0', model: spec, input: { kind: 'generator', generator: 'moving-bar', durationMs: 600_000, rateHz: 1_000_000, seed: 1 } });
    expect(bar.code).toBe('INPUT_TOO_LARGE');
    const slow = await failure('run.start', { deviceId: 'sim-speck2fdevkit:0', model: spec, input: { kind: 'generator', generator: 'poisson', durationMs: 600_000, rateHz: 0.001, seed: 1 } });
    expect(slow.code).toBe('INPUT_TOO_LARGE');
    expect(slow.message).toContain('draws');
    expect(logged).toEqual([]);
  });

  it('an ordinary generator run still starts and completes', async () => {
    const reply = await dispatcher.dispatch('run.start', {
      deviceId: 'sim-speck2fdevkit:0',
      model: spec,
      input: { kind: 'generator', generator: 'poisson', durationMs: 100, rateHz: 200, seed: 1 },
    });
    if (!reply.ok) throw new Error(reply.error.message);
    const run = reply.value as RunStartedView;
    expect(run.eventsInTotal).toBeGreaterThan(0);
    const ended = await new Promise<{ status: string }>((resolve) => {
      const stop = services.bus.subscribe((channel, payload) => {
        const p = payload as { runId: number; status: string };
        if (channel === 'run.ended' && p.runId === run.runId) {
          stop();
          resolve(p);
        }
      });
    });
    expect(ended.status).toBe('completed');
  });
});

describe('weights.load', () => {
  it('40 different 8 MB uploads leave at most the bound held; the newest stay usable', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const data = new Float32Array(2 * 1024 * 1024).fill(i);
      const bytes = writeSafetensors(new Map([['w', { dtype: 'F32', shape: [data.length], data }]]));
      const reply = await dispatcher.dispatch('weights.load', { name: `w${i}.safetensors`, bytes });
      if (!reply.ok) throw new Error(reply.error.message);
      ids.push((reply.value as { id: string }).id);
    }
    const stats = services.compiler.weightsCacheStats();
    expect(stats.entries).toBeLessThanOrEqual(DEFAULT_WEIGHTS_LIMITS.maxEntries);
    expect(stats.bytes).toBeLessThanOrEqual(DEFAULT_WEIGHTS_LIMITS.maxBytes);
    // Each entry is its 8 MB file and its 8 MB of float32 tensors: 40 of them would be 640 MiB.
    expect(stats.bytes).toBeLessThanOrEqual(DEFAULT_WEIGHTS_LIMITS.maxEntries * 17 * 1024 * 1024);
    // The examples' weights are pinned: still there.
    expect(services.compiler.hasWeights(spec.weightsId!)).toBe(true);
    expect(services.compiler.hasWeights(ids[39]!)).toBe(true);
    expect(services.compiler.hasWeights(ids[0]!)).toBe(false);
    // A dropped id is an answer telling what to do, not a crash.
    const e = await failure('compile.run', { spec: { ...spec, weightsId: ids[0] } });
    expect(e.code).toBe('UNKNOWN_WEIGHTS');
    expect(e.message).toContain('load the weights file again');
  }, 60_000);
});

describe('devices.addVirtual', () => {
  it(`at most ${MAX_VIRTUAL_PER_TYPE} virtual devkits of a type; removing one makes room`, async () => {
    const before = services.devices.list().filter((d) => d.virtual && d.type === 'speck2edevkit').length;
    const added: string[] = [];
    for (let i = before; i < MAX_VIRTUAL_PER_TYPE; i++) {
      const reply = await dispatcher.dispatch('devices.addVirtual', { type: 'speck2edevkit' });
      if (!reply.ok) throw new Error(reply.error.message);
      added.push((reply.value as { id: string }).id);
    }
    const e = await failure('devices.addVirtual', { type: 'speck2edevkit' });
    expect(e.code).toBe('TOO_MANY_DEVICES');
    expect(e.message).toContain(`the limit is ${MAX_VIRTUAL_PER_TYPE} per type`);
    // Another type has its own room.
    const other = await dispatcher.dispatch('devices.addVirtual', { type: 'speck2fdevkit' });
    expect(other.ok).toBe(true);
    const removed = await dispatcher.dispatch('devices.removeVirtual', { id: added[0]! });
    expect(removed.ok).toBe(true);
    expect((await dispatcher.dispatch('devices.addVirtual', { type: 'speck2edevkit' })).ok).toBe(true);
  });
});
