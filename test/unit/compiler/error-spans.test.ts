// Stage errors that are about a layer carry that layer's place in the model text, so the
// editor can mark it (issue 14, item 11): weights that do not match, chip limits, and the
// chip-layer errors of the mapping stage. The lines are those of the model text below.
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../../main/compiler/compile.js';
import type { CompileRequest } from '../../../main/compiler/compile-types.js';
import type { Tensor } from '../../../main/formats/tensor.js';

const SOURCE = 'import torch.nn as nn\nmodel = nn.Sequential(\n  nn.Conv2d(2, 8, 3, padding=1),\n  nn.ReLU(),\n  nn.Conv2d(8, 200, 3),\n  nn.ReLU(),\n)\n';

function request(extra: Partial<CompileRequest>): CompileRequest {
  return { source: SOURCE, weights: null, initSeed: 1, inputShape: [2, 16, 16], device: 'speck2fdevkit', ordering: 'auto', monitorLayers: [-1], dvsInput: false, ...extra } as CompileRequest;
}

const tensor = (shape: number[]): Tensor => ({ dtype: 'float32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) }) as unknown as Tensor;

describe('stage errors point at the model text', () => {
  it('weights that do not match: the first layer the message names (line 3)', () => {
    const r = compileModel(request({ weights: new Map([['0.weight', tensor([8, 2, 3, 3])]]), initSeed: null }));
    expect(r.error?.stage).toBe('weights');
    expect(r.error?.message).toMatch(/line 3\)/);
    expect(r.error?.span?.line).toBe(3);
  });

  it("the chip's limits: the chip layer the error is about (its first model layer, line 3)", () => {
    const r = compileModel(request({ inputShape: [2, 128, 128] }));
    expect(r.error?.stage).toBe('limits');
    expect(r.error?.layer).toBe(0);
    expect(r.error?.span?.line).toBe(3);
  });
});
