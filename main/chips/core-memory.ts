// Memory a chip layer needs on a core (chip.md §4) and which cores can hold it. Only
// memory is considered here; the compiler checks shape limits before placement.

import { fitsCore, type LayerMemory } from '../common/memory-fit.js';
import type { CoreLimits } from './families.js';

/** 2^ceil(log2(n)); 1 for n <= 1. */
export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export function layerMemory(
  inChannels: number,
  outChannels: number,
  kernel: readonly [number, number],
  neuronHW: readonly [number, number],
  hasBias: boolean,
): LayerMemory {
  return {
    kernel: inChannels * nextPow2(kernel[0] * kernel[1]) * nextPow2(outChannels),
    neuron: outChannels * nextPow2(neuronHW[0]) * nextPow2(neuronHW[1]),
    bias: hasBias ? outChannels : 0,
  };
}

export function candidateCores(m: LayerMemory, cores: readonly CoreLimits[]): number[] {
  return cores.filter((c) => fitsCore(m, c)).map((c) => c.core);
}
