// The quantized kernels are most of `dcnn compile --json` (1.2 MB for LeNet) and what a
// reader of the report needs least: the report keeps each kernel's shape and says where
// the numbers are; --weights-out FILE writes them (per chip layer, C-order out, in, kh, kw).

import type { ExpectedJson, ExpectedLayerJson } from '../compiler/compile-report.js';

export interface WeightsFileJson {
  device: string;
  layers: Array<{ index: number; shape: number[]; data: number[] }>;
}

/** What a report layer says of its kernel when the numbers are left out. */
export interface KernelSummary {
  shape: number[];
  elements: number;
  /** The --weights-out file holding the numbers, or null (not written). */
  file: string | null;
}

export type ReportWithoutWeights = Omit<ExpectedJson, 'layers'> & { layers?: Array<Omit<ExpectedLayerJson, 'weights'> & { weights: KernelSummary }> };

export function weightsFile(report: ExpectedJson): WeightsFileJson {
  return { device: report.device, layers: (report.layers ?? []).map((l) => ({ index: l.index, shape: l.weights.shape, data: l.weights.data })) };
}

export function withoutWeights(report: ExpectedJson, file: string | null): ReportWithoutWeights {
  const { layers, ...rest } = report;
  if (!layers) return rest;
  // Spread first so `layers` keeps its place among the report's fields.
  return { ...report, layers: layers.map((l) => ({ ...l, weights: { shape: l.weights.shape, elements: l.weights.data.length, file } })) };
}
