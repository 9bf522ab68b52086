// The '%' header of Prophesee .raw files (EVT 2.0 / EVT 3.0): which encoding, and the
// sensor size. Newer files say it outright ("% format EVT3;height=720;width=1280" or
// "% geometry 1280x720"); older ones only name the camera plugin, whose sensor the
// Prophesee camera line-up fixes (Gen3 = VGA 640x480, Gen4/IMX636 = HD 1280x720,
// GenX320 = 320x320).

import type { ByteQueue } from './byte-queue.js';
import type { DecodeState, SensorSize } from './event-decoder.js';
import { headerKeys, MAX_TEXT_HEADER, scanTextHeader } from './text-header.js';

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

const EVT_NAMES: Record<number, string> = { 2: '2.0', 21: '2.1', 3: '3.0' };

/**
 * The text header at the start of an EVT 2.0 / 3.0 stream, shared by both decoders: the
 * bytes after it once it is complete (the sensor size goes into `state`), or null while
 * it is still incomplete (the bytes are kept in `queue` for the next chunk).
 */
export function consumeRawHeader(b: Uint8Array, evt: 2 | 3, state: DecodeState, queue: ByteQueue): Uint8Array | null {
  const h = scanTextHeader(b, 0x25, ['% end']);
  if (!h) {
    if (b.length > MAX_TEXT_HEADER) state.fail('HEADER_TOO_LARGE', `no end of the '%' header in the first ${MAX_TEXT_HEADER} bytes`, { limit: MAX_TEXT_HEADER });
    queue.keep(b, 0);
    return null;
  }
  const info = readRawHeader(h.lines);
  if (info.evt !== null && info.evt !== evt) {
    state.fail('BAD_HEADER', `the header says the events are EVT ${EVT_NAMES[info.evt] ?? info.evt}, not EVT ${EVT_NAMES[evt]}; read it as that format`, { evt: info.evt });
  }
  state.sensor = info.sensor;
  return b.subarray(h.end);
}
