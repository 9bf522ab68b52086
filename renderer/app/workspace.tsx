// The workspace: project bar, devices and runs on the left, the tabs in the centre
// (Model, Config patch, Conversion, Placement, Run), the status bar. On a wide window the
// Model view holds the editor, the placement and the conversion side by side (resizable),
// so an edit is seen where it lands; the tabs stay for small screens. Owns the little
// state the views share (selected device, open run, editor requests) and wires the
// hooks that talk to the workbench.

import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ChipLayerView, InputSource, ModelSpec, RunStartedView } from '../../preload/api';
import { ConfigPatchTab } from '../editor/config-patch-tab';
import type { RevealRequest } from '../editor/code-editor';
import { isPatchProblem, ModelTab } from '../editor/model-tab';
import { countBySeverity, problemsOf, type Problem } from '../editor/problems';
import { DevicesPanel, virtualTypes } from '../devices/devices-panel';
import { defaultDevice } from '../devices/device-changes';
import { ConversionInspector } from '../inspector/conversion-inspector';
import { ExportNirButton } from '../inspector/export-nir-button';
import { PlacementView } from '../placement/placement-view';
import { ProjectBar } from '../project/project-bar';
import { StartChooser } from '../project/start-chooser';
import { UnsavedDialog, type UnsavedAnswer } from '../project/unsaved-dialog';
import { EvaluateView } from '../evaluate/evaluate-view';
import { RunTab, type MonitorMode } from '../runs/run-tab';
import { RunsPanel } from '../runs/runs-panel';
import { useRunSession } from '../runs/use-run-session';
import { ErrorBoundary } from './error-boundary';
import { SplitPane } from './split-pane';
import { StatusBar } from './status-bar';
import { panelId, tabId, TabBar, type TabDef } from './tab-bar';
import { useCompile } from './use-compile';
import { useDevices } from './use-devices';
import { useProject } from './use-project';
import { useRuns } from './use-runs';
import { useSideBySide } from './use-side-by-side';
import { errorCode, errorText, useWorkbench } from './workbench-api';

export type TabIdName = 'model' | 'patch' | 'conversion' | 'placement' | 'run' | 'evaluate';
const TAB_ORDER: TabIdName[] = ['model', 'patch', 'conversion', 'placement', 'run', 'evaluate'];

function exampleWeightsName(examples: ReadonlyArray<{ name: string; spec: ModelSpec }>, id: string): string | null {
  const e = examples.find((x) => x.spec.weightsId === id);
  return e ? `weights of the example "${e.name}"` : null;
}

