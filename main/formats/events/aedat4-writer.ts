// Writes AEDAT 4.0 files (iniVation DV's format, as aedat4.ts reads it): the magic line,
// an IOHeader FlatBuffer declaring one event stream (sizeX/sizeY, compression), then
// event packets: int32 stream id 0, int32 size, a size-prefixed EventPacket FlatBuffer
// ("EVTS", 16-byte Event structs), LZ4-frame compressed (lz4js) or stored as is. The
// FlatBuffers are laid out by hand, the way flatc's builder lays out these two small
// tables. No FileDataTable is written (dataTablePosition -1): readers, DV included, then
// read the packets in order. Streaming: the caller writes header(), then packet(...) for
// each block of events, and keeps nothing else. No file system here.

/// <reference path="./lz4js.d.ts" />
import lz4 from 'lz4js';
import { AEDAT4_EVENT_BYTES, AEDAT4_MAGIC } from './aedat4.js';
import type { EventBlock } from './event-block.js';

export type Aedat4WriteCompression = 'none' | 'lz4';

export interface Aedat4WriterOptions {
  width: number;
  height: number;
  compression?: Aedat4WriteCompression;
  /** Written as the stream's info/source attribute. */
  source?: string;
}

const ENUM: Readonly<Record<Aedat4WriteCompression, number>> = { none: 0, lz4: 1 };
const XML_NAME: Readonly<Record<Aedat4WriteCompression, string>> = { none: 'NONE', lz4: 'LZ4' };

function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function infoNodeXml(o: Aedat4WriterOptions): string {
  const c = o.compression ?? 'lz4';
  const p = '/mainloop/Recorder/outInfo/';
  return (
    `<dv version="2.0">\n<node name="outInfo" path="${p}">\n<node name="0" path="${p}0/">\n` +
    `<attr key="compression" type="string">${XML_NAME[c]}</attr>\n` +
    `<attr key="originalModuleName" type="string">dcnn</attr>\n` +
    `<attr key="originalOutputName" type="string">events</attr>\n` +
    `<attr key="typeDescription" type="string">Array of events (polarity ON/OFF).</attr>\n` +
    `<attr key="typeIdentifier" type="string">EVTS</attr>\n` +
    `<node name="info" path="${p}0/info/">\n` +
    `<attr key="sizeX" type="int">${o.width}</attr>\n<attr key="sizeY" type="int">${o.height}</attr>\n` +
    `<attr key="source" type="string">${xmlEscape(o.source ?? 'DYNAP-CNN workbench')}</attr>\n` +
    `<attr key="tsOffset" type="long">0</attr>\n</node>\n</node>\n</node>\n</dv>\n`
  );
}

/** Magic, IOHeader size and the IOHeader FlatBuffer. */
export function aedat4Header(o: Aedat4WriterOptions): Uint8Array {
  if (!(Number.isInteger(o.width) && o.width >= 1 && o.width <= 32767 && Number.isInteger(o.height) && o.height >= 1 && o.height <= 32767)) {
    throw new RangeError(`sensor size ${o.width}x${o.height} must be whole numbers 1..32767`);
  }
  const xml = new TextEncoder().encode(infoNodeXml(o));
  // FlatBuffer: root uoffset | "IOHE" | pad | vtable (5 x u16) | pad | table | string.
  const strAt = 44;
  const fbLen = strAt + 4 + xml.length + 1;
  const fbSize = (fbLen + 3) & ~3;
  const out = new Uint8Array(AEDAT4_MAGIC.length + 4 + fbSize);
  for (let i = 0; i < AEDAT4_MAGIC.length; i++) out[i] = AEDAT4_MAGIC.charCodeAt(i);
  const dv = new DataView(out.buffer);
  const F = AEDAT4_MAGIC.length + 4;
  dv.setInt32(F - 4, fbSize, true);
  dv.setUint32(F + 0, 24, true); // root table at 24
  out.set([0x49, 0x4f, 0x48, 0x45], F + 4); // IOHE
  // vtable at 10: size 10, table size 20, compression @4, dataTablePosition @8, infoNode @16
  for (const [k, v] of [10, 20, 4, 8, 16].entries()) dv.setUint16(F + 10 + 2 * k, v, true);
  dv.setInt32(F + 24, 24 - 10, true);
  dv.setInt32(F + 28, ENUM[o.compression ?? 'lz4'], true);
  dv.setInt32(F + 32, -1, true); // dataTablePosition = -1 (int64, low word)
  dv.setInt32(F + 36, -1, true); //   (high word)
  dv.setUint32(F + 40, strAt - 40, true);
  dv.setUint32(F + strAt, xml.length, true);
  out.set(xml, F + strAt + 4);
  return out;
}

/** One packet (header + payload) holding events [from, to) of `block`. */
export function aedat4EventPacket(block: EventBlock, from: number, to: number, compression: Aedat4WriteCompression = 'lz4'): Uint8Array {
  const n = to - from;
  // Size-prefixed EventPacket, laid out as DV writes it: elements start at byte 32.
  const fb = new Uint8Array(32 + n * AEDAT4_EVENT_BYTES);
  const dv = new DataView(fb.buffer);
  dv.setUint32(0, fb.length - 4, true); // size prefix
  dv.setUint32(4, 16, true); // root: table at 4 + 16 = 20
  fb.set([0x45, 0x56, 0x54, 0x53], 8); // EVTS
  dv.setUint16(14, 6, true); // vtable at 14: size 6
  dv.setUint16(16, 8, true); //   table size 8
  dv.setUint16(18, 4, true); //   elements @4
  dv.setInt32(20, 6, true); // table -> vtable 20 - 14
  dv.setUint32(24, 4, true); // elements vector at 28
  dv.setUint32(28, n, true);
  const w = new Uint32Array(fb.buffer, 32, n * 4);
  const h = new Uint16Array(fb.buffer, 32, n * 8);
  const { t, x, y, p } = block;
  for (let k = 0; k < n; k++) {
    const tv = t[from + k]!;
    const hi = Math.floor(tv / 4294967296);
    w[k * 4] = tv - hi * 4294967296;
    w[k * 4 + 1] = hi;
    h[k * 8 + 4] = x[from + k]!;
    h[k * 8 + 5] = y[from + k]!;
    fb[32 + k * 16 + 12] = p[from + k]! === 0 ? 0 : 1;
  }
  const payload = compression === 'lz4' ? lz4.compress(fb) : fb;
  const out = new Uint8Array(8 + payload.length);
  const odv = new DataView(out.buffer);
  odv.setInt32(0, 0, true);
  odv.setInt32(4, payload.length, true);
  out.set(payload, 8);
  return out;
}

/** Packets of at most `perPacket` events for a whole block (DV writes ~10 ms per packet). */
export function aedat4EventPackets(block: EventBlock, compression: Aedat4WriteCompression = 'lz4', perPacket = 8192): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < block.length; i += perPacket) out.push(aedat4EventPacket(block, i, Math.min(block.length, i + perPacket), compression));
  return out;
}
