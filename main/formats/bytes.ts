// Joining the pieces of a file read in chunks (a line or record cut by a chunk boundary).

/** A fresh array holding a then b (never a view of either: callers reuse their chunk buffers). */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
