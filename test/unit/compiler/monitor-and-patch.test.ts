// Monitor-layer translation (placement.md §7, TC-47/TC-48) and the config patch
// (JSON merge patch with index objects for arrays).
import { describe, expect, it } from 'vitest';
import { applyMergePatch } from '../../../main/compiler/config-patch.js';
import { translateMonitorLayers } from '../../../main/compiler/monitor.js';

const NET_A_ORDERING = [0, 1, 2, 8, 4, 5, 6, 3, 7];
const NET_A_POOLING = [1, 2, 2, 2, 2, 2, 1, 1, 1];

describe('monitor layers', () => {
  it('default [-1] monitors the last layer only, without warning (TC-47)', () => {
    const out = translateMonitorLayers([-1], NET_A_ORDERING, NET_A_POOLING);
    expect(out).toMatchObject({ ok: true, cores: [7], dvs: false, diagnostics: [] });
  });
  it('["dvs", 5, -1] -> DVS on, cores 5 and 7, warning for layer 5 pooling (TC-48)', () => {
    const out = translateMonitorLayers(['dvs', 5, -1], NET_A_ORDERING, NET_A_POOLING);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.cores).toEqual([5, 7]);
    expect(out.dvs).toBe(true);
    expect(out.diagnostics.map((d) => d.message)).toEqual([
      'Layer 5 has pooling and is being monitored. Note that pooling will not be reflected in the monitored events.',
    ]);
  });
  it('[] monitors nothing; "all" monitors every used core', () => {
    expect(translateMonitorLayers([], NET_A_ORDERING, NET_A_POOLING)).toMatchObject({ ok: true, cores: [] });
    const all = translateMonitorLayers('all', NET_A_ORDERING, NET_A_POOLING);
    expect(all.ok && [...all.cores].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
  it('python-style negatives and out-of-range indices', () => {
    expect(translateMonitorLayers([-2], NET_A_ORDERING, NET_A_POOLING)).toMatchObject({ ok: true, cores: [3] });
    const bad = translateMonitorLayers([9], NET_A_ORDERING, NET_A_POOLING);
    expect(bad).toEqual({ ok: false, message: 'monitor layer 9 does not exist: the model has 9 chip layers (0..8, or -1 for the last)' });
    expect(translateMonitorLayers([-10], NET_A_ORDERING, NET_A_POOLING).ok).toBe(false);
  });
});

describe('JSON merge patch (RFC 7396) with array index objects', () => {
  it('refuses __proto__, constructor and prototype keys by name, at any depth (they are no fields)', () => {
    for (const text of ['{"__proto__": {"family": "x"}}', '{"cnn_layers": {"0": {"constructor": 1}}}', '{"dvs_layer": {"prototype": {}}}']) {
      expect(() => applyMergePatch({ cnn_layers: [{}], dvs_layer: {} }, JSON.parse(text))).toThrow(/the patch key "(__proto__|constructor|prototype)" is not a configuration field/);
    }
  });

  it('RFC 7396 examples', () => {
    expect(applyMergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: 'b' }, { b: 'c' })).toEqual({ a: 'b', b: 'c' });
    expect(applyMergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(applyMergePatch({ a: ['b'] }, { a: 'c' })).toEqual({ a: 'c' });
    expect(applyMergePatch({ a: 'c' }, { a: ['b'] })).toEqual({ a: ['b'] });
    expect(applyMergePatch({ a: { b: 'c' } }, { a: { b: 'd', c: null } })).toEqual({ a: { b: 'd' } });
    expect(applyMergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(applyMergePatch(['a', 'b'], ['c', 'd'])).toEqual(['c', 'd']);
    expect(applyMergePatch({ a: 'b' }, ['c'])).toEqual(['c']);
    expect(applyMergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(applyMergePatch([1, 2], { a: 'b', c: null })).toEqual({ a: 'b' });
  });
  it('an object of indices patches array elements', () => {
    expect(applyMergePatch({ cores: [{ m: false }, { m: false }] }, { cores: { '1': { m: true } } })).toEqual({ cores: [{ m: false }, { m: true }] });
    expect(() => applyMergePatch({ cores: [{}] }, { cores: { '3': {} } })).toThrow(/beyond the array's 1 elements/);
  });
});