export function Workspace() {
  const api = useWorkbench();
  const [project, projectActions, dirty] = useProject();
  const spec = project.spec;
  const compile = useCompile(spec, project.settings?.compileDebounceMs ?? 300, project.loadSeq);
  const [devices, deviceActions] = useDevices();
  const { runs, error: runsError } = useRuns(project.project?.path ?? null);
  const [runState, session] = useRunSession(api);
  const [tab, setTab] = useState<TabIdName>('model');
  const sideBySide = useSideBySide();
  const [chosenDevice, setChosenDevice] = useState<string | null>(null);
  const [weightsNames, setWeightsNames] = useState<ReadonlyMap<string, string>>(new Map());
  const [reveal, setReveal] = useState<RevealRequest | null>(null);
  const [highlight, setHighlight] = useState<[number, number] | null>(null);
  const [selectedChipLayer, setSelectedChipLayer] = useState<number | null>(null);
  const [mode, setMode] = useState<MonitorMode>({ kind: 'live' });
  const [startedRuns, setStartedRuns] = useState<ReadonlyMap<number, RunStartedView>>(new Map());
  // An action that would replace the edited model, waiting for the user's save/discard/cancel.
  const [pending, setPending] = useState<{ doing: string; run(): Promise<unknown> } | null>(null);
  const [dialogRequest, setDialogRequest] = useState<{ which: 'new' | 'open'; seq: number } | null>(null);

  const updateSpec = projectActions.updateSpec;
  const onSpec = useCallback((u: (s: ModelSpec) => ModelSpec) => updateSpec(u), [updateSpec]);
  const save = projectActions.save;

  const deviceList = devices.view?.devices ?? [];
  const chosen = deviceList.find((d) => d.id === chosenDevice && d.deployable && d.status !== 'disconnected');
  const device = chosen ?? defaultDevice(deviceList, spec?.chip ?? null);
  const view = compile.view;
  const chipName = view?.family?.name ?? devices.types.find((t) => t.key === spec?.chip)?.name ?? spec?.chip ?? null;
  const chips = useMemo(() => virtualTypes(devices.types), [devices.types]);
  const example = useMemo(() => {
    if (!spec) return null;
    const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    // The example the model came from; for a model typed from scratch, one whose input fits.
    return (
      project.examples.find((e) => e.inputName && e.id === spec.exampleId && same(e.spec.inputShape, spec.inputShape)) ??
      project.examples.find((e) => e.inputName && same(e.spec.inputShape, spec.inputShape)) ??
      null
    );
  }, [project.examples, spec]);

  const guard = (doing: string, run: () => Promise<unknown>) => {
    if (dirty) setPending({ doing, run });
    else void run();
  };
  const answer = async (a: UnsavedAnswer) => {
    const p = pending;
    if (!p) return;
    if (a === 'cancel') return setPending(null);
    if (a === 'save' && !(await save())) return setPending(null); // the bar shows why saving failed
    setPending(null);
    await p.run();
  };

  // Closing the tab (or the desktop window) with unsaved edits asks first. Browsers show
  // their own leave/stay question; the desktop app turns it into save/discard/cancel.
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);

  // Commands of the desktop app (its File menu, its close question) act on the editor state held here.
  useEffect(
    () =>
      api.on('app.command', ({ command }) => {
        if (command === 'save-model') void save();
        else if (command === 'save-and-close') void save().then((ok) => ok && window.close());
        else setDialogRequest((r) => ({ which: command === 'new-project' ? 'new' : 'open', seq: (r?.seq ?? 0) + 1 }));
      }),
    [api, save],
  );

  // Ctrl/Cmd+S saves from anywhere; Alt+1..6 switch tabs.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void save();
      } else if (e.altKey && !e.ctrlKey && !e.metaKey && /^[1-6]$/.test(e.key)) {
        e.preventDefault();
        setTab(TAB_ORDER[Number(e.key) - 1]!);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save]);

  const problems = useMemo(() => problemsOf(view), [view]);
  const counts = countBySeverity(problems.filter((p) => !isPatchProblem(p)));
  const patchErrors = problems.filter((p) => isPatchProblem(p) && p.severity === 'error').length;
  const tabs: ReadonlyArray<TabDef<TabIdName>> = [
    {
      id: 'model',
      label: 'Model',
      badge:
        counts.error > 0 ? (
          <span className="badge error" aria-label={`${counts.error} errors`}>
            {counts.error}
          </span>
        ) : counts.warning > 0 ? (
          <span className="badge warning" aria-label={`${counts.warning} warnings`}>
            {counts.warning}
          </span>
        ) : null,
    },
    {
      id: 'patch',
      label: 'Config patch',
      badge:
        patchErrors > 0 ? (
          <span className="badge error" aria-label={`${patchErrors} errors`}>
            {patchErrors}
          </span>
        ) : null,
    },
    { id: 'conversion', label: 'Conversion' },
    {
      id: 'placement',
      label: 'Placement',
      badge:
        view && view.placementProblems.length > 0 ? (
          <span className="badge error" aria-label="placement problems">
            !
          </span>
        ) : null,
    },
    {
      id: 'run',
      label: 'Run',
      badge:
        runState.phase === 'running' ? (
          <span className="badge live" aria-label="run in progress">
            ●
          </span>
        ) : null,
    },
    { id: 'evaluate', label: 'Evaluate' },
  ];

  const goTo = useCallback((p: Problem) => {
    if (!p.span) return;
    setTab('model');
    setReveal((r) => ({ line: p.span!.line, column: p.span!.column, seq: (r?.seq ?? 0) + 1 }));
  }, []);

  const showLines = useCallback((lines: [number, number]) => {
    setHighlight(lines);
    setTab('model');
    setReveal((r) => ({ line: lines[0], column: 1, seq: (r?.seq ?? 0) + 1 }));
  }, []);

  const selectChipLayer = useCallback((l: ChipLayerView) => {
    setSelectedChipLayer(l.index);
    setHighlight(l.lines);
  }, []);

  const remember = (s: RunStartedView | null) => {
    if (s) setStartedRuns((m) => new Map(m).set(s.runId, s));
  };
  // A sample of an evaluation run on the device, followed live in the Run tab.
  const openEvaluationRun = async (begin: () => Promise<RunStartedView>) => {
    if (!session) return;
    setMode({ kind: 'live' });
    setTab('run');
    remember(await session.start(begin));
  };
  const start = (input: InputSource) => {
    if (!session || !spec || !device) return;
    setMode({ kind: 'live' });
    const deviceId = device.id;
    void session.start(() => api['run.start']({ deviceId, model: spec, input })).then(remember);
  };
  const rerun = (runId: number) => {
    if (!session) return;
    setMode({ kind: 'live' });
    const deviceId = device?.id;
    const req = deviceId ? { runId, deviceId } : { runId };
    // One rule with the CLI: on another device type the service asks before it compiles a
    // new model version for that type; the user says yes or no here.
    const begin = () =>
      api['run.rerun'](req).catch((e: unknown) => {
        if (errorCode(e) !== 'NEEDS_RECOMPILE' || !window.confirm(`${errorText(e)}\n\nCompile a new model version for this device and re-run?`)) throw e;
        return api['run.rerun']({ ...req, recompile: true });
      });
    void session.start(begin).then(remember);
  };

  if (project.status === 'choosing' && project.choice) {
    return (
      <StartChooser
        choice={project.choice}
        examples={project.examples}
        error={project.error}
        onOpen={(path) => void projectActions.openProject(path)}
        onNew={(name, exampleId) => void projectActions.newProject(name, exampleId)}
      />
    );
  }

  if (project.status === 'failed' && !spec) {
    return (
      <main className="boot-failure" role="alert">
        <h1>The workspace could not open</h1>
        <p>{project.error}</p>
        <button type="button" onClick={() => location.reload()}>
          Try again
        </button>
      </main>
    );
  }

  const modelTab = (stacked: boolean) =>
    spec && (
      <ErrorBoundary name="model editor">
        <ModelTab
          spec={spec}
          onSpec={onSpec}
          compile={compile}
          chips={chips}
          weightsName={spec.weightsId ? (weightsNames.get(spec.weightsId) ?? exampleWeightsName(project.examples, spec.weightsId)) : null}
          onWeightsLoaded={(id, name) => setWeightsNames((m) => new Map(m).set(id, name))}
          reveal={reveal}
          onReveal={goTo}
          highlightLines={highlight}
          onSave={() => void save()}
          stacked={stacked}
        />
      </ErrorBoundary>
    );
  // Each of these is drawn in one place at a time (its tab, or beside the editor), so a
  // compile re-renders only what is on screen.
  const conversionView = (
    <ErrorBoundary name="conversion inspector">
      <ConversionInspector
        view={view}
        pending={compile.pending}
        selected={selectedChipLayer}
        onSelect={selectChipLayer}
        onShowLines={showLines}
        actions={spec && <ExportNirButton spec={spec} fileStem={project.project?.name ?? 'model'} disabled={!view || view.chipLayers.length === 0} />}
      />
    </ErrorBoundary>
  );
  const placementView = spec && (
    <ErrorBoundary name="placement">
      <PlacementView view={view} pending={compile.pending} ordering={spec.ordering} onOrdering={(ordering) => onSpec((s) => ({ ...s, ordering }))} />
    </ErrorBoundary>
  );

  return (
    <div className="workspace">
      <ProjectBar
        name={project.project?.name ?? null}
        path={project.project?.path ?? null}
        dirty={dirty}
        saving={project.saving}
        error={project.error}
        chipName={chipName}
        deviceId={device?.id ?? null}
        examples={project.examples}
        onSave={() => void save()}
        onNew={(name, exampleId) => guard(`creating the project “${name}”`, () => projectActions.newProject(name, exampleId))}
        onOpen={(path) => guard(`opening ${path}`, () => projectActions.openProject(path))}
        loadRecent={() => api['project.recent']({})}
        onDismissError={projectActions.dismissError}
        dialogRequest={dialogRequest}
      />
      {pending && <UnsavedDialog projectName={project.project?.name ?? 'this project'} doing={pending.doing} saving={project.saving} onAnswer={(a) => void answer(a)} />}
      <nav className="left-column" aria-label="Devices and runs">
        <DevicesPanel
          state={devices}
          selectedId={device?.id ?? null}
          onSelect={setChosenDevice}
          onAddVirtual={(t) => void deviceActions.addVirtual(t)}
          onRemoveVirtual={(id) => void deviceActions.removeVirtual(id)}
          onRefresh={() => void deviceActions.refresh()}
          onDismissError={deviceActions.dismissError}
        />
        <RunsPanel
          runs={runs}
          versions={project.project?.modelVersions ?? []}
          selected={mode.kind === 'replay' ? mode.runId : null}
          liveRunId={runState.phase === 'running' ? (runState.started?.runId ?? null) : null}
          error={runsError}
          onOpen={(id) => {
            setMode({ kind: 'replay', runId: id });
            setTab('run');
          }}
        />
      </nav>
      <main className="centre">
        <TabBar<TabIdName>
          tabs={tabs}
          active={tab}
          onSelect={setTab}
          label="Workspace views"
          extra={
            sideBySide.available && (
              <button type="button" className="layout-toggle" aria-pressed={sideBySide.active} onClick={sideBySide.toggle} title="Show placement and conversion beside the editor in the Model view">
                Side by side
              </button>
            )
          }
        />
        {!spec ? (
          <p className="quiet pad">Opening the project…</p>
        ) : (
          <>
            <div role="tabpanel" id={panelId('model')} aria-labelledby={tabId('model')} hidden={tab !== 'model'} className="tab-panel">
              <SplitPane
                direction="row"
                storageKey="editor-views"
                initialShare={0.5}
                minShare={0.25}
                label="Resize the editor and the placement and conversion views"
                firstOnly={!sideBySide.active}
                first={modelTab(sideBySide.active)}
                second={
                  <SplitPane
                    direction="column"
                    storageKey="placement-conversion"
                    initialShare={0.58}
                    label="Resize the placement and conversion views"
                    className="side-views"
                    first={<div className="pane-scroll">{tab === 'model' && placementView}</div>}
                    second={<div className="pane-scroll">{tab === 'model' && conversionView}</div>}
                  />
                }
              />
            </div>
            <div role="tabpanel" id={panelId('patch')} aria-labelledby={tabId('patch')} hidden={tab !== 'patch'} className="tab-panel">
              <ErrorBoundary name="config patch">
                <ConfigPatchTab spec={spec} onSpec={onSpec} compile={compile} onSave={() => void save()} />
              </ErrorBoundary>
            </div>
            <div role="tabpanel" id={panelId('conversion')} aria-labelledby={tabId('conversion')} hidden={tab !== 'conversion'} className="tab-panel scroll">
              {tab === 'conversion' && conversionView}
            </div>
            <div role="tabpanel" id={panelId('placement')} aria-labelledby={tabId('placement')} hidden={tab !== 'placement'} className="tab-panel scroll">
              {tab === 'placement' && placementView}
            </div>
            <div role="tabpanel" id={panelId('run')} aria-labelledby={tabId('run')} hidden={tab !== 'run'} className="tab-panel scroll">
              <ErrorBoundary name="run">
                <RunTab
                  spec={spec}
                  onSpec={onSpec}
                  compile={view}
                  compilePending={compile.pending}
                  device={device}
                  example={example}
                  session={session}
                  run={runState}
                  mode={mode}
                  runs={runs}
                  versions={project.project?.modelVersions ?? []}
                  startedRuns={startedRuns}
                  onStart={start}
                  onRerun={rerun}
                  onBackToLive={() => setMode({ kind: 'live' })}
                />
              </ErrorBoundary>
            </div>
            <div role="tabpanel" id={panelId('evaluate')} aria-labelledby={tabId('evaluate')} hidden={tab !== 'evaluate'} className="tab-panel scroll">
              <ErrorBoundary name="evaluate">
                <EvaluateView
                  spec={spec}
                  compile={view}
                  compilePending={compile.pending}
                  projectPath={project.project?.path ?? null}
                  device={device}
                  runBusy={runState.phase === 'starting' || runState.phase === 'running' || runState.phase === 'stopping'}
                  onOpenRun={openEvaluationRun}
                />
              </ErrorBoundary>
            </div>
          </>
        )}
      </main>
      <StatusBar compile={compile} deviceId={device?.id ?? null} chipName={chipName} />
    </div>
  );
}
