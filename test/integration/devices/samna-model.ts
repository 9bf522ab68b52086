// The model and input the samna event and failure tests deploy to the fake board: the
// golden fixture two_conv_bias (placed on cores [0, 1] by the fixture's mapping) and a
// spike stream whose every event is given by a formula, so expected outputs can be
// written out from the fake's chip rule (test/fake-samna/README.md).

import { expect } from 'vitest';
import { allocateBatch, eventsOfBatch, LAYER_DVS, type SpikeBatch, type SpikeEvent } from '../../../main/common/spike-batch.js';
import { compileModel } from '../../../main/compiler/compile.js';
import type { CompileRequest, CompileResult } from '../../../main/compiler/compile-types.js';
import { fixtureWeights, loadFixture } from '../../helpers/fixtures.js';

// Fixture neuron_shape [C, H, W]: core 0 holds an 8x8x8 neuron map, core 1 4x6x6.
export const CORE0 = { core: 0, f: 8, w: 8, h: 8 };
export const CORE1 = { core: 1, f: 4, w: 6, h: 6 };
/** An input time origin far from zero: integer µs above 2^40 survive the round trip as float64. */
export const T0 = 2 ** 40 + 12345;

export function compileTwoConv(extra: Partial<CompileRequest> = {}): CompileResult {
  const f = loadFixture('two_conv_bias');
  const req: CompileRequest = { source: f.model_text, weights: fixtureWeights(f), inputShape: f.input_shape, device: 'speck2fdevkit', ...extra };
  if (f.conversion) req.conversion = { spikeThreshold: f.conversion.spike_threshold, minVMem: f.conversion.min_v_mem, reset: f.conversion.reset };
  const r = compileModel(req, { modelKind: f.kind });
  expect(r.error).toBeNull();
  expect(r.placement!.ordering).toEqual(f.expected.mapping!.speck2fdevkit!.chip_layers_ordering);
  return r;
}

/** Input event i: `stepUs` apart from T0, into `layer`, channel i mod 2, x = i mod 10, y = 3i mod 10. */
export function inputBatch(n: number, layer: number, stepUs = 10): SpikeBatch {
  const b = allocateBatch(n);
  for (let i = 0; i < n; i++) {
    b.t[i] = T0 + stepUs * i;
    b.layer[i] = layer;
    b.channel[i] = i % 2;
    b.x[i] = i % 10;
    b.y[i] = (3 * i) % 10;
  }
  return b;
}

/** The fake's chip rule per input event, monitored cores in ascending order (DVS events first answer as layer 13). */
export function expectedOutput(inp: SpikeBatch, monitored: Array<{ core: number; f: number; w: number; h: number }>, dvsMonitored = false): SpikeEvent[] {
  const out: SpikeEvent[] = [];
  for (const e of eventsOfBatch(inp)) {
    if (dvsMonitored && e.layer === LAYER_DVS) out.push({ t: e.t, layer: LAYER_DVS, channel: e.channel, x: e.x, y: e.y });
    for (const m of monitored) out.push({ t: e.t, layer: m.core, channel: e.channel % m.f, x: e.x % m.w, y: e.y % m.h });
  }
  return out;
}
