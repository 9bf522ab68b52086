// The input of a run beside its outputs: one small image per time window, each pixel as
// dark as the events that fell on it (all channels together), on one scale for all
// windows so a quiet window looks quiet.

import { useEffect, useRef } from 'react';
import type { InputPreviewView } from '../../preload/api';
import { formatMicros } from '../../main/common/number-format';
import { previewCounts } from '../../main/common/input-preview';

function Frame(p: { preview: InputPreviewView; counts: Uint16Array; index: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { preview, counts, index } = p;
  const plane = preview.width * preview.height;
  let events = 0;
  for (let k = index * plane; k < (index + 1) * plane; k++) events += counts[k]!;
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d') ?? null;
    if (!ctx) return;
    const image = ctx.createImageData(preview.width, preview.height);
    const max = Math.max(1, preview.maxCount);
    for (let k = 0; k < plane; k++) {
      const c = counts[index * plane + k]!;
      // White is no event; the busiest pixel of the whole input is black.
      const v = c === 0 ? 255 : Math.round(200 * (1 - Math.sqrt(c / max)));
      image.data[4 * k] = v;
      image.data[4 * k + 1] = v;
      image.data[4 * k + 2] = v;
      image.data[4 * k + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  }, [preview, counts, index, plane]);
  const from = preview.fromUs + index * preview.windowUs;
  return (
    <figure className="input-frame">
      <canvas
        ref={canvas}
        width={preview.width}
        height={preview.height}
        role="img"
        aria-label={`Input window ${index + 1} of ${preview.frames}: ${formatMicros(from)} – ${formatMicros(from + preview.windowUs)}, ${events} event${events === 1 ? "" : "s"}`}
      />
      <figcaption className="quiet small">{formatMicros(from)}</figcaption>
    </figure>
  );
}

export function InputFrames({ preview }: { preview: InputPreviewView | null }) {
  if (!preview) return null;
  const counts = previewCounts(preview);
  return (
    <section className="input-frames" aria-label="Run input">
      <h3 className="small">
        Input: {preview.frames} windows of {formatMicros(preview.windowUs)}, darker = more events on a pixel (at most {preview.maxCount})
      </h3>
      <div className="input-frame-row">
        {Array.from({ length: preview.frames }, (_, i) => (
          <Frame key={i} preview={preview} counts={counts} index={i} />
        ))}
      </div>
    </section>
  );
}
