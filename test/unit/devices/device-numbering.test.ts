import { describe, expect, it } from 'vitest';
import { DeviceNumbering } from '../../../main/devices/device-numbering.js';

const slot = (key: string, type: string, address: number, bus = 1) => ({ key, type, bus, address });

describe('TC-51 fresh enumeration: per type, in USB address order, grouped properly', () => {
  it('Speck2fDevKit at 9, Speck2fDevKit at 4, Speck2eDevKit at 7', () => {
    const n = new DeviceNumbering();
    const got = n.enumerate([slot('a9', 'speck2fdevkit', 9), slot('a4', 'speck2fdevkit', 4), slot('a7', 'speck2edevkit', 7)]);
    expect(Object.fromEntries(got)).toEqual({ a4: 0, a9: 1, a7: 0 });
  });

  it('boards of one type that are not adjacent in the list still share one numbering (the reference lost them)', () => {
    const n = new DeviceNumbering();
    const got = n.enumerate([slot('f5', 'speck2fdevkit', 5), slot('e3', 'speck2edevkit', 3), slot('f2', 'speck2fdevkit', 2), slot('e8', 'speck2edevkit', 8)]);
    expect(Object.fromEntries(got)).toEqual({ f2: 0, f5: 1, e3: 0, e8: 1 });
  });

  it('sorts by bus first, then address', () => {
    const n = new DeviceNumbering();
    const got = n.enumerate([slot('b2a1', 'speck2fdevkit', 1, 2), slot('b1a9', 'speck2fdevkit', 9, 1)]);
    expect(Object.fromEntries(got)).toEqual({ b1a9: 0, b2a1: 1 });
  });
});

describe('stable names across attach/detach', () => {
  it('a device keeps its index while plugged; a new one takes the smallest free index', () => {
    const n = new DeviceNumbering();
    n.enumerate([slot('a4', 'speck2fdevkit', 4), slot('a9', 'speck2fdevkit', 9)]);
    n.release('a4'); // unplug :0
    expect(n.indexFor('a9')).toBe(1); // :1 stays :1 (a fresh enumeration would make it :0)
    expect(n.attach(slot('a12', 'speck2fdevkit', 12))).toBe(0); // takes the free :0 despite the higher address
    expect(n.attach(slot('a3', 'speck2fdevkit', 3))).toBe(2);
    expect(n.attach(slot('e1', 'speck2edevkit', 1))).toBe(0); // other types number on their own
  });

  it('attaching a known key again returns its index; releasing an unknown key does nothing', () => {
    const n = new DeviceNumbering();
    expect(n.attach(slot('x', 'speck2fdevkit', 1))).toBe(0);
    expect(n.attach(slot('x', 'speck2fdevkit', 1))).toBe(0);
    n.release('nope');
    expect(n.attach(slot('y', 'speck2fdevkit', 2))).toBe(1);
  });

  it('a fresh enumeration forgets earlier assignments', () => {
    const n = new DeviceNumbering();
    n.attach(slot('x', 'speck2fdevkit', 9));
    n.enumerate([slot('z', 'speck2fdevkit', 2)]);
    expect(n.indexFor('x')).toBeUndefined();
    expect(n.indexFor('z')).toBe(0);
  });
});
