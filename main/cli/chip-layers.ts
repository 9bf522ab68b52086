// One vocabulary for where an event comes from, in every command's text and JSON: "chip
// layer N on core M", as `dcnn run` and the workspace say it. Recorded events carry only
// the core (SpikeBatch.layer); which chip layer ran on that core is what the run stored
// with its deploy options (`monitored`), so the names are per run.

import { LAYER_DVS, LAYER_DVS_RAW, LAYER_READOUT } from '../common/spike-batch.js';
import type { RunInfo } from '../store/project.js';
import { storedMonitoring, type MonitoredCore } from '../store/run-compare-scope.js';

/** Names of the cores of one run's recordings. */
export class ChipLayers {
  private readonly byCore = new Map<number, number | null>();

  constructor(readonly monitored: readonly MonitoredCore[]) {
    for (const m of monitored) this.byCore.set(m.core, m.chipLayer);
  }

  /** From what a run stored: deployOptions.monitored, else (older runs) its monitored cores without chip layers. */
  static ofRun(run: RunInfo): ChipLayers {
    return new ChipLayers(storedMonitoring(run) ?? run.monitorLayers.map((core) => ({ core, chipLayer: null })));
  }

  chipLayerOf(core: number): number | null {
    return this.byCore.get(core) ?? null;
  }

  /** "chip layer 4 on core 1"; "core 2" when the chip layer is unknown; the special sources by name. */
  describe(core: number): string {
    return describeCore(core, this.chipLayerOf(core));
  }
}

export function describeCore(core: number, chipLayer: number | null): string {
  if (core === LAYER_DVS) return 'the DVS layer';
  if (core === LAYER_DVS_RAW) return 'the raw sensor';
  if (core === LAYER_READOUT) return 'the readout';
  return chipLayer === null ? `core ${core}` : `chip layer ${chipLayer} on core ${core}`;
}

/** The chip-layer column of a table: the number, "dvs"/"raw"/"readout", or "?" when unknown. */
export function chipLayerCell(core: number, chipLayer: number | null): string {
  if (core === LAYER_DVS) return 'dvs';
  if (core === LAYER_DVS_RAW) return 'raw';
  if (core === LAYER_READOUT) return 'readout';
  return chipLayer === null ? '?' : String(chipLayer);
}
