// Bytes of binary data an object keeps alive, found by walking it: a compile result holds
// its layers' float and integer weights (and, for random weights, the tensors made), which
// for a large layer is hundreds of MiB that a cache would otherwise keep unseen.

/** Sum of the distinct ArrayBuffers reachable from `root` through objects, arrays and Maps. */
export function heldBinaryBytes(root: unknown): number {
  const buffers = new Set<ArrayBufferLike>();
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  let total = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      if (!buffers.has(v.buffer)) {
        buffers.add(v.buffer);
        total += v.buffer.byteLength;
      }
      continue;
    }
    if (v instanceof Map) {
      for (const [k, x] of v) stack.push(k, x);
      continue;
    }
    if (v instanceof Set) {
      for (const x of v) stack.push(x);
      continue;
    }
    // Arrays of numbers (config tables) hold no buffers: skip their elements quickly.
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object') stack.push(x);
      continue;
    }
    for (const x of Object.values(v)) if (x !== null && typeof x === 'object') stack.push(x);
  }
  return total;
}
