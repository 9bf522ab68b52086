// The camera-recording readers on hand-built bytes (values worked out from the format
// descriptions in the comments) and on synthetic recordings; the format edge cases the
// real files do not have: counter wraps, skipped packet types, lying headers, truncation.
import { describe, expect, it } from 'vitest';
import { Aedat4Decoder } from '../../../../main/formats/events/aedat4.js';
import { aedat4Header } from '../../../../main/formats/events/aedat4-writer.js';
import { decodeCameraBytes, sniffCameraFormat } from '../../../../main/formats/events/camera-formats.js';
import type { CameraFormat } from '../../../../main/formats/events/event-decoder.js';
import { FormatError } from '../../../../main/formats/format-error.js';
import { aedat2, aedat31, aedat4, atisBin, block, concatBytes, evt2Raw, evt3Raw, propheseeDat, rowsOf, syntheticEvents } from '../../../helpers/event-recordings.js';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const u16le = (...w: number[]) => new Uint8Array(Uint16Array.from(w).buffer);
const u32le = (...w: number[]) => new Uint8Array(Uint32Array.from(w.map((v) => v >>> 0)).buffer);

function decode(bytes: Uint8Array, format: CameraFormat, chunk = 1 << 20) {
  return decodeCameraBytes(bytes, format, chunk);
}

function formatError(f: () => unknown): FormatError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error('expected a FormatError, got none');
}

describe('ATIS .bin (N-MNIST 40-bit records)', () => {
  it('decodes x, y, polarity bit 7 and the 23-bit timestamp of hand-built records', () => {
    // x=7 y=15 p=1 t=654 (0x00028e): bytes 07 0f 80 02 8e; x=33 y=0 p=0 t=0x7fffff
    const bytes = Uint8Array.of(7, 15, 0x80, 0x02, 0x8e, 33, 0, 0x7f, 0xff, 0xff);
    expect(rowsOf(decode(bytes, 'atis-bin').events)).toEqual([
      [654, 7, 15, 1],
      [8388607, 33, 0, 0],
    ]);
  });

  it('a y = 240 record is an overflow marker: it adds 2^13 µs to what follows and is not an event', () => {
    const bytes = Uint8Array.of(1, 2, 0, 0, 10, 0, 240, 0, 0, 0, 3, 4, 0x80, 0, 5);
    const r = decode(bytes, 'atis-bin');
    expect(rowsOf(r.events)).toEqual([
      [10, 1, 2, 0],
      [8197, 3, 4, 1],
    ]);
    expect(r.report.skipped).toEqual({ 'timestamp-overflow markers (y = 240 records)': 1 });
  });

  it('a file cut inside a record is TRUNCATED, with the byte offset of the cut record', () => {
    const e = formatError(() => decode(Uint8Array.of(1, 2, 0, 0, 10, 9, 9), 'atis-bin'));
    expect(e.code).toBe('TRUNCATED');
    expect(e.details).toMatchObject({ offset: 5, have: 2, need: 5 });
  });

  it('counts timestamps that go back, keeping the events', () => {
    const r = decode(atisBin(block([[100, 1, 1, 0], [50, 1, 1, 0], [60, 1, 1, 0]])), 'atis-bin');
    expect(r.report.timestampsBackwards).toBe(1);
    expect(r.report.events).toBe(3);
  });
});

