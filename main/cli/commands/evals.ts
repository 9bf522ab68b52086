// `dcnn evals PROJECT [ID] [--json] [--csv OUT.csv]`
// The dataset evaluations kept in a project (`dcnn eval --project`): without ID a line
// each (status, model version, dataset, samples done, accuracy); with ID its accuracy,
// per-class accuracy and confusion matrix from the stored per-sample rows, and with --csv
// those rows as the CSV `dcnn eval --csv` writes. Nothing is recomputed: it reads what
// the evaluation stored, also for one that was stopped or cut short by a crash.

import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { EvaluationInfo, StoredSample } from '../../store/evaluations.js';
import { summarise, type EvaluationSummary } from '../../sim/evaluation-metrics.js';
import { evaluationCsv, rowOf } from '../../services/evaluation-rows.js';
import { scoreRows } from '../../services/evaluation-scores.js';
import { CliError, type CliIO } from '../cli-io.js';
import { table } from '../compile-table.js';
import { withProject } from './project-access.js';

/** The stored rows scored as `dcnn eval` scores them (failed samples are counted apart). */
function scores(info: EvaluationInfo, samples: readonly StoredSample[]): EvaluationSummary & { done: number; failed: number } {
  const scored = samples.filter((x) => !x.error);
  return { ...summarise(info.classes, scored), done: samples.length, failed: samples.length - scored.length };
}

const percent = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);

export async function evalsCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, csv: { type: 'string' } } });
  const idText = positionals[1];
  if (values.csv !== undefined && idText === undefined) throw new CliError('--csv needs the evaluation id: dcnn evals PROJECT ID --csv OUT.csv');
  return withProject(positionals[0], io, async (p) => {
    const all = p.evaluations.list();
    if (idText === undefined) {
      const list = all.map((e) => {
        const s = scores(e, p.evaluations.samples(e.id));
        return {
          id: e.id,
          status: e.status,
          model_version: e.modelVersionId,
          dataset: e.dataset,
          samples: e.sampleCount,
          done: s.done,
          failed: s.failed,
          accuracy: s.samples > 0 ? s.accuracy : null,
          created: e.createdAt,
          finished: e.finishedAt,
          settings: e.settings,
        };
      });
      if (values.json) {
        io.out(JSON.stringify({ evaluations: list }));
        return 0;
      }
      if (list.length === 0) {
        io.out(`${p.meta.path}: no evaluations yet (dcnn eval ... --project ${positionals[0]} keeps one)`);
        return 0;
      }
      const rows = [['id', 'status', 'model', 'dataset', 'mode', 'done', 'accuracy', 'started']];
      for (const e of list) {
        // On a board the board, not a simulator mode, decided.
        const mode = typeof e.settings['device'] === 'string' ? `on ${e.settings['device']}` : typeof e.settings['mode'] === 'string' ? e.settings['mode'] : 'event';
        rows.push([String(e.id), e.status, `v${e.model_version}`, e.dataset, mode, `${e.done} of ${e.samples}${e.failed ? ` (${e.failed} failed)` : ''}`, percent(e.accuracy), e.created]);
      }
      io.out(table(rows, ['r', 'l', 'l', 'l', 'l', 'r', 'r', 'l']));
      return 0;
    }
    if (!/^\d+$/.test(idText)) throw new CliError(`the evaluation id must be a whole number; got "${idText}"`);
    const info = p.evaluations.get(Number(idText));
    if (!info) throw new CliError(`evaluation ${idText} does not exist in ${p.meta.path} (evaluations: ${all.map((e) => e.id).join(', ') || 'none'})`);
    const samples = p.evaluations.samples(info.id);
    const s = scores(info, samples);
    if (values.csv !== undefined) {
      const path = resolve(io.cwd, values.csv);
      await writeFile(path, evaluationCsv({ rows: samples.map((x) => rowOf(x, info.classes)) }));
      if (!values.json) io.err(`${samples.length} sample rows written to ${path}`);
    }
    // An evaluation in both modes: the chip-semantics scores above, the time-stepped ones beside them.
    const both =
      info.settings['mode'] === 'both'
        ? scoreRows(
            info.classes,
            'both',
            samples.map((x) => rowOf(x, info.classes)),
          )
        : null;
    const timestep = both?.modes[1];
    if (values.json) {
      io.out(
        JSON.stringify({
          id: info.id,
          status: info.status,
          model_version: info.modelVersionId,
          dataset: info.dataset,
          settings: info.settings,
          classes: info.classes,
          samples: info.sampleCount,
          done: s.done,
          failed: s.failed,
          accuracy: s.samples > 0 ? s.accuracy : null,
          per_class: s.perClass,
          confusion: s.confusion,
          ...(both && timestep
            ? {
                timestep: { accuracy: timestep.samples > 0 ? timestep.accuracy : null, per_class: timestep.perClass, confusion: timestep.confusion },
                disagreement: { samples: both.agreement!.disagreeing, of: both.agreement!.samples, by_cause: both.agreement!.byCause },
              }
            : {}),
        }),
      );
      return 0;
    }
    const lines = [
      `evaluation ${info.id} (${info.status}): model version ${info.modelVersionId} on ${info.dataset}, ${s.done} of ${info.sampleCount} samples${s.failed ? `, ${s.failed} failed` : ''}`,
      `accuracy: ${percent(s.samples > 0 ? s.accuracy : null)} (${s.correct} correct)${both && timestep ? ` in chip semantics; time-stepped ${percent(timestep.samples > 0 ? timestep.accuracy : null)} (${timestep.correct} correct); ${both.agreement!.disagreeing} samples change their prediction between the modes` : ''}`,
      '',
      table([['class', 'samples', 'correct', 'accuracy'], ...s.perClass.map((c) => [c.label, String(c.samples), String(c.correct), percent(c.accuracy)])], ['l', 'r', 'r', 'r']),
      '',
      'confusion (rows: true class, columns: predicted; "other": no exit spike, or a channel that is no class)',
      table([['', ...info.classes, 'other'], ...info.classes.map((c, i) => [c, ...s.confusion[i]!.map(String)])], ['l', ...info.classes.map(() => 'r' as const), 'r']),
    ];
    io.out(lines.join('\n'));
    return 0;
  });
}
