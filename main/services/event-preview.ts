// events.preview: what the Run tab shows of an event file before it is run. A camera
// recording gets its raw event-count image, the input mapping's (the user's, or the one
// that fits the sensor to the model) and what the mapping would drop; a .npy / CSV file
// only its format, since it is sent as it is. Files from OFF_THREAD_BYTES on are decoded
// in a worker thread, so the host keeps serving while a large recording is counted.

import type { CountImageView, DvsLayerFitView, EventPreviewRequest, EventPreviewView, InputMappingView } from '../../preload/api.js';
import { describeDvsLayerFields, fitDvsLayer } from '../formats/events/dvs-layer-fit.js';
import { detectEventInputFormat, isCameraFormat } from '../formats/event-files.js';
import { CAMERA_FORMAT_LABEL } from '../formats/events/event-decoder.js';
import { mappedSize } from '../formats/events/input-mapping.js';
import { previewCameraMapping, type CountImage, type MappingPreview } from '../formats/events/mapping-preview.js';
import { OFF_THREAD_BYTES } from '../threads/event-file-reader.js';
import { previewMappingOffThread } from '../threads/mapping-preview-reader.js';
import { ServiceError } from './service-error.js';

const CHUNK = 1 << 20;

function imageView(i: CountImage): CountImageView {
  return { width: i.width, height: i.height, binning: i.binning, counts: new Uint8Array(i.counts.buffer, i.counts.byteOffset, i.counts.byteLength), maxCount: i.maxCount, events: i.events };
}

export function previewView(p: MappingPreview, shape: readonly [number, number, number]): EventPreviewView {
  const fileSensor = p.report.sensor;
  let mappedShape: EventPreviewView['mappedShape'] = null;
  if (!p.problem) {
    const s = mappedSize(p.mapping, p.sensor);
    mappedShape = [s.channels, s.height, s.width];
  }
  const notes = [...p.notes];
  if (mappedShape && (mappedShape[1] !== shape[1] || mappedShape[2] !== shape[2] || mappedShape[0] > shape[0])) {
    notes.unshift(`the mapping gives ${mappedShape.join('x')} and the model takes ${shape.join('x')}: events outside the model's input are dropped`);
  }
  return {
    camera: true,
    format: CAMERA_FORMAT_LABEL[p.format],
    events: p.report.events,
    spanUs: p.firstUs !== null && p.lastUs !== null ? Math.max(0, p.lastUs - p.firstUs) : 0,
    sensor: fileSensor ? { width: fileSensor.width, height: fileSensor.height } : null,
    extent: p.extent,
    suggested: p.suggested,
    mapping: p.mapping,
    raw: imageView(p.raw),
    mapped: p.mapped ? imageView(p.mapped) : null,
    mappedShape,
    problem: p.problem,
    kept: p.mapped ? p.mapped.events : 0,
    notes,
    dvsLayer: p.problem ? null : dvsLayerFitView(p.mapping, p.sensor),
  };
}

/** The DVS layer's answer for a previewed mapping. The model's own use of the DVS layer is checked when the run starts. */
function dvsLayerFitView(mapping: InputMappingView, sensor: { width: number; height: number } | null): DvsLayerFitView {
  const { dvsLayer: _wanted, ...host } = mapping;
  const fit = fitDvsLayer(host, { sensor, modelUsesDvsLayer: false });
  return fit.ok ? { fits: true, fields: fit.fields, summary: describeDvsLayerFields(fit.fields) } : { fits: false, reasons: fit.reasons };
}

/** The camera recording's preview, decoded from the bytes in memory (chunk by chunk, as the run's reader does). */
export function previewFromBytes(req: EventPreviewRequest, format: Parameters<typeof previewCameraMapping>[0]): MappingPreview {
  const b = req.bytes;
  return previewCameraMapping(
    format,
    (push) => {
      for (let i = 0; i < b.length; i += CHUNK) push(b.subarray(i, i + CHUNK));
    },
    { inputShape: req.inputShape, ...(req.mapping ? { mapping: req.mapping } : {}), ...(req.sensor ? { sensor: req.sensor } : {}) },
  );
}

export async function previewEventFile(req: EventPreviewRequest): Promise<EventPreviewView> {
  let format;
  try {
    format = detectEventInputFormat(req.name, req.bytes.subarray(0, 64 * 1024));
  } catch (e) {
    throw new ServiceError('BAD_EVENT_FILE', `${req.name}: ${(e as Error).message}`);
  }
  if (!isCameraFormat(format)) {
    return { camera: false, format, events: 0, spanUs: 0, sensor: null, extent: { width: 0, height: 0 }, suggested: {}, mapping: {}, raw: null, mapped: null, mappedShape: null, problem: null, kept: 0, notes: [], dvsLayer: null };
  }
  try {
    const preview = req.bytes.byteLength < OFF_THREAD_BYTES ? previewFromBytes(req, format) : await previewMappingOffThread(req, format);
    return previewView(preview, req.inputShape);
  } catch (e) {
    throw new ServiceError('BAD_EVENT_FILE', `${req.name}: ${(e as Error).message}`);
  }
}
