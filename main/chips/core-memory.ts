// Memory a chip layer needs on a core (chip.md §4) and which cores can hold it. Only
// memory is considered here; the compiler checks shape limits before placement.

import type { CoreLimits } from './families.js';

export interface LayerMemory {
  kernel: number;
  neuron: number;
  bias: number;
}

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

export function fitsCore(m: LayerMemory, core: CoreLimits): boolean {
  return m.kernel >= 0 && m.kernel <= core.kernel && m.neuron >= 0 && m.neuron <= core.neuron && m.bias >= 0 && m.bias <= core.bias;
}

export function candidateCores(m: LayerMemory, cores: readonly CoreLimits[]): number[] {
  return cores.filter((c) => fitsCore(m, c)).map((c) => c.core);
}

/** Which memories of `m` exceed `core`, by how much. */
export function overflows(m: LayerMemory, core: CoreLimits): Array<{ memory: 'kernel' | 'neuron' | 'bias'; need: number; have: number }> {
  const out: Array<{ memory: 'kernel' | 'neuron' | 'bias'; need: number; have: number }> = [];
  if (m.kernel > core.kernel) out.push({ memory: 'kernel', need: m.kernel, have: core.kernel });
  if (m.neuron > core.neuron) out.push({ memory: 'neuron', need: m.neuron, have: core.neuron });
  if (m.bias > core.bias) out.push({ memory: 'bias', need: m.bias, have: core.bias });
  return out;
}

/** Memory sizes as people read them: 16384 -> "16 Ki", 1500 -> "1.46 Ki", 500 -> "500". */
export function formatEntries(n: number): string {
  if (n < 1024) return String(n);
  const ki = n / 1024;
  return `${Number.isInteger(ki) ? ki : ki.toFixed(2)} Ki`;
}
