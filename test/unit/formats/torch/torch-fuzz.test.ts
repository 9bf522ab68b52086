// Seeded mutations and truncations of the real torch.save files: every damaged file is either
// read (tensors decoded, model text written when it is a module) or refused with a
// FormatError; never another exception, never a hang. The damage concentrates where the
// structure lives (the pickle at the start of the zip, the central directory at the end,
// the legacy headers), since bytes inside a float storage only change numbers.

import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../../main/formats/format-error.js';
import { importTorchModel } from '../../../../main/formats/torch/pytorch-importer.js';
import { decodeAll, readTorchContents, stateDictOf } from '../../../../main/formats/torch/torch-contents.js';
import { realBytes } from '../../../helpers/real-models.js';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FILES = [
  'snn_sumpool.module.pt',
  'two_conv_bias.module.pt',
  'two_conv_bias.checkpoint.pt',
  'two_conv_bias.checkpoint.legacy.pt',
  'snn_sumpool.state_dict.legacy.pt',
  'two_conv_bias.state_dict.pt',
  'lenet_seed_28.named_nested.module.pt',
  'lenet_seed_28.torchscript.pt',
];

/** One damaged copy: truncation, byte flips near the start or the end, or a spliced run of random bytes. */
function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const kind = Math.floor(rnd() * 4);
  const region = (): number => {
    const n = src.byteLength;
    const r = rnd();
    // Half the hits in the first 3 KB (pickle / legacy headers), a quarter in the last 2 KB (zip directory).
    if (r < 0.5) return Math.floor(rnd() * Math.min(n, 3072));
    if (r < 0.75) return Math.max(0, n - 1 - Math.floor(rnd() * Math.min(n, 2048)));
    return Math.floor(rnd() * n);
  };
  if (kind === 0) return src.slice(0, region());
  const out = src.slice();
  if (kind === 1 || kind === 2) {
    const flips = 1 + Math.floor(rnd() * (kind === 1 ? 2 : 16));
    for (let i = 0; i < flips; i++) out[region()] = Math.floor(rnd() * 256);
    return out;
  }
  const at = region();
  const len = 1 + Math.floor(rnd() * 24);
  for (let i = 0; i < len && at + i < out.length; i++) out[at + i] = Math.floor(rnd() * 256);
  return out;
}

/** Everything a user's open can do with the file. */
function useFile(bytes: Uint8Array): void {
  const c = readTorchContents(bytes);
  decodeAll(c.archive, c.tensorRefs);
  try {
    stateDictOf(c);
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
  }
  if (c.kind === 'module') importTorchModel(bytes);
}

describe('fuzzing the torch reader', () => {
  const PER_FILE = 50;
  for (const [i, file] of FILES.entries()) {
    it(`${file}: ${PER_FILE} seeded mutations give a result or a FormatError`, () => {
      const src = realBytes(file);
      const rnd = mulberry32(0x7a11 + i);
      let refused = 0;
      let read = 0;
      for (let k = 0; k < PER_FILE; k++) {
        const bytes = mutate(src, rnd);
        try {
          useFile(bytes);
          read++;
        } catch (e) {
          if (!(e instanceof FormatError)) throw new Error(`mutation ${k} of ${file} (${bytes.byteLength} bytes): ${(e as Error).stack}`);
          expect(e.format).toBe('torch');
          expect(e.message.length).toBeGreaterThan(20);
          refused++;
        }
      }
      expect(read + refused).toBe(PER_FILE);
    });
  }
});
