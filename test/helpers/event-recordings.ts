// Synthetic camera recordings for tests and benchmarks, each built from the published
// format description (not from the readers): ATIS .bin, Prophesee .dat, EVT 2.0, EVT 3.0,
// AEDAT 2.0 (DVS128 and DAVIS addresses), AEDAT 3.1 and AEDAT 4.0 (through the product's
// writer, plus a Zstandard variant with stored blocks, since no zstd compressor is
// installed). Events come in as plain columns so big files are cheap to build.

import { aedat4EventPacket, aedat4Header } from '../../main/formats/events/aedat4-writer.js';
import type { EventBlock } from '../../main/formats/events/event-block.js';

export function block(rows: readonly (readonly [number, number, number, number])[]): EventBlock {
  const n = rows.length;
  const b = { length: n, t: new Float64Array(n), x: new Uint16Array(n), y: new Uint16Array(n), p: new Uint8Array(n) };
  rows.forEach(([t, x, y, p], i) => {
    b.t[i] = t;
    b.x[i] = x;
    b.y[i] = y;
    b.p[i] = p;
  });
  return b;
}

export function rowsOf(b: EventBlock): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  for (let i = 0; i < b.length; i++) out.push([b.t[i]!, b.x[i]!, b.y[i]!, b.p[i]!]);
  return out;
}

/** `n` events on a `w`x`h` sensor, timestamps rising by 0..3 µs, runs of neighbouring x (so EVT3 vectorises). */
export function syntheticEvents(n: number, w = 640, h = 480, t0 = 0, seed = 1): EventBlock {
  const b = { length: n, t: new Float64Array(n), x: new Uint16Array(n), y: new Uint16Array(n), p: new Uint8Array(n) };
  let s = seed >>> 0;
  let t = t0;
  let x = 0;
  let y = 0;
  let p = 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    if ((s & 7) === 0 || x + 1 >= w) {
      t += (s >>> 8) & 3;
      x = (s >>> 10) % w;
      y = (s >>> 20) % h;
      p = (s >>> 30) & 1;
    } else {
      x += 1 + ((s >>> 3) & 1);
      if (x >= w) x = w - 1;
    }
    b.t[i] = t;
    b.x[i] = x;
    b.y[i] = y;
    b.p[i] = p;
  }
  return b;
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** N-MNIST 40-bit records: x, y, p<<7 | t[22:16], t[15:8], t[7:0]. */
export function atisBin(ev: EventBlock): Uint8Array {
  const out = new Uint8Array(ev.length * 5);
  for (let i = 0; i < ev.length; i++) {
    const t = ev.t[i]!;
    out[i * 5] = ev.x[i]!;
    out[i * 5 + 1] = ev.y[i]!;
    out[i * 5 + 2] = (ev.p[i]! << 7) | ((t >> 16) & 0x7f);
    out[i * 5 + 3] = (t >> 8) & 0xff;
    out[i * 5 + 4] = t & 0xff;
  }
  return out;
}

/** .dat Version 2, type 0, size 8: uint32 t, uint32 x | y << 14 | p << 28. */
export function propheseeDat(ev: EventBlock, size?: { width: number; height: number }): Uint8Array {
  const head = ascii(`% Data file containing Event2D events.\n% Version 2\n${size ? `% Width ${size.width}\n% Height ${size.height}\n` : ''}`);
  const body = new Uint8Array(2 + ev.length * 8);
  body[0] = 0;
  body[1] = 8;
  const dv = new DataView(body.buffer);
  for (let i = 0; i < ev.length; i++) {
    dv.setUint32(2 + i * 8, ev.t[i]! % 4294967296, true);
    dv.setUint32(2 + i * 8 + 4, (ev.x[i]! | (ev.y[i]! << 14) | (ev.p[i]! << 28)) >>> 0, true);
  }
  return concatBytes([head, body]);
}

const RAW_HEADER = (evt: string, extra = '') => ascii(`% date 2026-12-02\n% evt ${evt}\n${extra}% end\n`);

/** EVT 2.0 words: a TIME_HIGH (t >> 6) whenever it changes, CD_ON/OFF with t & 63, x, y. */
export function evt2Raw(ev: EventBlock, extraHeader = '% geometry 640x480\n'): Uint8Array {
  const words: number[] = [];
  let th = -1;
  for (let i = 0; i < ev.length; i++) {
    const t = ev.t[i]!;
    const nth = Math.floor(t / 64) % 2 ** 28;
    if (nth !== th) {
      words.push((0x8 << 28) | nth);
      th = nth;
    }
    words.push(((ev.p[i]! << 28) | ((t & 63) << 22) | (ev.x[i]! << 11) | ev.y[i]!) >>> 0);
  }
  const body = new Uint8Array(Uint32Array.from(words, (w) => w >>> 0).buffer);
  return concatBytes([RAW_HEADER('2.0', extraHeader), body]);
}

/**
 * EVT 3.0 words: TIME_HIGH / TIME_LOW when they change, ADDR_Y when y changes, and runs of
 * same-t, same-y, same-p events with rising x as VECT_BASE_X + VECT_12 masks; single
 * events as ADDR_X.
 */
