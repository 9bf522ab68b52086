// What a run was fed, as a person would look at it: the input cut into a few equal time
// windows, each an image of how many events fell on each pixel (all channels together).
// Shown beside the outputs so a run's prediction can be read against the input that
// caused it. Bounded whatever the input: frames x H x W 16-bit counts.

import type { SpikeBatch } from './spike-batch.js';

export interface InputPreview {
  frames: number;
  width: number;
  height: number;
  fromUs: number;
  /** Time each frame covers, µs. */
  windowUs: number;
  /** frames x height x width counts (row-major, frame first), saturating at 65535, as little-endian bytes. */
  counts: Uint8Array;
  /** The largest count of any pixel in any frame (for the colour scale). */
  maxCount: number;
}

/** Inputs larger than this many pixels are not previewed (a 128x128 sensor is 16 Ki). */
const MAX_PIXELS = 128 * 128;

export function inputPreview(batch: SpikeBatch, height: number, width: number, frames = 8): InputPreview | null {
  const n = batch.length;
  if (n === 0 || height * width > MAX_PIXELS || height < 1 || width < 1) return null;
  const fromUs = batch.t[0]!;
  const span = Math.max(1, batch.t[n - 1]! - fromUs + 1);
  const windowUs = Math.ceil(span / frames);
  const counts = new Uint16Array(frames * height * width);
  const plane = height * width;
  for (let i = 0; i < n; i++) {
    const x = batch.x[i]!;
    const y = batch.y[i]!;
    if (x >= width || y >= height) continue;
    const f = Math.min(frames - 1, Math.floor((batch.t[i]! - fromUs) / windowUs));
    const k = f * plane + y * width + x;
    if (counts[k]! < 65535) counts[k]!++;
  }
  let maxCount = 0;
  for (let k = 0; k < counts.length; k++) if (counts[k]! > maxCount) maxCount = counts[k]!;
  return { frames, width, height, fromUs, windowUs, counts: new Uint8Array(counts.buffer), maxCount };
}

/** The counts of a preview as numbers again (on the receiving side). */
export function previewCounts(p: InputPreview): Uint16Array {
  const bytes = p.counts;
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  return new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
}
