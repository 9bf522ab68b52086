// Chip families as data: per-core memory tables and the few feature flags that make
// one family differ from another (chip.md §2-3, §6-7, §13-14). Adding a chip is adding
// a row here; nothing in the compiler or simulator branches on a family's name.

export type ChipFamilyId = 'dynapcnn' | 'speck2' | 'speck2b' | 'speck2cmini' | 'speck2dmini' | 'speck2e' | 'speck2f';

export interface CoreLimits {
  readonly core: number;
  /** Kernel (weight) memory entries. */
  readonly kernel: number;
  /** Neuron (state) memory entries. */
  readonly neuron: number;
  /** Bias memory entries (0: the core cannot hold a layer with biases). */
  readonly bias: number;
}

export interface ChipFamily {
  readonly id: ChipFamilyId;
  readonly name: string;
  readonly cores: readonly CoreLimits[];
  /** Kill bits are written (zero weights produce no synaptic update). */
  readonly killBits: boolean;
  readonly hasReadout: boolean;
  readonly hasDecimator: boolean;
  /** Something the UI must say about this family (established uncertainty). */
  readonly notes: readonly string[];
}

const Ki = 1024;

const NINE_CORE_TABLE: readonly CoreLimits[] = [
  { core: 0, kernel: 16 * Ki, neuron: 64 * Ki, bias: 1024 },
  { core: 1, kernel: 16 * Ki, neuron: 64 * Ki, bias: 1024 },
  { core: 2, kernel: 16 * Ki, neuron: 64 * Ki, bias: 1024 },
  { core: 3, kernel: 32 * Ki, neuron: 32 * Ki, bias: 1024 },
  { core: 4, kernel: 32 * Ki, neuron: 32 * Ki, bias: 1024 },
  { core: 5, kernel: 64 * Ki, neuron: 16 * Ki, bias: 1024 },
  { core: 6, kernel: 64 * Ki, neuron: 16 * Ki, bias: 1024 },
  { core: 7, kernel: 16 * Ki, neuron: 16 * Ki, bias: 1024 },
  { core: 8, kernel: 16 * Ki, neuron: 16 * Ki, bias: 1024 },
];

const FIVE_CORE_TABLE: readonly CoreLimits[] = [
  { core: 0, kernel: 16 * Ki, neuron: 64 * Ki, bias: 0 },
  { core: 1, kernel: 32 * Ki, neuron: 32 * Ki, bias: 0 },
  { core: 2, kernel: 32 * Ki, neuron: 32 * Ki, bias: 0 },
  { core: 3, kernel: 64 * Ki, neuron: 16 * Ki, bias: 1024 },
  { core: 4, kernel: 16 * Ki, neuron: 16 * Ki, bias: 1024 },
];

const MINI_NOTE = 'Only cores 3 and 4 have bias memory: a layer with biases (even all-zero ones) fits nowhere else.';

export const CHIP_FAMILIES: Readonly<Record<ChipFamilyId, ChipFamily>> = {
  dynapcnn: { id: 'dynapcnn', name: 'DYNAP-CNN', cores: NINE_CORE_TABLE, killBits: true, hasReadout: false, hasDecimator: false, notes: [] },
  speck2: { id: 'speck2', name: 'Speck2', cores: NINE_CORE_TABLE, killBits: true, hasReadout: false, hasDecimator: false, notes: [] },
  speck2b: {
    id: 'speck2b',
    name: 'Speck2b',
    cores: NINE_CORE_TABLE,
    killBits: true,
    hasReadout: false,
    hasDecimator: false,
    notes: ['speck2btiny is treated as 9 cores (what the reference placement uses); a hardware test of the reference assumes 5. Not established.'],
  },
  speck2cmini: { id: 'speck2cmini', name: 'Speck2cMini', cores: FIVE_CORE_TABLE, killBits: false, hasReadout: false, hasDecimator: false, notes: [MINI_NOTE] },
  speck2dmini: { id: 'speck2dmini', name: 'Speck2dMini', cores: FIVE_CORE_TABLE, killBits: false, hasReadout: false, hasDecimator: false, notes: [MINI_NOTE] },
  speck2e: { id: 'speck2e', name: 'Speck2e', cores: NINE_CORE_TABLE, killBits: false, hasReadout: true, hasDecimator: true, notes: [] },
  speck2f: { id: 'speck2f', name: 'Speck2f', cores: NINE_CORE_TABLE, killBits: false, hasReadout: true, hasDecimator: true, notes: [] },
};

/** Hardware limits shared by every family (chip.md §6). */
export const CHIP_LIMITS = {
  destinationsPerCore: 2,
  maxInputSize: 128,
  maxNeuronMapSize: 64,
  maxChannels: 1024,
  maxKernelSize: 16,
  strides: [1, 2, 4, 8] as readonly number[],
  maxPadding: 7,
  corePooling: [1, 2, 4] as readonly number[],
  dvsPooling: [1, 2, 4] as readonly number[],
  dvsSize: 128,
  weightBits: 8,
  stateBits: 16,
  readoutCore: 12,
} as const;

export function chipFamily(id: ChipFamilyId): ChipFamily {
  return CHIP_FAMILIES[id];
}