describe('Prophesee .dat', () => {
  it('Version 2 record: t uint32, x bits 0..13, y bits 14..27, p bit 28; Width/Height from the header', () => {
    // x=100, y=50, p=1: 100 | 50<<14 | 1<<28 = 0x100c8064
    const bytes = concatBytes([ascii('% Version 2\n% Width 304\n% Height 240\n'), Uint8Array.of(0, 8), u32le(1234, 0x100c8064)]);
    const r = decode(bytes, 'prophesee-dat');
    expect(rowsOf(r.events)).toEqual([[1234, 100, 50, 1]]);
    expect(r.report.sensor).toMatchObject({ width: 304, height: 240 });
  });

  it('the 32-bit timestamp wrap continues time instead of jumping back', () => {
    const bytes = propheseeDat(block([[4294967290, 1, 1, 1], [4294967296 + 5, 2, 2, 0]]));
    const r = decode(bytes, 'prophesee-dat');
    expect(rowsOf(r.events).map((e) => e[0])).toEqual([4294967290, 4294967301]);
    expect(r.report.timeWraps).toBe(1);
    expect(r.report.timestampsBackwards).toBe(0);
  });

  it('refuses event types other than CD (type 12 would be CD; type 2 is not)', () => {
    const bytes = concatBytes([ascii('% Version 2\n'), Uint8Array.of(2, 8), u32le(1, 1)]);
    expect(formatError(() => decode(bytes, 'prophesee-dat')).code).toBe('UNSUPPORTED_FORMAT');
  });

  it('an event size below 8 bytes in the header is BAD_HEADER', () => {
    const bytes = concatBytes([ascii('% Version 2\n'), Uint8Array.of(0, 4), u32le(1, 1)]);
    expect(formatError(() => decode(bytes, 'prophesee-dat')).code).toBe('BAD_HEADER');
  });
});

describe('EVT 2.0', () => {
  it('hand-built words: TIME_HIGH 0x8, CD_ON with timestamp LSBs, x, y', () => {
    // time high 100 -> 6400 µs; CD_ON t low 5, x 300, y 200: 1<<28 | 5<<22 | 300<<11 | 200
    const bytes = concatBytes([ascii('% evt 2.0\n% geometry 640x480\n% end\n'), u32le(0x80000064, (1 << 28) | (5 << 22) | (300 << 11) | 200, (0 << 28) | (63 << 22) | (1 << 11) | 2)]);
    const r = decode(bytes, 'evt2');
    expect(rowsOf(r.events)).toEqual([
      [6405, 300, 200, 1],
      [6463, 1, 2, 0],
    ]);
    expect(r.report.sensor).toMatchObject({ width: 640, height: 480 });
  });

  it('skips EXT_TRIGGER and OTHERS words and counts them by name', () => {
    const bytes = concatBytes([ascii('% evt 2.0\n% end\n'), u32le(0xa0000001, 0xe0000000, 0xa0000000)]);
    expect(decode(bytes, 'evt2').report.skipped).toEqual({ 'external trigger words (EXT_TRIGGER)': 2, 'OTHERS words': 1 });
  });

  it('a time-high wrap (28-bit counter back to 0) continues time by 2^34 µs', () => {
    const bytes = concatBytes([ascii('% evt 2.0\n% end\n'), u32le(0x8fffffff, 1 << 28, 0x80000000, 1 << 28)]);
    const r = decode(bytes, 'evt2');
    expect(rowsOf(r.events).map((e) => e[0])).toEqual([(2 ** 28 - 1) * 64, 2 ** 34]);
    expect(r.report.timeWraps).toBe(1);
  });

  it('a header saying EVT 3.0 is refused by the EVT 2.0 reader', () => {
    expect(formatError(() => decode(concatBytes([ascii('% evt 3.0\n% end\n'), u32le(0)]), 'evt2')).code).toBe('BAD_HEADER');
  });

  it('synthetic recording round trip', () => {
    const ev = syntheticEvents(5000);
    expect(rowsOf(decode(evt2Raw(ev), 'evt2', 333).events)).toEqual(rowsOf(ev));
  });
});

