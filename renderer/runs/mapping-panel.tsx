// The input mapping of a camera recording in the Run tab: time window, crop, downsampling,
// polarity and refractory filter (exactly the stages of main/formats/events/input-mapping.ts),
// done on the host or, where it fits, on the chip's DVS layer (the host says whether),
// starting from the host's fit of the sensor to the model, with the recording's raw
// event-count image next to the mapped one. A field's problem is shown beside it, whether
// the field found it itself or the host did.

import { useEffect, useRef } from 'react';
import type { CountImageView, EventPreviewView, InputMappingView, Shape3 } from '../../preload/api';
import { formatCount, formatMicros } from '../../main/common/number-format';
import { formOf, type FieldErrors, type MappingField, type MappingForm } from './mapping-form';
import type { EventPreviewState } from './use-event-preview';

function countsOf(image: CountImageView): Uint16Array {
  const b = image.counts;
  const aligned = b.byteOffset % 2 === 0 ? b : b.slice();
  return new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
}

/** One count image; `box` (in source pixels) is outlined, e.g. the crop on the raw image. */
function CountCanvas(p: { image: CountImageView; label: string; box?: { x: number; y: number; width: number; height: number } | undefined }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { image, box } = p;
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d') ?? null;
    if (!ctx) return;
    const counts = countsOf(image);
    const data = ctx.createImageData(image.width, image.height);
    const max = Math.max(1, image.maxCount);
    for (let k = 0; k < counts.length; k++) {
      const c = counts[k]!;
      // As the run's input frames: white is no event, the busiest pixel black (square root, so a few events still show).
      const v = c === 0 ? 255 : Math.round(200 * (1 - Math.sqrt(c / max)));
      data.data[4 * k] = v;
      data.data[4 * k + 1] = v;
      data.data[4 * k + 2] = v;
      data.data[4 * k + 3] = 255;
    }
    ctx.putImageData(data, 0, 0);
    if (box) {
      const b = image.binning;
      ctx.strokeStyle = '#d0342c';
      ctx.lineWidth = 1;
      ctx.strokeRect(box.x / b + 0.5, box.y / b + 0.5, Math.max(1, box.width / b - 1), Math.max(1, box.height / b - 1));
    }
  }, [image, box]);
  return <canvas ref={canvas} width={image.width} height={image.height} role="img" aria-label={p.label} />;
}

export function MappingPreviews({ preview }: { preview: EventPreviewView }) {
  const raw = preview.raw;
  const mapped = preview.mapped;
  const sensor = preview.sensor ?? preview.extent;
  return (
    <div className="mapping-previews">
      {raw && (
        <figure>
          <CountCanvas
            image={raw}
            box={preview.mapping.crop}
            label={`Raw recording: ${sensor.width}×${sensor.height} pixels, ${raw.events} events${preview.mapping.crop ? ', the crop outlined' : ''}`}
          />
          <figcaption className="small quiet">
            raw {sensor.width}×{sensor.height}
            {raw.binning > 1 ? ` (1:${raw.binning})` : ''} · {formatCount(raw.events)}
          </figcaption>
        </figure>
      )}
      <figure>
        {mapped ? (
          <CountCanvas image={mapped} label={`Mapped input: ${mapped.width}×${mapped.height} pixels, ${mapped.events} events to the model`} />
        ) : (
          <div className="mapping-empty small quiet">no mapped input</div>
        )}
        <figcaption className="small quiet">
          mapped {preview.mappedShape ? preview.mappedShape.join('×') : '—'} · {formatCount(preview.kept)}
        </figcaption>
      </figure>
    </div>
  );
}

function FieldError({ errors, field }: { errors: FieldErrors; field: MappingField }) {
  const e = errors[field];
  return e ? (
    <p className="field-error small" role="alert" data-field={field}>
      {e}
    </p>
  ) : null;
}

/** What the chip's DVS layer would do with the mapping, or why it cannot (the host then maps, and the run says so). */
function DvsLayerNote({ fit }: { fit: EventPreviewView['dvsLayer'] }) {
  if (!fit) return null;
  if (fit.fits) {
    return (
      <p className="small quiet" data-testid="dvs-layer-fit">
        The chip&apos;s DVS layer does it ({fit.summary}); the sensor&apos;s raw events are sent, the time window stays on the host.
      </p>
    );
  }
  return (
    <p className="warn-text small" data-testid="dvs-layer-fit" role="status">
      Not available on the chip&apos;s DVS layer, so the host maps it: {fit.reasons.join('; ')}.
    </p>
  );
}

const POLARITY_TEXT: Record<NonNullable<InputMappingView['polarity']>, string> = {
  two: '2 channels: OFF 0, ON 1',
  merge: 'merged: 1 channel',
  on: 'ON only',
  off: 'OFF only',
};

