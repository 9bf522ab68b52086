// A stored evaluation as the Evaluate view shows it: its settings read back from the
// project (checked, as every stored value is), its rows scored per mode by the same code
// as `dcnn eval` / `dcnn evals`, and each disagreement's causes in words.

import { z } from 'zod';
import type { EvalModeChoice, EvalSampleView, EvaluationListItemView, EvaluationView, ReadoutChoice } from '../../preload/api.js';
import { describeMapping, type InputMapping } from '../formats/events/input-mapping.js';
import { inputMappingSchema, sensorSizeSchema } from '../formats/events/input-mapping-schema.js';
import { describeCause } from '../sim/mode-disagreement.js';
import type { EvaluationInfo, StoredSample } from '../store/evaluations.js';
import { predictedLabel, type SampleRow } from './evaluation.js';
import { rowOf } from './evaluation-rows.js';
import { scoreRows } from './evaluation-scores.js';

/** The settings that make two evaluations the same (the CLI stores the same keys, so each can go on with the other's). */
export interface EvaluationSettings {
  mode: EvalModeChoice;
  readout: ReadoutChoice;
  dtUs: number;
  windowUs: number | null;
  mapping: InputMapping | null;
  sensor: { width: number; height: number } | null;
  /** Stored settings that could not be read back (a mapping of another version): the evaluation cannot go on here. */
  unreadable?: string;
  /** The device the samples ran on (`dcnn eval --device`); absent: the simulator. */
  device?: string;
}

const settingsSchema = z.object({
  mode: z.enum(['event', 'timestep', 'both']).catch('event'),
  readout: z.enum(['count', 'first']).catch('count'),
  dtUs: z.number().int().positive().catch(1000),
  windowUs: z.number().int().positive().nullable().catch(null),
  mapping: z.unknown().optional(),
  sensor: z.unknown().optional(),
  device: z.string().optional().catch(undefined),
});

export function settingsOf(info: EvaluationInfo): EvaluationSettings {
  const s = settingsSchema.parse(info.settings);
  const mapping = inputMappingSchema.nullable().safeParse(s.mapping ?? null);
  const sensor = sensorSizeSchema.nullable().safeParse(s.sensor ?? null);
  return {
    mode: s.mode,
    readout: s.readout,
    dtUs: s.dtUs,
    windowUs: s.windowUs,
    mapping: mapping.success ? mapping.data : null,
    sensor: sensor.success ? sensor.data : null,
    ...(mapping.success && sensor.success ? {} : { unreadable: `its stored input mapping or sensor size cannot be read back (${JSON.stringify({ mapping: s.mapping, sensor: s.sensor })})` }),
    ...(s.device !== undefined ? { device: s.device } : {}),
  };
}

/** Why an unfinished evaluation cannot go on from the UI (null: it can, or it is complete). */
export function notResumable(info: EvaluationInfo, active: boolean): string | null {
  if (info.status === 'completed' || active) return null;
  const s = settingsOf(info);
  if (s.unreadable) return s.unreadable;
  return null;
}

export function listItemOf(info: EvaluationInfo, samples: readonly StoredSample[], active: boolean): EvaluationListItemView {
  const s = settingsOf(info);
  const scores = scoreRows(
    info.classes,
    s.mode,
    samples.map((x) => rowOf(x, info.classes)),
  );
  return {
    id: info.id,
    status: info.status,
    active,
    createdAt: info.createdAt,
    finishedAt: info.finishedAt,
    modelVersion: info.modelVersionId,
    dataset: info.dataset,
    mode: s.mode,
    readout: s.readout,
    windowUs: s.windowUs,
    dtUs: s.dtUs,
    device: s.device ?? null,
    mapping: s.mapping ? describeMapping(s.mapping) : null,
    sampleCount: info.sampleCount,
    done: samples.length,
    failed: scores.failed,
    accuracy: scores.modes.map((m) => ({ mode: m.mode, accuracy: m.samples > 0 ? m.accuracy : null })),
    notResumable: notResumable(info, active),
  };
}

/** `primary`: the mode of the row's own result (chip semantics in a 'both' evaluation). */
function sampleView(r: SampleRow, classes: readonly string[], primary: 'event' | 'timestep'): EvalSampleView {
  const label = (c: number | null) => predictedLabel(classes, c) ?? 'none';
  const disagree = r.compared !== undefined && r.error === undefined && r.compared.predicted !== r.predicted;
  return {
    file: r.file,
    label: r.label,
    labelIndex: r.labelIndex,
    eventsIn: r.eventsIn,
    error: r.error ?? null,
    results:
      r.error !== undefined
        ? []
        : [
            { mode: primary, predicted: r.predicted, predictedLabel: r.predictedLabel, exitCounts: r.exitCounts, firstSpikeUs: r.firstSpikeUs, synapticOps: r.synapticOps },
            ...(r.compared ? [{ mode: 'timestep' as const, ...r.compared }] : []),
          ],
    disagree,
    causes: disagree ? (r.causes ?? [{ kind: 'unattributed' as const }]).map((c) => ({ kind: c.kind, text: describeCause(c, label) })) : null,
  };
}

export function evaluationViewOf(info: EvaluationInfo, samples: readonly StoredSample[], active: boolean): EvaluationView {
  const s = settingsOf(info);
  const rows = samples.map((x) => rowOf(x, info.classes));
  const scores = scoreRows(info.classes, s.mode, rows);
  const item = listItemOf(info, samples, active);
  const views = rows.map((r) => sampleView(r, info.classes, s.mode === 'timestep' ? 'timestep' : 'event'));
  return {
    ...item,
    classes: info.classes,
    modes: scores.modes.map((m) => ({
      mode: m.mode,
      samples: m.samples,
      correct: m.correct,
      accuracy: m.samples > 0 ? m.accuracy : null,
      silent: m.silent,
      perClass: m.perClass,
      confusion: m.confusion,
    })),
    agreement: scores.agreement,
    samples: views,
  };
}
