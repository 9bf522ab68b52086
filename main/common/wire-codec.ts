// One message format for the WebSocket transport, both directions: JSON for structure,
// binary attachments for every Uint8Array in it (spike batches, uploaded files), so
// packed event data is never turned into JSON numbers. Pure (browser and Node).
//
// Frame: text frame = plain JSON (no attachments), or binary frame =
//   u32 LE header length | UTF-8 JSON header | attachment bytes...
// where each Uint8Array in the message is replaced by {"$bin": [offset, length]}
// relative to the end of the header, and each CompactSpikes (a packed spike batch the
// sender chose to compact, spike-wire.ts) by {"$spikes": [offset, length]}; the decoder
// gives the packed bytes back as a Uint8Array either way.

import { decodeSpikeWire, encodeSpikeWire, SpikeWireError } from './spike-wire.js';

export type WireMessage =
  | { t: 'req'; id: number; channel: string; payload: unknown }
  | { t: 'res'; id: number; reply: unknown }
  | { t: 'evt'; channel: string; payload: unknown };

const BIN = '$bin';
const SPIKES = '$spikes';

/** A packed spike batch (spike-batch.ts) to send in the compact spike form; it arrives as the same packed bytes. */
export class CompactSpikes {
  constructor(readonly packed: Uint8Array) {}
}

export function encodeWire(message: WireMessage): string | Uint8Array {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof CompactSpikes) {
      const compact = encodeSpikeWire(value.packed);
      parts.push(compact);
      const ref = { [SPIKES]: [offset, compact.byteLength] };
      offset += compact.byteLength;
      return ref;
    }
    if (value instanceof Uint8Array) {
      parts.push(value);
      const ref = { [BIN]: [offset, value.byteLength] };
      offset += value.byteLength;
      return ref;
    }
    return value;
  });
  if (parts.length === 0) return json;
  const header = new TextEncoder().encode(json);
  const out = new Uint8Array(4 + header.byteLength + offset);
  new DataView(out.buffer).setUint32(0, header.byteLength, true);
  out.set(header, 4);
  let at = 4 + header.byteLength;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export class WireFormatError extends Error {}

type AttachmentRef = readonly [start: number, length: number, spikes?: boolean];

function attachmentRef(value: unknown, body: Uint8Array | null): AttachmentRef | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const spikes = SPIKES in value;
  if (!spikes && !(BIN in value)) return null;
  const ref = (value as Record<string, unknown>)[spikes ? SPIKES : BIN];
  if (!body || !Array.isArray(ref) || ref.length !== 2) throw new WireFormatError('attachment reference without attachments');
  const [start, length] = ref as [unknown, unknown];
  if (!Number.isInteger(start) || !Number.isInteger(length)) throw new WireFormatError('attachment reference outside the frame');
  const s = start as number;
  const n = length as number;
  if (s < 0 || n < 0 || s + n > body.byteLength) throw new WireFormatError('attachment reference outside the frame');
  return [s, n, spikes];
}

/**
 * Each reference becomes a copy, so a header naming one attachment many times would turn
 * a small frame into gigabytes. The encoder never writes overlapping references; refusing
 * them (and so any total beyond the attachment bytes) bounds a decoded message by its frame
 * (a compact spike batch by 15 times its bytes: decodeSpikeWire takes at least a byte an event).
 */
function checkAttachmentRefs(refs: AttachmentRef[], bodyBytes: number): void {
  let total = 0;
  for (const [, n] of refs) total += n;
  if (total > bodyBytes) {
    throw new WireFormatError(`attachment references total ${total} bytes but the frame carries ${bodyBytes}; each attachment may be referenced once`);
  }
  const sorted = [...refs].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (let i = 1; i < sorted.length; i++) {
    const [prevStart, prevLength] = sorted[i - 1]!;
    const [start, length] = sorted[i]!;
    // Empty attachments take no bytes and may share an offset.
    if (prevLength > 0 && length > 0 && start < prevStart + prevLength) {
      throw new WireFormatError(`attachment at byte ${start} is referenced twice (or overlaps another); each attachment may be referenced once`);
    }
  }
}

export function decodeWire(data: string | Uint8Array): WireMessage {
  let text: string;
  let body: Uint8Array | null = null;
  if (typeof data === 'string') {
    text = data;
  } else {
    if (data.byteLength < 4) throw new WireFormatError('binary frame shorter than its 4-byte header length');
    const headerLength = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0, true);
    if (4 + headerLength > data.byteLength) throw new WireFormatError('binary frame header length beyond the frame');
    text = new TextDecoder().decode(data.subarray(4, 4 + headerLength));
    body = data.subarray(4 + headerLength);
  }
  let parsed: unknown;
  try {
    if (!body) {
      // A text frame carries no attachments: any reference is refused on the way.
      parsed = JSON.parse(text, (_key, value: unknown) => (attachmentRef(value, null), value));
    } else {
      // Two passes: every reference is checked before the first attachment is copied.
      const refs: AttachmentRef[] = [];
      JSON.parse(text, (_key, value: unknown) => {
        const ref = attachmentRef(value, body);
        if (ref) refs.push(ref);
        return ref ? null : value;
      });
      checkAttachmentRefs(refs, body.byteLength);
      const attachments = body;
      parsed = JSON.parse(text, (_key, value: unknown) => {
        const ref = attachmentRef(value, attachments);
        if (!ref) return value;
        // A copy: aligned (typed-array views need 8-byte alignment) and independent of the frame.
        if (!ref[2]) return attachments.slice(ref[0], ref[0] + ref[1]);
        try {
          return decodeSpikeWire(attachments.subarray(ref[0], ref[0] + ref[1]));
        } catch (e) {
          throw e instanceof SpikeWireError ? new WireFormatError(`compact spike batch at byte ${ref[0]}: ${e.message}`) : e;
        }
      });
    }
  } catch (e) {
    if (e instanceof WireFormatError) throw e;
    throw new WireFormatError(`frame is not valid JSON: ${(e as Error).message}`);
  }
  const m = parsed as { t?: unknown };
  if (!m || typeof m !== 'object' || (m.t !== 'req' && m.t !== 'res' && m.t !== 'evt')) throw new WireFormatError('frame is not a workbench message');
  return parsed as WireMessage;
}
