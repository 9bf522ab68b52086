// Accuracy per mode side by side: overall, then per class (samples, correct, accuracy),
// and the samples without any exit spike.

import { formatPercent } from '../../main/common/number-format';
import type { EvalModeScoreView } from '../../preload/api';
import { SHORT_MODE } from './eval-form';

/** `board`: the device the samples ran on (its column is named after it, not a simulator mode). */
export function AccuracyTable(p: { modes: readonly EvalModeScoreView[]; classes: readonly string[]; board?: string | null }) {
  return (
    <table className="dense eval-accuracy" aria-label="Accuracy per mode">
      <thead>
        <tr>
          <th scope="col" />
          {p.modes.map((m) => (
            <th scope="col" className="num" key={m.mode} colSpan={2}>
              {p.board ? `board ${p.board}` : SHORT_MODE[m.mode]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        <tr className="eval-total">
          <th scope="row">all {p.modes[0]?.samples ?? 0} samples</th>
          {p.modes.map((m) => [
            <td className="num eval-big" key={`${m.mode}-a`} data-testid={`accuracy-${m.mode}`}>
              {formatPercent(m.accuracy)}
            </td>,
            <td className="num quiet" key={`${m.mode}-n`}>
              {m.correct} of {m.samples}
            </td>,
          ])}
        </tr>
        {p.classes.map((c, i) => (
          <tr key={c}>
            <th scope="row">{c}</th>
            {p.modes.map((m) => {
              const k = m.perClass[i];
              return [
                <td className="num" key={`${m.mode}-a`}>
                  {formatPercent(k?.accuracy ?? null)}
                </td>,
                <td className="num quiet" key={`${m.mode}-n`}>
                  {k ? `${k.correct} of ${k.samples}` : '—'}
                </td>,
              ];
            })}
          </tr>
        ))}
        <tr>
          <th scope="row" className="quiet">
            no exit spike
          </th>
          {p.modes.map((m) => (
            <td className="num quiet" key={m.mode} colSpan={2}>
              {m.silent}
            </td>
          ))}
        </tr>
      </tbody>
    </table>
  );
}
