// A confusion matrix a person can read: true classes down, predicted classes across (plus
// "other": no exit spike, or a channel that is no class), the count in every cell, and
// the cell's colour its share of the true class's samples (the scale is beside it).

import type { EvalModeScoreView } from '../../preload/api';
import { SHORT_MODE } from './eval-form';

/** Cell tint: the count as a share of its row (the true class), 0..1. */
export function cellShare(count: number, rowTotal: number): number {
  return rowTotal > 0 ? count / rowTotal : 0;
}

export function ConfusionMatrix(p: { score: EvalModeScoreView; classes: readonly string[] }) {
  const columns = [...p.classes, 'other'];
  const title = `Confusion, ${SHORT_MODE[p.score.mode]}`;
  return (
    <figure className="confusion" data-testid={`confusion-${p.score.mode}`}>
      <figcaption>{title}</figcaption>
      <div className="table-scroll">
        <table className="confusion-table" aria-label={title}>
          <thead>
            <tr>
              <th scope="col" className="corner">
                <span className="quiet small">true ↓ predicted →</span>
              </th>
              {columns.map((c) => (
                <th scope="col" key={c} className={c === 'other' ? 'quiet' : ''}>
                  {c}
                </th>
              ))}
              <th scope="col" className="quiet num">
                samples
              </th>
            </tr>
          </thead>
          <tbody>
            {p.score.confusion.map((row, i) => {
              const total = row.reduce((a, b) => a + b, 0);
              return (
                <tr key={p.classes[i]}>
                  <th scope="row">{p.classes[i]}</th>
                  {row.map((n, j) => {
                    const share = cellShare(n, total);
                    const diagonal = i === j;
                    return (
                      <td
                        key={j}
                        className={`num cell${diagonal ? ' diagonal' : ''}${share > 0.55 ? ' strong' : ''}`}
                        style={{ ['--share' as string]: share.toFixed(3) }}
                        aria-label={`true ${p.classes[i]}, predicted ${columns[j]}: ${n} of ${total}`}
                      >
                        {n}
                      </td>
                    );
                  })}
                  <td className="num quiet">{total}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="confusion-scale" aria-hidden="true">
        <span className="quiet small">0 %</span>
        <span className="scale-bar" />
        <span className="quiet small">100 % of the true class</span>
      </div>
    </figure>
  );
}
