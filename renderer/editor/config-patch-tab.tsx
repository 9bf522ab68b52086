// The Config patch tab: a JSON merge patch applied to the generated chip configuration,
// edited in Monaco (JSON), checked as you type (markers + a line under the editor) and
// compiled with the model; errors the compiler reports about the patch show here.

import { useMemo } from 'react';
import type { ModelSpec } from '../../preload/api';
import type { CompileState } from '../app/compile-loop';
import { CodeEditor } from './code-editor';
import { checkPatch, patchMarkers } from './config-patch';
import { isPatchProblem } from './model-tab';
import { markersOf, problemsOf } from './problems';
import { ProblemsList } from './problems-list';

export function ConfigPatchTab(p: { spec: ModelSpec; onSpec(update: (s: ModelSpec) => ModelSpec): void; compile: CompileState; onSave(): void }) {
  const check = useMemo(() => checkPatch(p.spec.configPatch), [p.spec.configPatch]);
  const compileProblems = useMemo(() => problemsOf(p.compile.view).filter(isPatchProblem), [p.compile.view]);
  const markers = useMemo(() => [...patchMarkers(check), ...markersOf(compileProblems)], [check, compileProblems]);
  return (
    <section className="patch-tab" aria-label="Config patch editor">
      <div className="editor-pane">
        <CodeEditor
          language="json"
          uri="inmemory://workspace/config-patch.json"
          value={p.spec.configPatch}
          onChange={(configPatch) => p.onSpec((s) => ({ ...s, configPatch }))}
          markers={markers}
          ariaLabel="Config patch (JSON)"
          onSave={p.onSave}
        />
      </div>
      <div className="side-pane">
        <section aria-label="Patch check" className="patch-check">
          <h3>Config patch</h3>
          {check.ok ? (
            <p className="quiet">{check.empty ? 'No patch: the generated configuration is used as it is.' : `Patch sets ${check.keys.join(', ')}.`}</p>
          ) : (
            <p className="field-error" role="alert">
              L{check.line}:{check.column} {check.message}
            </p>
          )}
          <p className="quiet">
            A JSON merge patch over the chip configuration (samna field names), e.g. <code>{'{"dvs_layer": {"pass_sensor_events": false}}'}</code>.
          </p>
        </section>
        {compileProblems.length > 0 && <ProblemsList label="Patch problems" problems={compileProblems} pending={p.compile.pending} failure={null} onGo={() => undefined} />}
      </div>
    </section>
  );
}
