// Seeded damage for reader fuzz tests: truncations, flipped bytes, overwritten runs and
// dropped spans of a valid file, reproducible from the seed (mulberry32), so a failing
// case is named by its index and can be replayed.

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The `index`-th damaged copy of `src` for `seed`; `hot` bytes (e.g. the header) are damaged more often. */
export function mutate(src: Uint8Array, seed: number, index: number, hot = src.length): Uint8Array {
  const rnd = mulberry32(seed * 7919 + index);
  const at = (limit: number): number => Math.floor(rnd() * Math.max(1, limit));
  const region = rnd() < 0.6 ? Math.min(hot, src.length) : src.length;
  switch (index % 4) {
    case 0:
      return src.slice(0, at(src.length));
    case 1: {
      const out = src.slice();
      const flips = 1 + at(8);
      for (let k = 0; k < flips; k++) {
        const i = at(region);
        out[i] = out[i]! ^ (1 << at(8));
      }
      return out;
    }
    case 2: {
      const out = src.slice();
      const start = at(region);
      const len = 1 + at(16);
      for (let k = start; k < Math.min(out.length, start + len); k++) out[k] = at(256);
      return out;
    }
    default: {
      const start = at(region);
      const len = 1 + at(64);
      const out = new Uint8Array(src.length - Math.min(len, src.length - start));
      out.set(src.subarray(0, start));
      out.set(src.subarray(Math.min(src.length, start + len)), start);
      return out;
    }
  }
}
