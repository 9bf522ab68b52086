// The '%' header of Prophesee .raw files (EVT 2.0 / EVT 3.0): which encoding, and the
// sensor size. Newer files say it outright ("% format EVT3;height=720;width=1280" or
// "% geometry 1280x720"); older ones only name the camera plugin, whose sensor the
// Prophesee camera line-up fixes (Gen3 = VGA 640x480, Gen4/IMX636 = HD 1280x720,
// GenX320 = 320x320).

import type { SensorSize } from './event-decoder.js';
import { headerKeys } from './text-header.js';

export interface RawHeaderInfo {
  /** 2 or 3 when the header says so, else null. */
  evt: 2 | 3 | 21 | null;
  sensor: SensorSize | null;
}

const PLUGIN_SENSORS: readonly [RegExp, number, number][] = [
  [/genx320|imx8/i, 320, 320],
  [/gen4|imx636|gen41/i, 1280, 720],
  [/gen3|gen31/i, 640, 480],
];

export function readRawHeader(lines: readonly string[]): RawHeaderInfo {
  const keys = headerKeys(lines);
  let evt: RawHeaderInfo['evt'] = null;
  let sensor: SensorSize | null = null;
  const format = keys.get('format');
  if (format) {
    const parts = format.split(';');
    const name = parts[0]!.trim().toUpperCase();
    if (name === 'EVT3') evt = 3;
    else if (name === 'EVT2') evt = 2;
    else if (name === 'EVT21') evt = 21;
    const kv = new Map(parts.slice(1).map((s) => s.split('=').map((v) => v.trim()) as [string, string]));
    const w = Number(kv.get('width'));
    const h = Number(kv.get('height'));
    if (w > 0 && h > 0) sensor = { width: w, height: h, source: 'file header (format)' };
  }
  const v = keys.get('evt');
  if (evt === null && v) {
    if (v.startsWith('3')) evt = 3;
    else if (v === '2.1') evt = 21;
    else if (v.startsWith('2')) evt = 2;
  }
  const geometry = /^(\d+)\s*x\s*(\d+)$/.exec(keys.get('geometry') ?? '');
  if (!sensor && geometry) sensor = { width: Number(geometry[1]), height: Number(geometry[2]), source: 'file header (geometry)' };
  const plugin = keys.get('plugin_name');
  if (!sensor && plugin) {
    for (const [re, w, h] of PLUGIN_SENSORS) {
      if (re.test(plugin)) {
        sensor = { width: w, height: h, source: `camera plugin ${plugin}` };
        break;
      }
    }
  }
  return { evt, sensor };
}
