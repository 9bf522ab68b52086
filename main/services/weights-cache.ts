// The weights files a session has loaded, by content hash, least recently used first.
// Every upload used to stay until the process ended (40 uploads of 8 MB kept 665 MB), so
// the cache is bounded by count and bytes and drops the least recently used upload beyond
// either; a request naming a dropped id gets UNKNOWN_WEIGHTS ("load the weights file
// again"). Pinned entries (the built-in examples' weights, small and always offered) are
// never dropped and not counted against the bound.

import { MAX_REQUEST_BYTES } from '../../preload/api.js';

export interface WeightsCacheLimits {
  maxEntries: number;
  maxBytes: number;
}

/**
 * 8 files: the one in the editor, the ones its runs and saved versions just used, and a
 * few to switch between. 512 MiB: two of the largest uploads as files, or one with its
 * decoded tensors; the newest entry is kept even when it alone is larger.
 */
export const DEFAULT_WEIGHTS_LIMITS: WeightsCacheLimits = { maxEntries: 8, maxBytes: 2 * MAX_REQUEST_BYTES };

export interface WeightsCacheStats {
  /** Entries that can be dropped, and the bytes they hold (file and decoded tensors). */
  entries: number;
  bytes: number;
  pinnedEntries: number;
  pinnedBytes: number;
  limits: WeightsCacheLimits;
}

interface Slot<T> {
  value: T;
  bytes: number;
  pinned: boolean;
}

export class WeightsCache<T> {
  // A Map iterates in insertion order: re-inserting on use keeps it least recently used first.
  private readonly slots = new Map<string, Slot<T>>();

  constructor(
    private readonly limits: WeightsCacheLimits = DEFAULT_WEIGHTS_LIMITS,
    /** Told of each dropped id, so what was built from it can go too. */
    private readonly onDrop: (id: string) => void = () => undefined,
  ) {}

  get(id: string): T | undefined {
    const slot = this.slots.get(id);
    if (!slot) return undefined;
    this.slots.delete(id);
    this.slots.set(id, slot);
    return slot.value;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  /** Adds (or refreshes) an entry, then drops the least recently used beyond the limits. */
  set(id: string, value: T, bytes: number, options: { pinned?: boolean } = {}): void {
    const known = this.slots.get(id);
    this.slots.delete(id);
    this.slots.set(id, { value, bytes, pinned: (options.pinned ?? false) || (known?.pinned ?? false) });
    this.trim(id);
  }

  stats(): WeightsCacheStats {
    const s: WeightsCacheStats = { entries: 0, bytes: 0, pinnedEntries: 0, pinnedBytes: 0, limits: this.limits };
    for (const slot of this.slots.values()) {
      if (slot.pinned) {
        s.pinnedEntries++;
        s.pinnedBytes += slot.bytes;
      } else {
        s.entries++;
        s.bytes += slot.bytes;
      }
    }
    return s;
  }

  private trim(keep: string): void {
    let { entries, bytes } = this.stats();
    for (const [id, slot] of this.slots) {
      if (entries <= this.limits.maxEntries && bytes <= this.limits.maxBytes) return;
      if (slot.pinned || id === keep) continue;
      this.slots.delete(id);
      entries--;
      bytes -= slot.bytes;
      this.onDrop(id);
    }
  }
}