describe('EVT 3.0', () => {
  it('hand-built words: time high/low, y, single x, and a VECT_12 after a VECT_BASE_X', () => {
    // TIME_HIGH 3 (12288 µs), TIME_LOW 7 -> t = 12295; y = 10; ADDR_X x=5 p=1;
    // VECT_BASE_X x=100 p=0; VECT_12 mask 0b1000_0000_0101 -> x 100, 102, 111; VECT_8 mask 1 -> x 112
    const bytes = concatBytes([ascii('% evt 3.0\n% end\n'), u16le(0x8003, 0x6007, 0x000a, 0x2805, 0x3064, 0x4805, 0x5001)]);
    expect(rowsOf(decode(bytes, 'evt3').events)).toEqual([
      [12295, 5, 10, 1],
      [12295, 100, 10, 0],
      [12295, 102, 10, 0],
      [12295, 111, 10, 0],
      [12295, 112, 10, 0],
    ]);
  });

  it('time-low stepping back before the next time-high adds nothing (the description has no time-low overflow)', () => {
    // TH 1, TL 4095, event; TL 0 (time-low wrapped; TH 2 not yet sent), event; TH 2, event
    const bytes = concatBytes([ascii('% evt 3.0\n% end\n'), u16le(0x8001, 0x6fff, 0x0001, 0x2001, 0x6000, 0x2002, 0x8002, 0x2003)]);
    const r = decode(bytes, 'evt3');
    expect(rowsOf(r.events).map((e) => e[0])).toEqual([4096 + 4095, 4096, 8192]);
    expect(r.report.timestampsBackwards).toBe(1);
  });

  it('a time-high wrap (12-bit counter 4095 -> 0) continues time by 2^24 µs', () => {
    const bytes = concatBytes([ascii('% evt 3.0\n% end\n'), u16le(0x8fff, 0x6000, 0x0001, 0x2001, 0x8000, 0x2002)]);
    const r = decode(bytes, 'evt3');
    expect(rowsOf(r.events).map((e) => e[0])).toEqual([4095 * 4096, 2 ** 24]);
    expect(r.report.timeWraps).toBe(1);
  });

  it('sensor size from "% format EVT3;height=...;width=..."', () => {
    const r = decode(concatBytes([ascii('% format EVT3;height=720;width=1280\n% end\n'), u16le(0x8000)]), 'evt3');
    expect(r.report.sensor).toMatchObject({ width: 1280, height: 720 });
  });

  it('skips EXT_TRIGGER / OTHERS / CONTINUED words, counted', () => {
    const r = decode(concatBytes([ascii('% evt 3.0\n% end\n'), u16le(0xa000, 0xe000, 0xf000, 0x7000, 0x1000)]), 'evt3');
    expect(r.report.skipped).toEqual({
      'external trigger words (EXT_TRIGGER)': 1,
      'OTHERS words': 1,
      'CONTINUED_12 words': 1,
      'CONTINUED_4 words': 1,
      'words of reserved type 0x1': 1,
    });
  });

  it('a cut word at the end is TRUNCATED', () => {
    expect(formatError(() => decode(concatBytes([ascii('% evt 3.0\n% end\n'), Uint8Array.of(0x01)]), 'evt3')).code).toBe('TRUNCATED');
  });

  it('synthetic recording round trip (vectorised)', () => {
    const ev = syntheticEvents(20000, 1280, 720, 16_000_000);
    expect(rowsOf(decode(evt3Raw(ev), 'evt3', 1001).events)).toEqual(rowsOf(ev));
  });
});

describe('AEDAT 2.0', () => {
  it('DVS128 address: polarity bit 0, x bits 7..1, y bits 14..8, big-endian', () => {
    // x=5, y=9, p=1: 9<<8 | 5<<1 | 1 = 0x090b; t = 0x01020304
    const bytes = concatBytes([ascii('#!AER-DAT2.0\r\n# HardwareInterface: DVS128\r\n'), Uint8Array.of(0, 0, 0x09, 0x0b, 1, 2, 3, 4)]);
    const r = decode(bytes, 'aedat2');
    expect(rowsOf(r.events)).toEqual([[0x01020304, 5, 9, 1]]);
    expect(r.report.sensor).toMatchObject({ width: 128, height: 128 });
  });

  it('DAVIS address: y bits 30..22, x 21..12, polarity 11; APS samples (bit 31) skipped and counted', () => {
    const ev = block([[10, 239, 179, 1], [20, 0, 0, 0]]);
    const bytes = concatBytes([aedat2(ev, 'DAVIS240'), Uint8Array.of(0x80, 0, 0, 0, 0, 0, 0, 30)]);
    const r = decode(bytes, 'aedat2');
    expect(rowsOf(r.events)).toEqual(rowsOf(ev));
    expect(r.report.sensor).toMatchObject({ width: 240, height: 180 });
    expect(r.report.skipped).toEqual({ 'APS / IMU samples (DAVIS address bit 31 or 10 set)': 1 });
  });

  it('a file without the #!AER-DAT2 line is BAD_MAGIC', () => {
    expect(formatError(() => decode(concatBytes([ascii('#!AER-DAT1.0\r\n'), new Uint8Array(8)]), 'aedat2')).code).toBe('BAD_MAGIC');
  });

  it('synthetic DVS128 round trip in 3-byte chunks', () => {
    const ev = syntheticEvents(3000, 128, 128);
    expect(rowsOf(decode(aedat2(ev), 'aedat2', 3).events)).toEqual(rowsOf(ev));
  });
});

