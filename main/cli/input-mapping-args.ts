// The input-mapping options of `dcnn run` and `dcnn events convert`, from the command line
// to an InputMapping: --window FROM:TO (µs after the first event), --crop X,Y,W,H,
// --downsample F | WxH, --polarity two|merge|on|off, --refractory US, --sensor WxH (the
// sensor size, for formats whose files do not carry it).

import type { InputMapping } from '../formats/events/input-mapping.js';
import { CliError } from './cli-io.js';

export const INPUT_MAPPING_OPTIONS = {
  window: { type: 'string' },
  crop: { type: 'string' },
  downsample: { type: 'string' },
  polarity: { type: 'string' },
  refractory: { type: 'string' },
  sensor: { type: 'string' },
} as const;

export const INPUT_MAPPING_USAGE = '[--window FROM:TO] [--crop X,Y,W,H] [--downsample F|WxH] [--polarity two|merge|on|off] [--refractory US] [--sensor WxH]';

function numbers(text: string, sep: RegExp, count: number, option: string, example: string): number[] {
  const parts = text.trim().split(sep);
  const values = parts.map((p) => (/^\d+(\.\d+)?$/.test(p.trim()) ? Number(p) : NaN));
  if (parts.length !== count || values.some((v) => Number.isNaN(v))) throw new CliError(`--${option} must look like ${example}; got "${text}"`);
  return values;
}

export function parseSensorSize(text: string | undefined): { width: number; height: number } | undefined {
  if (text === undefined) return undefined;
  const [width, height] = numbers(text, /x/i, 2, 'sensor', '346x260');
  return { width: width!, height: height! };
}

export function parseInputMapping(values: Partial<Record<keyof typeof INPUT_MAPPING_OPTIONS, string | undefined>>): InputMapping | undefined {
  const m: InputMapping = {};
  if (values.window !== undefined) {
    const [fromUs, toUs] = numbers(values.window, /:/, 2, 'window', '0:500000 (µs after the first event)');
    m.window = { fromUs: fromUs!, toUs: toUs! };
  }
  if (values.crop !== undefined) {
    const [x, y, width, height] = numbers(values.crop, /,/, 4, 'crop', '10,20,64,64 (x, y, width, height)');
    m.crop = { x: x!, y: y!, width: width!, height: height! };
  }
  if (values.downsample !== undefined) {
    if (/x/i.test(values.downsample)) {
      const [width, height] = numbers(values.downsample, /x/i, 2, 'downsample', '2 (a factor) or 34x34 (a target size)');
      m.downsample = { width: width!, height: height! };
    } else {
      m.downsample = { factor: numbers(values.downsample, /,/, 1, 'downsample', '2 (a factor) or 34x34 (a target size)')[0]! };
    }
  }
  if (values.polarity !== undefined) {
    const p = values.polarity;
    if (p !== 'two' && p !== 'merge' && p !== 'on' && p !== 'off') throw new CliError(`--polarity must be two, merge, on or off; got "${p}"`);
    m.polarity = p;
  }
  if (values.refractory !== undefined) m.refractoryUs = numbers(values.refractory, /,/, 1, 'refractory', '1000 (µs)')[0]!;
  return Object.keys(m).length > 0 ? m : undefined;
}
