// The input mapping as the Run tab's fields hold it (text, in the units a person types:
// the time window in ms, the refractory period in µs) and back. Parsing checks only what
// a field can know alone (a number, a whole one, in range); whether a crop fits the sensor
// is the host's answer (events.preview), shown next to the same field.

import type { EventPreviewView, InputMappingView } from '../../preload/api';

export type MappingField = NonNullable<EventPreviewView['problem']>['field'];
export type FieldErrors = Partial<Record<MappingField, string>>;

export interface MappingForm {
  windowFromMs: string;
  windowToMs: string;
  crop: boolean;
  cropX: string;
  cropY: string;
  cropWidth: string;
  cropHeight: string;
  downsample: 'none' | 'factor' | 'size';
  factor: string;
  targetWidth: string;
  targetHeight: string;
  polarity: NonNullable<InputMappingView['polarity']>;
  refractoryUs: string;
  /** Crop, downsampling and polarity on the chip's DVS layer where they fit it (the host's answer: preview.dvsLayer). */
  onChip: boolean;
}

const ms = (us: number) => String(us / 1000);

export function formOf(m: InputMappingView): MappingForm {
  const d = m.downsample;
  return {
    windowFromMs: m.window ? ms(m.window.fromUs) : '',
    windowToMs: m.window ? ms(m.window.toUs) : '',
    crop: m.crop !== undefined,
    cropX: String(m.crop?.x ?? 0),
    cropY: String(m.crop?.y ?? 0),
    cropWidth: m.crop ? String(m.crop.width) : '',
    cropHeight: m.crop ? String(m.crop.height) : '',
    downsample: !d ? 'none' : 'factor' in d ? 'factor' : 'size',
    factor: d && 'factor' in d ? String(d.factor) : '2',
    targetWidth: d && 'width' in d ? String(d.width) : '',
    targetHeight: d && 'height' in d ? String(d.height) : '',
    polarity: m.polarity ?? 'two',
    refractoryUs: m.refractoryUs ? String(m.refractoryUs) : '',
    onChip: m.dvsLayer === true,
  };
}

function wholeAtLeast(text: string, min: number, what: string): number | string {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return `${what} must be a whole number${min > 0 ? ` of at least ${min}` : ' ≥ 0'}.`;
  const v = Number(t);
  return v < min ? `${what} must be at least ${min}.` : v > 65535 ? `${what} must be at most 65535.` : v;
}

/** The mapping the fields say, and per field what is wrong with it (a mapping with errors is never sent). */
export function mappingOfForm(f: MappingForm): { mapping: InputMappingView; errors: FieldErrors } {
  const mapping: InputMappingView = {};
  const errors: FieldErrors = {};
  const from = f.windowFromMs.trim();
  const to = f.windowToMs.trim();
  if (from !== '' || to !== '') {
    const a = from === '' ? 0 : Number(from);
    const b = Number(to);
    if (!Number.isFinite(a) || a < 0) errors.window = 'The window starts at a number of ms ≥ 0.';
    else if (to === '' || !Number.isFinite(b)) errors.window = 'Give the end of the window in ms (or clear both to use the whole recording).';
    else if (b <= a) errors.window = `The window must end after it starts (${a} ms).`;
    else mapping.window = { fromUs: Math.round(a * 1000), toUs: Math.round(b * 1000) };
  }
  if (f.crop) {
    const vals = [wholeAtLeast(f.cropX, 0, 'The crop x'), wholeAtLeast(f.cropY, 0, 'The crop y'), wholeAtLeast(f.cropWidth, 1, 'The crop width'), wholeAtLeast(f.cropHeight, 1, 'The crop height')];
    const bad = vals.find((v): v is string => typeof v === 'string');
    if (bad) errors.crop = bad;
    else {
      const [x, y, width, height] = vals as number[];
      mapping.crop = { x: x!, y: y!, width: width!, height: height! };
    }
  }
  if (f.downsample === 'factor') {
    const v = wholeAtLeast(f.factor, 1, 'The factor');
    if (typeof v === 'string') errors.downsample = v;
    else mapping.downsample = { factor: v };
  } else if (f.downsample === 'size') {
    const w = wholeAtLeast(f.targetWidth, 1, 'The target width');
    const h = wholeAtLeast(f.targetHeight, 1, 'The target height');
    if (typeof w === 'string') errors.downsample = w;
    else if (typeof h === 'string') errors.downsample = h;
    else mapping.downsample = { width: w, height: h };
  }
  if (f.polarity !== 'two') mapping.polarity = f.polarity;
  const r = f.refractoryUs.trim();
  if (r !== '') {
    const v = Number(r);
    if (!Number.isFinite(v) || v < 0) errors.refractory = 'The refractory period is a number of µs ≥ 0 (empty: none).';
    else if (v > 0) mapping.refractoryUs = v;
  }
  if (f.onChip) mapping.dvsLayer = true;
  return { mapping, errors };
}
