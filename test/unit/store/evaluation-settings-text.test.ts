// Evaluation settings are compared as text; nested objects (an input mapping) must keep
// every key and sort them too, or two different mappings would look the same.

import { describe, expect, it } from 'vitest';
import { settingsText } from '../../../main/store/evaluations.js';

describe('settingsText', () => {
  it('keeps the keys of nested objects, sorted at every depth', () => {
    const a = settingsText({ mode: 'event', mapping: { window: { toUs: 50_000, fromUs: 0 }, polarity: 'merge' }, sensor: null });
    expect(a).toBe('{"mapping":{"polarity":"merge","window":{"fromUs":0,"toUs":50000}},"mode":"event","sensor":null}');
    // The same settings written in another key order are the same text; another window is not.
    expect(settingsText({ sensor: null, mapping: { polarity: 'merge', window: { fromUs: 0, toUs: 50_000 } }, mode: 'event' })).toBe(a);
    expect(settingsText({ mode: 'event', mapping: { window: { toUs: 60_000, fromUs: 0 }, polarity: 'merge' }, sensor: null })).not.toBe(a);
    expect(settingsText({ list: [{ b: 1, a: 2 }] })).toBe('{"list":[{"a":2,"b":1}]}');
  });
});
