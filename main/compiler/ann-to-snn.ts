// ANN -> SNN as the reference's `from_model` does it (conversion.md §1): every nn.ReLU
// (and sl.NeuromorphicReLU) becomes an integrate-and-fire layer with the conversion
// settings, and a spiking output layer is appended when the model does not end in a ReLU.
// Nothing else changes here; grouping into cores is chip-layers.ts' job.

import type { ConversionOptions } from './compile-types.js';
import type { CompileError, Diagnostic } from './diagnostics.js';
import type { LayerIR, SpikingLayer } from './model-ir.js';
import type { LayerParams } from './weights.js';

export type ModelKind = 'auto' | 'ann' | 'snn';

/** A layer of the spiking model, with its bound parameters. */
export interface SnnLayer {
  layer: LayerIR;
  params: LayerParams;
  /** Created by the conversion (from a ReLU, or the appended output layer). */
  converted: 'relu' | 'spike-output' | null;
}

export interface SnnModel {
  layers: SnnLayer[];
  /** The model was an ANN and was converted. */
  convertedFromAnn: boolean;
  diagnostics: Diagnostic[];
  error: CompileError | null;
}

function spikingFrom(base: LayerIR, options: ConversionOptions, written: string, path: string): SpikingLayer {
  return {
    kind: 'iaf',
    variant: 'IAFSqueeze',
    index: base.index,
    path,
    span: base.span,
    written,
    spikeThreshold: options.spikeThreshold,
    minVMem: options.minVMem,
    reset: options.reset,
    spikeFn: options.spikeFn,
    tauSyn: null,
    batchSize: 1,
    numTimesteps: null,
  };
}

export function toSpikingModel(
  layers: readonly LayerIR[],
  params: ReadonlyMap<number, LayerParams>,
  options: ConversionOptions,
  kind: ModelKind,
): SnnModel {
  const relus = layers.filter((l) => l.kind === 'relu');
  const hasSpiking = layers.some((l) => l.kind === 'iaf');
  const paramsOf = (l: LayerIR) => params.get(l.index) ?? {};

  if (kind === 'snn' || (kind === 'auto' && relus.length === 0)) {
    if (relus.length > 0) {
      const where = relus.map((r) => `${r.written} (line ${r.span.line})`).join(', ');
      return {
        layers: [],
        convertedFromAnn: false,
        diagnostics: [],
        error: {
          stage: 'conversion',
          class: 'UnsupportedLayerType',
          code: 'UNSUPPORTED_LAYER',
          message: `The model was given as already spiking but contains non-spiking activation layers: ${where}.`,
          span: relus[0]!.span,
          hint: 'Compile it as an ANN (ReLU -> integrate-and-fire), or replace each ReLU by sl.IAFSqueeze.',
        },
      };
    }
    return { layers: layers.map((l) => ({ layer: l, params: paramsOf(l), converted: null })), convertedFromAnn: false, diagnostics: [], error: null };
  }

  const out: SnnLayer[] = layers.map((l) =>
    l.kind === 'relu'
      ? { layer: spikingFrom(l, options, `${l.written} -> sl.IAFSqueeze`, l.path), params: {}, converted: 'relu' as const }
      : { layer: l, params: paramsOf(l), converted: null },
  );
  const diagnostics: Diagnostic[] = [];
  const last = layers[layers.length - 1];
  // The reference appends after any last layer that is not a ReLU; when the model was
  // auto-detected and already ends in a spiking layer, a second one would only be an error.
  const endsSpiking = last !== undefined && (last.kind === 'relu' || (kind === 'auto' && last.kind === 'iaf'));
  if (options.addSpikingOutput && last && !endsSpiking) {
    out.push({ layer: spikingFrom(last, options, 'spike_output (added by the conversion)', 'spike_output'), params: {}, converted: 'spike-output' });
    diagnostics.push({
      severity: 'info',
      code: 'SPIKING_OUTPUT_ADDED',
      message: 'The model does not end in a ReLU: a spiking output layer was appended (add_spiking_output).',
      span: last.span,
    });
  }
  if (options.minVMem === null) {
    diagnostics.push({
      severity: 'warning',
      code: 'MIN_V_MEM_UNSET',
      message: 'min_v_mem is None: the lower bound becomes -32768, which caps the quantization scale at 1 so small weights round to 0.',
      hint: 'Use min_v_mem=-1.0 (the reference default for conversion) unless you need an unbounded membrane.',
    });
  }
  if (hasSpiking) {
    diagnostics.push({ severity: 'info', code: 'MIXED_MODEL', message: 'The model mixes ReLU and spiking layers: the ReLUs were converted, existing spiking layers kept.' });
  }
  return { layers: out, convertedFromAnn: true, diagnostics, error: null };
}
