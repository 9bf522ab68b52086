// What both native seams hand over for a core: its input and neuron maps, kernel and
// stride, and the neuron rule's thresholds (core-runtime.ts holds the same for the
// TypeScript engines).

export interface CorePlanBase {
  readonly inC: number;
  readonly inH: number;
  readonly inW: number;
  readonly F: number;
  readonly H: number;
  readonly W: number;
  readonly k: number;
  readonly strideX: number;
  readonly thrHigh: number;
  readonly thrLow: number;
  readonly returnToZero: boolean;
}
