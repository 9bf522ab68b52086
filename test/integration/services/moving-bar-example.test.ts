// The trained example a new user lands in (examples/moving-bar): listed first, compiles
// onto the chip, and tells which way a bar moves, in the chip's event-driven semantics
// and in the time-stepped simulation of the quantized network. The expected class is the
// direction the workbench's generator was asked for (channel i = BAR_DIRECTIONS[i], as
// the example's samples/classes.txt says), never what the model answered before.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventChannel, EventOf, RequestChannel, RequestOf, ReplyOf } from '../../../preload/api.js';
import type { CompileResult } from '../../../main/compiler/compile-types.js';
import { readEventFile } from '../../../main/formats/event-files.js';
import type { Dispatcher } from '../../../main/ipc/dispatcher.js';
import { createWorkbenchDispatcher } from '../../../main/ipc/workbench-dispatcher.js';
import { CompileService } from '../../../main/services/compile-service.js';
import { createServices, type Services } from '../../../main/services/compose.js';
import { entryOf } from '../../../main/services/run-inputs.js';
import { BAR_DIRECTIONS, movingBar } from '../../../main/sim/input-generators.js';
import { runSample, type SampleMode } from '../../../main/sim/sample-run.js';
import type { SpikeBatch } from '../../../main/common/spike-batch.js';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';

const EXAMPLE = join(EXAMPLES_DIR, 'moving-bar');

function argmax(counts: readonly number[]): number {
  return counts.indexOf(Math.max(...counts));
}

describe('the moving-bar example', () => {
  const service = new CompileService(EXAMPLES_DIR);
  let compiled: CompileResult;

  beforeAll(() => {
    const example = service.examples().find((e) => e.id === 'moving-bar');
    expect(example).toBeDefined();
    const { result } = service.compile(example!.spec);
    expect(result?.ok).toBe(true);
    compiled = result!;
  });

  function predict(batch: SpikeBatch, mode: SampleMode): { predicted: number; counts: number[] } {
    const entry = entryOf(compiled);
    const exit = compiled.layers.length - 1;
    const r = runSample(compiled.config!, compiled.placement!.ordering[exit]!, compiled.layers[exit]!.neuronShape[0], { ...entry, dvs: false }, batch, mode, 1000);
    return { predicted: argmax(r.exitCounts), counts: r.exitCounts };
  }

  it('is the landing example, listed before LeNet, which stays available', () => {
    const ids = service.examples().map((e) => e.id);
    expect(ids[0]).toBe('moving-bar');
    expect(ids).toContain('lenet');
  });

  it('compiles to two chip layers placed on the Speck2f, four output channels', () => {
    expect(compiled.layers).toHaveLength(2);
    expect(compiled.layers[1]!.neuronShape).toEqual([4, 1, 1]);
    expect(compiled.placement?.ordering).toHaveLength(2);
    expect(readFileSync(join(EXAMPLE, 'samples', 'classes.txt'), 'utf8').trim().split('\n')).toEqual([...BAR_DIRECTIONS]);
  });

  for (const mode of ['event', 'timestep'] as const) {
    it(`predicts the generator's direction for one sample of each class (${mode} mode, seeds it was not trained on)`, () => {
      const entry = entryOf(compiled);
      // 100 ms at 200 Hz are the Run tab's generator defaults; 150 ms at 600 Hz another speed and rate.
      for (const [durationMs, rateHz, seed] of [[100, 200, 424_242], [150, 600, 777_001]] as const) {
        BAR_DIRECTIONS.forEach((direction, label) => {
          const batch = movingBar({ shape: entry.shape, durationMs, rateHz, seed, layer: entry.layer, direction });
          const { predicted, counts } = predict(batch, mode);
          expect({ direction, durationMs, rateHz, predicted: BAR_DIRECTIONS[predicted], counts }).toMatchObject({ direction, predicted: direction });
          // A clear answer, not a near tie: the winner has at least 1.3x the runner-up's spikes.
          const [best, second] = [...counts].sort((a, b) => b - a);
          expect(best!).toBeGreaterThanOrEqual(1.3 * second!);
          expect(label).toBe(predicted);
        });
      }
    });
  }

  it('the shipped input (a bar moving down) and each shipped sample are predicted as their class', () => {
    const entry = entryOf(compiled);
    const read = (path: string) => readEventFile(new Uint8Array(readFileSync(path)), 'npy', { inputShape: entry.shape, layer: entry.layer }).batch;
    expect(BAR_DIRECTIONS[predict(read(join(EXAMPLE, 'input.npy')), 'event').predicted]).toBe('down');
    for (const direction of BAR_DIRECTIONS) {
      expect(BAR_DIRECTIONS[predict(read(join(EXAMPLE, 'samples', direction, '1.npy')), 'event').predicted]).toBe(direction);
    }
  });
});

describe('a new user, through the services: the landing project runs on the virtual devkit', () => {
  let dir: string;
  let s: Services;
  let dispatcher: Dispatcher;
  const seen: Array<{ channel: EventChannel; payload: unknown }> = [];

  async function call<C extends RequestChannel>(channel: C, req: RequestOf<C>): Promise<ReplyOf<C>> {
    const reply = await dispatcher.dispatch(channel, req);
    if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`);
    return reply.value as ReplyOf<C>;
  }

  function ended(runId: number): Promise<EventOf<'run.ended'>> {
    const done = seen.find((e) => e.channel === 'run.ended' && (e.payload as EventOf<'run.ended'>).runId === runId);
    if (done) return Promise.resolve(done.payload as EventOf<'run.ended'>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`run ${runId} did not end within 60 s`)), 60_000);
      const off = s.bus.subscribe((c, p) => {
        if (c === 'run.ended' && (p as EventOf<'run.ended'>).runId === runId) {
          clearTimeout(timer);
          off();
          resolve(p as EventOf<'run.ended'>);
        }
      });
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dcnn-moving-bar-'));
    s = await createServices({ dataDir: dir, mode: 'web', usb: false });
    dispatcher = createWorkbenchDispatcher(s, () => undefined);
    s.bus.subscribe((channel, payload) => seen.push({ channel, payload }));
  });

  afterAll(async () => {
    await s.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the first example's project predicts 'down' for its input and the generator's direction for a generated bar", async () => {
    const [first] = await call('examples.list', {});
    expect(first?.id).toBe('moving-bar');
    expect(first?.inputName).toBe('input.npy');
    await call('project.new', { name: 'landing', exampleId: first!.id });
    const run = await call('run.start', { deviceId: 'sim-speck2fdevkit:0', model: first!.spec, input: { kind: 'example', exampleId: first!.id } });
    const summary = await ended(run.runId);
    expect(summary.status).toBe('completed');
    expect(BAR_DIRECTIONS[summary.predicted!]).toBe('down');
    const generated = await call('run.start', {
      deviceId: 'sim-speck2fdevkit:0',
      model: first!.spec,
      input: { kind: 'generator', generator: 'moving-bar', durationMs: 100, rateHz: 200, seed: 5, direction: 'left' },
    });
    expect(BAR_DIRECTIONS[(await ended(generated.runId)).predicted!]).toBe('left');
  });
});
