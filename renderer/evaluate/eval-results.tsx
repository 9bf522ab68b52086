// One evaluation's results: what it was (dataset, mode, readout, window, model version),
// accuracy per mode side by side with per-class accuracy, a confusion matrix per mode,
// how often and why the modes disagree, the per-sample table, and the CSV export.

import { formatMicros, formatPercent } from '../../main/common/number-format';
import type { EvaluationView } from '../../preload/api';
import { AccuracyTable } from './accuracy-table';
import { ConfusionMatrix } from './confusion-matrix';
import { EnergyLine } from './energy-line';
import { MODE_LABELS, READOUT_LABELS } from './eval-form';
import { SampleTable } from './sample-table';

const CAUSE_NAMES = { dropped_events: 'dropped events', saturation: '16-bit saturation', ordering: 'event ordering', unattributed: 'unattributed' } as const;

export function EvalResults(p: { view: EvaluationView; onExport(): void; onResume(): void; canResume: boolean; onOpenSample(file: string): void; openBlocker: string | null; opening: string | null }) {
  const v = p.view;
  const unfinished = v.status !== 'completed' && !v.active;
  return (
    <div className="eval-results-body">
      <header className="eval-header">
        <h2>
          Evaluation #{v.id} <span className={`status ${v.status}`}>{v.active ? 'running' : v.status === 'running' ? 'cut short' : v.status}</span>
        </h2>
        <p className="quiet">
          <span className="mono">{v.dataset}</span> · {v.device !== null ? `on the board ${v.device}` : MODE_LABELS[v.mode]} · readout {READOUT_LABELS[v.readout].toLowerCase()} ·{' '}
          {v.windowUs === null ? 'whole samples' : `first ${formatMicros(v.windowUs)}`}
          {v.mode !== 'event' ? ` · time step ${formatMicros(v.dtUs)}` : ''}
          {v.mapping ? ` · input mapping: ${v.mapping}` : ''} · model version {v.modelVersion} · {v.done} of {v.sampleCount} samples
          {v.failed > 0 ? ` (${v.failed} unreadable)` : ''}
        </p>
        <div className="actions">
          <button type="button" onClick={p.onExport}>
            Export CSV
          </button>
          {unfinished && (
            <button type="button" disabled={!p.canResume || v.notResumable !== null} onClick={p.onResume}>
              Go on with the {v.sampleCount - v.done} samples not done
            </button>
          )}
        </div>
        {unfinished && v.notResumable && <p className="warn-text">It cannot go on here: {v.notResumable}</p>}
      </header>
      <div className="eval-scores">
        <div>
          <AccuracyTable modes={v.modes} classes={v.classes} board={v.device} />
          <EnergyLine view={v} />
        </div>
        {v.agreement && (
          <div className="eval-agreement" role="note">
            <p>
              <strong className="num" data-testid="disagreeing">
                {v.agreement.disagreeing}
              </strong>{' '}
              of {v.agreement.samples} samples change their prediction between the modes ({formatPercent(v.agreement.samples > 0 ? v.agreement.disagreeing / v.agreement.samples : null)}); right only
              in chip semantics: {v.agreement.eventOnlyCorrect}, only time-stepped: {v.agreement.timestepOnlyCorrect}.
            </p>
            {v.agreement.disagreeing > 0 && (
              <ul className="eval-causes">
                {(Object.keys(CAUSE_NAMES) as Array<keyof typeof CAUSE_NAMES>).map((k) => (
                  <li key={k}>
                    <span className="num">{v.agreement!.byCause[k]}</span> {CAUSE_NAMES[k]}
                  </li>
                ))}
              </ul>
            )}
            <p className="quiet small">
              Causes are measured, not guessed: drops from the chip's counters (the output decimator, which the time-stepped mode does not apply), saturation from a re-run with a wrap-around 16-bit
              state, ordering from a re-run with the events of each time step reversed. A disagreement none of them shows is unattributed.
            </p>
          </div>
        )}
      </div>
      <div className="confusion-row">
        {v.modes.map((m) => (
          <ConfusionMatrix key={m.mode} score={m} classes={v.classes} />
        ))}
      </div>
      <SampleTable key={v.id} view={v} onOpen={p.onOpenSample} openBlocker={p.openBlocker} opening={p.opening} />
    </div>
  );
}
