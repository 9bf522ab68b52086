// Opening a model file in the Model view (the picker or a file dropped on the view): the
// host says what the file holds; a model replaces the editor text (and binds its tensors
// and input shape), weights only are bound to the model already in the editor. The text
// is an ordinary edit: unsaved until saved, the project's saved version untouched.

import { useCallback, useState } from 'react';
import type { ModelFileView, ModelSpec } from '../../preload/api';
import { uploadProblem } from '../app/upload-limit';
import { errorText, useWorkbench } from '../app/workbench-api';

export interface OpenedFile {
  /** What happened, in one line, for the banner above the editor. */
  summary: string;
  notes: string[];
  error: boolean;
}

export function openedSummary(v: ModelFileView): OpenedFile {
  if (v.kind === 'weights') {
    return { summary: `${v.name}: ${v.reason}; its ${v.weights.tensors.length} tensors are now the weights of the model in the editor.`, notes: v.weights.notes ?? [], error: false };
  }
  const parts = [`Opened ${v.name} (${v.format})`];
  if (v.format !== 'model text') parts.push('the model text below was written from the file');
  if (v.weights) parts.push(`its ${v.weights.tensors.length} tensors are the weights`);
  if (v.inputShape) parts.push(`input ${v.inputShape.join(' × ')}`);
  return { summary: `${parts.join('; ')}.`, notes: v.notes, error: false };
}

export function useModelFile(onSpec: (u: (s: ModelSpec) => ModelSpec) => void, onWeightsLoaded: (id: string, name: string) => void) {
  const api = useWorkbench();
  const [opened, setOpened] = useState<OpenedFile | null>(null);
  const [busy, setBusy] = useState(false);

  const open = useCallback(
    async (file: File) => {
      const problem = uploadProblem(file, 'Open it from the command line instead (dcnn compile MODEL_FILE).');
      if (problem) return setOpened({ summary: problem, notes: [], error: true });
      setBusy(true);
      try {
        const v = await api['model.openFile']({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
        const w = v.weights;
        if (w) onWeightsLoaded(w.id, w.checkpoint ? `${w.name} [${w.checkpoint.key}]` : w.name);
        onSpec((s) => {
          if (v.kind === 'weights') return { ...s, weightsId: v.weights.id };
          return { ...s, source: v.source, ...(w ? { weightsId: w.id } : {}), ...(v.inputShape ? { inputShape: v.inputShape } : {}), ordering: 'auto' };
        });
        setOpened(openedSummary(v));
      } catch (e) {
        setOpened({ summary: `${file.name} was not opened: ${errorText(e)}`, notes: [], error: true });
      } finally {
        setBusy(false);
      }
    },
    [api, onSpec, onWeightsLoaded],
  );

  return { opened, busy, open, dismiss: () => setOpened(null) };
}
