// The weights cache drops the least recently used upload beyond its count or bytes, keeps
// pinned entries, and says which ids went so results built from them go too.

import { describe, expect, it } from 'vitest';
import { WeightsCache } from '../../../main/services/weights-cache.js';

describe('weights cache', () => {
  it('drops the least recently used beyond the count, never a pinned one', () => {
    const dropped: string[] = [];
    const c = new WeightsCache<string>({ maxEntries: 2, maxBytes: 1000 }, (id) => dropped.push(id));
    c.set('example', 'e', 10, { pinned: true });
    c.set('a', 'a', 10);
    c.set('b', 'b', 10);
    expect(c.get('a')).toBe('a'); // a is now the most recent
    c.set('c', 'c', 10);
    expect(dropped).toEqual(['b']);
    expect(c.has('example')).toBe(true);
    expect(c.stats()).toMatchObject({ entries: 2, bytes: 20, pinnedEntries: 1, pinnedBytes: 10 });
  });

  it('drops by bytes, but keeps the newest even when it alone is over', () => {
    const dropped: string[] = [];
    const c = new WeightsCache<string>({ maxEntries: 10, maxBytes: 100 }, (id) => dropped.push(id));
    c.set('a', 'a', 60);
    c.set('b', 'b', 60);
    expect(dropped).toEqual(['a']);
    c.set('big', 'big', 500);
    expect(dropped).toEqual(['a', 'b']);
    expect(c.get('big')).toBe('big');
    expect(c.stats()).toMatchObject({ entries: 1, bytes: 500 });
  });
});
