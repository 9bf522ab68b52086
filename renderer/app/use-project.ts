// The open project and the spec being edited: loads `project.current` on start (or makes
// a project from the first example so a new user sees a working model at once), keeps
// the last saved spec to tell "unsaved changes", and saves a model version on request.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { ExampleModel, ModelSpec, ProjectView, SettingsView, WorkbenchApi } from '../../preload/api';
import { errorText, useWorkbench } from './workbench-api';
import { fallbackSpec, sameSpec } from '../project/model-spec';

export interface ProjectState {
  status: 'loading' | 'ready' | 'failed';
  project: ProjectView | null;
  examples: ExampleModel[];
  settings: SettingsView | null;
  spec: ModelSpec | null;
  savedSpec: ModelSpec | null;
  saving: boolean;
  /** Last save/new/load failure, for the project bar. */
  error: string | null;
  /** Bumped when the spec was replaced from outside the editor (project opened). */
  loadSeq: number;
}

export interface ProjectActions {
  updateSpec(update: (spec: ModelSpec) => ModelSpec): void;
  save(): Promise<void>;
  newProject(name: string, exampleId: string | null): Promise<void>;
  openProject(path: string): Promise<void>;
  dismissError(): void;
}

export function exampleProjectName(example: ExampleModel): string {
  return example.id.replace(/[^a-z0-9-]+/gi, '-').toLowerCase() || 'example';
}

interface Start {
  settings: SettingsView;
  examples: ExampleModel[];
  project: ProjectView;
}

// One start per API object: a re-mounted hook (React StrictMode runs effects twice in
// development) must not create the example project twice.
const starts = new WeakMap<WorkbenchApi, Promise<Start>>();

function startWorkspace(api: WorkbenchApi): Promise<Start> {
  let p = starts.get(api);
  if (!p) {
    p = (async () => {
      const [settings, examples, current] = await Promise.all([api['settings.get']({}), api['examples.list']({}), api['project.current']({})]);
      const first = examples[0];
      const project = current ?? (await api['project.new'](first ? { name: exampleProjectName(first), exampleId: first.id } : { name: 'untitled' }));
      return { settings, examples, project };
    })();
    starts.set(api, p);
    // A failed start may be retried (Try again reloads; a new API object starts afresh).
    p.catch(() => starts.delete(api));
  }
  return p;
}

export function useProject(): [ProjectState, ProjectActions, boolean] {
  const api = useWorkbench();
  const [state, setState] = useState<ProjectState>({
    status: 'loading',
    project: null,
    examples: [],
    settings: null,
    spec: null,
    savedSpec: null,
    saving: false,
    error: null,
    loadSeq: 0,
  });
  const stateRef = useRef(state);
  stateRef.current = state;

  const open = useCallback((project: ProjectView, examples: ExampleModel[], chip: string) => {
    const spec = project.current ?? examples[0]?.spec ?? fallbackSpec(chip);
    setState((s) => ({ ...s, status: 'ready', project, spec, savedSpec: project.current ? spec : null, error: null, loadSeq: s.loadSeq + 1 }));
  }, []);

  useEffect(() => {
    let cancelled = false;
    startWorkspace(api).then(
      ({ settings, examples, project }) => {
        if (cancelled) return;
        setState((s) => ({ ...s, settings, examples }));
        open(project, examples, settings.defaultChip);
      },
      (e: unknown) => {
        if (!cancelled) setState((s) => ({ ...s, status: 'failed', error: errorText(e) }));
      },
    );
    const off = api.on('project.changed', ({ project }) => {
      // Another window or the CLI changed the project: follow it unless the user has edits here.
      const s = stateRef.current;
      if (!project) return;
      if (s.project?.path !== project.path) {
        if (sameSpec(s.spec, s.savedSpec)) open(project, s.examples, s.settings?.defaultChip ?? 'speck2fdevkit');
        return;
      }
      setState((x) => ({ ...x, project }));
    });
    return () => {
      cancelled = true;
      off();
    };
  }, [api, open]);

  const actions: ProjectActions = {
    updateSpec: useCallback((update) => setState((s) => (s.spec ? { ...s, spec: update(s.spec) } : s)), []),
    save: useCallback(async () => {
      const s = stateRef.current;
      if (!s.spec || s.saving || sameSpec(s.spec, s.savedSpec)) return;
      const spec = s.spec;
      setState((x) => ({ ...x, saving: true, error: null }));
      try {
        const version = await api['project.saveModel']({ spec });
        setState((x) => ({
          ...x,
          saving: false,
          savedSpec: spec,
          project: x.project ? { ...x.project, current: spec, modelVersions: [...x.project.modelVersions.filter((v) => v.id !== version.id), version] } : x.project,
        }));
      } catch (e) {
        setState((x) => ({ ...x, saving: false, error: `Saving failed: ${errorText(e)}` }));
      }
    }, [api]),
    newProject: useCallback(
      async (name: string, exampleId: string | null) => {
        try {
          const project = await api['project.new'](exampleId ? { name, exampleId } : { name });
          const s = stateRef.current;
          open(project, s.examples, s.settings?.defaultChip ?? 'speck2fdevkit');
        } catch (e) {
          setState((x) => ({ ...x, error: `Creating the project failed: ${errorText(e)}` }));
        }
      },
      [api, open],
    ),
    openProject: useCallback(
      async (path: string) => {
        try {
          const project = await api['project.open']({ path });
          const s = stateRef.current;
          open(project, s.examples, s.settings?.defaultChip ?? 'speck2fdevkit');
        } catch (e) {
          setState((x) => ({ ...x, error: `Opening ${path} failed: ${errorText(e)}` }));
        }
      },
      [api, open],
    ),
    dismissError: useCallback(() => setState((x) => ({ ...x, error: null })), []),
  };
  const dirty = state.spec !== null && !sameSpec(state.spec, state.savedSpec);
  return [state, actions, dirty];
}
