// What the placement view draws, computed from a compile result and an ordering: per core
// its capacity, the layer on it and which memory overflows by how much, plus the layers
// that have no core and why. Also the one rule for a manual assignment (swap with the
// layer that held the core). Pure: the compile service stays the authority on placement;
// this only lets the view answer "does it fit?" the moment the user picks a core.

import type { ChipLayerView, CoreLimitsView, MemoryView, PlacementProblemView } from '../../preload/api';
import { overflows } from '../../main/common/memory-fit';
import { formatEntries } from '../../main/common/number-format';

export type MemoryKind = 'kernel' | 'neuron' | 'bias';

export interface Overflow {
  memory: MemoryKind;
  need: number;
  have: number;
  /** need - have, in entries. */
  over: number;
}

export interface CoreUse {
  limits: CoreLimitsView;
  /** Chip layers assigned to this core (more than one only in an invalid manual ordering). */
  layers: number[];
  use: MemoryView;
  overflows: Overflow[];
}

export interface UnplacedLayer {
  layer: number;
  reason: string;
}

export interface PlacementPicture {
  cores: CoreUse[];
  unplaced: UnplacedLayer[];
  placedCount: number;
  layerCount: number;
  /** Every layer is on a core that holds it, one layer per core. */
  valid: boolean;
}

const NO_MEMORY: MemoryView = { kernel: 0, neuron: 0, bias: 0 };

export function overflowsOf(memory: MemoryView, limits: CoreLimitsView): Overflow[] {
  return overflows(memory, limits).map((o) => ({ ...o, over: o.need - o.have }));
}

export function fits(memory: MemoryView, limits: CoreLimitsView): boolean {
  return overflowsOf(memory, limits).length === 0;
}

/** "kernel 64 Ki > 16 Ki (48 Ki over)" */
export function overflowText(o: Overflow): string {
  return `${o.memory} ${formatEntries(o.need)} > ${formatEntries(o.have)} (${formatEntries(o.over)} over)`;
}

function memoryText(m: MemoryView): string {
  return `kernel ${formatEntries(m.kernel)}, neuron ${formatEntries(m.neuron)}, bias ${formatEntries(m.bias)}`;
}

/** One sentence per placement problem, for the tray and the problems list. */
export function placementProblemText(p: PlacementProblemView): string {
  switch (p.kind) {
    case 'no-core':
      return `Layer ${p.layer} fits no core: it needs ${memoryText(p.memory)}; the largest cores have ${memoryText(p.largest)}.`;
    case 'too-few-cores':
      return `Layers ${p.layers.join(', ')} can only use cores ${p.cores.join(', ')}: ${p.layers.length} layers for ${p.cores.length} cores.`;
    case 'length':
      return `The ordering names ${p.got} cores for ${p.expected} chip layers.`;
    case 'core-range':
      return `Core ${p.core} does not exist (this chip has cores 0–${p.coreCount - 1}).`;
    case 'duplicate-core':
      return `Core ${p.core} is given to layers ${p.layers.join(' and ')}: one layer per core.`;
    case 'does-not-fit':
      return `Layer ${p.layer} does not fit core ${p.core}: ${p.overflows.map((o) => overflowText({ ...o, over: o.need - o.have })).join(', ')}.`;
  }
}

function reasonFor(layer: ChipLayerView, cores: readonly CoreLimitsView[], problems: readonly PlacementProblemView[], stoppedBy: string | null): string {
  for (const p of problems) {
    if (p.kind === 'no-core' && p.layer === layer.index) return placementProblemText(p);
    if (p.kind === 'too-few-cores' && p.layers.includes(layer.index)) return placementProblemText(p);
  }
  const general = problems.find((p) => p.kind === 'length' || p.kind === 'core-range');
  if (general) return placementProblemText(general);
  // The compile stopped before placement: say whether this layer itself would fit, and why nothing was placed.
  const holding = cores.filter((c) => fits(layer.memory, c)).map((c) => c.core);
  const own = holding.length > 0 ? `It fits core${holding.length === 1 ? '' : 's'} ${holding.join(', ')}` : `It fits no core (it needs ${memoryText(layer.memory)})`;
  return `${own}; nothing was placed because ${stoppedBy ? `the compile stopped before placement: ${stoppedBy}` : 'the compile stopped before placement'}`;
}

