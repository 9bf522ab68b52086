// Compiles of large models run in a real worker thread (tinypool): the result equals the
// inline compile, field for field of the view the UI shows, and the main thread's event
// loop runs while the worker compiles. Small models compile inline, as before.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../../preload/api.js';
import { CompileService, OFF_THREAD_WEIGHTS } from '../../../main/services/compile-service.js';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';
import { CompilePool } from '../../../main/threads/compile-pool.js';
import { compileModel } from '../../../main/compiler/compile.js';
import { chipConfigToJson } from '../../../main/chips/chip-config-json.js';

const service = new CompileService();
afterAll(() => service.close());

function spec(source: string, inputShape: [number, number, number], extra: Partial<ModelSpec> = {}): ModelSpec {
  return { source, weightsId: null, initSeed: 7, inputShape, chip: 'speck2fdevkit', ordering: 'auto', monitorLayers: [-1], configPatch: '', ...extra };
}

/** 2*64*64*600 + 600*600 weights: well over the threshold, within the compiler's per-layer limit, fitting no core. */
const LARGE = 'import torch.nn as nn\nmodel = nn.Sequential(nn.Flatten(), nn.Linear(2*64*64, 600), nn.ReLU(), nn.Linear(600, 600), nn.ReLU(), nn.Linear(600, 10))\n';

describe('compiles off the main thread', () => {
  it('a large model compiles in the worker, to the same view as inline, and the event loop runs meanwhile', async () => {
    expect(2 * 64 * 64 * 600).toBeGreaterThan(OFF_THREAD_WEIGHTS);
    const s = spec(LARGE, [2, 64, 64]);
    const before = service.compilesOffThread;
    let ticked = false;
    setImmediate(() => (ticked = true));
    const off = await service.compileAsync(s);
    expect(ticked).toBe(true);
    expect(service.compilesOffThread).toBe(before + 1);
    // A second service has no cached result: it compiles inline.
    const inline = new CompileService().compile(s);
    const { timings: _a, ...offView } = off.view;
    const { timings: _b, ...inlineView } = inline.view;
    expect(offView).toEqual(inlineView);
    expect(off.view.ok).toBe(false);
    expect(off.view.error?.message).toMatch(/exceeds|fits no core/);
  });

  it('a small model (LeNet) compiles inline', async () => {
    const bytes = new Uint8Array(readFileSync(join(EXAMPLES_DIR, 'lenet', 'weights.safetensors')));
    const weights = service.loadWeights('weights.safetensors', bytes);
    const s = spec(readFileSync(join(EXAMPLES_DIR, 'lenet', 'model.py'), 'utf8'), [1, 28, 28], { weightsId: weights.id });
    const before = service.compilesOffThread;
    const r = await service.compileAsync(s);
    expect(service.compilesOffThread).toBe(before);
    expect(r.view.ok).toBe(true);
  });

  it('the worker takes weights tensors and gives back a result that deploys: the same chip configuration as inline', async () => {
    const bytes = new Uint8Array(readFileSync(join(EXAMPLES_DIR, 'lenet', 'weights.safetensors')));
    const weights = service.loadWeights('weights.safetensors', bytes);
    const s = spec(readFileSync(join(EXAMPLES_DIR, 'lenet', 'model.py'), 'utf8'), [1, 28, 28], { weightsId: weights.id });
    const prepared = service.requestFor(s);
    if (!('request' in prepared)) throw new Error('no request');
    const pool = new CompilePool();
    try {
      const off = await pool.run(prepared.request, { modelKind: 'auto' });
      const inline = compileModel(prepared.request, { modelKind: 'auto' });
      expect(off.ok).toBe(true);
      expect(chipConfigToJson(off.config!)).toEqual(chipConfigToJson(inline.config!));
      expect(off.placement).toEqual(inline.placement);
    } finally {
      await pool.close();
    }
  });
});
