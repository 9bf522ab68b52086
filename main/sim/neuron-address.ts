// Neuron addresses of ReadNeuronValue / NeuronValue (chip.md §15): the reference's
// `calculate_neuron_address` / `neuron_address_to_cxy` formulas, reproduced exactly,
// including the quirk that the y field is shifted by the *height* bit count. Only the
// arithmetic lives here; reading a state is the engine's job.

/** Neuron map shape: C channels, H rows, W columns. */
export interface NeuronMapShape {
  readonly c: number;
  readonly h: number;
  readonly w: number;
}

export interface NeuronCoordinate {
  c: number;
  x: number;
  y: number;
}

/** Maximum address width accepted by the reference (io.py assertion). */
export const NEURON_ADDRESS_BITS = 18;

function bitsFor(size: number): number {
  return size <= 1 ? 0 : Math.ceil(Math.log2(size));
}

export interface AddressLayout {
  cb: number;
  xb: number;
  yb: number;
  /** W > H: the x and y fields overlap and decoding is not unique (chip.md §15). */
  ambiguous: boolean;
}

export function addressLayout(shape: NeuronMapShape): AddressLayout {
  for (const [name, v] of [
    ['channels', shape.c],
    ['height', shape.h],
    ['width', shape.w],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`neuron map ${name} must be a positive integer, got ${v}`);
  }
  const cb = bitsFor(shape.c);
  const xb = bitsFor(shape.w);
  const yb = bitsFor(shape.h);
  if (cb + xb + yb > NEURON_ADDRESS_BITS) {
    throw new RangeError(
      `neuron map (${shape.c}, ${shape.h}, ${shape.w}) needs ${cb + xb + yb} address bits; the chip's neuron address has at most ${NEURON_ADDRESS_BITS}`,
    );
  }
  return { cb, xb, yb, ambiguous: shape.w > shape.h };
}

/** address = (y << (cb + yb)) | (x << cb) | c */
export function encodeNeuronAddress(shape: NeuronMapShape, n: NeuronCoordinate): number {
  const { cb, yb } = addressLayout(shape);
  if (n.c < 0 || n.c >= shape.c || n.x < 0 || n.x >= shape.w || n.y < 0 || n.y >= shape.h) {
    throw new RangeError(`neuron (c ${n.c}, x ${n.x}, y ${n.y}) is outside the map (${shape.c}, ${shape.h}, ${shape.w})`);
  }
  // Multiplication instead of << keeps addresses of up to 2^31 and beyond exact.
  return n.y * 2 ** (cb + yb) + n.x * 2 ** cb + n.c;
}

/**
 * y = address >> (cb + yb); x = (address >> cb) & (2^xb − 1); c = address & (2^cb − 1).
 * For W > H several neurons share an address; this returns the reference's reading.
 */
export function decodeNeuronAddress(shape: NeuronMapShape, address: number): NeuronCoordinate {
  const { cb, xb, yb } = addressLayout(shape);
  if (!Number.isInteger(address) || address < 0) throw new RangeError(`neuron address must be a non-negative integer, got ${address}`);
  const y = Math.floor(address / 2 ** (cb + yb));
  const x = Math.floor(address / 2 ** cb) % 2 ** xb;
  const c = address % 2 ** cb;
  return { c, x, y };
}
