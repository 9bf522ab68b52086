// Worker-thread side of the input mapping's preview: decodes one camera recording held in
// memory and counts its raw and mapped events (main/formats/events/mapping-preview.ts),
// so a large recording does not hold up the host's thread. Start it through
// mapping-preview-reader.ts.

import { parentPort } from 'node:worker_threads';
import type { CameraFormat } from '../formats/events/event-decoder.js';
import { previewCameraMapping, type MappingPreview } from '../formats/events/mapping-preview.js';
import type { InputMapping } from '../formats/events/input-mapping.js';
import { loadPacketCodecs } from './lz4-wasm.js';

export interface MappingPreviewJob {
  bytes: Uint8Array;
  format: CameraFormat;
  inputShape: readonly [number, number, number];
  mapping?: InputMapping;
  sensor?: { width: number; height: number };
}

export type MappingPreviewReply = { ok: true; preview: MappingPreview } | { ok: false; message: string };

if (!parentPort) throw new Error('mapping-preview-worker.ts must run in a worker thread');
const port = parentPort;
const CHUNK = 1 << 20;

port.once('message', async (job: MappingPreviewJob) => {
  try {
    const codecs = job.format === 'aedat4' ? await loadPacketCodecs() : {};
    const b = job.bytes;
    const preview = previewCameraMapping(
      job.format,
      (push) => {
        for (let i = 0; i < b.length; i += CHUNK) push(b.subarray(i, i + CHUNK));
      },
      { inputShape: job.inputShape, ...(job.mapping ? { mapping: job.mapping } : {}), ...(job.sensor ? { sensor: job.sensor } : {}) },
      codecs,
    );
    port.postMessage({ ok: true, preview } satisfies MappingPreviewReply, [preview.raw.counts.buffer as ArrayBuffer, ...(preview.mapped ? [preview.mapped.counts.buffer as ArrayBuffer] : [])]);
  } catch (e) {
    port.postMessage({ ok: false, message: (e as Error).message } satisfies MappingPreviewReply);
  }
});
