// Auto placement by maximum bipartite matching (placement.md §3 table) and validation of
// user orderings (§5.2, TC-45b, TC-41).
import { describe, expect, it } from 'vitest';
import { maximumBipartiteMatching } from '../../../main/compiler/bipartite-matching.js';
import { placeAuto, placeManual, type PlacementLayer } from '../../../main/compiler/placement.js';
import { CHIP_FAMILIES } from '../../../main/chips/families.js';
import { layerMemory } from '../../../main/chips/core-memory.js';

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('maximum bipartite matching reproduces the reference', () => {
  it.each([
    ['5-core kernel-limited (TC-37)', [range(0, 4), [1, 2, 3], [3], [1, 2, 3], range(0, 4)], 5, [0, 1, 3, 2, 4]],
    ['5-core neuron-limited (TC-38)', [[0, 1, 2], [0], [1, 2], range(0, 4), range(0, 4)], 5, [2, 0, 1, 4, 3]],
    ['MNIST model', [range(0, 4), [3, 4, 5, 6], [5, 6], [5, 6], range(0, 8)], 9, [0, 3, 5, 6, 1]],
    [
      'DynapCnnNetA (TC-41)',
      [[0, 1, 2], [0, 1, 2], range(0, 4), range(0, 8), range(3, 6), [5, 6], [5, 6], range(3, 6), range(0, 8)],
      9,
      [0, 1, 2, 8, 4, 5, 6, 3, 7],
    ],
  ])('%s', (_name, candidates, cores, want) => {
    expect(maximumBipartiteMatching(candidates, cores)).toEqual(want);
  });

  it('three layers that all fit only cores 1 and 2 have no complete matching (TC-39)', () => {
    const m = maximumBipartiteMatching([[1, 2], [1, 2], [1, 2]], 9);
    expect(m.filter((c) => c === null)).toHaveLength(1);
  });
});

const nine = CHIP_FAMILIES.speck2f;
const mini = CHIP_FAMILIES.speck2dmini;

function mnistLayers(): PlacementLayer[] {
  // conversion.md §8 memory table.
  const mem = [
    { kernel: 1024, neuron: 20480, bias: 0 },
    { kernel: 20480, neuron: 2048, bias: 0 },
    { kernel: 65536, neuron: 512, bias: 0 },
    { kernel: 65536, neuron: 500, bias: 0 },
    { kernel: 8000, neuron: 10, bias: 0 },
  ];
  const cands = [range(0, 4), [3, 4, 5, 6], [5, 6], [5, 6], range(0, 8)];
  return mem.map((memory, index) => ({ index, memory, candidates: cands[index]! }));
}

describe('auto placement errors say why', () => {
  it('a layer too large for every core names its needs and the largest cores (TC-43)', () => {
    const memory = layerMemory(1, 999999, [4, 4], [1, 1], false);
    expect(memory.kernel).toBe(16777216);
    const out = placeAuto([{ index: 0, memory, candidates: [] }], nine);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.message).toMatch(/^No valid mapping found/);
    expect(out.message).toContain('layer 0 fits no core');
    expect(out.message).toContain('kernel memory 16384 Ki > 64 Ki');
  });
  it('MNIST on a 5-core chip: layers 2 and 3 both need the single 64 Ki kernel core 3 (TC-40)', () => {
    const layers = mnistLayers().map((l) => ({ ...l, candidates: l.index === 2 || l.index === 3 ? [3] : l.index === 1 ? [1, 2, 3] : [0, 1, 2, 3, 4] }));
    const out = placeAuto(layers, mini);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.problems).toContainEqual({ kind: 'too-few-cores', layers: [2, 3], cores: [3] });
  });
});

describe('user orderings are validated (placement.md §5.2)', () => {
  const layers = mnistLayers();
  it('accepts a valid ordering unchanged', () => {
    expect(placeManual(layers, [0, 3, 5, 6, 1], nine)).toEqual({ ok: true, auto: false, ordering: [0, 3, 5, 6, 1] });
  });
  it('too short: "expected 5 core ids, got 3"', () => {
    const out = placeManual(layers, [0, 3, 5], nine);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.message).toContain('expected 5 core ids (one per chip layer), got 3');
  });
  it('too long is rejected as well', () => {
    const out = placeManual(layers, [0, 3, 5, 6, 1, 7, 8], nine);
    expect(out.ok).toBe(false);
  });
  it('duplicate: "core 5 used by layers 2 and 3"', () => {
    const out = placeManual(layers, [0, 3, 5, 5, 1], nine);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.message).toContain('core 5 used by layers 2 and 3');
  });
  it('out of range: "core 9 out of range"', () => {
    const out = placeManual(layers, [0, 3, 5, 6, 9], nine);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.message).toContain('core 9 out of range');
  });
  it('memory overflow names the layer, the core and both sizes (TC-41 range(9))', () => {
    const netA = [128, 4096, 8192, 16384, 32768, 65536, 65536, 32768, 128].map((kernel, index) => ({
      index,
      memory: { kernel, neuron: [65536, 65536, 32768, 8192, 4096, 1024, 256, 128, 1][index]!, bias: 0 },
      candidates: [],
    }));
    const out = placeManual(netA, range(0, 8), nine);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.problems).toContainEqual({ kind: 'does-not-fit', layer: 7, core: 7, overflows: [{ memory: 'kernel', need: 32768, have: 16384 }] });
    expect(placeManual(netA, [0, 1, 2, 7, 4, 5, 6, 3, 8], nine).ok).toBe(true);
  });
});
