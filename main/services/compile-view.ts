// Turns a CompileResult into the contract's CompileView: plain JSON for the UI, with
// weight histograms instead of weight arrays, and spans/shapes per model layer for the
// editor's markers and hovers.

import type { ChipLayerView, CompileView, DiagnosticView, ErrorView, HistogramView, SpanView } from '../../preload/api.js';
import { CHIP_FAMILIES } from '../chips/families.js';
import type { ChipLayer, CompileResult } from '../compiler/compile-types.js';
import type { Diagnostic, SourceSpan } from '../compiler/diagnostics.js';

const BINS = 32;

function span(s: SourceSpan): SpanView {
  return { line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn };
}

export function diagnosticView(d: Diagnostic): DiagnosticView {
  return { severity: d.severity, code: d.code, message: d.message, ...(d.span ? { span: span(d.span) } : {}), ...(d.hint ? { hint: d.hint } : {}) };
}

export function histogram(values: ArrayLike<number>, min: number, max: number, bins = BINS): HistogramView {
  const counts = new Array<number>(bins).fill(0);
  const width = max - min;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const b = width > 0 ? Math.min(bins - 1, Math.floor(((v - min) / width) * bins)) : 0;
    counts[b]!++;
  }
  return { min, max, counts };
}

function range(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return values.length ? [lo, hi] : [0, 0];
}

function chipLayerView(r: CompileResult, l: ChipLayer): ChipLayerView {
  const lines = l.sourceLayers.map((i) => r.model.layers[i]?.span.line ?? 0).filter((n) => n > 0);
  const [fmin, fmax] = range(l.float.weights);
  return {
    index: l.index,
    sourceLayers: [...l.sourceLayers],
    lines: lines.length ? [Math.min(...lines), Math.max(...lines)] : [0, 0],
    conv: {
      inChannels: l.conv.inChannels,
      outChannels: l.conv.outChannels,
      kernelSize: [l.conv.kernelSize[0], l.conv.kernelSize[1]],
      stride: [l.conv.stride[0], l.conv.stride[1]],
      padding: [l.conv.padding[0], l.conv.padding[1]],
      fromLinear: l.conv.fromLinear,
    },
    inputShape: [...l.inputShape],
    neuronShape: [...l.neuronShape],
    pooling: l.pooling,
    outputShape: [...l.outputShape],
    destinations: [...l.destinations],
    rescaleWeights: l.rescaleWeights,
    scale: l.quantized.scale,
    threshold: { float: l.float.spikeThreshold, int: l.quantized.spikeThreshold },
    minVMem: { float: l.float.minVMem, int: l.quantized.minVMem },
    reset: l.reset,
    weightCount: l.quantized.weights.length,
    zeroedWeights: l.quantized.zeroedWeights,
    hasBias: l.float.biases !== null,
    floatHistogram: histogram(l.float.weights, fmin, fmax),
    intHistogram: histogram(l.quantized.weights, -128, 128),
    memory: { ...l.memory },
    candidates: [...l.candidates],
  };
}

export function errorView(r: CompileResult): ErrorView | null {
  const e = r.error;
  if (!e) return null;
  return {
    stage: e.stage,
    class: e.class,
    code: e.code,
    message: e.message,
    ...(e.layer !== undefined ? { layer: e.layer } : {}),
    ...(e.span ? { span: span(e.span) } : {}),
    ...(e.hint ? { hint: e.hint } : {}),
  };
}

export function compileView(r: CompileResult): CompileView {
  const chipOf = new Map<number, number>();
  r.layers.forEach((l) => l.sourceLayers.forEach((i) => chipOf.set(i, l.index)));
  const family = r.family ? CHIP_FAMILIES[r.family] : null;
  return {
    ok: r.ok,
    error: errorView(r),
    diagnostics: r.diagnostics.map(diagnosticView),
    chip: r.device,
    family: family ? { id: family.id, name: family.name, cores: family.cores.map((c) => ({ ...c })), notes: [...family.notes] } : null,
    modelLayers: r.model.layers.map((l) => {
      const shape = r.layerShapes.get(l.index);
      return {
        index: l.index,
        kind: l.kind,
        written: l.written,
        path: l.path,
        span: span(l.span),
        outputShape: shape ? [shape[0], shape[1], shape[2]] : null,
        chipLayer: chipOf.get(l.index) ?? null,
      };
    }),
    chipLayers: r.layers.map((l) => chipLayerView(r, l)),
    dvs: r.dvs ? { pooling: [r.dvs.pooling[0], r.dvs.pooling[1]], inputShape: [...r.dvs.inputShape], outputShape: [...r.dvs.outputShape] } : null,
    placement: r.placement ? { ordering: [...r.placement.ordering], auto: r.placement.auto } : null,
    placementProblems: r.placementProblems.map((p) => structuredClone(p)),
    monitoredCores: [...r.monitoredCores],
    weightsSource: r.weightsSource,
    timings: { totalMs: r.timings.totalMs },
  };
}
