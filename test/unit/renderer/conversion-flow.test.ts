// The conversion table's "From → to" column for sequential and graph networks.
import { describe, expect, it } from 'vitest';
import type { ChipLayerView } from '../../../preload/api';
import { flowText } from '../../../renderer/inspector/conversion-inspector';

const layers = (destinations: number[][]) => destinations.map((d, index) => ({ index, destinations: d }) as unknown as ChipLayerView);

describe('From → to', () => {
  it('a chain: input, then each layer to the next, the last to the output', () => {
    const ls = layers([[1], [2], []]);
    expect(ls.map((l) => flowText(ls, l))).toEqual(['input → 1', '0 → 2', '1 → output']);
  });

  it('a split and a merge; -1 (exit) is the output', () => {
    const ls = layers([[1, 2], [3], [3], [-1]]);
    expect(ls.map((l) => flowText(ls, l))).toEqual(['input → 1, 2', '0 → 3', '0 → 3', '1 + 2 → output']);
  });
});
