// Which camera-recording format a file is, from its first bytes (magic strings and header
// keys; the extension only where the format has no signature: ATIS .bin, headerless
// .dat), and the decoder for each. Also the whole-buffer convenience used by tests and by
// small files. No I/O: callers read the bytes.

import { Aedat2Decoder, Aedat3Decoder } from './aedat-jaer.js';
import { Aedat4Decoder } from './aedat4.js';
import { AtisBinDecoder } from './atis-bin.js';
import { concatBlocks, type EventBlock } from './event-block.js';
import type { CameraFormat, DecodeReport, EventDecoder } from './event-decoder.js';
import { Evt2Decoder } from './evt2.js';
import { Evt3Decoder } from './evt3.js';
import { PropheseeDatDecoder } from './prophesee-dat.js';
import type { PacketCodecs } from './packet-compression.js';
import { readRawHeader } from './prophesee-raw-header.js';
import { headerKeys } from './text-header.js';

/** How many leading bytes sniffing looks at (Prophesee headers are a few hundred bytes). */
export const SNIFF_BYTES = 64 * 1024;

/** Extensions of the camera formats, for file pickers and messages. */
export const CAMERA_EXTENSIONS = ['aedat4', 'aedat', 'dat', 'bin', 'raw'] as const;

function startsWith(b: Uint8Array, s: string): boolean {
  if (b.length < s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[i] !== s.charCodeAt(i)) return false;
  return true;
}

function percentHeaderLines(b: Uint8Array): string[] {
  const lines: string[] = [];
  let pos = 0;
  while (pos < b.length && b[pos] === 0x25) {
    let nl = b.indexOf(0x0a, pos);
    if (nl < 0) nl = b.length;
    let s = '';
    for (let i = pos; i < nl; i++) s += String.fromCharCode(b[i]!);
    lines.push(s.replace(/\r$/, ''));
    if (s.trim() === '% end') break;
    pos = nl + 1;
  }
  return lines;
}

/**
 * The format of a file whose first bytes are `head` (give at least SNIFF_BYTES when the
 * file is that long), or null when it is none of the camera formats. `fileName` decides
 * only between formats without a signature.
 */
export function sniffCameraFormat(head: Uint8Array, fileName = ''): CameraFormat | null {
  const ext = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (startsWith(head, '#!AER-DAT4')) return 'aedat4';
  if (startsWith(head, '#!AER-DAT3')) return 'aedat3';
  if (startsWith(head, '#!AER-DAT2')) return 'aedat2';
  if (head[0] === 0x25) {
    const lines = percentHeaderLines(head);
    const raw = readRawHeader(lines);
    if (raw.evt === 3) return 'evt3';
    if (raw.evt === 2) return 'evt2';
    const keys = headerKeys(lines);
    if (lines.some((l) => /Data file containing/i.test(l)) || keys.has('version')) return 'prophesee-dat';
    if (ext === 'dat') return 'prophesee-dat';
    return null;
  }
  if (ext === 'bin') return 'atis-bin';
  if (ext === 'dat') return 'prophesee-dat';
  return null;
}

/** `codecs`: faster packet decompressors the caller has loaded (AEDAT4's LZ4); the JavaScript ones otherwise. */
export function createCameraDecoder(format: CameraFormat, codecs: PacketCodecs = {}): EventDecoder {
  switch (format) {
    case 'aedat4':
      return new Aedat4Decoder(codecs);
    case 'aedat3':
      return new Aedat3Decoder();
    case 'aedat2':
      return new Aedat2Decoder();
    case 'atis-bin':
      return new AtisBinDecoder();
    case 'prophesee-dat':
      return new PropheseeDatDecoder();
    case 'evt2':
      return new Evt2Decoder();
    case 'evt3':
      return new Evt3Decoder();
  }
}

/** Decodes a whole buffer (fed in `chunkSize` pieces) into one block. */
export function decodeCameraBytes(bytes: Uint8Array, format: CameraFormat, chunkSize = 1 << 20, codecs: PacketCodecs = {}): { events: EventBlock; report: DecodeReport } {
  const d = createCameraDecoder(format, codecs);
  const blocks: EventBlock[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) {
    const b = d.push(bytes.subarray(i, Math.min(bytes.length, i + chunkSize)));
    if (b.length > 0) blocks.push(b);
  }
  const last = d.end();
  if (last.length > 0) blocks.push(last);
  return { events: blocks.length === 1 ? blocks[0]! : concatBlocks(blocks), report: d.report() };
}
