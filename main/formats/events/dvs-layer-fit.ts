// Whether an input mapping can run on the chip's DVS pre-processing layer instead of the
// host (chip.md §6, §12): the DVS layer takes the events of a pixel array of at most
// 128x128, selects or merges polarities, sum-pools by 1, 2 or 4 per axis, then keeps a
// region of interest given in pooled pixels (origin, inclusive cut) and re-bases it. A
// mapping fits when these give exactly what the host's mapping gives
// (./input-mapping.ts): the same events at the same coordinates. Otherwise every reason
// is named and the host maps. The time window is not a pixel mapping: it stays on the
// host (which events are sent) either way. Mirroring is a DVS-layer field the host's
// mapping has no counterpart for, so it is never set here. No I/O.

import { CHIP_LIMITS } from '../../chips/families.js';
import type { DvsLayerFields } from '../../chips/dvs-layer-input.js';
import type { InputMapping } from './input-mapping.js';

export type DvsLayerFit =
  /** `host`: what the host still applies (the time window only). */
  { ok: true; fields: DvsLayerFields; host: InputMapping; sensor: { width: number; height: number } } | { ok: false; reasons: string[] };

export interface DvsLayerFitContext {
  /** The sensor size (the file's header, or --sensor); null when neither gives one. */
  sensor: { width: number; height: number } | null;
  /** The model's own input goes through the DVS layer (leading pooling, --dvs-input). */
  modelUsesDvsLayer: boolean;
}

const POOLS = CHIP_LIMITS.dvsPooling as readonly number[];
const ARRAY = CHIP_LIMITS.dvsSize;

/** Pooling factor per axis the mapping's downsampling asks for, or a reason it has none. */
function poolingOf(m: InputMapping, src: { width: number; height: number }): { x: number; y: number } | string {
  const d = m.downsample;
  if (!d) return { x: 1, y: 1 };
  if ('factor' in d) {
    return POOLS.includes(d.factor) ? { x: d.factor, y: d.factor } : `downsampling by ${d.factor}: the DVS layer pools by ${POOLS.join(', ')} only`;
  }
  const fx = src.width / d.width;
  const fy = src.height / d.height;
  if (POOLS.includes(fx) && POOLS.includes(fy)) return { x: fx, y: fy };
  return `downsampling ${src.width}x${src.height} to ${d.width}x${d.height}: the DVS layer pools each axis by ${POOLS.join(', ')}, so the source must be exactly 1, 2 or 4 times the target on each axis`;
}

/** The DVS layer's fields for `mapping`, or every reason it cannot do it. */
export function fitDvsLayer(mapping: InputMapping, ctx: DvsLayerFitContext): DvsLayerFit {
  const reasons: string[] = [];
  const sensor = ctx.sensor;
  if (ctx.modelUsesDvsLayer)
    reasons.push("the model's own input already goes through the DVS layer (pooling before its first convolution, or --dvs-input), so the layer is not free for the input mapping");
  if (mapping.refractoryUs) reasons.push(`a refractory period (${mapping.refractoryUs} µs) is not something the DVS layer does: its only filter is the hot-pixel filter, a different rule`);
  if (!sensor) {
    reasons.push(`the recording gives no sensor size, so it cannot be checked against the DVS layer's ${ARRAY}x${ARRAY} pixel array: give the sensor size (--sensor WxH)`);
    return { ok: false, reasons };
  }
  if (sensor.width > ARRAY || sensor.height > ARRAY) {
    reasons.push(`the sensor is ${sensor.width}x${sensor.height} pixels and the DVS layer takes events of a ${ARRAY}x${ARRAY} pixel array at most`);
  }
  const crop = mapping.crop ?? { x: 0, y: 0, width: sensor.width, height: sensor.height };
  const pooling = poolingOf(mapping, { width: crop.width, height: crop.height });
  if (typeof pooling === 'string') {
    reasons.push(pooling);
    return { ok: false, reasons };
  }
  // The DVS layer cuts in pooled pixels: the crop's edges must fall on pooling-block edges
  // (or the far edge on the sensor's edge, where the last block is partial on both sides).
  const edges: Array<[string, number, number]> = [
    ['left edge x', crop.x, pooling.x],
    ['top edge y', crop.y, pooling.y],
  ];
  for (const [what, at, f] of edges) if (at % f !== 0) reasons.push(`the crop's ${what} ${at} is not a multiple of the pooling ${f}: the DVS layer cuts in pooled pixels`);
  const right = crop.x + crop.width;
  const bottom = crop.y + crop.height;
  if (right % pooling.x !== 0 && right !== sensor.width)
    reasons.push(`the crop's right edge ${right} is neither a multiple of the pooling ${pooling.x} nor the sensor's edge: the DVS layer cuts in pooled pixels`);
  if (bottom % pooling.y !== 0 && bottom !== sensor.height)
    reasons.push(`the crop's bottom edge ${bottom} is neither a multiple of the pooling ${pooling.y} nor the sensor's edge: the DVS layer cuts in pooled pixels`);
  if (reasons.length > 0) return { ok: false, reasons };
  const polarity = mapping.polarity ?? 'two';
  const fields: DvsLayerFields = {
    merge: polarity !== 'two',
    on_channel: polarity !== 'off',
    off_channel: polarity !== 'on',
    pooling,
    origin: { x: crop.x / pooling.x, y: crop.y / pooling.y },
    cut: { x: Math.ceil(right / pooling.x) - 1, y: Math.ceil(bottom / pooling.y) - 1 },
  };
  return { ok: true, fields, host: mapping.window ? { window: mapping.window } : {}, sensor };
}

/** The fields in words, as a run's label and the CLI say them. */
export function describeDvsLayerFields(f: DvsLayerFields): string {
  const parts = [`pooling ${f.pooling.x}x${f.pooling.y}`, `origin ${f.origin.x},${f.origin.y}`, `cut ${f.cut.x},${f.cut.y}`];
  if (f.merge) parts.push('polarities merged');
  if (!f.on_channel) parts.push('ON events off (on_channel false)');
  if (!f.off_channel) parts.push('OFF events off (off_channel false)');
  return parts.join(', ');
}
