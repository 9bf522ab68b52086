// A camera recording run from the workspace, through the contract with a real SQLite
// project: events.preview proposes the mapping that fits the 320x240 DVXplorer sample onto
// the landing model's 2x16x16 input, the run takes that mapping, sends exactly the events
// the preview counted, and keeps the mapping with the run. A mapping that does not fit the
// sensor is refused before a run exists; a malformed one never reaches the service.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, ExampleModel, RequestChannel, RequestOf, ReplyOf } from '../../../preload/api.js';
import type { Dispatcher } from '../../../main/ipc/dispatcher.js';
import { createWorkbenchDispatcher } from '../../../main/ipc/workbench-dispatcher.js';
import { createServices, type Services } from '../../../main/services/compose.js';
import { decodeCameraBytes } from '../../../main/formats/events/camera-formats.js';
import { withHdf5Bytes, type H5Dataset } from '../../../main/formats/nir/hdf5-memory.js';
import { packageRoot } from '../../../main/services/package-root.js';

const ROOT = packageRoot();

const RECORDING = join(ROOT, 'test/fixtures/real/events/tonic_sample.aedat4');

describe('a camera recording with its input mapping, from the Run tab', () => {
  let dir: string;
  let s: Services;
  let dispatcher: Dispatcher;
  let example: ExampleModel;
  const bytes = new Uint8Array(readFileSync(RECORDING));

  async function reply<C extends RequestChannel>(channel: C, req: RequestOf<C>) {
    return dispatcher.dispatch(channel, req);
  }
  async function call<C extends RequestChannel>(channel: C, req: RequestOf<C>): Promise<ReplyOf<C>> {
    const r = await reply(channel, req);
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
    return r.value as ReplyOf<C>;
  }
  const endings: Array<EventOf<'run.ended'>> = [];
  function ended(runId: number): Promise<EventOf<'run.ended'>> {
    const seen = endings.find((e) => e.runId === runId);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const off = s.bus.subscribe((c, p) => {
        if (c === 'run.ended' && (p as EventOf<'run.ended'>).runId === runId) {
          off();
          resolve(p as EventOf<'run.ended'>);
        }
      });
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dcnn-mapping-'));
    s = await createServices({ dataDir: dir, mode: 'web', usb: false });
    dispatcher = createWorkbenchDispatcher(s, () => undefined);
    s.bus.subscribe((c, p) => {
      if (c === 'run.ended') endings.push(p as EventOf<'run.ended'>);
    });
    example = (await call('examples.list', {}))[0]!;
    await call('project.new', { name: 'camera', exampleId: example.id });
  });

  afterAll(async () => {
    await s.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('previews the fit of the sensor, runs with it and records it with the run', async () => {
    const preview = await call('events.preview', { name: 'tonic_sample.aedat4', bytes, inputShape: [2, 16, 16] });
    expect(preview.camera).toBe(true);
    expect(preview.sensor).toEqual({ width: 320, height: 240 });
    expect(preview.events).toBe(111954);
    // 320x240 onto 16x16: the centred 240x240 square (x 40), 240 / 16 = 15.
    expect(preview.suggested).toEqual({ crop: { x: 40, y: 0, width: 240, height: 240 }, downsample: { factor: 15 } });
    expect(preview.mappedShape).toEqual([2, 16, 16]);
    // 76 800 pixels are more than the 65 536 a preview image holds: binned 2x2.
    expect(preview.raw).toMatchObject({ width: 160, height: 120, binning: 2, events: 111954 });
    expect(preview.mapped).toMatchObject({ width: 16, height: 16 });
    expect(preview.kept).toBeGreaterThan(0);
    expect(preview.kept).toBeLessThan(111954);

    const started = await call('run.start', {
      deviceId: 'sim-speck2fdevkit:0',
      model: example.spec,
      input: { kind: 'file', name: 'tonic_sample.aedat4', bytes, mapping: preview.suggested },
    });
    const done = ended(started.runId);
    expect(started.eventsInTotal).toBe(preview.kept);
    const summary = await done;
    expect(summary.eventsIn).toBe(preview.kept);
    const run = (await call('runs.list', {})).find((r) => r.id === started.runId)!;
    expect(run.inputMapping).toBe('crop 40,0 240x240, downsample 15');
    expect(run.input).toBe('tonic_sample.aedat4 (input mapping: crop 40,0 240x240, downsample 15)');
    const info = await call('recording.info', { runId: started.runId, stream: 'input' });
    expect(info.count).toBe(preview.kept);
  });

  it('exports the run from the window: HDF5 and AEDAT4 of its input, read back, in pieces until done', async () => {
    const runId = (await call('runs.list', {}))[0]!.id;
    const download = async (format: 'h5' | 'aedat4') => {
      const view = await call('run.export', { runId, stream: 'input', format });
      const parts: Uint8Array[] = [];
      for (let offset = 0; ; ) {
        const piece = await call('export.read', { exportId: view.exportId, offset });
        parts.push(piece.bytes);
        offset += piece.bytes.byteLength;
        if (piece.done) break;
      }
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
      expect(bytes.length).toBe(view.bytes);
      const again = await reply('export.read', { exportId: view.exportId, offset: 0 });
      expect(again.ok ? null : again.error.code).toBe('UNKNOWN_EXPORT');
      return { view, bytes };
    };
    const h5 = await download('h5');
    expect(h5.view.name).toBe(`run-${runId}-input.h5`);
    const info = await call('recording.info', { runId, stream: 'input' });
    expect(h5.view.events).toBe(info.count);
    await withHdf5Bytes(h5.bytes, (f) => {
      expect((f.get('t') as H5Dataset).shape).toEqual([info.count]);
      expect(Number(f.attrs['run']?.value)).toBe(runId);
      expect(f.attrs['input']?.value).toBe('tonic_sample.aedat4 (input mapping: crop 40,0 240x240, downsample 15)');
    });
    const aedat = await download('aedat4');
    const back = decodeCameraBytes(aedat.bytes, 'aedat4');
    expect(back.events.length).toBe(info.count);
    expect(back.report.sensor).toMatchObject({ width: 16, height: 16 });
  });

  it('a recording that names no sensor size (N-MNIST .bin) maps against the extent of its events, as previewed', async () => {
    const bin = new Uint8Array(readFileSync(join(ROOT, 'test/fixtures/real/events/tonic_sample_nmnist.bin')));
    const preview = await call('events.preview', { name: 'digit.bin', bytes: bin, inputShape: [2, 16, 16] });
    expect(preview.sensor).toBeNull();
    expect(preview.extent).toEqual({ width: 34, height: 34 });
    // 34x34 onto 16x16: same aspect, 34 / 16 is no whole factor.
    expect(preview.suggested).toEqual({ downsample: { width: 16, height: 16 } });
    const input = { kind: 'file' as const, name: 'digit.bin', bytes: bin, mapping: preview.suggested };
    const without = await reply('run.start', { deviceId: 'sim-speck2fdevkit:0', model: example.spec, input });
    expect(without.ok ? null : without.error.code).toBe('BAD_INPUT_MAPPING');
    const started = await call('run.start', { deviceId: 'sim-speck2fdevkit:0', model: example.spec, input: { ...input, sensor: preview.extent } });
    const done = await ended(started.runId);
    expect(done.eventsIn).toBe(preview.kept);
    expect(preview.kept).toBe(4325);
  });

  it("on the chip's DVS layer: the preview says whether it fits (and why not), the run sends the raw events and answers as the host mapping does", async () => {
    const far = await call('events.preview', { name: 'tonic_sample.aedat4', bytes, inputShape: [2, 16, 16] });
    expect(far.dvsLayer).toEqual({
      fits: false,
      reasons: ['the sensor is 320x240 pixels and the DVS layer takes events of a 128x128 pixel array at most', 'downsampling by 15: the DVS layer pools by 1, 2, 4 only'],
    });
    const bin = new Uint8Array(readFileSync(join(ROOT, 'test/fixtures/real/events/tonic_sample_nmnist.bin')));
    const mapping = { crop: { x: 0, y: 0, width: 32, height: 32 }, downsample: { factor: 2 } };
    const sensor = { width: 34, height: 34 };
    const preview = await call('events.preview', { name: 'digit.bin', bytes: bin, inputShape: [2, 16, 16], mapping: { ...mapping, dvsLayer: true }, sensor });
    expect(preview.dvsLayer).toMatchObject({ fits: true, summary: 'pooling 2x2, origin 0,0, cut 15,15' });
    const runWith = async (m: typeof mapping & { dvsLayer?: boolean }) => {
      const started = await call('run.start', { deviceId: 'sim-speck2fdevkit:0', model: example.spec, input: { kind: 'file', name: 'digit.bin', bytes: bin, mapping: m, sensor } });
      return { started, summary: await ended(started.runId), run: (await call('runs.list', {})).find((r) => r.id === started.runId)! };
    };
    const host = await runWith(mapping);
    const chip = await runWith({ ...mapping, dvsLayer: true });
    // Every event goes to the chip (4325); the host sends only those inside the crop.
    expect(chip.started.eventsInTotal).toBe(4325);
    expect(host.started.eventsInTotal).toBe(preview.kept);
    expect(chip.summary.exitCounts).toEqual(host.summary.exitCounts);
    expect(chip.summary.perLayer).toEqual(host.summary.perLayer);
    expect(chip.run.inputMapping).toBe("crop 0,0 32x32, downsample 2; on the chip's DVS layer (pooling 2x2, origin 0,0, cut 15,15)");
    expect(chip.run.input).toBe("digit.bin (input mapping: crop 0,0 32x32, downsample 2; on the chip's DVS layer: pooling 2x2, origin 0,0, cut 15,15)");
  });

  it('names the crop when it reaches outside the sensor, and refuses the run before it exists', async () => {
    const mapping = { crop: { x: 300, y: 0, width: 100, height: 100 } };
    const preview = await call('events.preview', { name: 'tonic_sample.aedat4', bytes, inputShape: [2, 16, 16], mapping });
    expect(preview.problem).toEqual({ field: 'crop', message: 'the crop 300,0 100x100 reaches outside the 320x240 sensor' });
    expect(preview.mapped).toBeNull();
    const before = (await call('runs.list', {})).length;
    const r = await reply('run.start', { deviceId: 'sim-speck2fdevkit:0', model: example.spec, input: { kind: 'file', name: 'tonic_sample.aedat4', bytes, mapping } });
    expect(r.ok ? null : r.error.code).toBe('BAD_INPUT_MAPPING');
    expect((await call('runs.list', {})).length).toBe(before);
  });

  it('refuses a malformed mapping at the contract, and a mapping for a .npy file', async () => {
    const bad = await reply('run.start', { deviceId: 'sim-speck2fdevkit:0', model: example.spec, input: { kind: 'file', name: 'x.aedat4', bytes, mapping: { downsample: { factor: 0 } } } });
    expect(bad.ok ? null : bad.error.code).toBe('INVALID_PAYLOAD');
    const npy = new Uint8Array(readFileSync(join(ROOT, 'examples/moving-bar/input.npy')));
    const preview = await call('events.preview', { name: 'input.npy', bytes: npy, inputShape: [2, 16, 16] });
    expect(preview).toMatchObject({ camera: false, format: 'npy', raw: null });
    const r = await reply('run.start', { deviceId: 'sim-speck2fdevkit:0', model: example.spec, input: { kind: 'file', name: 'input.npy', bytes: npy, mapping: { polarity: 'merge' } } });
    expect(r.ok ? null : r.error.code).toBe('BAD_INPUT_MAPPING');
  });
});
