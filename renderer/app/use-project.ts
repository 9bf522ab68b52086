// The open project and the spec being edited. On start: the project the host has open, else
// the most recent project, else the example project (made on the very first start, opened
// on later ones); a missing or unreadable last project leaves the choice to the user (the
// start chooser) instead of a dead end. Keeps the last saved spec to tell "unsaved
// changes", and saves a model version on request.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { ExampleModel, ModelSpec, ProjectView, RecentProjectView, SettingsView, WorkbenchApi } from '../../preload/api';
import { errorCode, errorText, useWorkbench } from './workbench-api';
import { emptySpec, sameSpec } from '../project/model-spec';

/** Why the start could not open a project by itself, with what the user can pick from. */
export interface StartChoice {
  reason: string;
  recent: RecentProjectView[];
}

export interface ProjectState {
  status: 'loading' | 'choosing' | 'ready' | 'failed';
  /** Set while status is 'choosing'. */
  choice: StartChoice | null;
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
  /** Resolves true when the spec is saved (or had nothing to save). */
  save(): Promise<boolean>;
  /** Resolve true when the project was created/opened (false: the error is in state). */
  newProject(name: string, exampleId: string | null): Promise<boolean>;
  openProject(path: string): Promise<boolean>;
  dismissError(): void;
}

export function exampleProjectName(example: ExampleModel): string {
  return example.id.replace(/[^a-z0-9-]+/gi, '-').toLowerCase() || 'example';
}

interface Start {
  settings: SettingsView;
  examples: ExampleModel[];
  outcome: { kind: 'open'; project: ProjectView } | { kind: 'choose'; choice: StartChoice };
}

/** The project file the example project gets on the very first start (ProjectSession's default path). */
function exampleProjectPath(dataDir: string, example: ExampleModel): string {
  const sep = dataDir.includes('\\') && !dataDir.includes('/') ? '\\' : '/';
  return [dataDir.replace(/[\\/]+$/, ''), 'projects', `${exampleProjectName(example)}.dcnnproj`].join(sep);
}

async function startOutcome(api: WorkbenchApi, examples: ExampleModel[]): Promise<Start['outcome']> {
  const current = await api['project.current']({});
  if (current) return { kind: 'open', project: current };
  const recent = await api['project.recent']({});
  const choose = (reason: string) => ({ kind: 'choose' as const, choice: { reason, recent } });
  const last = recent[0];
  if (last) {
    if (last.missing) return choose(`The last project, "${last.name}", is no longer at ${last.path}. Open another project or start a new one.`);
    try {
      return { kind: 'open', project: await api['project.open']({ path: last.path }) };
    } catch (e) {
      return choose(`The last project, "${last.name}" (${last.path}), could not be opened: ${errorText(e)}`);
    }
  }
  const first = examples[0];
  if (!first) {
    try {
      return { kind: 'open', project: await api['project.new']({ name: 'untitled' }) };
    } catch (e) {
      return choose(`No project could be created: ${errorText(e)}`);
    }
  }
  try {
    return { kind: 'open', project: await api['project.new']({ name: exampleProjectName(first), exampleId: first.id }) };
  } catch (e) {
    if (errorCode(e) !== 'PROJECT_EXISTS') return choose(`The example project could not be created: ${errorText(e)}`);
  }
  // The example project was made on an earlier start (the list of recent projects is gone): open it.
  const path = exampleProjectPath((await api['app.info']({})).dataDir, first);
  try {
    return { kind: 'open', project: await api['project.open']({ path }) };
  } catch (e) {
    return choose(`The example project (${path}) could not be opened: ${errorText(e)}`);
  }
}

// One start per API object: a re-mounted hook (React StrictMode runs effects twice in
// development) must not create the example project twice.
const starts = new WeakMap<WorkbenchApi, Promise<Start>>();

function startWorkspace(api: WorkbenchApi): Promise<Start> {
  let p = starts.get(api);
  if (!p) {
    p = (async () => {
      const [settings, examples] = await Promise.all([api['settings.get']({}), api['examples.list']({})]);
      return { settings, examples, outcome: await startOutcome(api, examples) };
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
    choice: null,
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
  // The spec with edits React has not rendered yet: Ctrl+S right after typing must save
  // what the editor holds, not the last rendered text (it used to save "# kept across rest").
  // A render has applied every queued edit, so what is pending is in `state` now.
  const pendingSpec = useRef<ModelSpec | null>(null);
  pendingSpec.current = null;

  // A project without model versions shows the empty model (nothing there to lose: not "unsaved").
  const open = useCallback((project: ProjectView, _examples: ExampleModel[], chip: string) => {
    const spec = project.current ?? emptySpec(chip);
    pendingSpec.current = null;
    setState((s) => ({ ...s, status: 'ready', choice: null, project, spec, savedSpec: spec, error: null, loadSeq: s.loadSeq + 1 }));
  }, []);

  useEffect(() => {
    let cancelled = false;
    startWorkspace(api).then(
      ({ settings, examples, outcome }) => {
        if (cancelled) return;
        setState((s) => ({ ...s, settings, examples }));
        if (outcome.kind === 'open') open(outcome.project, examples, settings.defaultChip);
        else setState((s) => ({ ...s, status: 'choosing', choice: outcome.choice }));
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
    updateSpec: useCallback((update) => {
      const base = pendingSpec.current ?? stateRef.current.spec;
      if (!base) return;
      const next = update(base);
      pendingSpec.current = next;
      // Another spec was opened meanwhile: the edit applies to that one.
      setState((s) => (s.spec ? { ...s, spec: s.spec === base ? next : update(s.spec) } : s));
    }, []),
    save: useCallback(async () => {
      const s = stateRef.current;
      const spec = pendingSpec.current ?? s.spec;
      if (!spec || sameSpec(spec, s.savedSpec)) return true;
      if (s.saving) return false;
      setState((x) => ({ ...x, saving: true, error: null }));
      try {
        const version = await api['project.saveModel']({ spec });
        setState((x) => ({
          ...x,
          saving: false,
          savedSpec: spec,
          project: x.project ? { ...x.project, current: spec, modelVersions: [...x.project.modelVersions.filter((v) => v.id !== version.id), version] } : x.project,
        }));
        return true;
      } catch (e) {
        setState((x) => ({ ...x, saving: false, error: `Saving failed: ${errorText(e)}` }));
        return false;
      }
    }, [api]),
    newProject: useCallback(
      async (name: string, exampleId: string | null) => {
        try {
          const s = stateRef.current;
          const chip = s.settings?.defaultChip ?? 'speck2fdevkit';
          let project = await api['project.new'](exampleId ? { name, exampleId } : { name });
          if (!exampleId && !project.current) {
            // An empty model is the project's first version: the project opens saved, and reopens with it.
            const spec = emptySpec(chip);
            await api['project.saveModel']({ spec, name: 'empty model' });
            project = { ...project, current: spec };
          }
          open(project, s.examples, chip);
          return true;
        } catch (e) {
          setState((x) => ({ ...x, error: `Creating the project failed: ${errorText(e)}` }));
          return false;
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
          return true;
        } catch (e) {
          setState((x) => ({ ...x, error: `Opening ${path} failed: ${errorText(e)}` }));
          return false;
        }
      },
      [api, open],
    ),
    dismissError: useCallback(() => setState((x) => ({ ...x, error: null })), []),
  };
  const dirty = state.spec !== null && !sameSpec(state.spec, state.savedSpec);
  return [state, actions, dirty];
}
