// Reads what a compile needs from disk (model text or a model file an importer reads,
// weights as safetensors or torch.save files, a JSON config patch) and turns every file
// problem into an InputFileError naming the file and saying what to do. Weights are
// recognised by content, not by extension. Shared by the CLI, the IPC handlers and runs.

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { importerFor, type ImportedModel } from '../formats/model-importers.js';
import { readSafetensors, writeSafetensors, type SafetensorsWriteTensor } from '../formats/safetensors.js';
import type { Tensor } from '../formats/tensor.js';
import { looksLikeTorchFile } from '../formats/torch/torch-archive.js';
import { listCandidates, readTorchContents, stateDictOf, type CheckpointCandidate } from '../formats/torch/torch-contents.js';

export class InputFileError extends Error {
  readonly code = 'BAD_INPUT_FILE';
  constructor(
    readonly path: string,
    readonly what: string,
    detail: string,
  ) {
    super(`${what} ${path}: ${detail}`);
  }
}

/** A file's bytes; failures become an InputFileError naming the file and what it was for. */
export async function readBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    // A view of the Buffer readFile returns, not a copy: a 100 MB checkpoint stays one copy in memory.
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const detail =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory, not a file' : (e as Error).message;
    throw new InputFileError(path, what, detail);
  }
}

export async function readModelText(path: string, cwd = process.cwd()): Promise<string> {
  const full = resolve(cwd, path);
  const bytes = await readBytes(full, 'model file');
  return new TextDecoder('utf-8').decode(bytes);
}

export interface LoadedWeights {
  path: string;
  /** Safetensors bytes of the tensors used (the file itself when it is safetensors), as runs store them; made on first use. */
  readonly bytes: Uint8Array;
  tensors: Map<string, Tensor>;
  notes: string[];
}

export interface WeightsOptions {
  /** The checkpoint entry holding the state_dict (--weights-key). */
  key?: string | undefined;
  /** Whether a state_dict fits the model: a checkpoint's entry is chosen when exactly one fits. */
  matches?: ((tensors: Map<string, Tensor>) => boolean) | undefined;
}

export interface ParsedWeights {
  format: 'safetensors' | 'torch';
  tensors: Map<string, Tensor>;
  /** Checkpoints: the entry used and every entry holding tensors. */
  checkpoint: { key: string; candidates: CheckpointCandidate[] } | null;
  notes: string[];
}

export async function readWeightsFile(path: string, cwd = process.cwd(), options: WeightsOptions = {}): Promise<LoadedWeights> {
  const full = resolve(cwd, path);
  const bytes = await readBytes(full, 'weights file');
  if (!looksLikeTorchFile(bytes) && !looksLikeSafetensors(bytes)) {
    // A model file (ONNX, NIR ...) given as weights: its tensors, under the names its importer gives them.
    const importer = importerFor(bytes);
    if (importer) {
      const m = await importModel(bytes, full, 'weights file');
      return storedAs({ path: full, tensors: m.tensors, notes: [`tensors read from a ${m.format} file`, ...m.notes] }, null);
    }
  }
  const parsed = parseWeightsFile(bytes, full, options);
  return storedAs({ path: full, tensors: parsed.tensors, notes: parsed.notes }, parsed.format === 'safetensors' ? bytes : null);
}

/** `bytes` is the file itself for safetensors; other formats are converted only when a run stores them, so opening never holds two copies. */
function storedAs(w: Omit<LoadedWeights, 'bytes'>, own: Uint8Array | null): LoadedWeights {
  let cached = own;
  return {
    ...w,
    get bytes(): Uint8Array {
      return (cached ??= safetensorsOf(w.tensors));
    },
  };
}

/** A safetensors file starts with its header length (8 bytes, little-endian) and a JSON object. */
export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  return bytes.byteLength > 9 && bytes[8] === 0x7b && bytes[6] === 0 && bytes[7] === 0;
}

