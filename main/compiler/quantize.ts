// Discretization of one chip layer to the chip's integers (conversion.md §7): one common
// scale for weights, biases, thresholds and state; 8-bit weights and biases, 16-bit
// thresholds and state; float32 arithmetic and half-to-even rounding exactly as the
// reference does, so the integers match it bit for bit. It does not check hardware limits.

import { f32, roundHalfEven, ROUNDING_MAGIC } from './float32.js';

const WEIGHT_BITS = 8;
const STATE_BITS = 16;

/** |dmin/dmax| as the float32 constant the reference multiplies with. */
function sideRatio(bits: number): number {
  const dmin = -(2 ** (bits - 1));
  const dmax = 2 ** (bits - 1) - 1;
  return f32(Math.abs(dmin / dmax));
}

const RATIO = new Map<number, number>([
  [WEIGHT_BITS, sideRatio(WEIGHT_BITS)],
  [STATE_BITS, sideRatio(STATE_BITS)],
]);

function minMax(values: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  // Conditional moves, not branches: measured three times faster on weight tensors.
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  return [lo, hi];
}

/**
 * The largest factor that maps `values` into the signed `bits` range: limited by the
 * positive side unless the negative side is larger (relative to |dmin/dmax|).
 * Infinity for an all-zero tensor (it never limits the scale). torch evaluates
 * `hi / t` as `reciprocal(t) * hi`: two float32 roundings, reproduced here.
 */
export function scaleFor(values: Float32Array, bits: number): number {
  if (values.length === 0) return Infinity;
  const dmin = -(2 ** (bits - 1));
  const dmax = 2 ** (bits - 1) - 1;
  const [vmin, vmax] = minMax(values);
  const ratio = RATIO.get(bits) ?? sideRatio(bits);
  if (Math.abs(vmin) <= f32(Math.abs(vmax) * ratio)) {
    return Math.abs(f32(f32(1 / vmax) * dmax));
  }
  return Math.abs(f32(f32(1 / vmin) * dmin));
}

export interface QuantizeInput {
  weights: Float32Array;
  biases: Float32Array | null;
  spikeThreshold: number;
  /** null: no lower bound, treated as -2^15. */
  minVMem: number | null;
  /** Initial membrane state when the layer's state is initialised. */
  state?: Float32Array | null;
}

export interface QuantizeOutput {
  scale: number;
  scaleParts: { weight: number | null; bias: number | null; threshold: number | null; state: number | null };
  weights: Int8Array;
  biases: Int16Array | null;
  spikeThreshold: number;
  minVMem: number;
  state: Int16Array | null;
  /** Non-zero float weights that became 0. */
  zeroedWeights: number;
  /** Float weights that were not 0. */
  nonZeroFloatWeights: number;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function quantizeValue(v: number, s: number): number {
  return roundHalfEven(f32(v * s));
}

/**
 * quantizeValue over whole arrays, once per output type so each loop stays monomorphic.
 * The rounding (roundHalfEven) is written out rather than called: under some module loaders
 * (tsx, vitest) a call to an imported function in a 100k-long loop costs more than the arithmetic.
 */
function quantizeWeights(values: Float32Array, s: number, out: Int8Array): { zeroed: number; nonZero: number } {
  const fround = Math.fround;
  // A local copy: reading an imported binding in the loop is slower than a local constant.
  const magic = ROUNDING_MAGIC;
  let zeroed = 0;
  let nonZero = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const q = fround(v * s) + magic - magic;
    out[i] = q;
    if (v !== 0) {
      nonZero++;
      if (q === 0) zeroed++;
    }
  }
  return { zeroed, nonZero };
}

function quantizeWide(values: Float32Array, s: number): Int16Array {
  const out = new Int16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = quantizeValue(values[i]!, s);
  return out;
}

export function quantizeLayer(input: QuantizeInput): QuantizeOutput {
  const low = input.minVMem ?? -(2 ** (STATE_BITS - 1));
  const thresholds = Float32Array.of(low, input.spikeThreshold);
  const sw = scaleFor(input.weights, WEIGHT_BITS);
  const sb = input.biases ? scaleFor(input.biases, WEIGHT_BITS) : Infinity;
  const st = scaleFor(thresholds, STATE_BITS);
  const sv = input.state ? scaleFor(input.state, STATE_BITS) : Infinity;
  const s = Math.min(sw, sb, st, sv);

  const weights = new Int8Array(input.weights.length);
  const { zeroed, nonZero } = quantizeWeights(input.weights, s, weights);
  const biases = input.biases ? quantizeWide(input.biases, s) : null;
  const state = input.state ? quantizeWide(input.state, s) : null;
  return {
    scale: s,
    scaleParts: { weight: finiteOrNull(sw), bias: finiteOrNull(sb), threshold: finiteOrNull(st), state: input.state ? finiteOrNull(sv) : null },
    weights,
    biases,
    spikeThreshold: quantizeValue(thresholds[1]!, s),
    minVMem: quantizeValue(thresholds[0]!, s),
    state,
    zeroedWeights: zeroed,
    nonZeroFloatWeights: nonZero,
  };
}
