// Binary wire frames written by hand, as a hostile client would: any header, any bytes.

/** A binary frame with this JSON header and these attachment bytes. */
export function rawFrame(header: unknown, body: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(4 + json.byteLength + body.byteLength);
  new DataView(out.buffer).setUint32(0, json.byteLength, true);
  out.set(json, 4);
  out.set(body, 4 + json.byteLength);
  return out;
}