export function parseWeights(bytes: Uint8Array, label: string, options: WeightsOptions = {}): Map<string, Tensor> {
  return parseWeightsFile(bytes, label, options).tensors;
}

/** Weights by content: a safetensors file, or a torch.save file (state_dict, checkpoint, module, TorchScript). */
export function parseWeightsFile(bytes: Uint8Array, label: string, options: WeightsOptions = {}): ParsedWeights {
  if (looksLikeTorchFile(bytes)) {
    try {
      return torchWeights(bytes, options);
    } catch (e) {
      throw new InputFileError(label, 'weights file', (e as Error).message);
    }
  }
  try {
    return { format: 'safetensors', tensors: readSafetensors(bytes), checkpoint: null, notes: [] };
  } catch (e) {
    throw new InputFileError(
      label,
      'weights file',
      `${(e as Error).message} (a .safetensors file or a torch.save file (.pt, .pth, .ckpt, .bin) is expected: save it with torch.save(model.state_dict(), path))`,
    );
  }
}

function torchWeights(bytes: Uint8Array, options: WeightsOptions): ParsedWeights {
  const contents = readTorchContents(bytes);
  if (contents.kind !== 'checkpoint') {
    const sd = stateDictOf(contents, options.key);
    const notes = contents.kind === 'torchscript' ? ['TorchScript archive: its tensors are used as the weights', ...sd.notes] : sd.notes;
    return { format: 'torch', tensors: sd.tensors, checkpoint: null, notes };
  }
  const candidates = contents.candidates;
  let key = options.key ?? null;
  if (key === null && options.matches) {
    const fitting = candidates.filter((c) => options.matches!(stateDictOf(contents, c.key).tensors));
    if (fitting.length === 1) key = fitting[0]!.key;
    else if (fitting.length > 1) {
      throw new Error(`the checkpoint has several entries whose tensors fit the model (${listCandidates(fitting)}); pick one with --weights-key KEY`);
    } else {
      throw new Error(`no entry of the checkpoint holds tensors that fit the model; entries with tensors: ${listCandidates(candidates)}. Pick one with --weights-key KEY to see what does not match`);
    }
  }
  const sd = stateDictOf(contents, key);
  return { format: 'torch', tensors: sd.tensors, checkpoint: { key: sd.key!, candidates }, notes: sd.notes };
}

/** Tensors as a safetensors file (floats as F32, the precision they are held in; integers exact). */
export function safetensorsOf(tensors: ReadonlyMap<string, Tensor>): Uint8Array {
  const out = new Map<string, SafetensorsWriteTensor>();
  for (const [name, t] of tensors) {
    const dtype = t.data instanceof Float32Array ? 'F32' : t.dtype === 'I64' || t.dtype === 'U64' || t.dtype === 'U32' ? 'I64' : t.dtype === 'U8' || t.dtype === 'BOOL' ? 'U8' : 'I32';
    out.set(name, { dtype, shape: [...t.shape], data: t.data });
  }
  return writeSafetensors(out);
}

/** A model file read by the importer that claims it (PyTorch module pickle, ONNX, NIR). */
export async function importModel(bytes: Uint8Array, label: string, what = 'model file'): Promise<ImportedModel> {
  const importer = importerFor(bytes);
  if (!importer) throw new InputFileError(label, what, 'not a model format the workbench reads');
  try {
    return await importer.read(bytes);
  } catch (e) {
    throw new InputFileError(label, what, (e as Error).message);
  }
}

/** True when the bytes are a model file some importer reads rather than model text. */
export function isImportedModelFile(bytes: Uint8Array): boolean {
  return importerFor(bytes) !== null;
}

export async function readJsonFile(path: string, what: string, cwd = process.cwd()): Promise<unknown> {
  const full = resolve(cwd, path);
  const text = new TextDecoder('utf-8').decode(await readBytes(full, what));
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputFileError(full, what, `not valid JSON (${(e as Error).message})`);
  }
}
