// The dataset folder on the workbench's machine: typed as a path, checked by the host
// (Enter or Check) before anything runs, its classes shown with their sample counts and
// the output channel that answers each, or what is wrong with it.

import type { EvaluationState } from './use-evaluation';

export function DatasetField(p: {
  path: string;
  onPath(path: string): void;
  onCheck(): void;
  dataset: EvaluationState['dataset'];
  disabled: boolean;
  /** Why the field as typed cannot be used (from the form), shown under it. */
  problem: string | null;
}) {
  const checked = p.dataset && p.dataset.path === p.path.trim() ? p.dataset : null;
  const error = checked?.error ?? null;
  return (
    <div className="field">
      <label htmlFor="eval-dataset">Dataset folder</label>
      <div className="field-row">
        <input
          id="eval-dataset"
          className="mono eval-path"
          type="text"
          value={p.path}
          placeholder="/path/to/dataset (one folder per class)"
          disabled={p.disabled}
          aria-invalid={error !== null || p.problem !== null}
          aria-describedby="eval-dataset-help"
          onChange={(e) => p.onPath(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              p.onCheck();
            }
          }}
        />
        <button type="button" onClick={p.onCheck} disabled={p.disabled || p.path.trim() === ''}>
          Check
        </button>
      </div>
      <p id="eval-dataset-help" className="quiet small">
        On the workbench's machine: DIR/&lt;class&gt;/&lt;sample&gt; (.npy, CSV, camera recordings) or files with DIR/labels.csv. Output channel i answers class i (name order, or DIR/classes.txt).
      </p>
      {checked?.checking && <p className="quiet">Listing {checked.path}…</p>}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {!error && p.problem && <p className="field-error">{p.problem}</p>}
      {checked?.view && (
        <table className="dense eval-classes" aria-label="Classes of the dataset">
          <thead>
            <tr>
              <th scope="col" className="num">
                channel
              </th>
              <th scope="col">class</th>
              <th scope="col" className="num">
                samples
              </th>
            </tr>
          </thead>
          <tbody>
            {checked.view.classes.map((c) => (
              <tr key={c.name}>
                <td className="num">{c.channel}</td>
                <td>{c.name}</td>
                <td className="num">{c.samples}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td />
              <td>{checked.view.layout === 'labels-csv' ? 'from labels.csv' : 'class folders'}</td>
              <td className="num" data-testid="dataset-samples">
                {checked.view.samples}
              </td>
            </tr>
          </tfoot>
        </table>
      )}
    </div>
  );
}
