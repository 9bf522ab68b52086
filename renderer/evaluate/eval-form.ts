// The Evaluate view's settings as typed (text fields stay text until they are read), and
// the one function that turns them into a request or says which field is wrong and why.
// No React here.

import type { DeviceView, EvalModeChoice, EvalStartRequest, ReadoutChoice } from '../../preload/api';

export interface EvalForm {
  dataset: string;
  mode: EvalModeChoice;
  readout: ReadoutChoice;
  /** Milliseconds of each sample to feed; empty: all of it. */
  windowMs: string;
  /** Worker threads; empty: one per core. */
  workers: string;
  /** Time step of the time-stepped mode, µs. */
  dtUs: string;
  /** On the board selected in the Devices panel instead of the simulator. */
  onBoard: boolean;
}

export const DEFAULT_EVAL_FORM: EvalForm = { dataset: '', mode: 'both', readout: 'count', windowMs: '', workers: '', dtUs: '1000', onBoard: false };

export type ParsedForm = { ok: true; request: Omit<EvalStartRequest, 'spec' | 'fresh'> } | { ok: false; field: 'dataset' | 'windowMs' | 'workers' | 'dtUs' | 'board'; message: string };

/** Why the selected device cannot take an evaluation (null: it can). */
export function boardBlocker(device: DeviceView | null): string | null {
  if (!device || device.virtual) return 'select a board in the Devices panel: the simulator already evaluates what a virtual devkit would.';
  if (!device.deployable) return `${device.id} cannot take a model: ${device.reason ?? 'not deployable'}.`;
  if (device.status === 'busy' || device.status === 'disconnected') return `${device.id} is ${device.status}.`;
  return null;
}

export function parseEvalForm(form: EvalForm, device: DeviceView | null = null): ParsedForm {
  const dataset = form.dataset.trim();
  if (dataset === '') return { ok: false, field: 'dataset', message: 'Give the dataset folder: one sub-folder of event files per class (or files plus labels.csv).' };
  const onBoard = form.onBoard ? boardBlocker(device) : null;
  if (onBoard) return { ok: false, field: 'board', message: `Cannot evaluate on a board: ${onBoard}` };
  let windowUs: number | null = null;
  if (form.windowMs.trim() !== '') {
    const ms = Number(form.windowMs);
    if (!Number.isFinite(ms) || ms <= 0 || ms > 3_600_000)
      return { ok: false, field: 'windowMs', message: `The window must be a positive number of milliseconds (up to one hour), or empty for whole samples; got “${form.windowMs}”.` };
    windowUs = Math.max(1, Math.round(ms * 1000));
  }
  let workers: number | undefined;
  if (form.workers.trim() !== '') {
    const n = Number(form.workers);
    if (!Number.isInteger(n) || n < 1 || n > 256) return { ok: false, field: 'workers', message: `Workers must be a whole number from 1 to 256, or empty for one per core; got “${form.workers}”.` };
    workers = n;
  }
  if (form.onBoard && device) {
    // The board decides the semantics and takes one sample at a time (as dcnn eval --device).
    return { ok: true, request: { dataset, mode: 'event', readout: form.readout, windowUs, deviceId: device.id } };
  }
  const dtUs = Number(form.dtUs);
  if (form.mode !== 'event' && (!Number.isInteger(dtUs) || dtUs < 1 || dtUs > 10_000_000)) {
    return { ok: false, field: 'dtUs', message: `The time step must be a whole number of microseconds from 1 to 10 000 000; got “${form.dtUs}”.` };
  }
  return { ok: true, request: { dataset, mode: form.mode, readout: form.readout, windowUs, ...(form.mode !== 'event' ? { dtUs } : {}), ...(workers !== undefined ? { workers } : {}) } };
}

export const MODE_LABELS: Record<EvalModeChoice, string> = {
  event: 'Event-driven (chip semantics)',
  timestep: 'Time-stepped (reference)',
  both: 'Both, side by side',
};

export const SHORT_MODE: Record<'event' | 'timestep', string> = { event: 'event', timestep: 'time-stepped' };

export const READOUT_LABELS: Record<ReadoutChoice, string> = {
  count: 'Most exit spikes',
  first: 'First exit spike',
};
