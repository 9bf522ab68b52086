// Energy estimates of an evaluation from counted synaptic operations. No source the
// workbench has (spec/, sinabs, samna) documents an energy per synaptic operation for
// DYNAP-CNN or Speck, so the dynamic part uses a figure the user gives and says so. The
// one published figure is Speck's processor resting power; it is reported beside the
// estimate, since it is paid for as long as the chip is powered, not per operation.
// Pure arithmetic; it runs nothing.

export interface PublishedPower {
  restingMilliwatts: number;
  source: string;
}

const SPECK_RESTING: PublishedPower = {
  restingMilliwatts: 0.42,
  source: 'Yao et al., "Spike-based dynamic computing with asynchronous sensing-computing neuromorphic chip", Nature Communications 15, 4464 (2024): processor resting power of Speck',
};

/** The published resting power of a chip family's chip (`speck2f`, `dynapcnn`, ...); null where none is published. */
export function publishedPower(family: string): PublishedPower | null {
  return family.startsWith('speck') ? SPECK_RESTING : null;
}

export interface EnergyEstimate {
  /** The figure used, pJ per synaptic operation (the user's). */
  pjPerSynop: number;
  /** Per sample, in the rows' order: synaptic operations x figure, nJ. */
  perSampleNj: number[];
  meanNj: number;
  totalNj: number;
}

export function formatNanojoules(nj: number): string {
  return nj >= 1e6 ? `${(nj / 1e6).toPrecision(3)} mJ` : nj >= 1000 ? `${(nj / 1000).toPrecision(3)} µJ` : `${nj.toPrecision(3)} nJ`;
}

/** Rows that failed (no synaptic operation count) are left out of the mean; their entry is 0. */
export function estimateEnergy(synapticOps: ReadonlyArray<number | null>, pjPerSynop: number): EnergyEstimate {
  if (!Number.isFinite(pjPerSynop) || pjPerSynop < 0) throw new RangeError(`the energy per synaptic operation must be a number of picojoules >= 0; got ${pjPerSynop}`);
  let total = 0;
  let counted = 0;
  const perSampleNj = synapticOps.map((n) => {
    if (n === null) return 0;
    counted++;
    const nj = (n * pjPerSynop) / 1000;
    total += nj;
    return nj;
  });
  return { pjPerSynop, perSampleNj, meanNj: counted > 0 ? total / counted : 0, totalNj: total };
}
