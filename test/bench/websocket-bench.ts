// Spike batches over the web host's WebSocket: packed batches (15 bytes/event) emitted on
// the event bus, encoded, sent over loopback, decoded and unpacked by a client, as the
// browser UI receives a run's monitored events. Figure: events/s end to end.
// Run: npx tsx test/bench/websocket-bench.ts

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { createDispatcher, type Handlers } from '../../main/ipc/dispatcher.js';
import { decodeWire } from '../../main/common/wire-codec.js';
import { EventBus } from '../../main/services/event-bus.js';
import { allocateBatch, packBatch, unpackBatch } from '../../main/common/spike-batch.js';
import { startWebHost } from '../../main/web/web-host.js';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
}

export async function runWebSocketBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dcnn-wsbench-'));
  const bus = new EventBus();
  const host = await startWebHost({ port: 0, staticDir: dir, dispatcher: createDispatcher({} as Handlers), bus });
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`);
  await new Promise((r) => ws.once('open', r));
  const rows: BenchRow[] = [];
  for (const batchEvents of [4096, 65536]) {
    const batch = allocateBatch(batchEvents);
    for (let i = 0; i < batchEvents; i++) {
      batch.t[i] = i * 10;
      batch.x[i] = i % 64;
      batch.y[i] = (i >> 6) % 64;
      batch.channel[i] = i % 32;
      batch.layer[i] = i % 9;
    }
    const packed = packBatch(batch);
    const total = 20_000_000;
    const batches = Math.ceil(total / batchEvents);
    let received = 0;
    let bytes = 0;
    const done = new Promise<void>((resolve) => {
      ws.on('message', function onMessage(data: Buffer) {
        const m = decodeWire(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        bytes += data.byteLength;
        if (m.t === 'evt' && m.channel === 'run.spikes') received += unpackBatch((m.payload as { spikes: Uint8Array }).spikes).length;
        if (received >= batches * batchEvents) {
          ws.off('message', onMessage);
          resolve();
        }
      });
    });
    const t0 = performance.now();
    for (let b = 0; b < batches; b++) {
      bus.emit('run.spikes', { runId: 1, spikes: packed });
      // Let the socket drain like a live run does between simulator batches.
      if (host.bufferedBytes() > 64 * 1024 * 1024) await new Promise((r) => setImmediate(r));
    }
    await done;
    const s = (performance.now() - t0) / 1000;
    rows.push({ name: `spike batches over the WebSocket (${batchEvents} events/batch, loopback, encode+decode+unpack)`, value: received / s / 1e6, unit: 'M events/s' });
    // Spike batches go in the compact spike form (main/common/spike-wire.ts); packed they take 15 bytes an event.
    rows.push({ name: `spike batches over the WebSocket (${batchEvents} events/batch): bytes on the wire per event`, value: bytes / received, unit: 'B/event' });
  }
  ws.close();
  await host.close();
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await runWebSocketBench()) console.log(`${r.name}: ${r.value.toFixed(2)} ${r.unit}`);
}
