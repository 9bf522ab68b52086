// The energy estimate is synaptic operations times the figure given; the expected values
// are worked out by hand (1 pJ x 1000 operations = 1 nJ).

import { describe, expect, it } from 'vitest';
import { estimateEnergy, publishedPower } from '../../../main/common/energy-estimate.js';

describe('estimateEnergy', () => {
  it('multiplies each sample\'s operations by the figure and averages over the samples that ran', () => {
    const e = estimateEnergy([1000, 3000, null, 0], 2.5);
    expect(e.perSampleNj).toEqual([2.5, 7.5, 0, 0]);
    expect(e.totalNj).toBe(10);
    // Three samples ran (the failed one is not counted): 10 nJ / 3.
    expect(e.meanNj).toBeCloseTo(10 / 3, 12);
    expect(e.pjPerSynop).toBe(2.5);
  });

  it('has a mean of 0 when no sample ran, and refuses a negative or non-finite figure', () => {
    expect(estimateEnergy([null], 1).meanNj).toBe(0);
    expect(() => estimateEnergy([1], -1)).toThrow(/picojoules >= 0; got -1/);
    expect(() => estimateEnergy([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('publishedPower', () => {
  it("gives Speck's published processor resting power with its source, and nothing for DYNAP-CNN", () => {
    expect(publishedPower('speck2f')).toMatchObject({ restingMilliwatts: 0.42, source: expect.stringContaining('Nature Communications 15, 4464 (2024)') });
    expect(publishedPower('dynapcnn')).toBeNull();
  });
});
