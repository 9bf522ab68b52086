// The golden fixtures' comparison, shared by test/unit/compiler/fixtures.test.ts and the
// tests that compile the same networks from other files (torch.save, ONNX, NIR): the
// request a fixture's conversion settings imply, and every field of its `expected` block.

import { expect } from 'vitest';
import { compileReport } from '../../main/compiler/compile-report.js';
import type { CompileRequest, CompileResult } from '../../main/compiler/compile-types.js';
import type { Tensor } from '../../main/formats/tensor.js';
import type { Fixture } from './fixtures.js';

export function goldenRequest(f: Fixture, source: string, weights: Map<string, Tensor>): CompileRequest {
  const req: CompileRequest = { source, weights, inputShape: f.input_shape, device: 'speck2fdevkit' };
  if (f.conversion) req.conversion = { spikeThreshold: f.conversion.spike_threshold, minVMem: f.conversion.min_v_mem, reset: f.conversion.reset };
  return req;
}

export function expectGoldenResult(r: CompileResult, f: Fixture): void {
  const expected = f.expected;
  expect(r.error).toBeNull();
  const report = compileReport(r);
  const layers = report.layers!;
  expect(layers).toHaveLength(expected.layers!.length);
  expected.layers!.forEach((e, i) => {
    const got = layers[i]!;
    expect(got.conv).toEqual(e.conv);
    expect(got.input_shape).toEqual(e.input_shape);
    expect(got.neuron_shape).toEqual(e.neuron_shape);
    expect(got.pooling).toEqual(e.pooling);
    expect(got.output_shapes).toEqual(e.output_shapes);
    expect(got.destinations).toEqual(e.destinations);
    expect(Math.fround(got.rescale_weights)).toBe(Math.fround(e.rescale_weights));
    expect(got.discretization_scale).toBe(Math.fround(e.discretization_scale));
    for (const part of ['weight', 'bias', 'threshold'] as const) {
      const want = e.discretization_scale_parts[part];
      expect(got.discretization_scale_parts[part]).toBe(want === null ? null : Math.fround(want));
    }
    expect(got.weights).toEqual(e.weights);
    expect(got.biases).toEqual(e.biases);
    expect(got.spike_threshold).toBe(e.spike_threshold);
    expect(got.min_v_mem).toBe(e.min_v_mem);
    expect(got.reset).toBe(e.reset);
    expect(got.memory).toEqual(e.memory);
  });
  expect(report.memory_summary).toEqual(expected.memory_summary);
  expect(report.candidate_cores).toEqual(expected.candidate_cores);
  expect(report.entry_layers).toEqual(expected.entry_layers);
  expect(report.exit_layers).toEqual(expected.exit_layers);
  expect(report.mapping?.speck2fdevkit).toEqual({
    chip_layers_ordering: expected.mapping!.speck2fdevkit!.chip_layers_ordering,
    layer2core_map: expected.mapping!.speck2fdevkit!.layer2core_map,
  });
}
