// Benchmark of the samna bridge: spike batches through the real bridge process (python3,
// native/samna-bridge) and back, against the fake samna of test/fake-samna (whose chip
// answers every input event with one event per monitored core at once). It measures what
// the workbench's side costs (packing, frames over stdin/stdout, the bridge's conversion
// to samna events and back), which must stay well above a board's few million events/s
// only if the bridge is not to be the bottleneck; a real board and real samna add their
// own costs, not measured here. The bridge reports the seconds of each phase, so the rows
// split the fake's own Python (its chip model, its event constructor) from the bridge's
// conversion and frames. Checks that every event came back; asserts nothing about time.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DeviceRegistry } from '../../main/chips/device-registry.js';
import { allocateBatch, type SpikeBatch } from '../../main/common/spike-batch.js';
import { compileModel } from '../../main/compiler/compile.js';
import type { SamnaDriver } from '../../main/devices/samna-driver.js';
import { SamnaHost } from '../../main/devices/samna-host.js';
import { packageRoot } from '../../main/services/package-root.js';
import { fixtureWeights, loadFixture } from '../helpers/fixtures.js';

type Row = { name: string; value: number; unit: string };

function input(n: number): SpikeBatch {
  const b = allocateBatch(n);
  for (let i = 0; i < n; i++) {
    // One timestamp for all: the bridge waits out the input's time span as a board replays
    // it in real time; equal timestamps leave only the transfer and conversion to time.
    b.t[i] = 1000;
    b.layer[i] = 0;
    b.channel[i] = i % 2;
    b.x[i] = i % 10;
    b.y[i] = (3 * i) % 10;
  }
  return b;
}

export async function runSamnaBench(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dcnn-samna-bench-'));
  const devices = join(dir, 'devices.json');
  writeFileSync(devices, JSON.stringify({ devices: [{ device_type_name: 'Speck2fDevKit', serial_number: 'SN-BENCH', usb_bus_number: 1, usb_device_address: 3, logic_version: 1 }], knobs: {} }));
  const fakeDir = join(packageRoot(), 'test', 'fake-samna');
  const host = new SamnaHost({
    python: [{ command: 'python3', source: 'path' }],
    env: { ...process.env, PYTHONPATH: process.env.PYTHONPATH ? `${fakeDir}${delimiter}${process.env.PYTHONPATH}` : fakeDir, FAKE_SAMNA_DEVICES: devices },
    helloTimeoutMs: 20_000,
    requestTimeoutMs: 20_000,
    timings: { settleS: 0, quietMs: 60, stallMs: 20_000, applyTimeoutMs: 20_000 },
  });
  const rows: Row[] = [];
  const driver = host.create({ id: 'speck2fdevkit:0', type: new DeviceRegistry().get('speck2fdevkit')!, usb: { bus: 1, address: 3, vendorId: 0, productId: 0 } }) as SamnaDriver;
  try {
    const f = loadFixture('two_conv_bias');
    const compiled = compileModel({ source: f.model_text, weights: fixtureWeights(f), inputShape: f.input_shape, device: 'speck2fdevkit' }, { modelKind: f.kind });
    if (!compiled.config) throw new Error(`two_conv_bias does not compile: ${compiled.error?.message}`);
    let t0 = performance.now();
    await driver.open();
    await driver.writeConfig(compiled.config);
    rows.push({ name: 'open + write configuration (fake samna)', value: performance.now() - t0, unit: 'ms' });
    for (const n of [100_000, 1_000_000]) {
      const batch = input(n);
      let back = 0;
      t0 = performance.now();
      const r = await driver.forward(batch, { onOutput: (b) => (back += b.length) });
      const s = (performance.now() - t0) / 1000;
      if (back !== n || r.cancelled) throw new Error(`${n} events in, ${back} back: the round trip lost events`);
      // The pass ends after the output has been quiet for quietMs; that wait is not throughput.
      rows.push({ name: `round trip through the bridge, ${n / 1000}k events (in and back)`, value: n / Math.max(1e-6, s - 0.06), unit: 'events/s' });
      const p = driver.lastPhases;
      if (!p) throw new Error('the bridge reported no phase timings');
      const rate = (sec: number) => n / Math.max(1e-9, sec);
      rows.push({ name: `  ${n / 1000}k: columns to samna events (samna's constructor included)`, value: rate(p.convertIn), unit: 'events/s' });
      rows.push({ name: `  ${n / 1000}k: samna events back to columns`, value: rate(p.convertOut), unit: 'events/s' });
      rows.push({ name: `  ${n / 1000}k: output frames to the workbench`, value: rate(p.send), unit: 'events/s' });
      rows.push({ name: `  ${n / 1000}k: inside samna (write + get_events: the fake's chip model)`, value: rate(p.write + p.read), unit: 'events/s' });
    }
  } finally {
    await driver.close().catch(() => undefined);
    await host.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
