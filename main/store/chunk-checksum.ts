// The checksum every recording chunk carries since schema 6: XXH32 (@node-rs/xxhash) of
// the stored bytes, kept in its own column next to the chunk's index row. SQLite's own
// checks see only the b-tree structure, not flipped bytes inside a blob; this sees those.
// Chunks written before schema 6 have no checksum and are read as before.

import { xxh32 } from '@node-rs/xxhash';

/** Seed of the checksum: "DCNC" (fixed forever; changing it would call every chunk damaged). */
const SEED = 0x44434e43;

export function chunkChecksum(bytes: Uint8Array): number {
  return xxh32(bytes, SEED) >>> 0;
}
