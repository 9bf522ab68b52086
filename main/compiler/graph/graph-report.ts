// The graph fields of `dcnn compile --json`, under the names and in the shapes of the
// graph fixtures' `expected` (test/fixtures/sinabs-graph/README.md): per-layer pooling and
// output shape per destination, modules, destination_map, edges, entry/exit layers,
// dvs_layer, and the memory, candidate and layer2core_map dicts keyed by layer number.
// Layer numbers are positions + numberBase (1 with a DVS layer), as sinabs numbers them.

import type { CompileResult } from '../compile-types.js';

type Num = number | 'dvs';

export interface GraphReportLayer {
  pooling: number[][];
  output_shapes: number[][];
  destinations: number[];
  modules: { conv: string; neuron: string; pooling: string[][] };
}

export interface GraphReport {
  layer_numbers: number[];
  layers: GraphReportLayer[];
  destination_map: Record<string, number[]>;
  edges: Array<[Num | 'input', Num]>;
  entry_layers: Num[];
  exit_layers: number[];
  dvs_layer: null | {
    input_shape: number[];
    pooling: number[];
    pooling_module: string | null;
    merge_polarities: boolean;
    disable_pixel_array: boolean;
    crop: { top: number; bottom: number; left: number; right: number };
    flip: { flip_x: boolean; flip_y: boolean; swap_xy: boolean };
    destinations: number[];
  };
  memory_summary: { kernel: Record<string, number>; neuron: Record<string, number>; bias: Record<string, number> };
  candidate_cores: Record<string, number[]>;
  layer2core_map: Record<string, number> | null;
}

export function graphReport(r: CompileResult): GraphReport | null {
  const g = r.graph;
  if (!g) return null;
  const base = g.numberBase;
  const n = (pos: number) => pos + base;
  const num = (x: number | 'input' | 'dvs'): Num | 'input' => (typeof x === 'number' ? n(x) : x);
  const keyed = <T>(f: (l: CompileResult['layers'][number]) => T) => Object.fromEntries(r.layers.map((l) => [String(n(l.index)), f(l)]));
  const destinations = (dests: readonly number[]) => dests.map((d) => (d < 0 ? d : n(d)));
  const destinationMap: Record<string, number[]> = {};
  if (r.dvs) destinationMap.dvs = g.dvsDestinations.map(n);
  for (const l of r.layers) destinationMap[String(n(l.index))] = destinations(l.destinations);
  const dvsModules = r.dvs ? r.model.graph?.nodes.filter((x) => x.layer !== null && r.dvs!.sourceLayers.includes(x.layer)).map((x) => x.attr) ?? [] : [];
  return {
    layer_numbers: r.layers.map((l) => n(l.index)),
    layers: r.layers.map((l) => ({
      pooling: l.graph!.destinations.map((d) => [d.pooling, d.pooling]),
      output_shapes: l.graph!.destinations.map((d) => [...d.outputShape]),
      destinations: destinations(l.destinations),
      modules: l.graph!.modules,
    })),
    destination_map: destinationMap,
    edges: g.edges.map(([a, b]) => [num(a), num(b) as Num]),
    entry_layers: r.dvs ? ['dvs'] : r.entryLayers.map(n),
    exit_layers: r.exitLayers.map(n),
    dvs_layer: r.dvs
      ? {
          input_shape: [...r.dvs.inputShape],
          pooling: [...r.dvs.pooling],
          pooling_module: dvsModules.length > 0 ? dvsModules.join(', ') : null,
          merge_polarities: r.dvs.mergePolarities,
          disable_pixel_array: !r.dvs.pixelArray,
          crop: { ...r.dvs.crop },
          flip: { flip_x: r.dvs.flipX, flip_y: r.dvs.flipY, swap_xy: r.dvs.swapXY },
          destinations: g.dvsDestinations.map(n),
        }
      : null,
    memory_summary: { kernel: keyed((l) => l.memory.kernel), neuron: keyed((l) => l.memory.neuron), bias: keyed((l) => l.memory.bias) },
    candidate_cores: keyed((l) => [...l.candidates]),
    layer2core_map: r.placement ? keyed((l) => r.placement!.ordering[l.index]!) : null,
  };
}
