// The input stream of a run: an event file (.npy / CSV / a camera recording: AEDAT, ATIS
// .bin, Prophesee .dat/.raw), an example's shipped events, or a built-in generator, addressed to the model's entry (its first core, or the DVS layer
// when the model has one) and checked against the model's input shape.

import type { InputSource } from '../../preload/api.js';
import type { CompileResult, Shape3 } from '../compiler/compile-types.js';
import { open } from 'node:fs/promises';
import { detectEventInputFormat, isCameraFormat } from '../formats/event-files.js';
import { SNIFF_BYTES } from '../formats/events/camera-formats.js';
import { describeMapping, type InputMapping } from '../formats/events/input-mapping.js';
import { ServiceError } from './service-error.js';
import { movingBar, poissonRateImage } from '../sim/input-generators.js';
import { LAYER_DVS, type SpikeBatch } from '../common/spike-batch.js';
import { readEventFileOffThread, readEventPathOffThread, type ReadProgress } from '../threads/event-file-reader.js';
import { InputFileError, readBytes } from './model-files.js';
import type { ProjectStore } from '../store/project-store.js';

export interface RunInput {
  batch: SpikeBatch;
  label: string;
  warnings: string[];
  /** The camera recording's input mapping, kept with the run. */
  mapping?: InputMapping;
}

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

/** An event file's events for the model's entry; parsed off the calling thread when large. */
export async function inputFromFile(compiled: CompileResult, name: string, bytes: Uint8Array, options: { sort?: boolean; dropOutOfRange?: boolean } = {}): Promise<RunInput> {
  const entry = entryOf(compiled);
  try {
    const read = await readEventFileOffThread(bytes, detectEventInputFormat(name, bytes), { inputShape: entry.shape, layer: entry.layer, ...options });
    return { batch: read.batch, label: name, warnings: read.warnings };
  } catch (e) {
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

/**
 * An event file given by path: camera recordings are decoded in the event-file worker
 * straight from the file, chunk by chunk (progress through `onProgress`); .npy / CSV
 * files are read whole, as inputFromFile does.
 */
export async function inputFromPath(
  compiled: CompileResult,
  path: string,
  options: { sort?: boolean; dropOutOfRange?: boolean; mapping?: InputMapping; sensor?: { width: number; height: number } } = {},
  onProgress?: (p: ReadProgress) => void,
): Promise<RunInput> {
  const head = await readHead(path, SNIFF_BYTES);
  let format;
  try {
    format = detectEventInputFormat(path, head);
  } catch (e) {
    throw new ServiceError('BAD_EVENT_FILE', `${path}: ${(e as Error).message}`);
  }
  const { mapping, sensor, ...fileOptions } = options;
  if (!isCameraFormat(format)) {
    if (mapping) throw new ServiceError('BAD_INPUT_MAPPING', `${path}: the input mapping (${describeMapping(mapping)}) applies to camera recordings; a .npy / CSV event file is sent as it is`);
    return inputFromFile(compiled, path, await readBytes(path, 'event file'), fileOptions);
  }
  const entry = entryOf(compiled);
  try {
    const read = await readEventPathOffThread(path, format, { inputShape: entry.shape, layer: entry.layer, ...fileOptions, ...(mapping ? { mapping } : {}), ...(sensor ? { sensor } : {}) }, onProgress);
    return { batch: read.batch, label: mapping ? `${path} (input mapping: ${describeMapping(mapping)})` : path, warnings: read.warnings, ...(mapping ? { mapping } : {}) };
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
export async function recordedInput(project: ProjectStore, runId: number, compiled: CompileResult): Promise<RunInput> {
  const batch = await project.readRecording(runId, 'input');
  const first = batch.layer[0];
  if (batch.length > 0 && batch.layer.subarray(0, batch.length).every((l) => l === first)) batch.layer.fill(entryOf(compiled).layer, 0, batch.length);
  return { batch, label: `input of run ${runId}`, warnings: [] };
}
