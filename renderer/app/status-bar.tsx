// The bottom line: selected device, chip, and what the last compile said (time, chip
// layers, cores, problems), with a quiet "compiling…" while one is under way, and the
// simulator engine the virtual devkits use (the native addon, or the fallback and why).

import { useEffect, useState } from 'react';
import type { AppInfo } from '../../preload/api';
import type { CompileState } from './compile-loop';
import { useWorkbench } from './workbench-api';
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

const ENGINE_NAMES: Record<AppInfo['simulator']['engine'], string> = { native: 'native', wasm: 'WebAssembly', js: 'JavaScript' };

function useSimulatorInfo(): AppInfo['simulator'] | null {
  const api = useWorkbench();
  const [info, setInfo] = useState<AppInfo['simulator'] | null>(null);
  useEffect(() => {
    let live = true;
    api['app.info']({}).then(
      (i) => live && setInfo(i.simulator ?? null),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);
  return info;
}

export function StatusBar(props: { compile: CompileState; deviceId: string | null; chipName: string | null }) {
  const c = props.compile;
  const sim = useSimulatorInfo();
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
      {sim && (
        <span title={sim.note ?? 'the native C++ engine (native/engine) runs the virtual devkits'} data-testid="simulator-engine">
          <span className="label">simulator</span> {ENGINE_NAMES[sim.engine]}
          {sim.note ? ' (native engine not in use)' : ''}
        </span>
      )}
    </footer>
  );
}
