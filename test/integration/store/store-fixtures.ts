// Shared pieces of the store integration tests: temporary folders, a fingerprint of a
// file and its SQLite side files (to prove a refused file was not touched), a model
// version, and a deterministic event stream whose every event is given by a formula
// (so expected events are written out here, not produced by the code under test).

import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocateBatch, type SpikeBatch, type SpikeEvent } from '../../../main/common/spike-batch.js';
import type { ModelVersionInput } from '../../../main/store/project.js';

export function makeTempDirs() {
  const dirs: string[] = [];
  return {
    make(): string {
      const dir = mkdtempSync(join(tmpdir(), 'dcnn-store-test-'));
      dirs.push(dir);
      return dir;
    },
    cleanup(): void {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** SHA-256 of the file plus which of its -wal/-shm/-journal side files exist. */
export function fingerprint(path: string): { sha256: string; sideFiles: string[] } {
  return {
    sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
    sideFiles: ['-wal', '-shm', '-journal'].filter((s) => existsSync(path + s)),
  };
}

export const MODEL: ModelVersionInput = {
  name: 'lenet',
  modelText: 'nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU())',
  weights: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
  inputShape: [1, 28, 28],
  device: 'speck2fdevkit',
  compileOptions: { placement: 'auto' },
  configJson: '{"cores":[]}',
};

/**
 * Event i of the test stream: three events share each timestamp, 7 µs apart, starting at
 * 1000 µs; layer i mod 3, channel 5i mod 17, x 3i mod 64, y 11i mod 64.
 */
export function streamEvent(i: number): SpikeEvent {
  return { t: 1000 + 7 * Math.floor(i / 3), layer: i % 3, channel: (5 * i) % 17, x: (3 * i) % 64, y: (11 * i) % 64 };
}

/** Events [from, from + n) of the test stream as a batch. */
export function streamBatch(from: number, n: number): SpikeBatch {
  const b = allocateBatch(n);
  for (let k = 0; k < n; k++) {
    const e = streamEvent(from + k);
    b.t[k] = e.t;
    b.layer[k] = e.layer;
    b.channel[k] = e.channel;
    b.x[k] = e.x;
    b.y[k] = e.y;
  }
  return b;
}

/** Index of the first event of the test stream with t >= time. */
export function streamIndexAt(time: number): number {
  // t(i) = 1000 + 7 * floor(i / 3) >= time  <=>  floor(i / 3) >= ceil((time - 1000) / 7)
  return Math.max(0, 3 * Math.ceil((time - 1000) / 7));
}

/** Checks a batch against the test stream from event `from`; returns the first mismatch or -1. */
export function firstMismatch(batch: SpikeBatch, from: number): number {
  for (let k = 0; k < batch.length; k++) {
    const e = streamEvent(from + k);
    if (batch.t[k] !== e.t || batch.layer[k] !== e.layer || batch.channel[k] !== e.channel || batch.x[k] !== e.x || batch.y[k] !== e.y) return k;
  }
  return -1;
}
