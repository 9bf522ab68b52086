// Fuzzing the model-text front end (sequential and class form): seeded edits of real
// model texts (inserted brackets and punctuation, deleted and repeated spans, the
// repetition that builds deep nesting). Each case must come back as a CompileResult (ok,
// or an error with its stage), never an exception such as a stack overflow.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../../main/compiler/compile.js';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';
import { mulberry32 } from '../formats/seeded-mutations.js';

const CASES = 600;
const PIECES = ['(', ')', '[', ']', ',', '=', ':', '\n', '    ', '0', '-1', '2.5', 'nn.', 'Sequential(', 'self.', 'x', '+', '"', "'", '#', '\\', 'def ', 'return '];

const LENET = readFileSync(join(EXAMPLES_DIR, 'lenet', 'model.py'), 'utf8');
const CLASS_FORM = `import torch.nn as nn
import sinabs.layers as sl

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 4, 3, bias=False)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(4, 4, 3, padding=1, bias=False)
        self.relu2 = nn.ReLU()
        self.merge = sl.Merge()

    def forward(self, x):
        a = self.relu1(self.conv1(x))
        b = self.relu2(self.conv2(a))
        return self.merge(a, b)
`;

function edit(src: string, seed: number): string {
  const rnd = mulberry32(seed);
  const at = (n: number) => Math.floor(rnd() * Math.max(1, n));
  let s = src;
  for (let k = 0, edits = 1 + at(4); k < edits; k++) {
    const i = at(s.length);
    switch (at(4)) {
      case 0:
        s = s.slice(0, i) + PIECES[at(PIECES.length)]! + s.slice(i);
        break;
      case 1:
        s = s.slice(0, i) + s.slice(i + 1 + at(20));
        break;
      case 2: {
        // A span repeated many times: the way fuzzers reach thousands of nesting levels.
        const span = s.slice(i, i + 1 + at(16));
        s = s.slice(0, i) + span.repeat(1 + at(1500)) + s.slice(i);
        break;
      }
      default:
        s = s.slice(0, i) + '('.repeat(at(4000)) + s.slice(i);
    }
  }
  return s;
}

describe('model text fuzz', () => {
  for (const [name, text, shape] of [
    ['sequential (LeNet)', LENET, [1, 28, 28]],
    ['class form (merge)', CLASS_FORM, [2, 16, 16]],
  ] as const) {
    it(`${name}: ${CASES} seeded edits each give a CompileResult, never an exception`, () => {
      let failed = 0;
      for (let c = 0; c < CASES; c++) {
        const source = edit(text, 1000 + c);
        let r;
        try {
          r = compileModel({ source, initSeed: 3, inputShape: [...shape], device: 'speck2fdevkit' });
        } catch (e) {
          throw new Error(`case ${c} threw ${(e as Error).name}: ${(e as Error).message.slice(0, 200)}`);
        }
        if (!r.ok) {
          failed++;
          expect(r.error?.stage, `case ${c}`).toBeDefined();
        }
      }
      // Most edits break the text; a fuzz that never fails would test nothing.
      expect(failed).toBeGreaterThan(CASES / 2);
    });
  }
});
