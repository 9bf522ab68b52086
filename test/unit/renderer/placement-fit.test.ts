import { describe, expect, it } from 'vitest';
import { assignLayer, baseOrdering, overflowText, placedCountText, placementPicture, placementProblemText } from '../../../renderer/placement/placement-fit';
import { LENET_AUTO_ORDERING, LENET_CHIP_LAYERS, SPECK2F_CORES } from './fake-workbench';

// LeNet on Speck2f (numbers of `dcnn compile examples/lenet`): memory per chip layer
//   L0 kernel 1 Ki, neuron 20 Ki | L1 20 Ki, 2 Ki | L2 64 Ki, 512 | L3 64 Ki, 500 | L4 8000, 10
// Cores 0-2: kernel 16 Ki / neuron 64 Ki; 3-4: 32 Ki / 32 Ki; 5-6: 64 Ki / 16 Ki; 7-8: 16 Ki / 16 Ki.

describe('placement picture', () => {
  it('shows the automatic placement: every layer on a core that holds it', () => {
    const p = placementPicture(LENET_CHIP_LAYERS, SPECK2F_CORES, LENET_AUTO_ORDERING);
    expect(p.valid).toBe(true);
    expect(p.placedCount).toBe(5);
    expect(p.unplaced).toEqual([]);
    expect(p.cores.map((c) => c.layers)).toEqual([[0], [4], [], [1], [], [2], [3], [], []]);
    expect(p.cores[3]!.use).toEqual({ kernel: 20 * 1024, neuron: 2 * 1024, bias: 0 });
    expect(p.cores[2]!.use).toEqual({ kernel: 0, neuron: 0, bias: 0 });
  });

  it('says which memory of a too-small core overflows and by how much', () => {
    // Layer 2 (kernel 65536) on core 0 (kernel 16384): 49152 = 48 Ki over.
    const p = placementPicture(LENET_CHIP_LAYERS, SPECK2F_CORES, [2, 3, 0, 6, 1]);
    expect(p.valid).toBe(false);
    expect(p.cores[0]!.overflows).toEqual([{ memory: 'kernel', need: 65536, have: 16384, over: 49152 }]);
    expect(overflowText(p.cores[0]!.overflows[0]!)).toBe('kernel 64 Ki > 16 Ki (48 Ki over)');
  });

  it('flags two layers on one core as invalid', () => {
    const p = placementPicture(LENET_CHIP_LAYERS, SPECK2F_CORES, [0, 3, 5, 6, 0]);
    expect(p.cores[0]!.layers).toEqual([0, 4]);
    expect(p.valid).toBe(false);
  });

  it('puts layers without a core in the tray with the reason from the compile', () => {
    const p = placementPicture(LENET_CHIP_LAYERS, SPECK2F_CORES, null, [
      { kind: 'no-core', layer: 2, memory: { kernel: 131072, neuron: 512, bias: 0 }, largest: { kernel: 65536, neuron: 65536, bias: 1024 } },
    ]);
    expect(p.placedCount).toBe(0);
    expect(p.unplaced.find((u) => u.layer === 2)?.reason).toBe(
      'Layer 2 fits no core: it needs kernel 128 Ki, neuron 512, bias 0; the largest cores have kernel 64 Ki, neuron 64 Ki, bias 1 Ki.',
    );
  });
});

describe('the header count and the tray reasons say what is true', () => {
  it('counts only layers alone on a core that holds them, and names each misfit', () => {
    expect(placedCountText(placementPicture(LENET_CHIP_LAYERS, SPECK2F_CORES, LENET_AUTO_ORDERING))).toBe('5 of 5 layers placed');
    // Not "5 of 5 layers placed · does not fit": layer 2 is on core 0, which cannot hold it.
    expect(placedCountText(placementPicture(LENET_CHIP_LAYERS, SPECK2F_CORES, [2, 3, 0, 6, 1]))).toBe('4 of 5 layers placed · layer 2 does not fit core 0');
    expect(placedCountText(placementPicture(LENET_CHIP_LAYERS, SPECK2F_CORES, [0, 3, 5, 6, 0]))).toBe('3 of 5 layers placed · layers 0 and 4 share core 0');
  });

  it('when the compile stopped before placement, a layer that fits is told where it would fit and why nothing was placed', () => {
    const p = placementPicture(LENET_CHIP_LAYERS, SPECK2F_CORES, null, [], 'The model exceeds the chip\'s limits: layer 3 (nn.Linear, line 9): ...');
    // Layer 4 (kernel 8000, neuron 10): cores 0-2 (16 Ki / 64 Ki), 3-4, 5-6, 7-8 all hold it.
    expect(p.unplaced.find((u) => u.layer === 4)?.reason).toBe(
      "It fits cores 0, 1, 2, 3, 4, 5, 6, 7, 8; nothing was placed because the compile stopped before placement: The model exceeds the chip's limits: layer 3 (nn.Linear, line 9): ...",
    );
    // Layer 2 (kernel 64 Ki) only on cores 5 and 6.
    expect(p.unplaced.find((u) => u.layer === 2)?.reason).toMatch(/^It fits cores 5, 6; /);
    expect(p.unplaced.every((u) => !/did not compile far enough/.test(u.reason))).toBe(true);
  });
});

describe('problem texts', () => {
  it('words each kind of placement problem for people', () => {
    expect(placementProblemText({ kind: 'too-few-cores', layers: [2, 3, 4], cores: [5, 6] })).toBe('Layers 2, 3, 4 can only use cores 5, 6: 3 layers for 2 cores.');
    expect(placementProblemText({ kind: 'does-not-fit', layer: 1, core: 7, overflows: [{ memory: 'kernel', need: 20480, have: 16384 }] })).toBe(
      'Layer 1 does not fit core 7: kernel 20 Ki > 16 Ki (4 Ki over).',
    );
    expect(placementProblemText({ kind: 'core-range', position: 0, core: 9, coreCount: 9 })).toBe('Core 9 does not exist (this chip has cores 0–8).');
  });
});

describe('manual assignment', () => {
  it('moves a layer to a free core', () => {
    expect(assignLayer([0, 3, 5, 6, 1], 4, 8)).toEqual([0, 3, 5, 6, 8]);
  });

  it('swaps with the layer that held the core', () => {
    expect(assignLayer([0, 3, 5, 6, 1], 2, 6)).toEqual([0, 3, 6, 5, 1]);
  });

  it('starts from the automatic placement when there is one', () => {
    expect(baseOrdering(LENET_CHIP_LAYERS, SPECK2F_CORES, LENET_AUTO_ORDERING)).toEqual([0, 3, 5, 6, 1]);
  });

  it('without one, gives each layer its first free candidate core', () => {
    // candidates: L0 [0,1,2], L1 [3,4,5,6], L2 [5,6], L3 [5,6], L4 [0..8]
    expect(baseOrdering(LENET_CHIP_LAYERS, SPECK2F_CORES, null)).toEqual([0, 3, 5, 6, 1]);
  });
});
