// The compile result in the golden fixtures' `expected` format (field names and meanings
// of test/fixtures/sinabs/README.md), so a case is checked by comparing JSON. This is what
// `dcnn compile --json` prints; extra fields (device, diagnostics) only add information.

import type { CompileResult } from './compile-types.js';
import { formatSpan } from './diagnostics.js';
import { graphReport, type GraphReport } from './graph/graph-report.js';

export interface ExpectedLayerJson {
  index: number;
  conv: { in_channels: number; out_channels: number; kernel_size: number[]; stride: number[]; padding: number[] };
  input_shape: number[];
  neuron_shape: number[];
  pooling: number[][];
  output_shapes: number[][];
  destinations: number[];
  rescale_weights: number;
  discretization_scale: number;
  discretization_scale_parts: { weight: number | null; bias: number | null; threshold: number | null };
  weights: { shape: number[]; data: number[] };
  biases: number[] | null;
  spike_threshold: number;
  min_v_mem: number;
  reset: string;
  spike_fn: string;
  memory: { kernel: number; neuron: number; bias: number };
  zeroed_weights: number;
  source_layers: number[];
  /** Graph models: the model attributes the layer was built from. */
  modules?: { conv: string; neuron: string; pooling: string[][] };
}

export interface ExpectedJson {
  device: string;
  error: null | { stage: string; class: string; code: string; message: string; layer?: number; line?: number; column?: number; hint?: string };
  layers?: ExpectedLayerJson[];
  /** Arrays by position; for graph models dicts keyed by layer number (as the graph fixtures). */
  memory_summary?: { kernel: number[]; neuron: number[]; bias: number[] } | GraphReport['memory_summary'];
  candidate_cores?: number[][] | GraphReport['candidate_cores'];
  entry_layers?: Array<number | 'dvs'>;
  exit_layers?: number[];
  /** Graph models only (names of test/fixtures/sinabs-graph/README.md). */
  destination_map?: GraphReport['destination_map'];
  edges?: GraphReport['edges'];
  dvs_layer?: GraphReport['dvs_layer'];
  layer2core_map?: GraphReport['layer2core_map'];
  mapping?: Record<string, { chip_layers_ordering: number[]; layer2core_map: Record<string, number> } | { error: { stage: string; class: string; message: string } }>;
  monitored_cores?: number[];
  diagnostics: Array<{ severity: string; code: string; message: string; at?: string }>;
}

export function compileReport(r: CompileResult): ExpectedJson {
  const out: ExpectedJson = {
    device: r.device,
    error: null,
    diagnostics: r.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, ...(d.span ? { at: formatSpan(d.span) } : {}) })),
  };
  if (r.error) {
    const e = r.error;
    out.error = { stage: e.stage, class: e.class, code: e.code, message: e.message };
    if (e.layer !== undefined) out.error.layer = e.layer;
    if (e.span) {
      out.error.line = e.span.line;
      out.error.column = e.span.column;
    }
    if (e.hint) out.error.hint = e.hint;
  }
  const hasLayers = r.layers.length > 0 && (r.error === null || r.error.stage === 'limits' || r.error.stage === 'mapping' || r.error.stage === 'config');
  if (!hasLayers) return out;
  out.layers = r.layers.map((l) => ({
    index: l.index,
    conv: {
      in_channels: l.conv.inChannels,
      out_channels: l.conv.outChannels,
      kernel_size: [...l.conv.kernelSize],
      stride: [...l.conv.stride],
      padding: [...l.conv.padding],
    },
    input_shape: [...l.inputShape],
    neuron_shape: [...l.neuronShape],
    pooling: [[l.pooling, l.pooling]],
    output_shapes: [[...l.outputShape]],
    destinations: [...l.destinations],
    rescale_weights: l.rescaleWeights,
    discretization_scale: l.quantized.scale,
    discretization_scale_parts: { ...l.quantized.scaleParts },
    weights: { shape: [l.conv.outChannels, l.conv.inChannels, l.conv.kernelSize[0], l.conv.kernelSize[1]], data: Array.from(l.quantized.weights) },
    biases: l.quantized.biases ? Array.from(l.quantized.biases) : null,
    spike_threshold: l.quantized.spikeThreshold,
    min_v_mem: l.quantized.minVMem,
    reset: l.reset,
    spike_fn: l.spikeFn,
    memory: { ...l.memory },
    zeroed_weights: l.quantized.zeroedWeights,
    source_layers: [...l.sourceLayers],
  }));
  out.memory_summary = {
    kernel: r.layers.map((l) => l.memory.kernel),
    neuron: r.layers.map((l) => l.memory.neuron),
    bias: r.layers.map((l) => l.memory.bias),
  };
  out.candidate_cores = r.layers.map((l) => [...l.candidates]);
  out.entry_layers = [...r.entryLayers];
  out.exit_layers = [...r.exitLayers];
  const g = graphReport(r);
  if (g) {
    out.layers.forEach((l, i) => {
      const gl = g.layers[i]!;
      l.index = g.layer_numbers[i]!;
      l.pooling = gl.pooling;
      l.output_shapes = gl.output_shapes;
      l.destinations = gl.destinations;
      l.modules = gl.modules;
    });
    out.memory_summary = g.memory_summary;
    out.candidate_cores = g.candidate_cores;
    out.entry_layers = g.entry_layers;
    out.exit_layers = g.exit_layers;
    out.destination_map = g.destination_map;
    out.edges = g.edges;
    out.dvs_layer = g.dvs_layer;
    out.layer2core_map = g.layer2core_map;
  }
  if (r.placement) {
    out.mapping = {
      [r.device]: {
        chip_layers_ordering: [...r.placement.ordering],
        layer2core_map: Object.fromEntries(r.placement.ordering.map((c, i) => [String(i), c])),
      },
    };
    out.monitored_cores = [...r.monitoredCores];
  } else if (r.error?.stage === 'mapping') {
    out.mapping = { [r.device]: { error: { stage: r.error.stage, class: r.error.class, message: r.error.message } } };
  }
  return out;
}