export function evt3Raw(ev: EventBlock, extraHeader = '% format EVT3;height=480;width=640\n'): Uint8Array {
  const w: number[] = [];
  let th = -1;
  let tl = -1;
  let yy = -1;
  let i = 0;
  while (i < ev.length) {
    const t = ev.t[i]!;
    const nth = Math.floor(t / 4096) % 4096;
    if (nth !== th) {
      w.push((0x8 << 12) | nth);
      th = nth;
    }
    if ((t & 4095) !== tl) {
      tl = t & 4095;
      w.push((0x6 << 12) | tl);
    }
    if (ev.y[i] !== yy) {
      yy = ev.y[i]!;
      w.push(yy);
    }
    // the run of events that one vector can hold
    let j = i + 1;
    while (j < ev.length && ev.t[j] === t && ev.y[j] === yy && ev.p[j] === ev.p[i] && ev.x[j]! > ev.x[j - 1]! && ev.x[j]! - ev.x[i]! < 12) j++;
    if (j - i >= 2) {
      w.push((0x3 << 12) | (ev.p[i]! << 11) | ev.x[i]!);
      let m = 0;
      for (let k = i; k < j; k++) m |= 1 << (ev.x[k]! - ev.x[i]!);
      w.push((0x4 << 12) | m);
    } else {
      w.push((0x2 << 12) | (ev.p[i]! << 11) | ev.x[i]!);
    }
    i = j;
  }
  return concatBytes([RAW_HEADER('3.0', extraHeader), new Uint8Array(Uint16Array.from(w).buffer)]);
}

/** AEDAT 2.0, big-endian address + timestamp; DVS128 or DAVIS address layout. */
export function aedat2(ev: EventBlock, camera: 'DVS128' | 'DAVIS240' = 'DVS128'): Uint8Array {
  const head = ascii(`#!AER-DAT2.0\r\n# This is a raw AE data file - do not edit\r\n# HardwareInterface: ${camera}\r\n`);
  const body = new Uint8Array(ev.length * 8);
  const dv = new DataView(body.buffer);
  for (let i = 0; i < ev.length; i++) {
    const a = camera === 'DVS128' ? (ev.y[i]! << 8) | (ev.x[i]! << 1) | ev.p[i]! : (ev.y[i]! << 22) | (ev.x[i]! << 12) | (ev.p[i]! << 11);
    dv.setUint32(i * 8, a >>> 0, false);
    dv.setUint32(i * 8 + 4, ev.t[i]! % 4294967296, false);
  }
  return concatBytes([head, body]);
}

/** AEDAT 3.1: header, one IMU6 packet (skipped by readers), then polarity packets of `perPacket` events. */
export function aedat31(ev: EventBlock, perPacket = 1000, source = 'DVS128'): Uint8Array {
  const parts: Uint8Array[] = [ascii(`#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: ${source}\r\n#!END-HEADER\r\n`)];
  const packetHeader = (type: number, size: number, overflow: number, n: number) => {
    const h = new DataView(new ArrayBuffer(28));
    h.setInt16(0, type, true);
    h.setInt16(2, 1, true);
    h.setInt32(4, size, true);
    h.setInt32(8, 4, true);
    h.setInt32(12, overflow, true);
    h.setInt32(16, n, true);
    h.setInt32(20, n, true);
    h.setInt32(24, n, true);
    return new Uint8Array(h.buffer);
  };
  parts.push(packetHeader(3, 36, 0, 1), new Uint8Array(36));
  for (let i = 0; i < ev.length; i += perPacket) {
    const n = Math.min(perPacket, ev.length - i);
    const overflow = Math.floor(ev.t[i]! / 2147483648);
    const body = new DataView(new ArrayBuffer(n * 8));
    for (let k = 0; k < n; k++) {
      body.setUint32(k * 8, ((ev.x[i + k]! << 17) | (ev.y[i + k]! << 2) | (ev.p[i + k]! << 1) | 1) >>> 0, true);
      body.setInt32(k * 8 + 4, ev.t[i + k]! - overflow * 2147483648, true);
    }
    parts.push(packetHeader(1, 8, overflow, n), new Uint8Array(body.buffer));
  }
  return concatBytes(parts);
}

/** A Zstandard frame of stored (raw) blocks: valid zstd that any decoder reads. */
export function zstdStoredFrame(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38)];
  if (data.length === 0) parts.push(Uint8Array.of(1, 0, 0));
  for (let i = 0; i < data.length; i += 65536) {
    const n = Math.min(65536, data.length - i);
    const last = i + n >= data.length ? 1 : 0;
    const h = (n << 3) | last;
    parts.push(Uint8Array.of(h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff), data.subarray(i, i + n));
  }
  return concatBytes(parts);
}

export function aedat4(ev: EventBlock, compression: 'none' | 'lz4' | 'zstd' = 'lz4', perPacket = 8192, size = { width: 640, height: 480 }): Uint8Array {
  if (compression !== 'zstd') {
    const parts = [aedat4Header({ ...size, compression })];
    for (let i = 0; i < ev.length; i += perPacket) parts.push(aedat4EventPacket(ev, i, Math.min(ev.length, i + perPacket), compression));
    return concatBytes(parts);
  }
  const header = aedat4Header({ ...size, compression: 'none' });
  // compression enum (IOHeader table field 0) sits 14 + 4 + 28 bytes in: 3 = ZSTD
  new DataView(header.buffer).setInt32(14 + 4 + 28, 3, true);
  const parts = [header];
  for (let i = 0; i < ev.length; i += perPacket) {
    const plain = aedat4EventPacket(ev, i, Math.min(ev.length, i + perPacket), 'none').subarray(8);
    const z = zstdStoredFrame(plain);
    const h = new DataView(new ArrayBuffer(8));
    h.setInt32(4, z.length, true);
    parts.push(new Uint8Array(h.buffer), z);
  }
  return concatBytes(parts);
}
