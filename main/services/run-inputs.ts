// The input stream of a run: an event file (.npy / CSV / a camera recording: AEDAT, ATIS
// .bin, Prophesee .dat/.raw), an example's shipped events, or a built-in generator, addressed to the model's entry (its first core, or the DVS layer
// when the model has one) and checked against the model's input shape.

import type { InputSource } from '../../preload/api.js';
import type { CompileResult, Shape3 } from '../compiler/compile-types.js';
import { open, stat } from 'node:fs/promises';
import type { EventStream } from '../common/event-stream.js';
import { detectEventInputFormat, isCameraFormat } from '../formats/event-files.js';
import { createCameraDecoder, SNIFF_BYTES } from '../formats/events/camera-formats.js';
import type { CameraFormat } from '../formats/events/event-decoder.js';
import { describeDvsLayerFields, fitDvsLayer } from '../formats/events/dvs-layer-fit.js';
import { describeMapping, InputMappingError, mappedSize, type InputMapping } from '../formats/events/input-mapping.js';
import { storedDvsLayer, type DvsLayerInput } from '../chips/dvs-layer-input.js';
import { ServiceError } from './service-error.js';
import { movingBar, poissonRateImage } from '../sim/input-generators.js';
import { LAYER_DVS, type SpikeBatch } from '../common/spike-batch.js';
import { openEventPathStream, readEventFileOffThread, readEventPathOffThread, type ReadProgress } from '../threads/event-file-reader.js';
import { InputFileError, readBytes } from './model-files.js';
import type { ProjectStore } from '../store/project-store.js';

/** A run's input: held whole (`batch`), or streamed from its file as the device takes it (`stream`). */
export type RunInput = {
  label: string;
  warnings: string[];
  /** The camera recording's input mapping, kept with the run. */
  mapping?: InputMapping;
  /** The mapping runs on the chip's DVS layer: its fields (written with the configuration) and the sensor whose raw events are sent. */
  dvsLayer?: DvsLayerInput;
} & ({ batch: SpikeBatch } | { stream: EventStream });

export function inputEvents(input: RunInput): SpikeBatch | EventStream {
  return 'stream' in input ? input.stream : input.batch;
}

export function inputEventCount(input: RunInput): number {
  return 'stream' in input ? input.stream.total : input.batch.length;
}

/** Event files from this size on are streamed from the file, not held in memory. */
export const STREAM_FROM_BYTES = 32 * 1024 * 1024;

export function entryOf(compiled: CompileResult): { layer: number; shape: Shape3 } {
  if (compiled.dvs) {
    // DVS events carry a polarity 0/1 even when the layer merges them into one channel.
    const [, h, w] = compiled.dvs.inputShape;
    return { layer: LAYER_DVS, shape: [2, h, w] };
  }
  const first = compiled.layers[0];
  if (!first || !compiled.placement) throw new ServiceError('COMPILE_FAILED', 'the model has no placed layers to send input to');
  return { layer: compiled.placement.ordering[0]!, shape: first.inputShape };
}

/** The sensor size a camera recording's first bytes give (its header), or null. */
function sensorFromHead(format: CameraFormat, head: Uint8Array): { width: number; height: number } | null {
  try {
    const d = createCameraDecoder(format);
    d.push(head);
    const s = d.report().sensor;
    return s ? { width: s.width, height: s.height } : null;
  } catch {
    return null;
  }
}

/** How a camera recording's mapping is carried out: what the reader applies, where the events go, and the DVS layer's part. */
interface MappingPlan {
  entry: { layer: number; shape: Shape3 };
  /** What the host applies while reading (undefined: nothing). */
  read: InputMapping | undefined;
  dvsLayer?: DvsLayerInput;
  /** Appended to the run's input label. */
  labelNote: string;
  warnings: string[];
}

/**
 * Decides where a mapping runs. Asked for the chip's DVS layer (`mapping.dvsLayer`) and
 * the mapping fits it (dvs-layer-fit.ts): the events go to the DVS layer in raw sensor
 * coordinates, only the time window stays on the host. Otherwise the host maps, with a
 * warning that names every reason.
 */
