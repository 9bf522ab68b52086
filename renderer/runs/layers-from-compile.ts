// For a recording whose run was not started in this window: what each core was, taken
// from the current compile result (same model version in the common case). Pure.

import type { CompileView } from '../../preload/api';
import { LAYER_DVS } from '../../main/common/spike-batch';
import type { MonitorLayer } from '../monitor/spike-monitor';
import { exitLayerOf } from './monitor-choice';

export function layerResolver(view: CompileView | null): (key: number) => MonitorLayer | null {
  return (key) => {
    if (!view) return null;
    if (key === LAYER_DVS && view.dvs) return { key, core: key, layer: null, neuronShape: view.dvs.outputShape, label: 'DVS' };
    const ordering = view.placement?.ordering;
    const layer = ordering ? ordering.indexOf(key) : -1;
    const l = layer >= 0 ? view.chipLayers[layer] : undefined;
    if (!l) return null;
    return { key, core: key, layer: l.index, neuronShape: l.neuronShape, label: `Layer ${l.index} · core ${key}` };
  };
}

export function exitCoreOf(view: CompileView | null): number | null {
  if (!view?.placement) return null;
  const exit = exitLayerOf(view.chipLayers);
  return exit === null ? null : (view.placement.ordering[exit] ?? null);
}
