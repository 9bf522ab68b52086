// Reads what a compile needs from disk (model text, safetensors weights, a JSON config
// patch) and turns every file problem into an InputFileError naming the file and saying
// what to do. Shared by the CLI, the IPC handlers and runs.

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Tensor } from '../formats/tensor.js';
import { readSafetensors } from '../formats/safetensors.js';

export class InputFileError extends Error {
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
    return new Uint8Array(await readFile(path));
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
  bytes: Uint8Array;
  tensors: Map<string, Tensor>;
}

export async function readWeightsFile(path: string, cwd = process.cwd()): Promise<LoadedWeights> {
  const full = resolve(cwd, path);
  const bytes = await readBytes(full, 'weights file');
  return { path: full, bytes, tensors: parseWeights(bytes, full) };
}

export function parseWeights(bytes: Uint8Array, label: string): Map<string, Tensor> {
  try {
    return readSafetensors(bytes);
  } catch (e) {
    throw new InputFileError(label, 'weights file', `${(e as Error).message} (a .safetensors file is expected: save it with safetensors.torch.save_file(model.state_dict(), path))`);
  }
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
