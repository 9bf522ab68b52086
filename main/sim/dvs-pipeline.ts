// The DVS pre-processing layer as a pure mapping of one sensor event (chip.md §12):
// polarity select / merge -> sum pooling (x and y separately) -> ROI (inclusive cut) ->
// re-base to the ROI origin -> mirror within the ROI -> x/y swap. Monitoring, routing
// and counting are the engine's; this only says where an event ends up, or why not.

import type { DvsRuntime } from './chip-loader.js';
import { DROP } from './sim-counters.js';

/** Side of the DVS pixel array (chip.md §6). */
export const DVS_ARRAY_SIZE = 128;

/**
 * Maps sensor event (polarity p, column x, row y). On success writes [channel, x, y] to
 * `out` and returns -1; otherwise returns the DROP index of the reason.
 */
export function mapDvsEvent(dvs: DvsRuntime, p: number, x: number, y: number, out: Int32Array): number {
  if (!dvs.acceptsInput) return DROP.dvs_sensor_disabled;
  if (x >= DVS_ARRAY_SIZE || y >= DVS_ARRAY_SIZE) return DROP.dvs_out_of_range;
  if (p === 1 ? !dvs.on : p === 0 ? !dvs.off : true) return DROP.dvs_polarity;
  const c = dvs.merge ? 0 : p;
  // Sum pooling: every event passes, several positions share one pooled position.
  let px = Math.floor(x / dvs.poolX);
  let py = Math.floor(y / dvs.poolY);
  if (px < dvs.originX || px > dvs.cutX || py < dvs.originY || py > dvs.cutY) return DROP.dvs_roi;
  px -= dvs.originX;
  py -= dvs.originY;
  if (dvs.mirrorX) px = dvs.cutX - dvs.originX - px;
  if (dvs.mirrorY) py = dvs.cutY - dvs.originY - py;
  if (dvs.swap) {
    const t = px;
    px = py;
    py = t;
  }
  out[0] = c;
  out[1] = px;
  out[2] = py;
  return -1;
}

/** Output map (channels, rows, columns) of the DVS layer. */
export function dvsOutputShape(dvs: DvsRuntime): [number, number, number] {
  const h = dvs.cutY - dvs.originY + 1;
  const w = dvs.cutX - dvs.originX + 1;
  return [dvs.merge ? 1 : 2, dvs.swap ? w : h, dvs.swap ? h : w];
}