describe('AEDAT 3.1', () => {
  it('polarity packet: data bit 0 valid, bit 1 polarity, y 16..2, x 31..17; t = overflow << 31 | ts', () => {
    const head = ascii('#!AER-DAT3.1\r\n#Source 1: DAVIS346\r\n#!END-HEADER\r\n');
    const ph = new DataView(new ArrayBuffer(28));
    ph.setInt16(0, 1, true);
    ph.setInt32(4, 8, true);
    ph.setInt32(12, 1, true); // tsOverflow 1
    ph.setInt32(16, 2, true);
    ph.setInt32(20, 2, true);
    // x=345 y=259 p=1 valid; and an invalid event (bit 0 clear)
    const body = u32le((345 << 17) | (259 << 2) | 2 | 1, 77, (1 << 17) | 2, 78);
    const r = decode(concatBytes([head, new Uint8Array(ph.buffer), body]), 'aedat3');
    expect(rowsOf(r.events)).toEqual([[2 ** 31 + 77, 345, 259, 1]]);
    expect(r.report.sensor).toMatchObject({ width: 346, height: 260 });
    expect(r.report.skipped).toEqual({ 'polarity events marked invalid (valid bit 0)': 1 });
  });

  it('other packet types are skipped and counted by name; events round trip', () => {
    const ev = syntheticEvents(2500, 128, 128);
    const r = decode(aedat31(ev, 1000), 'aedat3', 5);
    expect(rowsOf(r.events)).toEqual(rowsOf(ev));
    expect(r.report.skipped).toEqual({ 'IMU 6-axis packets (type 3)': 1 });
  });

  it('a packet header claiming more than 256 MiB is PACKET_TOO_LARGE, not an allocation', () => {
    const ph = new DataView(new ArrayBuffer(28));
    ph.setInt16(0, 1, true);
    ph.setInt32(4, 8, true);
    ph.setInt32(16, 0x7fffffff, true);
    ph.setInt32(20, 1, true);
    const e = formatError(() => decode(concatBytes([ascii('#!AER-DAT3.1\r\n#!END-HEADER\r\n'), new Uint8Array(ph.buffer)]), 'aedat3'));
    expect(e.code).toBe('PACKET_TOO_LARGE');
  });

  it('number > capacity in a packet header is BAD_PACKET', () => {
    const ph = new DataView(new ArrayBuffer(28));
    ph.setInt32(4, 8, true);
    ph.setInt32(16, 1, true);
    ph.setInt32(20, 2, true);
    expect(formatError(() => decode(concatBytes([ascii('#!AER-DAT3.1\r\n#!END-HEADER\r\n'), new Uint8Array(ph.buffer)]), 'aedat3')).code).toBe('BAD_PACKET');
  });
});

