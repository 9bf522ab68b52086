// The real model files (test/fixtures/real/models, written by torch, torch.onnx and nir)
// and their expected.json, for the readers' tests and the compile-equality tests.

import { readdirSync, readFileSync } from 'node:fs';
import { packageRoot } from '../../main/services/package-root.js';

const DIR = `${packageRoot()}/test/fixtures/real/models/`;

export interface ExpectedTensor {
  name: string;
  dtype: string;
  shape: number[];
  sha256_float32_le: string;
  sha256_native_le: string;
  storage_key?: string;
  values?: number[];
}

export interface RealExpected {
  file: string;
  container: { format: 'zip' | 'legacy'; archive_root?: string; torchscript?: boolean; pickle_protocol: number; pickle_globals: string[] };
  top_level_type: string;
  tensors: ExpectedTensor[];
  other_tensors?: ExpectedTensor[];
  tensor_names_prefix?: string;
  model_text: string;
}

/** The .pt files, sorted. */
export function realTorchFiles(): string[] {
  return readdirSync(DIR).filter((f) => f.endsWith('.pt')).sort();
}

export function realBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(DIR + file));
}

export function realDir(): string {
  return DIR;
}

export function realExpected(file: string): RealExpected {
  return JSON.parse(readFileSync(`${DIR}${file}.expected.json`, 'utf8')) as RealExpected;
}


/** expected.json dtype names as the product's TensorDType. */
export const EXPECTED_DTYPE: Readonly<Record<string, string>> = { float32: 'F32', float16: 'F16', float64: 'F64', bfloat16: 'BF16', int64: 'I64' };
