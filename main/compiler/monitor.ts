// Translates `monitor_layers` (model chip-layer indices, -1 style negatives, "all",
// "dvs") into the cores whose output is copied to the host (placement.md §7, the
// sequential rules), with the reference's warning for monitored cores that pool.

import type { MonitorSpec } from './compile-types.js';
import type { Diagnostic } from './diagnostics.js';

export type MonitorOutcome =
  | { ok: true; cores: number[]; dvs: boolean; diagnostics: Diagnostic[] }
  | { ok: false; message: string };

export function translateMonitorLayers(spec: MonitorSpec, ordering: readonly number[], pooling: readonly number[]): MonitorOutcome {
  const n = ordering.length;
  const layers = new Set<number>();
  let dvs = false;
  if (spec === 'all') {
    ordering.forEach((_, i) => layers.add(i));
  } else {
    for (const item of spec) {
      if (item === 'dvs') {
        dvs = true;
        continue;
      }
      if (!Number.isInteger(item)) return { ok: false, message: `monitor layer ${String(item)} is not an integer layer index or "dvs"` };
      const i = item < 0 ? n + item : item;
      if (i < 0 || i >= n) return { ok: false, message: `monitor layer ${item} does not exist: the model has ${n} chip layers (0..${n - 1}, or -1 for the last)` };
      layers.add(i);
    }
  }
  const diagnostics: Diagnostic[] = [];
  for (const i of [...layers].sort((a, b) => a - b)) {
    if ((pooling[i] ?? 1) !== 1) {
      diagnostics.push({
        severity: 'warning',
        code: 'MONITOR_POOLING',
        message: `Layer ${i} has pooling and is being monitored. Note that pooling will not be reflected in the monitored events.`,
      });
    }
  }
  const cores = [...layers].sort((a, b) => a - b).map((i) => ordering[i]!);
  return { ok: true, cores, dvs, diagnostics };
}
