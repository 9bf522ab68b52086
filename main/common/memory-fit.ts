// Whether a layer's memory fits a core, and memory sizes as people read them. Pure, so
// the compiler, the CLI and the renderer (which shows the fit of a layer dragged onto a
// core) share one rule. How much memory a layer needs is the chip's business
// (main/chips/core-memory.ts), not this module's.

export interface LayerMemory {
  kernel: number;
  neuron: number;
  bias: number;
}

/** A core's capacity per memory, in entries. */
export type CoreCapacity = LayerMemory;

export function fitsCore(m: LayerMemory, core: CoreCapacity): boolean {
  return m.kernel >= 0 && m.kernel <= core.kernel && m.neuron >= 0 && m.neuron <= core.neuron && m.bias >= 0 && m.bias <= core.bias;
}

/** Which memories of `m` exceed `core`, by how much. */
export function overflows(m: LayerMemory, core: CoreCapacity): Array<{ memory: 'kernel' | 'neuron' | 'bias'; need: number; have: number }> {
  const out: Array<{ memory: 'kernel' | 'neuron' | 'bias'; need: number; have: number }> = [];
  if (m.kernel > core.kernel) out.push({ memory: 'kernel', need: m.kernel, have: core.kernel });
  if (m.neuron > core.neuron) out.push({ memory: 'neuron', need: m.neuron, have: core.neuron });
  if (m.bias > core.bias) out.push({ memory: 'bias', need: m.bias, have: core.bias });
  return out;
}

