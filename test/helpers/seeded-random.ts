// xorshift32: a seeded generator, so fuzz tests draw the same cases on every run.

/** A function giving whole numbers in [0, n), the same sequence for the same seed. */
export function seededRandom(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}
