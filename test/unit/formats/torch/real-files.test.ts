// Every real torch.save file (written by torch 1.13, see test/fixtures/real/models/README.pytorch.md)
// read by our reader: tensor names in order, dtypes, shapes and the sha256 of the values as
// float32 little-endian all equal the expected.json written independently of our code.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeAll, readTorchContents } from '../../../../main/formats/torch/torch-contents.js';
import { EXPECTED_DTYPE, realBytes, realExpected, realTorchFiles } from '../../../helpers/real-models.js';

function sha256(data: Float32Array | Float64Array): string {
  const f = data instanceof Float32Array ? data : Float32Array.from(data);
  return createHash('sha256').update(new Uint8Array(f.buffer, f.byteOffset, f.byteLength)).digest('hex');
}

describe('real torch.save files', () => {
  it('are all here (18 files)', () => {
    expect(realTorchFiles()).toHaveLength(18);
  });
  for (const file of realTorchFiles()) {
    it(`${file}: container, globals and every tensor as expected`, () => {
      const exp = realExpected(file);
      const c = readTorchContents(realBytes(file));
      expect(c.archive.container).toBe(exp.container.format);
      expect(c.archive.torchscript).toBe(exp.container.torchscript ?? false);
      if (exp.container.archive_root) expect(c.archive.archiveRoot).toBe(exp.container.archive_root);
      expect(c.archive.pickleProtocol).toBe(exp.container.pickle_protocol);
      expect(c.archive.globals).toEqual(exp.container.pickle_globals);
      const all = [...exp.tensors, ...(exp.other_tensors ?? [])];
      const got = decodeAll(c.archive, c.tensorRefs);
      expect([...got.keys()].filter((n) => exp.tensors.some((t) => t.name === n))).toEqual(exp.tensors.map((t) => t.name));
      expect(new Set(got.keys())).toEqual(new Set(all.map((t) => t.name)));
      for (const t of all) {
        const g = got.get(t.name)!;
        expect(g.dtype, t.name).toBe(EXPECTED_DTYPE[t.dtype]);
        expect(g.shape, t.name).toEqual(t.shape);
        expect(sha256(g.data), t.name).toBe(t.sha256_float32_le);
        if (t.values) expect(Array.from(g.data), t.name).toEqual(t.values);
        if (t.storage_key !== undefined) expect(c.tensorRefs.get(t.name)!.storage.key).toBe(t.storage_key);
      }
    });
  }
});
