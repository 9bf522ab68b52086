// `dcnn eval --project P`: the evaluation kept in the project, sample by sample as they
// finish, and found again by the same model, dataset and settings so that a stopped or
// crashed evaluation goes on with the samples it has not done.

import { chipConfigToJson } from '../chips/chip-config-json.js';
import type { CompileResult } from '../compiler/compile-types.js';
import type { EvaluationResult, SampleRow } from '../services/evaluation.js';
import { rowOf, storedOf } from '../services/evaluation-rows.js';
import type { Project } from '../store/project.js';
import type { PreparedCompile } from './commands/compile.js';

export interface ProjectEvaluation {
  id: number;
  /** Samples found done in the project (not run again). */
  done: Map<string, SampleRow>;
  onSample(row: SampleRow): void;
  finish(result: EvaluationResult): void;
}

export function projectEvaluation(
  project: Project,
  input: { compiled: CompileResult; prepared: PreparedCompile; dataset: string; classes: readonly string[]; sampleCount: number; settings: Record<string, unknown>; fresh: boolean },
): ProjectEvaluation & { resumed: boolean } {
  const { compiled, prepared } = input;
  const version = project.addModelVersion({
    modelText: prepared.request.source,
    weights: prepared.weightsBytes,
    inputShape: [...prepared.request.inputShape],
    device: compiled.device,
    compileOptions: { inputShape: prepared.request.inputShape, ordering: prepared.request.ordering, monitorLayers: prepared.request.monitorLayers, conversion: prepared.request.conversion },
    configJson: JSON.stringify(chipConfigToJson(compiled.config!)),
    reuseIdentical: true,
  });
  const store = project.evaluations;
  const before = input.fresh ? null : store.unfinished(version.id, input.dataset, input.settings);
  const info = before ?? store.start({ modelVersionId: version.id, dataset: input.dataset, settings: input.settings, classes: input.classes, sampleCount: input.sampleCount });
  if (before) store.resume(before.id);
  const done = new Map(store.samples(info.id).map((s) => [s.file, rowOf(s, input.classes)] as const));
  return {
    id: info.id,
    resumed: before !== null,
    done,
    onSample: (r) => store.addSample(info.id, storedOf(r)),
    finish: (result) => store.finish(info.id, result.cancelled ? 'stopped' : 'completed'),
  };
}
