// Placing chip layers on cores: automatic (maximum bipartite matching) or an ordering the
// user picked, validated per placement.md §5.2. When nothing fits, the result says why in
// data: which layers have no core, what they need, the largest core of each memory kind,
// and which layers compete for too few cores.

import type { ChipFamily, CoreLimits } from '../chips/families.js';
import { hallViolator, maximumBipartiteMatching } from './bipartite-matching.js';
import { fitsCore, overflows, type LayerMemory } from '../common/memory-fit.js';
import { formatEntries } from '../common/number-format.js';

export interface PlacementLayer {
  index: number;
  memory: LayerMemory;
  candidates: readonly number[];
}

export type PlacementProblem =
  | { kind: 'no-core'; layer: number; memory: LayerMemory; largest: { kernel: number; neuron: number; bias: number } }
  | { kind: 'too-few-cores'; layers: number[]; cores: number[] }
  | { kind: 'length'; expected: number; got: number }
  | { kind: 'core-range'; position: number; core: number; coreCount: number }
  | { kind: 'duplicate-core'; core: number; layers: number[] }
  | { kind: 'does-not-fit'; layer: number; core: number; overflows: ReturnType<typeof overflows> };

export type PlacementOutcome =
  | { ok: true; ordering: number[]; auto: boolean }
  | { ok: false; auto: boolean; problems: PlacementProblem[]; message: string };

function largestCore(cores: readonly CoreLimits[]) {
  return {
    kernel: Math.max(...cores.map((c) => c.kernel)),
    neuron: Math.max(...cores.map((c) => c.neuron)),
    bias: Math.max(...cores.map((c) => c.bias)),
  };
}

export function placeAuto(layers: readonly PlacementLayer[], family: ChipFamily): PlacementOutcome {
  const matching = maximumBipartiteMatching(
    layers.map((l) => l.candidates),
    family.cores.length,
  );
  if (matching.every((c) => c !== null)) return { ok: true, auto: true, ordering: matching as number[] };

  const problems: PlacementProblem[] = [];
  const largest = largestCore(family.cores);
  for (const l of layers) {
    if (l.candidates.length === 0) problems.push({ kind: 'no-core', layer: l.index, memory: l.memory, largest });
  }
  if (problems.length === 0) {
    const violator = hallViolator(
      layers.map((l) => l.candidates),
      matching,
    );
    if (violator) problems.push({ kind: 'too-few-cores', ...violator });
  }
  return { ok: false, auto: true, problems, message: placementMessage(problems, family) };
}

export function placeManual(layers: readonly PlacementLayer[], ordering: readonly number[], family: ChipFamily): PlacementOutcome {
  const problems: PlacementProblem[] = [];
  const coreCount = family.cores.length;
  if (ordering.length !== layers.length) problems.push({ kind: 'length', expected: layers.length, got: ordering.length });
  ordering.forEach((core, position) => {
    if (!Number.isInteger(core) || core < 0 || core >= coreCount) problems.push({ kind: 'core-range', position, core, coreCount });
  });
  const users = new Map<number, number[]>();
  ordering.forEach((core, position) => users.set(core, [...(users.get(core) ?? []), position]));
  for (const [core, ls] of users) if (ls.length > 1) problems.push({ kind: 'duplicate-core', core, layers: ls });
  ordering.forEach((core, position) => {
    const layer = layers[position];
    const limits = family.cores[core];
    if (!layer || !limits) return;
    if (!fitsCore(layer.memory, limits)) problems.push({ kind: 'does-not-fit', layer: position, core, overflows: overflows(layer.memory, limits) });
  });
  if (problems.length > 0) return { ok: false, auto: false, problems, message: placementMessage(problems, family) };
  return { ok: true, auto: false, ordering: [...ordering] };
}

export function describeProblem(p: PlacementProblem, family: ChipFamily): string {
  switch (p.kind) {
    case 'no-core': {
      const reasons = family.cores
        .map((c) => overflows(p.memory, c))
        .flat()
        .filter((o, i, all) => all.findIndex((x) => x.memory === o.memory) === i)
        .map((o) => `${o.memory} memory ${formatEntries(o.need)} > ${formatEntries(largestOf(family, o.memory, p.memory))}`);
      const needs = `kernel ${formatEntries(p.memory.kernel)}, neuron ${formatEntries(p.memory.neuron)}, bias ${formatEntries(p.memory.bias)}`;
      const detail = reasons.length > 0 ? reasons.join('; ') : 'no single core has all three memories large enough';
      return (
        `layer ${p.layer} fits no core: it needs ${needs}; the largest cores have kernel ${formatEntries(p.largest.kernel)}, ` +
        `neuron ${formatEntries(p.largest.neuron)}, bias ${formatEntries(p.largest.bias)} (${detail})`
      );
    }
    case 'too-few-cores':
      return `layers ${p.layers.join(', ')} can only use cores ${p.cores.join(', ')}: ${p.layers.length} layers for ${p.cores.length} cores`;
    case 'length':
      return `expected ${p.expected} core ids (one per chip layer), got ${p.got}`;
    case 'core-range':
      return `core ${p.core} out of range (this chip has cores 0..${p.coreCount - 1})`;
    case 'duplicate-core':
      return `core ${p.core} used by layers ${p.layers.join(' and ')}`;
    case 'does-not-fit':
      return `layer ${p.layer} does not fit core ${p.core}: ${p.overflows.map((o) => `${o.memory} ${o.need} > ${o.have}`).join(', ')}`;
  }
}

/**
 * For a layer that fits no core, the limit to quote for one memory kind: the largest
 * core of that kind among cores that would otherwise be large enough, else the overall largest.
 */
function largestOf(family: ChipFamily, memory: 'kernel' | 'neuron' | 'bias', need: LayerMemory): number {
  const others = family.cores.filter((c) => overflows(need, c).every((o) => o.memory === memory));
  const pool = others.length > 0 ? others : family.cores;
  return Math.max(...pool.map((c) => c[memory]));
}

export function placementMessage(problems: readonly PlacementProblem[], family: ChipFamily): string {
  const head = problems.some((p) => p.kind === 'no-core' || p.kind === 'too-few-cores')
    ? `No valid mapping found on ${family.name} (${family.cores.length} cores): `
    : `The chosen ordering is not valid on ${family.name}: `;
  return head + problems.map((p) => describeProblem(p, family)).join('; ') + '.';
}
