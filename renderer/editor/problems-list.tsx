// The problems of the current compile as a list next to the editor: severity, place,
// message and hint; activating one puts the cursor there.

import type { Problem } from './problems';
import { placeOf } from './problems';

const ICON = { error: '✖', warning: '▲', info: 'ℹ' } as const;

export function ProblemsList(props: { problems: readonly Problem[]; pending: boolean; failure: string | null; onGo(p: Problem): void; label?: string }) {
  const n = props.problems.length;
  return (
    <section className="problems" aria-label={props.label ?? 'Problems'}>
      <h3>
        Problems <span className="count">({n})</span>
        {props.pending && <span className="quiet"> · compiling…</span>}
      </h3>
      {props.failure && (
        <p className="problem error" role="alert">
          The compile request failed: {props.failure}
        </p>
      )}
      {n === 0 && !props.failure && <p className="quiet">No problems.</p>}
      {n > 0 && (
        <ul className="problem-list">
          {props.problems.map((p, i) => (
            <li key={`${p.code}-${i}`}>
              {p.span ? (
                <button type="button" className={`problem ${p.severity}`} onClick={() => props.onGo(p)} title="Show in the editor">
                  <ProblemText p={p} />
                </button>
              ) : (
                <div className={`problem ${p.severity}`}>
                  <ProblemText p={p} />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ProblemText({ p }: { p: Problem }) {
  return (
    <>
      <span className="sev" aria-label={p.severity}>
        {ICON[p.severity]}
      </span>
      <span className="where mono">{placeOf(p.span)}</span>
      <span className="msg">
        {p.message}
        {p.hint && <span className="hint"> {p.hint}</span>}
      </span>
    </>
  );
}
