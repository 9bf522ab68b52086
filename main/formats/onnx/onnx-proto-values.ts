// The values inside a decoded ONNX ModelProto turned into plain TypeScript: 64-bit
// integers (protobufjs hands them out as Long objects) into exact numbers, TensorProto
// initializers and Constant values into Tensors, node attributes into a typed lookup.
// It does not walk the graph (onnx-graph.ts does) and refuses external tensor data
// (a separate file next to the model), which a bytes-only reader cannot reach.

import onnxProto from 'onnx-proto';
import { FormatError } from '../format-error.js';
import { halfBitsToFloat32, bfloat16BitsToFloat32 } from '../half-float.js';
import type { Tensor, TensorDType } from '../tensor.js';
import { elementCount, formatShape } from '../tensor.js';

export const onnx = onnxProto.onnx;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
}

/** An int64 field as an exact number; throws when it does not fit in 2^53. */
export function int64(v: number | LongLike | null | undefined, what: string): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  const n = v.high * 4294967296 + (v.low >>> 0);
  const value = v.unsigned ? (v.high >>> 0) * 4294967296 + (v.low >>> 0) : n;
  if (!Number.isSafeInteger(value)) {
    throw new FormatError('onnx', 'UNSAFE_INTEGER', `${what}: the 64-bit integer does not fit in a double exactly; the file is damaged or not an exported network.`, { what });
  }
  return value;
}

// TensorProto.DataType numbers (onnx.proto) -> how each element is stored in raw_data.
const DTYPES: Record<number, { dtype: TensorDType; bytes: number }> = {
  1: { dtype: 'F32', bytes: 4 },
  2: { dtype: 'U8', bytes: 1 },
  3: { dtype: 'I8', bytes: 1 },
  4: { dtype: 'U16', bytes: 2 },
  5: { dtype: 'I16', bytes: 2 },
  6: { dtype: 'I32', bytes: 4 },
  7: { dtype: 'I64', bytes: 8 },
  9: { dtype: 'BOOL', bytes: 1 },
  10: { dtype: 'F16', bytes: 2 },
  11: { dtype: 'F64', bytes: 8 },
  12: { dtype: 'U32', bytes: 4 },
  16: { dtype: 'BF16', bytes: 2 },
};

function fromRaw(raw: Uint8Array, dtype: TensorDType, n: number): Float32Array | Float64Array {
  // raw_data is a view into the file at any byte offset: read through a DataView, not a typed-array cast.
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (dtype) {
    case 'F32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
      return out;
    }
    case 'F64': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat64(i * 8, true);
      return out;
    }
    case 'F16':
    case 'BF16': {
      const bits = new Uint16Array(n);
      for (let i = 0; i < n; i++) bits[i] = dv.getUint16(i * 2, true);
      return dtype === 'F16' ? halfBitsToFloat32(bits) : bfloat16BitsToFloat32(bits);
    }
    default: {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        switch (dtype) {
          case 'I64': {
            const v = dv.getBigInt64(i * 8, true);
            const num = Number(v);
            if (!Number.isSafeInteger(num)) {
              throw new FormatError('onnx', 'UNSAFE_INTEGER', `An int64 value (${v}) does not fit in a double exactly.`, { index: i });
            }
            out[i] = num;
            break;
          }
          case 'I32': out[i] = dv.getInt32(i * 4, true); break;
          case 'U32': out[i] = dv.getUint32(i * 4, true); break;
          case 'I16': out[i] = dv.getInt16(i * 2, true); break;
          case 'U16': out[i] = dv.getUint16(i * 2, true); break;
          case 'I8': out[i] = dv.getInt8(i); break;
          default: out[i] = dv.getUint8(i); break;
        }
      }
      return out;
    }
  }
}

