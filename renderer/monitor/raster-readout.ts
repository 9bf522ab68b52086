// What one raster cell holds, in the user's terms: the time span of its column, the
// neurons of its row (a row bins several neurons when the layer has more neurons than
// the raster has rows) with their channel / y / x, and its event count. For the hover
// readout and the neuron axis of the spike monitor.

import type { Shape3 } from '../../preload/api';
import type { RasterHistory } from './raster-history';

export interface CellReadout {
  fromUs: number;
  toUs: number;
  /** First and last neuron (flat index c*H*W + y*W + x) of the row. */
  neuronFrom: number;
  neuronTo: number;
  count: number;
}

/** The flat neuron indices row `row` of `rows` shows, for a layer of `neurons` neurons. */
export function rowNeurons(row: number, rows: number, neurons: number): { from: number; to: number } {
  // Neuron n is drawn on row floor(n * rows / neurons) (RasterHistory.add).
  const from = Math.ceil((row * neurons) / rows);
  const to = Math.ceil(((row + 1) * neurons) / rows) - 1;
  return { from, to: Math.max(from, to) };
}

export function neuronAt(n: number, shape: Shape3): { channel: number; y: number; x: number } {
  const [, h, w] = shape;
  return { channel: Math.floor(n / (h * w)), y: Math.floor(n / w) % h, x: n % w };
}

/** A neuron as "ch 1 (y 3, x 7)", or the first and last of a range. */
export function describeNeurons(from: number, to: number, shape: Shape3): string {
  const one = (n: number) => {
    const { channel, y, x } = neuronAt(n, shape);
    return shape[1] === 1 && shape[2] === 1 ? `ch ${channel}` : `ch ${channel} (y ${y}, x ${x})`;
  };
  return from === to ? `neuron ${from}: ${one(from)}` : `neurons ${from}–${to}: ${one(from)} to ${one(to)}`;
}

export function cellReadout(history: RasterHistory, key: number, shape: Shape3, column: number, row: number): CellReadout {
  const rows = history.rowsOf(key);
  const neurons = shape[0] * shape[1] * shape[2];
  const { from } = history.window;
  const r = rowNeurons(row, rows, neurons);
  return {
    fromUs: from + column * history.binUs,
    toUs: from + (column + 1) * history.binUs,
    neuronFrom: r.from,
    neuronTo: Math.min(neurons - 1, r.to),
    count: history.cell(key, column, row),
  };
}