/** The header's count: how many layers sit alone on a core that holds them. */
export function placedCountText(picture: PlacementPicture): string {
  const misfits = picture.cores.filter((c) => c.layers.length > 0 && (c.overflows.length > 0 || c.layers.length > 1));
  const fitted = picture.cores.reduce((n, c) => n + (c.layers.length === 1 && c.overflows.length === 0 ? 1 : 0), 0);
  const parts = [`${fitted} of ${picture.layerCount} layers placed`];
  for (const c of misfits) {
    parts.push(c.layers.length > 1 ? `layers ${c.layers.join(' and ')} share core ${c.limits.core}` : `layer ${c.layers[0]} does not fit core ${c.limits.core}`);
  }
  if (picture.unplaced.length > 0 && picture.placedCount > 0) parts.push(`${picture.unplaced.length} not on a core`);
  return parts.join(' · ');
}

/**
 * The chip as cores with what sits on them. `ordering[i]` is the core of chip layer i
 * (null/absent: not placed).
 */
export function placementPicture(
  layers: readonly ChipLayerView[],
  cores: readonly CoreLimitsView[],
  ordering: ReadonlyArray<number | null> | null,
  problems: readonly PlacementProblemView[] = [],
  /** Why the compile stopped before placement (its error), when it did. */
  stoppedBy: string | null = null,
): PlacementPicture {
  const byCore = new Map<number, number[]>();
  const unplaced: UnplacedLayer[] = [];
  for (const l of layers) {
    const core = ordering?.[l.index];
    if (core === null || core === undefined || !cores.some((c) => c.core === core)) {
      unplaced.push({ layer: l.index, reason: reasonFor(l, cores, problems, stoppedBy) });
      continue;
    }
    byCore.set(core, [...(byCore.get(core) ?? []), l.index]);
  }
  let valid = unplaced.length === 0;
  const coreUses = cores.map((limits) => {
    const on = byCore.get(limits.core) ?? [];
    const use = on.reduce<MemoryView>((s, i) => {
      const m = layers.find((l) => l.index === i)?.memory ?? NO_MEMORY;
      return { kernel: s.kernel + m.kernel, neuron: s.neuron + m.neuron, bias: s.bias + m.bias };
    }, NO_MEMORY);
    const over = overflowsOf(use, limits);
    if (over.length > 0 || on.length > 1) valid = false;
    return { limits, layers: on, use, overflows: over };
  });
  return { cores: coreUses, unplaced, placedCount: layers.length - unplaced.length, layerCount: layers.length, valid };
}

/**
 * A starting manual ordering: the automatic placement when there is one, else each layer
 * on its first free candidate core (first free core when no candidate is free).
 */
export function baseOrdering(layers: readonly ChipLayerView[], cores: readonly CoreLimitsView[], autoOrdering: readonly number[] | null): number[] {
  if (autoOrdering && autoOrdering.length === layers.length) return [...autoOrdering];
  const used = new Set<number>();
  return layers.map((l) => {
    const pick = l.candidates.find((c) => !used.has(c)) ?? cores.map((c) => c.core).find((c) => !used.has(c)) ?? 0;
    used.add(pick);
    return pick;
  });
}

/** Put `layer` on `core`; the layer that held `core` (if any) takes `layer`'s old core. */
export function assignLayer(ordering: readonly number[], layer: number, core: number): number[] {
  const next = [...ordering];
  const old = next[layer];
  const holder = next.findIndex((c, i) => c === core && i !== layer);
  next[layer] = core;
  if (holder >= 0 && old !== undefined) next[holder] = old;
  return next;
}
