// How a finished run is printed: per monitored chip layer (and its core) the event count, the exit layer's
// spikes per channel and the predicted class; the JSON shape of `dcnn run --json`.

import type { RunSummaryView } from '../../preload/api.js';
import { chipLayerCell } from './chip-layers.js';
import { table } from './compile-table.js';

export interface RunJson {
  run_id: number | null;
  device: string;
  status: string;
  reason: string | null;
  message: string | null;
  events_in: number;
  events_out: number;
  /** `chip_layer` is the name the other commands use; `layer` (the same number) stays for existing readers. */
  monitored: Array<{ chip_layer: number | null; layer: number | null; core: number; events: number }>;
  exit_counts: number[];
  predicted: number | null;
  wall_ms: number;
}

export function runJson(summary: RunSummaryView, device: string, recorded: boolean): RunJson {
  return {
    run_id: recorded ? summary.runId : null,
    device,
    status: summary.status,
    reason: summary.reason,
    message: summary.message,
    events_in: summary.eventsIn,
    events_out: summary.eventsOut,
    monitored: summary.perLayer.map((l) => ({ chip_layer: l.layer, layer: l.layer, core: l.core, events: l.events })),
    exit_counts: summary.exitCounts,
    predicted: summary.predicted,
    wall_ms: summary.wallMs,
  };
}

export function formatRun(j: RunJson): string {
  const lines = [
    `${j.run_id !== null ? `run ${j.run_id} ` : ''}on ${j.device}: ${j.status}${j.reason ? ` (${j.reason})` : ''}${j.message ? ` — ${j.message}` : ''}`,
    `${j.events_in} input events → ${j.events_out} monitored events in ${j.wall_ms.toFixed(1)} ms`,
    '',
    table([['chip layer', 'core', 'events'], ...j.monitored.map((m) => [chipLayerCell(m.core, m.chip_layer), String(m.core), String(m.events)])], ['r', 'r', 'r']),
    '',
    `exit spikes per channel: ${j.exit_counts.join(' ')}`,
    `predicted class: ${j.predicted ?? 'none (no exit spikes)'}`,
  ];
  return lines.join('\n');
}
