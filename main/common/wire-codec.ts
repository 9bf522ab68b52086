// One message format for the WebSocket transport, both directions: JSON for structure,
// binary attachments for every Uint8Array in it (spike batches, uploaded files), so
// packed event data is never turned into JSON numbers. Pure (browser and Node).
//
// Frame: text frame = plain JSON (no attachments), or binary frame =
//   u32 LE header length | UTF-8 JSON header | attachment bytes...
// where each Uint8Array in the message is replaced by {"$bin": [offset, length]}
// relative to the end of the header.

export type WireMessage =
  | { t: 'req'; id: number; channel: string; payload: unknown }
  | { t: 'res'; id: number; reply: unknown }
  | { t: 'evt'; channel: string; payload: unknown };

const BIN = '$bin';

export function encodeWire(message: WireMessage): string | Uint8Array {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const json = JSON.stringify(message, (_key, value: unknown) => {
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
    parsed = JSON.parse(text, (_key, value: unknown) => {
      if (value && typeof value === 'object' && !Array.isArray(value) && BIN in value) {
        const ref = (value as Record<string, unknown>)[BIN];
        if (!body || !Array.isArray(ref) || ref.length !== 2) throw new WireFormatError('attachment reference without attachments');
        const [start, length] = ref as [number, number];
        if (!Number.isInteger(start) || !Number.isInteger(length) || start < 0 || length < 0 || start + length > body.byteLength) {
          throw new WireFormatError('attachment reference outside the frame');
        }
        // A copy: aligned (typed-array views need 8-byte alignment) and independent of the frame.
        return body.slice(start, start + length);
      }
      return value;
    });
  } catch (e) {
    if (e instanceof WireFormatError) throw e;
    throw new WireFormatError(`frame is not valid JSON: ${(e as Error).message}`);
  }
  const m = parsed as { t?: unknown };
  if (!m || typeof m !== 'object' || (m.t !== 'req' && m.t !== 'res' && m.t !== 'evt')) throw new WireFormatError('frame is not a workbench message');
  return parsed as WireMessage;
}