describe('AEDAT 4.0', () => {
  it.each(['none', 'lz4', 'zstd'] as const)('%s-compressed packets round trip, sensor size from the stream info', (c) => {
    const ev = syntheticEvents(30000, 346, 260, 1_600_000_000_000_000);
    const r = decode(aedat4(ev, c, 4096, { width: 346, height: 260 }), 'aedat4', 4099);
    expect(r.events.length).toBe(30000);
    expect(rowsOf(r.events)).toEqual(rowsOf(ev));
    expect(r.report.sensor).toMatchObject({ width: 346, height: 260 });
  });

  it('counts timestamps that go back, within a packet and from one packet to the next, naming the first', () => {
    // Packets of 2 events: [100, 50] [60, 40] [70] — steps back at events 1 and 3.
    const r = decode(aedat4(block([[100, 1, 1, 0], [50, 1, 1, 0], [60, 1, 1, 0], [40, 1, 1, 0], [70, 1, 1, 0]]), 'none', 2), 'aedat4');
    expect(r.report.events).toBe(5);
    expect(r.report.timestampsBackwards).toBe(2);
    expect(r.report.warnings.join('\n')).toContain('2 events had a timestamp earlier than the event before (the first at event 1)');
    expect(Array.from(r.events.t)).toEqual([100, 50, 60, 40, 70]);
  });

  it('a packet of a stream the header does not declare is UNKNOWN_STREAM', () => {
    const bytes = concatBytes([aedat4Header({ width: 10, height: 10, compression: 'none' }), u32le(5, 0)]);
    const e = formatError(() => decode(bytes, 'aedat4'));
    expect(e.code).toBe('UNKNOWN_STREAM');
    expect(e.details).toMatchObject({ stream: 5 });
  });

  it('an LZ4 packet that does not decompress is DECOMPRESSION_FAILED with its byte offset', () => {
    const header = aedat4Header({ width: 10, height: 10, compression: 'lz4' });
    const bytes = concatBytes([header, u32le(0, 6), Uint8Array.of(1, 2, 3, 4, 5, 6)]);
    const e = formatError(() => decode(bytes, 'aedat4'));
    expect(e.code).toBe('DECOMPRESSION_FAILED');
    expect(e.details).toMatchObject({ offset: header.length });
  });

  it('a packet size over the limit is PACKET_TOO_LARGE; a cut packet TRUNCATED', () => {
    const header = aedat4Header({ width: 10, height: 10, compression: 'none' });
    expect(formatError(() => decode(concatBytes([header, u32le(0, 0x7fffffff)]), 'aedat4')).code).toBe('PACKET_TOO_LARGE');
    expect(formatError(() => decode(concatBytes([header, u32le(0, 100), new Uint8Array(10)]), 'aedat4')).code).toBe('TRUNCATED');
  });

  it('a packet whose FlatBuffer offsets point outside it is BAD_PACKET', () => {
    const header = aedat4Header({ width: 10, height: 10, compression: 'none' });
    const fb = u32le(12, 0x1000, 0x53545645); // size prefix 12, root offset far outside
    expect(formatError(() => decode(concatBytes([header, u32le(0, fb.length), fb]), 'aedat4')).code).toBe('BAD_PACKET');
  });

  it('reads the streams of the IOHeader and skips non-event packets without decoding them', () => {
    const d = new Aedat4Decoder();
    const header = aedat4Header({ width: 10, height: 10, compression: 'none' });
    d.push(header);
    expect([...d.streams.values()]).toEqual([{ id: 0, type: 'EVTS', name: 'events', sizeX: 10, sizeY: 10 }]);
  });
});

describe('format sniffing by content', () => {
  const cases: [string, Uint8Array, CameraFormat | null][] = [
    ['aedat4', aedat4(block([]), 'none'), 'aedat4'],
    ['aedat3.1', aedat31(block([])), 'aedat3'],
    ['aedat2', aedat2(block([])), 'aedat2'],
    ['evt2', evt2Raw(block([])), 'evt2'],
    ['evt3', evt3Raw(block([])), 'evt3'],
    ['.dat', propheseeDat(block([])), 'prophesee-dat'],
    ['a CSV file', ascii('t,x,y,p\n1,2,3,0\n'), null],
  ];
  it.each(cases)('%s, named x.unknown', (_, bytes, format) => {
    expect(sniffCameraFormat(bytes, 'x.unknown')).toBe(format);
  });
  it('ATIS .bin has no signature: recognised by its extension only', () => {
    expect(sniffCameraFormat(Uint8Array.of(1, 2, 3, 4, 5), 'sample.bin')).toBe('atis-bin');
    expect(sniffCameraFormat(Uint8Array.of(1, 2, 3, 4, 5), 'sample.xyz')).toBeNull();
  });
  it('a .raw with an unknown encoding is not guessed', () => {
    expect(sniffCameraFormat(ascii('% date 2020\n% end\n'), 'x.raw')).toBeNull();
  });
});