function planMapping(compiled: CompileResult, mapping: InputMapping | undefined, sensor: { width: number; height: number } | null): MappingPlan {
  const entry = entryOf(compiled);
  if (!mapping) return { entry, read: undefined, labelNote: '', warnings: [] };
  const { dvsLayer: wanted, ...host } = mapping;
  const hostRead = Object.keys(host).length > 0 ? host : undefined;
  const label = ` (input mapping: ${describeMapping(host)}`;
  if (!wanted) return { entry, read: hostRead, labelNote: `${label})`, warnings: [] };
  // A mapping the host could not apply either is an error, whoever applies it.
  if (sensor) mappedSize(host, sensor);
  const fit = fitDvsLayer(host, { sensor, modelUsesDvsLayer: compiled.dvs !== null });
  if (!fit.ok) {
    return {
      entry,
      read: hostRead,
      labelNote: `${label}; on the host: the chip's DVS layer cannot do it)`,
      warnings: [`the input mapping runs on the host, not on the chip's DVS layer: ${fit.reasons.join('; ')}`],
    };
  }
  return {
    entry: { layer: LAYER_DVS, shape: [2, fit.sensor.height, fit.sensor.width] },
    read: Object.keys(fit.host).length > 0 ? fit.host : undefined,
    dvsLayer: { fields: fit.fields, sensor: fit.sensor },
    labelNote: `${label}; on the chip's DVS layer: ${describeDvsLayerFields(fit.fields)})`,
    warnings: [],
  };
}

/**
 * An event file's events for the model's entry; parsed off the calling thread when large.
 * A camera recording's mapping is checked against its sensor before anything is read.
 */
export async function inputFromFile(
  compiled: CompileResult,
  name: string,
  bytes: Uint8Array,
  options: { sort?: boolean; dropOutOfRange?: boolean; mapping?: InputMapping; sensor?: { width: number; height: number } } = {},
): Promise<RunInput> {
  const { mapping, ...readOptions } = options;
  let format;
  try {
    format = detectEventInputFormat(name, bytes);
  } catch (e) {
    throw new ServiceError('BAD_EVENT_FILE', `${name}: ${(e as Error).message}`);
  }
  if (mapping && !isCameraFormat(format)) throw new ServiceError('BAD_INPUT_MAPPING', `${name}: the input mapping (${describeMapping(mapping)}) applies to camera recordings; a .npy / CSV event file is sent as it is`);
  try {
    const plan = planMapping(compiled, mapping, mapping?.dvsLayer && isCameraFormat(format) ? (options.sensor ?? sensorFromHead(format, bytes.subarray(0, SNIFF_BYTES))) : null);
    const { entry } = plan;
    const read = await readEventFileOffThread(bytes, format, { inputShape: entry.shape, layer: entry.layer, ...readOptions, ...(plan.read ? { mapping: plan.read } : {}) });
    return { batch: read.batch, label: `${name}${plan.labelNote}`, warnings: [...plan.warnings, ...read.warnings], ...(mapping ? { mapping } : {}), ...(plan.dvsLayer ? { dvsLayer: plan.dvsLayer } : {}) };
  } catch (e) {
    if (e instanceof InputMappingError) throw new ServiceError('BAD_INPUT_MAPPING', `${name}: ${e.message}`);
    throw new ServiceError('BAD_EVENT_FILE', `${name}: ${(e as Error).message}`);
  }
}

async function readHead(path: string, n: number): Promise<Uint8Array> {
  let f;
  try {
    f = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputFileError(path, 'event file', code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message);
  }
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await f.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await f.close();
  }
}

export interface PathInputOptions {
  sort?: boolean;
  dropOutOfRange?: boolean;
  mapping?: InputMapping;
  sensor?: { width: number; height: number };
  /** Files from this many bytes on are streamed (default STREAM_FROM_BYTES). */
  streamFromBytes?: number;
  /** Aborting ends reading in the worker at once (Ctrl-C while a large file is checked). */
  signal?: AbortSignal;
}

/**
 * An event file given by path. Large files (STREAM_FROM_BYTES and more) are checked in
 * the event-file worker and then streamed from the file as the run consumes them, so a
 * run's memory does not grow with the file's length. Smaller camera recordings are
 * decoded in the worker straight from the file, chunk by chunk (progress through
 * `onProgress`); smaller .npy / CSV files are read whole, as inputFromFile does.
 */