/** A TensorProto (initializer or Constant value) as a Tensor; `what` names it in errors. */
export function tensorFromProto(t: TensorProto, what: string): Tensor {
  const shape = (t.dims ?? []).map((d) => int64(d, `${what} dims`));
  if (shape.some((d) => d < 0)) {
    throw new FormatError('onnx', 'BAD_VALUE', `${what} has a negative dimension ${formatShape(shape)}.`, { tensor: what });
  }
  if (t.dataLocation === 1 || (t.externalData?.length ?? 0) > 0) {
    throw new FormatError('onnx', 'BAD_ENTRY', `${what} keeps its values in an external data file, which cannot be read from the .onnx alone. Save the model with onnx.save(model, f, save_as_external_data=False) (possible below 2 GB).`, { tensor: what });
  }
  const code = t.dataType ?? 0;
  const kind = DTYPES[code];
  if (!kind) {
    throw new FormatError('onnx', 'UNSUPPORTED_DTYPE', `${what} has ONNX data type ${code}, which is not a number type this reader takes (float32/16/64, bfloat16, integers, bool).`, { tensor: what, dataType: code });
  }
  const n = elementCount(shape);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== n * kind.bytes) {
      throw new FormatError('onnx', 'SHAPE_MISMATCH', `${what} holds ${raw.length} bytes of ${kind.dtype} but its shape ${formatShape(shape)} needs ${n * kind.bytes}: the file is truncated or damaged.`, { tensor: what, bytes: raw.length, expected: n * kind.bytes });
    }
    return { dtype: kind.dtype, shape, data: fromRaw(raw, kind.dtype, n) };
  }
  // Typed fields (small tensors, or files written by other tools than torch.onnx).
  let values: number[];
  if (kind.dtype === 'F32') values = t.floatData ?? [];
  else if (kind.dtype === 'F64') values = t.doubleData ?? [];
  else if (kind.dtype === 'I64') values = (t.int64Data ?? []).map((v) => int64(v as number | LongLike, `${what} value`));
  else if (kind.dtype === 'F16' || kind.dtype === 'BF16') {
    const bits = Uint16Array.from(t.int32Data ?? []);
    if (bits.length !== n) throw shortData(what, bits.length, n, shape);
    return { dtype: kind.dtype, shape, data: kind.dtype === 'F16' ? halfBitsToFloat32(bits) : bfloat16BitsToFloat32(bits) };
  } else if (kind.dtype === 'U32') values = (t.uint64Data ?? []).map((v) => int64(v as number | LongLike, `${what} value`));
  else values = t.int32Data ?? [];
  if (values.length !== n) throw shortData(what, values.length, n, shape);
  const data = kind.dtype === 'F32' || kind.dtype === 'F64' ? Float32Array.from(values) : Float64Array.from(values);
  return { dtype: kind.dtype, shape, data };
}

function shortData(what: string, got: number, n: number, shape: number[]): FormatError {
  return new FormatError('onnx', 'SHAPE_MISMATCH', `${what} holds ${got} values but its shape ${formatShape(shape)} needs ${n}: the file is truncated or damaged.`, { tensor: what, values: got, expected: n });
}

/** A node's attributes by name, read with the ONNX defaults the caller gives. */
export class Attributes {
  private readonly byName = new Map<string, AttributeProto>();

  constructor(private readonly node: string, attrs: readonly AttributeProto[] | null | undefined) {
    for (const a of attrs ?? []) if (a.name) this.byName.set(a.name, a);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  int(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a ? int64(a.i as number | LongLike | null | undefined, `${this.node} attribute ${name}`) : fallback;
  }

  float(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a?.f ?? fallback;
  }

  ints(name: string, fallback: readonly number[]): number[] {
    const a = this.byName.get(name);
    if (!a) return [...fallback];
    return (a.ints ?? []).map((v) => int64(v as number | LongLike, `${this.node} attribute ${name}`));
  }

  string(name: string, fallback: string): string {
    const a = this.byName.get(name);
    return a?.s ? new TextDecoder().decode(a.s) : fallback;
  }

  tensor(name: string): TensorProto | null {
    return this.byName.get(name)?.t ?? null;
  }
}
