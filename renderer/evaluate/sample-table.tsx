// One row per sample: file, label, the prediction of each mode with its exit spikes and
// synaptic operations, the disagreement with its measured cause, and a button that runs
// the sample on the device as a recorded run. Filters for the samples that matter; long
// datasets are shown a page at a time.

import { useMemo, useState } from 'react';
import { formatCount } from '../../main/common/number-format';
import type { EvalSampleView, EvaluationView } from '../../preload/api';
import { SHORT_MODE } from './eval-form';

const PAGE = 200;

type Filter = 'all' | 'wrong' | 'disagree';

function spikes(counts: readonly number[]): string {
  return counts.length <= 10 ? counts.join(' ') : `${formatCount(counts.reduce((a, b) => a + b, 0))} in ${counts.length} channels`;
}

export function SampleTable(p: { view: EvaluationView; onOpen(file: string): void; openBlocker: string | null; opening: string | null }) {
  const [filter, setFilter] = useState<Filter>(p.view.mode === 'both' && (p.view.agreement?.disagreeing ?? 0) > 0 ? 'disagree' : 'all');
  const [shown, setShown] = useState(PAGE);
  const modes = p.view.modes.map((m) => m.mode);
  const rows = useMemo(() => {
    const wrong = (s: EvalSampleView) => s.error !== null || s.results.some((r) => r.predicted !== s.labelIndex);
    return p.view.samples.filter((s) => (filter === 'all' ? true : filter === 'wrong' ? wrong(s) : s.disagree));
  }, [p.view.samples, filter]);
  return (
    <section className="eval-samples" aria-label="Samples">
      <div className="field-row">
        <h3>Samples</h3>
        <label className="radio-inline">
          <input type="radio" name="sample-filter" checked={filter === 'all'} onChange={() => setFilter('all')} /> all ({p.view.samples.length})
        </label>
        <label className="radio-inline">
          <input type="radio" name="sample-filter" checked={filter === 'wrong'} onChange={() => setFilter('wrong')} /> wrong in a mode
        </label>
        {p.view.mode === 'both' && (
          <label className="radio-inline">
            <input type="radio" name="sample-filter" checked={filter === 'disagree'} onChange={() => setFilter('disagree')} /> modes disagree ({p.view.agreement?.disagreeing ?? 0})
          </label>
        )}
      </div>
      {p.openBlocker && <p className="quiet small">Open as run: {p.openBlocker}</p>}
      <div className="table-scroll">
        <table className="dense eval-sample-table" aria-label="Per-sample results">
          <thead>
            <tr>
              <th scope="col">file</th>
              <th scope="col">
                <span className="sr-only">open as run</span>
              </th>
              <th scope="col">label</th>
              {modes.map((m) => [
                <th scope="col" key={`${m}-p`}>
                  {SHORT_MODE[m]}: predicted
                </th>,
                <th scope="col" key={`${m}-s`} className="num" title="exit spikes per output channel">
                  exit spikes
                </th>,
                <th scope="col" key={`${m}-o`} className="num">
                  synaptic ops
                </th>,
              ])}
              <th scope="col" className="num">
                events in
              </th>
              {p.view.mode === 'both' && <th scope="col">modes</th>}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, shown).map((s) => (
              <tr key={s.file} className={s.disagree ? 'disagree' : ''}>
                <td className="mono">{s.file}</td>
                <td>
                  <button type="button" className="small-button" disabled={p.openBlocker !== null || p.opening !== null} onClick={() => p.onOpen(s.file)} aria-label={`Open ${s.file} as a run`}>
                    {p.opening === s.file ? 'Opening…' : 'Open run'}
                  </button>
                </td>
                <td>{s.label}</td>
                {s.error !== null ? (
                  <td colSpan={modes.length * 3} className="field-error">
                    {s.error}
                  </td>
                ) : (
                  modes.map((m) => {
                    const r = s.results.find((x) => x.mode === m);
                    const ok = r?.predicted === s.labelIndex;
                    return [
                      <td key={`${m}-p`} className={ok ? 'ok-text' : 'wrong'}>
                        {r?.predictedLabel ?? 'none'}
                        {!ok && <span className="sr-only"> (wrong)</span>}
                      </td>,
                      <td key={`${m}-s`} className="num mono" title={r ? r.exitCounts.map((n, c) => `channel ${c}: ${n}`).join('\n') : ''}>
                        {r ? spikes(r.exitCounts) : ''}
                      </td>,
                      <td key={`${m}-o`} className="num">
                        {r ? formatCount(r.synapticOps) : ''}
                      </td>,
                    ];
                  })
                )}
                <td className="num">{formatCount(s.eventsIn)}</td>
                {p.view.mode === 'both' && (
                  <td className="eval-why">
                    {s.disagree ? (
                      <>
                        <span className="badge warning" aria-label="the modes disagree">
                          ≠
                        </span>{' '}
                        {(s.causes ?? []).map((c) => c.text).join('; ')}
                      </>
                    ) : (
                      <span className="quiet">agree</span>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 && <p className="quiet">No samples {filter === 'disagree' ? 'change between the modes' : filter === 'wrong' ? 'are wrong' : 'yet'}.</p>}
      {rows.length > shown && (
        <button type="button" onClick={() => setShown((n) => n + PAGE)}>
          Show {Math.min(PAGE, rows.length - shown)} more of {rows.length - shown}
        </button>
      )}
    </section>
  );
}
