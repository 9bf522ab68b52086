// A named n-dimensional array as read from a file (safetensors, .npy). Floating-point
// data is held as float32 (the precision the reference library computes in); integer
// data as float64 holding exact integers. Row-major (C) order throughout.

export type TensorDType =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U64'
  | 'U32'
  | 'U16'
  | 'U8'
  | 'BOOL';

export interface Tensor {
  /** dtype as stored in the file. */
  readonly dtype: TensorDType;
  readonly shape: readonly number[];
  /** F32/F16/BF16/F64 -> Float32Array (F64 rounded to float32); integers and BOOL -> Float64Array. */
  readonly data: Float32Array | Float64Array;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function isFloatDType(dtype: TensorDType): boolean {
  return dtype === 'F64' || dtype === 'F32' || dtype === 'F16' || dtype === 'BF16';
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
