// The Model tab: the model text in Monaco (Python), its problems next to it (also as
// markers at their spans), hover on a layer for its output shape, and the input fields.
// A model file (or weights) opened with the button or dropped on the tab fills it.

import { useMemo, useState, type DragEvent } from 'react';
import type { DeviceTypeView, ModelSpec } from '../../preload/api';
import type { CompileState } from '../app/compile-loop';
import { CodeEditor, type RevealRequest } from './code-editor';
import { hoverAt } from './layer-hover';
import { ModelFileField } from './model-file-field';
import { ModelInputs } from './model-inputs';
import { markersOf, problemsOf, type Problem } from './problems';
import { ProblemsList } from './problems-list';
import { useModelFile } from './use-model-file';

export interface ModelTabProps {
  spec: ModelSpec;
  onSpec(update: (s: ModelSpec) => ModelSpec): void;
  compile: CompileState;
  chips: readonly DeviceTypeView[];
  weightsName: string | null;
  onWeightsLoaded(id: string, name: string): void;
  reveal: RevealRequest | null;
  onReveal(p: Problem): void;
  highlightLines: [number, number] | null;
  onSave(): void;
  /** Problems and inputs under the editor instead of beside it (side-by-side layout). */
  stacked?: boolean;
}

export function ModelTab(p: ModelTabProps) {
  const view = p.compile.view;
  const problems = useMemo(() => problemsOf(view), [view]);
  // Problems of the config patch are shown in its own tab.
  const modelProblems = useMemo(() => problems.filter((x) => !isPatchProblem(x)), [problems]);
  const markers = useMemo(() => markersOf(modelProblems), [modelProblems]);
  const file = useModelFile(p.onSpec, p.onWeightsLoaded);
  const [dropping, setDropping] = useState(false);
  const hasFile = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');
  return (
    <section
      className={`model-tab${p.stacked ? ' stacked' : ''}${dropping ? ' dropping' : ''}`}
      aria-label="Model editor"
      onDragOver={(e) => {
        if (!hasFile(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDropping(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropping(false);
      }}
      onDrop={(e) => {
        if (!hasFile(e)) return;
        e.preventDefault();
        setDropping(false);
        const f = e.dataTransfer.files[0];
        if (f) void file.open(f);
      }}
    >
      <div className="editor-pane">
        <CodeEditor
          language="python"
          uri="inmemory://workspace/model.py"
          value={p.spec.source}
          onChange={(source) => p.onSpec((s) => ({ ...s, source }))}
          markers={markers}
          ariaLabel="Model source (nn.Sequential)"
          hoverAt={(line, column) => hoverAt(p.compile.view, line, column)}
          highlightLines={p.highlightLines}
          reveal={p.reveal}
          onSave={p.onSave}
        />
      </div>
      <div className="side-pane">
        <ModelFileField opened={file.opened} busy={file.busy} onOpen={(f) => void file.open(f)} onDismiss={file.dismiss} />
        <ProblemsList problems={modelProblems} pending={p.compile.pending} failure={p.compile.failure} onGo={p.onReveal} />
        <ModelInputs spec={p.spec} onSpec={p.onSpec} chips={p.chips} weightsName={p.weightsName} weightsSource={view?.weightsSource ?? null} onWeightsLoaded={p.onWeightsLoaded} />
        <p className="quiet small pad keys">
          Keys: <kbd>Ctrl</kbd>+<kbd>S</kbd> save · <kbd>Alt</kbd>+<kbd>1</kbd>…<kbd>5</kbd> views · <kbd>F8</kbd> next problem · in the editor <kbd>Ctrl</kbd>+<kbd>M</kbd> makes <kbd>Tab</kbd> move
          focus
        </p>
      </div>
    </section>
  );
}

export function isPatchProblem(p: Problem): boolean {
  return /patch/i.test(p.code) || /patch/i.test(p.stage ?? '');
}
