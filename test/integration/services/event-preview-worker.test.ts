// events.preview of a recording of 4 MiB and more is counted in a worker thread: its
// answer is the one the host's own thread gives for the same bytes.

import { describe, expect, it } from 'vitest';
import { OFF_THREAD_BYTES } from '../../../main/threads/event-file-reader.js';
import { previewEventFile, previewFromBytes, previewView } from '../../../main/services/event-preview.js';
import { aedat4, syntheticEvents } from '../../helpers/event-recordings.js';

describe('the input mapping preview of a large recording', () => {
  it('is counted off the host thread and equals the inline count', async () => {
    const bytes = aedat4(syntheticEvents(600_000), 'none');
    expect(bytes.length).toBeGreaterThan(OFF_THREAD_BYTES);
    const req = { name: 'big.aedat4', bytes, inputShape: [2, 32, 32] as [number, number, number] };
    const viaWorker = await previewEventFile(req);
    const inline = previewView(previewFromBytes(req, 'aedat4'), req.inputShape);
    expect(viaWorker).toEqual(inline);
    // 640x480 onto 32x32: the centred 480x480 square (x 80), factor 15.
    expect(viaWorker.suggested).toEqual({ crop: { x: 80, y: 0, width: 480, height: 480 }, downsample: { factor: 15 } });
    expect(viaWorker.raw).toMatchObject({ width: 214, height: 160, binning: 3, events: 600_000 });
  }, 60_000);
});