/** `hostOnly`: the mapping is always done on the host (a dataset evaluation feeds the simulator), so there is no choice of where. */
export function MappingPanel(p: { form: MappingForm; onForm(f: MappingForm): void; errors: FieldErrors; state: EventPreviewState; inputShape: Shape3; hostOnly?: boolean }) {
  const { form: f, errors, state } = p;
  const preview = state.preview;
  const set = (patch: Partial<MappingForm>) => p.onForm({ ...f, ...patch });
  const num = (key: keyof MappingForm, label: string, size = 4) => (
    <input className="num" size={size} inputMode="numeric" aria-label={label} value={String(f[key])} onChange={(e) => set({ [key]: e.target.value } as Partial<MappingForm>)} />
  );
  const sensor = preview?.sensor ?? preview?.extent ?? null;
  return (
    <fieldset className="field input-mapping" aria-label="Input mapping">
      <legend>Input mapping</legend>
      {preview && (
        <p className="small quiet" data-testid="recording-facts">
          {preview.format} · {sensor ? `${sensor.width}×${sensor.height}${preview.sensor ? '' : ' (from the events; the file gives no size)'}` : ''} · {formatCount(preview.events)} events over {formatMicros(preview.spanUs)}
        </p>
      )}
      <div className="mapping-row">
        <span className="label">Time window</span> {num('windowFromMs', 'Window from (ms)', 5)} – {num('windowToMs', 'Window to (ms)', 5)} ms
      </div>
      <FieldError errors={errors} field="window" />
      <label className="check">
        <input type="checkbox" checked={f.crop} onChange={(e) => set({ crop: e.target.checked, ...(e.target.checked && f.cropWidth === '' && sensor ? { cropWidth: String(sensor.width), cropHeight: String(sensor.height) } : {}) })} /> Crop
      </label>
      {f.crop && (
        <div className="mapping-row indent">
          x {num('cropX', 'Crop x')} y {num('cropY', 'Crop y')} {num('cropWidth', 'Crop width')}×{num('cropHeight', 'Crop height')}
        </div>
      )}
      <FieldError errors={errors} field="crop" />
      <div className="mapping-row">
        <label>
          <span className="label">Downsample</span>{' '}
          <select value={f.downsample} onChange={(e) => set({ downsample: e.target.value as MappingForm['downsample'], ...(e.target.value === 'size' && f.targetWidth === '' ? { targetWidth: String(p.inputShape[2]), targetHeight: String(p.inputShape[1]) } : {}) })}>
            <option value="none">none</option>
            <option value="factor">by factor</option>
            <option value="size">to size</option>
          </select>
        </label>{' '}
        {f.downsample === 'factor' && num('factor', 'Downsampling factor', 3)}
        {f.downsample === 'size' && (
          <>
            {num('targetWidth', 'Target width')}×{num('targetHeight', 'Target height')}
          </>
        )}
      </div>
      <FieldError errors={errors} field="downsample" />
      <label className="mapping-row wraps">
        <span className="label">Polarity</span>{' '}
        <select value={f.polarity} onChange={(e) => set({ polarity: e.target.value as MappingForm['polarity'] })}>
          {(Object.keys(POLARITY_TEXT) as Array<keyof typeof POLARITY_TEXT>).map((k) => (
            <option key={k} value={k}>
              {POLARITY_TEXT[k]}
            </option>
          ))}
        </select>
      </label>
      <FieldError errors={errors} field="polarity" />
      <div className="mapping-row">
        <span className="label">Refractory</span> {num('refractoryUs', 'Refractory period (µs)', 6)} µs
      </div>
      <FieldError errors={errors} field="refractory" />
      <FieldError errors={errors} field="sensor" />
      {!p.hostOnly && (
        <label className="mapping-row wraps">
          <span className="label">Mapped on</span>{' '}
          <select aria-label="Where the mapping is done" value={f.onChip ? 'dvs' : 'host'} onChange={(e) => set({ onChip: e.target.value === 'dvs' })}>
            <option value="host">the host</option>
            <option value="dvs">the chip&apos;s DVS layer</option>
          </select>
        </label>
      )}
      {f.onChip && !p.hostOnly && <DvsLayerNote fit={preview?.dvsLayer ?? null} />}
      <div className="actions">
        <button type="button" disabled={!preview} onClick={() => preview && p.onForm({ ...formOf(preview.suggested), onChip: f.onChip })}>
          Fit to the model ({p.inputShape.join('×')})
        </button>
        {state.pending && <span className="quiet small"> previewing…</span>}
      </div>
      {state.error && (
        <p className="field-error" role="alert">
          {state.error}
        </p>
      )}
      {preview && <MappingPreviews preview={preview} />}
      {preview?.notes.map((n) => (
        <p key={n} className="warn-text small">
          {n}
        </p>
      ))}
    </fieldset>
  );
}
