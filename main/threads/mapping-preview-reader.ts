// The input mapping's preview of a large camera recording, counted in a worker thread
// (one per request; the thread ends with it). The bytes are copied to the worker; the
// caller keeps its own.

import type { CameraFormat } from '../formats/events/event-decoder.js';
import type { InputMapping } from '../formats/events/input-mapping.js';
import type { MappingPreview } from '../formats/events/mapping-preview.js';
import type { MappingPreviewJob, MappingPreviewReply } from './mapping-preview-worker.js';
import { spawnWorker } from './spawn-worker.js';

export async function previewMappingOffThread(
  req: { bytes: Uint8Array; inputShape: readonly [number, number, number]; mapping?: InputMapping; sensor?: { width: number; height: number } },
  format: CameraFormat,
): Promise<MappingPreview> {
  const worker = spawnWorker(new URL('./mapping-preview-worker.js', import.meta.url));
  try {
    const reply = await new Promise<MappingPreviewReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the preview thread ended (exit code ${code})`)));
      const job: MappingPreviewJob = { bytes: req.bytes, format, inputShape: req.inputShape, ...(req.mapping ? { mapping: req.mapping } : {}), ...(req.sensor ? { sensor: req.sensor } : {}) };
      worker.postMessage(job);
    });
    if (!reply.ok) throw new Error(reply.message);
    return reply.preview;
  } finally {
    await worker.terminate();
  }
}
