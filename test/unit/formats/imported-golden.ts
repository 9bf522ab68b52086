// Compiles an imported model (ONNX, NIR) with a golden case's input shape and conversion
// settings and gives the parts of the compile report the golden fixtures record, so a
// test compares them with the case's `expected` block field by field.

import { compileModel } from '../../../main/compiler/compile.js';
import type { CompileRequest } from '../../../main/compiler/compile-types.js';
import { compileReport } from '../../../main/compiler/compile-report.js';
import type { ImportedModel } from '../../../main/formats/model-importers.js';
import type { Fixture } from '../../helpers/fixtures.js';

export interface GoldenView {
  error: string | null;
  layers: Array<Record<string, unknown>>;
  memory_summary: unknown;
  candidate_cores: unknown;
  entry_layers: unknown;
  exit_layers: unknown;
  mapping: unknown;
}

const LAYER_FIELDS = ['conv', 'input_shape', 'neuron_shape', 'pooling', 'output_shapes', 'destinations', 'weights', 'biases', 'spike_threshold', 'min_v_mem', 'reset', 'memory'] as const;

export function requestFor(f: Fixture, source: string, weights: CompileRequest['weights'], conversion?: CompileRequest['conversion']): CompileRequest {
  const req: CompileRequest = { source, weights, inputShape: f.input_shape, device: 'speck2fdevkit' };
  if (conversion) req.conversion = conversion;
  else if (f.conversion) req.conversion = { spikeThreshold: f.conversion.spike_threshold, minVMem: f.conversion.min_v_mem, reset: f.conversion.reset };
  return req;
}

/** The report of compiling `m` like the golden case `f` (same shape, same conversion settings unless given). */
export function compiledView(f: Fixture, m: ImportedModel, options: { conversion?: CompileRequest['conversion']; kind?: 'ann' | 'snn' } = {}): GoldenView {
  const r = compileModel(requestFor(f, m.modelText, m.tensors, options.conversion), { modelKind: options.kind ?? f.kind });
  const report = compileReport(r);
  return {
    error: r.error ? `${r.error.stage}: ${r.error.message}` : null,
    layers: (report.layers ?? []).map((l) => {
      const o: Record<string, unknown> = {};
      for (const k of LAYER_FIELDS) o[k] = (l as unknown as Record<string, unknown>)[k];
      o.rescale_weights = Math.fround(l.rescale_weights);
      o.discretization_scale = l.discretization_scale;
      return o;
    }),
    memory_summary: report.memory_summary,
    candidate_cores: report.candidate_cores,
    entry_layers: report.entry_layers,
    exit_layers: report.exit_layers,
    mapping: report.mapping?.speck2fdevkit,
  };
}

/** The same view of the golden case's recorded `expected` block. */
export function expectedView(f: Fixture): GoldenView {
  const e = f.expected;
  return {
    error: null,
    layers: (e.layers ?? []).map((l) => {
      const o: Record<string, unknown> = {};
      for (const k of LAYER_FIELDS) o[k] = (l as unknown as Record<string, unknown>)[k];
      o.rescale_weights = Math.fround(l.rescale_weights);
      o.discretization_scale = Math.fround(l.discretization_scale);
      return o;
    }),
    memory_summary: e.memory_summary,
    candidate_cores: e.candidate_cores,
    entry_layers: e.entry_layers,
    exit_layers: e.exit_layers,
    mapping: {
      chip_layers_ordering: e.mapping!.speck2fdevkit!.chip_layers_ordering,
      layer2core_map: e.mapping!.speck2fdevkit!.layer2core_map,
    },
  };
}