export async function inputFromPath(compiled: CompileResult, path: string, options: PathInputOptions = {}, onProgress?: (p: ReadProgress) => void): Promise<RunInput> {
  const head = await readHead(path, SNIFF_BYTES);
  let format;
  try {
    format = detectEventInputFormat(path, head);
  } catch (e) {
    throw new ServiceError('BAD_EVENT_FILE', `${path}: ${(e as Error).message}`);
  }
  const { mapping, sensor, streamFromBytes, signal, ...fileOptions } = options;
  const camera = isCameraFormat(format);
  if (!camera && mapping) throw new ServiceError('BAD_INPUT_MAPPING', `${path}: the input mapping (${describeMapping(mapping)}) applies to camera recordings; a .npy / CSV event file is sent as it is`);
  const size = (await stat(path)).size;
  const streamed = size >= (streamFromBytes ?? STREAM_FROM_BYTES);
  if (!camera && !streamed) return inputFromFile(compiled, path, await readBytes(path, 'event file'), fileOptions);
  let plan: MappingPlan;
  try {
    plan = planMapping(compiled, mapping, mapping?.dvsLayer && camera ? (sensor ?? sensorFromHead(format as CameraFormat, head)) : null);
  } catch (e) {
    if (e instanceof InputMappingError) throw new ServiceError('BAD_INPUT_MAPPING', `${path}: ${e.message}`);
    throw e;
  }
  const { entry } = plan;
  const readOptions = { inputShape: entry.shape, layer: entry.layer, ...fileOptions, ...(plan.read ? { mapping: plan.read } : {}), ...(sensor ? { sensor } : {}) };
  const label = `${path}${plan.labelNote}`;
  const kept = { ...(mapping ? { mapping } : {}), ...(plan.dvsLayer ? { dvsLayer: plan.dvsLayer } : {}) };
  try {
    if (!streamed) {
      const read = await readEventPathOffThread(path, format, readOptions, onProgress, signal);
      return { batch: read.batch, label, warnings: [...plan.warnings, ...read.warnings], ...kept };
    }
    const opened = await openEventPathStream(path, format, readOptions, onProgress, signal ? { signal } : {});
    if (opened.kind === 'whole') {
      const note = `the events are not in time order, so the whole file was read into memory to sort them (${opened.contents.batch.length} events)`;
      return { batch: opened.contents.batch, label, warnings: [...plan.warnings, ...opened.contents.warnings, note], ...kept };
    }
    return { stream: opened.stream, label, warnings: [...plan.warnings, ...opened.summary.warnings], ...kept };
  } catch (e) {
    throw new ServiceError('BAD_EVENT_FILE', `${path}: ${(e as Error).message}`);
  }
}

export function inputFromGenerator(compiled: CompileResult, g: Extract<InputSource, { kind: 'generator' }>): RunInput {
  const entry = entryOf(compiled);
  const options = { shape: entry.shape, durationMs: g.durationMs, rateHz: g.rateHz, seed: g.seed, layer: entry.layer };
  const batch = g.generator === 'poisson' ? poissonRateImage(options) : movingBar({ ...options, ...(g.direction ? { direction: g.direction } : {}) });
  const what = g.generator === 'poisson' ? 'Poisson rate image' : `moving bar (${g.direction ?? 'right'})`;
  return { batch, label: `${what} (${g.durationMs} ms, ${g.rateHz} Hz, seed ${g.seed})`, warnings: [] };
}

/**
 * A recorded run's input, to feed through another model or device. Input that went to one
 * core is re-addressed to the new placement's entry (placements may differ).
 */
export async function recordedInput(project: ProjectStore, runId: number, compiled: CompileResult, deployOptions?: unknown): Promise<RunInput> {
  const batch = await project.readRecording(runId, 'input');
  // A run whose input was mapped on the DVS layer recorded the raw sensor events: they go to the DVS layer again, with its fields.
  const dvsLayer = storedDvsLayer(deployOptions);
  if (dvsLayer && compiled.dvs === null) return { batch, label: `input of run ${runId} (mapped on the chip's DVS layer: ${describeDvsLayerFields(dvsLayer.fields)})`, warnings: [], dvsLayer };
  const first = batch.layer[0];
  if (batch.length > 0 && batch.layer.subarray(0, batch.length).every((l) => l === first)) batch.layer.fill(entryOf(compiled).layer, 0, batch.length);
  return { batch, label: `input of run ${runId}`, warnings: [] };
}
