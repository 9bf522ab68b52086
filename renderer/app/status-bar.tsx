// The bottom line: selected device, chip, and what the last compile said (time, chip
// layers, cores, problems), with a quiet "compiling…" while one is under way.

import type { CompileState } from './compile-loop';
import { countBySeverity, problemsOf } from '../editor/problems';

export function compileSummary(c: CompileState): string {
  const v = c.view;
  if (c.failure) return `compile request failed: ${c.failure}`;
  if (!v) return c.pending ? 'compiling…' : 'not compiled yet';
  const n = countBySeverity(problemsOf(v));
  const parts = [`compiled in ${v.timings.totalMs.toFixed(1)} ms`];
  if (v.chipLayers.length > 0) parts.push(`${v.chipLayers.length} chip layer${v.chipLayers.length === 1 ? '' : 's'}`);
  if (v.placement) parts.push(`placed on cores ${v.placement.ordering.join(' ')}`);
  else if (v.chipLayers.length > 0) parts.push('not placed');
  parts.push(`${n.error} error${n.error === 1 ? '' : 's'}`, `${n.warning} warning${n.warning === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

export function StatusBar(props: { compile: CompileState; deviceId: string | null; chipName: string | null }) {
  const c = props.compile;
  const bad = c.failure !== null || (c.view !== null && !c.view.ok);
  return (
    <footer className="status-bar" aria-label="Status">
      <span>
        <span className="label">device</span> <span className="mono">{props.deviceId ?? 'none'}</span>
      </span>
      <span>
        <span className="label">chip</span> {props.chipName ?? '—'}
      </span>
      <span className={`compile-summary ${bad ? 'bad' : ''}`} data-testid="compile-summary">
        {compileSummary(c)}
      </span>
      <span className="compiling" aria-live="polite">
        {c.pending ? 'compiling…' : ''}
      </span>
    </footer>
  );
}
