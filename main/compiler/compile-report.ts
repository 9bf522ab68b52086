// The compile result in the golden fixtures' `expected` format (field names and meanings
// of test/fixtures/sinabs/README.md), so a case is checked by comparing JSON. This is what
// `dcnn compile --json` prints; extra fields (device, diagnostics) only add information.

import type { CompileResult } from './compile-types.js';
import { formatSpan } from './diagnostics.js';

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
}

export interface ExpectedJson {
  device: string;
  error: null | { stage: string; class: string; code: string; message: string; layer?: number; line?: number; column?: number; hint?: string };
  layers?: ExpectedLayerJson[];
  memory_summary?: { kernel: number[]; neuron: number[]; bias: number[] };
  candidate_cores?: number[][];
  entry_layers?: number[];
  exit_layers?: number[];
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
  const hasLayers = r.layers.length > 0 && (r.error === null || r.error.stage === 'limits' || r.error.stage === 'mapping');
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
