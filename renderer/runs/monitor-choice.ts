// Which chip layers a run monitors, as checkboxes: reading ModelSpec.monitorLayers
// ('all', indices, -1 = the exit layer, 'dvs') into a per-layer yes/no, and writing a
// toggle back. The exit layer is written as -1 so the choice survives adding layers.

import type { ChipLayerView, ModelSpec } from '../../preload/api';

export type MonitorTarget = number | 'dvs';

/** The exit layer: the last chip layer whose output leaves the chip (-1 destination). */
export function exitLayerOf(layers: readonly ChipLayerView[]): number | null {
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    if (l.destinations.length === 0 || l.destinations.includes(-1)) return l.index;
  }
  return layers.length > 0 ? layers[layers.length - 1]!.index : null;
}

export function isMonitored(choice: ModelSpec['monitorLayers'], target: MonitorTarget, exitLayer: number | null): boolean {
  if (choice === 'all') return true;
  if (target === 'dvs') return choice.includes('dvs');
  return choice.includes(target) || (target === exitLayer && choice.includes(-1));
}

export function withMonitor(
  choice: ModelSpec['monitorLayers'],
  target: MonitorTarget,
  on: boolean,
  layerCount: number,
  exitLayer: number | null,
  hasDvs: boolean,
): Array<number | 'dvs'> {
  const targets: MonitorTarget[] = [...(hasDvs ? ['dvs' as const] : []), ...Array.from({ length: layerCount }, (_, i) => i)];
  const chosen = targets.filter((t) => (t === target ? on : isMonitored(choice, t, exitLayer)));
  return chosen.map((t) => (t === exitLayer ? -1 : t));
}
