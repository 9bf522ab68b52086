// The project the UI works in: create (from an example), open, save model versions, list
// runs, and remember recent projects in the app database. Exactly one project is open
// per UI session; opening another closes the previous one (ending nothing: runs end first).

import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ModelSpec, ModelVersionView, ProjectView, RecentProjectView, RunView } from '../../preload/api.js';
import { chipConfigToJson } from '../chips/chip-config-json.js';
import { describeMapping, type InputMapping } from '../formats/events/input-mapping.js';
import { describeDvsLayerFields } from '../formats/events/dvs-layer-fit.js';
import { storedDvsLayer } from '../chips/dvs-layer-input.js';
import { toApiError } from './api-error.js';
import { ServiceError } from './service-error.js';
import type { AppDatabase } from '../store/app-database.js';
import { PROJECT_EXTENSION, type ModelVersion, type OpenProjectOptions, type RunInfo } from '../store/project.js';
import type { ProjectStore } from '../store/project-store.js';
import { RERUN_RELATION } from '../store/run-status.js';
import type { CompileService } from './compile-service.js';
import type { EventBus } from './event-bus.js';
import { UNCONFINED, type PathConfinement } from './path-confinement.js';

/** The part of a ModelSpec stored as a model version's compile options. */
export type StoredSpec = Omit<ModelSpec, 'source' | 'weightsId'>;

export function storedSpec(spec: ModelSpec): StoredSpec {
  const { source: _source, weightsId: _weights, ...rest } = spec;
  return rest;
}

export function modelVersionView(v: ModelVersion): ModelVersionView {
  const options = (v.compileOptions ?? {}) as Partial<StoredSpec>;
  return {
    id: v.id,
    name: v.name ?? `version ${v.id}`,
    createdAt: v.createdAt,
    chip: v.device,
    inputShape: [v.inputShape[0] ?? 1, v.inputShape[1] ?? 1, v.inputShape[2] ?? 1],
    ordering: options.ordering ?? 'auto',
  };
}

export function runView(r: RunInfo): RunView {
  return {
    id: r.id,
    status: r.status,
    reason: r.reason,
    message: r.message,
    device: r.deviceId,
    deviceType: r.deviceType,
    modelVersion: r.modelVersionId,
    parentRun: r.parentRunId,
    started: r.startedAt,
    ended: r.endedAt,
    eventsIn: r.eventsIn,
    eventsOut: r.eventsOut,
    monitorLayers: (r.monitorLayers ?? []).join(','),
    ...monitoringOf(r.deployOptions),
    input: inputOf(r),
    ...mappingOf(r.deployOptions),
  };
}

/** The input mapping a camera recording's run stored, in words; runs without one: nothing. */
function mappingOf(deployOptions: unknown): Pick<RunView, 'inputMapping'> {
  const m = ((deployOptions ?? {}) as { inputMapping?: unknown }).inputMapping;
  if (m === null || typeof m !== 'object') return {};
  // Asked for the DVS layer: say where it ran (the run stores the DVS layer's fields when it did).
  const { dvsLayer: wanted, ...host } = m as InputMapping;
  if (!wanted) return { inputMapping: describeMapping(host) };
  const onChip = storedDvsLayer(deployOptions);
  return { inputMapping: `${describeMapping(host)}; ${onChip ? `on the chip's DVS layer (${describeDvsLayerFields(onChip.fields)})` : "on the host (the chip's DVS layer could not do it)"}` };
}

/** What a run was fed: the label stored with it; a re-run from before labels were stored replayed its parent's input. */
function inputOf(r: RunInfo): string | null {
  const label = ((r.deployOptions ?? {}) as { input?: unknown }).input;
  if (typeof label === 'string' && label !== '') return label;
  return r.parentRunId !== null && r.relation === RERUN_RELATION ? `input of run ${r.parentRunId}` : null;
}

/** The monitored layers a run stored with its deploy options (runs before this was stored: none). */
function monitoringOf(deployOptions: unknown): Pick<RunView, 'monitored' | 'exitCore'> {
  const o = (deployOptions ?? {}) as { monitored?: unknown; exitCore?: unknown };
  const monitored = Array.isArray(o.monitored) ? (o.monitored as RunView['monitored']) : [];
  return { monitored, exitCore: typeof o.exitCore === 'number' ? o.exitCore : null };
}

/** The spec a model version was saved from (weights loaded into the compile service). */
export async function specOfVersion(project: ProjectStore, version: ModelVersion, compiler: CompileService): Promise<ModelSpec> {
  const weights = await project.modelWeights(version.id);
  const weightsId = weights ? compiler.loadWeights(`model version ${version.id} weights`, weights).id : null;
  const options = (version.compileOptions ?? {}) as Partial<StoredSpec>;
  return {
    chip: version.device,
    inputShape: [version.inputShape[0] ?? 1, version.inputShape[1] ?? 1, version.inputShape[2] ?? 1],
    ordering: 'auto',
    monitorLayers: [-1],
    configPatch: '',
    ...options,
    source: version.modelText,
    weightsId,
  };
}

/** The project's current model: its newest own version (re-runs on another type never count). */
function newestProjectModel(versions: readonly ModelVersion[]): ModelVersion | undefined {
  for (let i = versions.length - 1; i >= 0; i--) if (versions[i]!.purpose === 'model') return versions[i];
  return undefined;
}

function fileSafe(name: string): string {
  return name.trim().replace(/[^A-Za-z0-9._ -]+/g, '_').replace(/\s+/g, '-').slice(0, 80) || 'project';
}

/** Opens a project where the store lives (this thread for the CLI, the store's worker for the app). */
export type ProjectOpener = (path: string, options: OpenProjectOptions) => Promise<ProjectStore>;

export class ProjectSession {
  private project: ProjectStore | null = null;

  constructor(
    private readonly openStore: ProjectOpener,
    private readonly dataDir: string,
    private readonly appDb: AppDatabase,
    private readonly compiler: CompileService,
    private readonly bus: EventBus,
    /** Web mode: where a requested path may point (the app and the CLI: anywhere). */
    private readonly confinement: PathConfinement = UNCONFINED,
  ) {}

  get current(): ProjectStore | null {
    return this.project;
  }

  require(): ProjectStore {
    if (!this.project) throw new ServiceError('NO_PROJECT', 'no project is open: create or open a project first');
    return this.project;
  }

  /** A model version's spec, with its weights loaded into the compile service. */
  specOf(version: ModelVersion): Promise<ModelSpec> {
    return specOfVersion(this.require(), version, this.compiler);
  }

  async view(): Promise<ProjectView | null> {
    const p = this.project;
    if (!p) return null;
    const [meta, versions] = await Promise.all([p.meta(), p.listModelVersions()]);
    const newest = newestProjectModel(versions);
    return {
      path: meta.path,
      name: meta.name,
      createdAt: meta.createdAt,
      modelVersions: versions.map(modelVersionView),
      current: newest ? await this.specOf(newest) : null,
    };
  }

  async runs(): Promise<RunView[]> {
    return this.project ? (await this.project.listRuns()).map(runView) : [];
  }

  /** Projects this session may not open are left out: the list would only show refusals and whether those files exist. */
  recent(): RecentProjectView[] {
    return this.appDb
      .recentProjects()
      .filter((r) => this.confinement.allows(r.path))
      .map((r) => ({ path: r.path, name: r.name, lastOpened: r.lastOpenedAt, missing: r.missing }));
  }

  /** Creates a project file; `path` defaults to <data dir>/projects/<name>.dcnnproj. */
  async create(input: { name: string; path?: string; exampleId?: string }): Promise<ProjectView> {
    // Confined before any other check, whose messages name the path. The default path is
    // ours (the name is made file-safe), so a data folder whose projects/ is a link elsewhere still works.
    const path =
      input.path !== undefined ? this.confinement.check(input.path) : resolve(join(this.dataDir, 'projects', `${fileSafe(input.name)}${PROJECT_EXTENSION}`));
    if (!path.endsWith(PROJECT_EXTENSION)) throw new ServiceError('BAD_PROJECT_PATH', `a project file must end in ${PROJECT_EXTENSION}: ${path}`);
    if (existsSync(path)) throw new ServiceError('PROJECT_EXISTS', `${path} already exists: open it, or choose another name`);
    mkdirSync(dirname(path), { recursive: true });
    const project = await this.openStore(path, { create: true, name: input.name });
    await this.switchTo(project);
    if (input.exampleId) {
      const example = this.compiler.exampleEntry(input.exampleId).model;
      await this.saveModel(example.spec, example.name);
    }
    return (await this.view())!;
  }

  async open(path: string): Promise<ProjectView> {
    // Before the store looks at the file: its errors tell whether a file exists and what it holds.
    const full = this.confinement.check(path);
    let project: ProjectStore;
    try {
      project = await this.openStore(full, {});
    } catch (e) {
      // The file's own reason (not found, not a project, too new, damaged) when it has one.
      const mapped = toApiError(e);
      throw new ServiceError(mapped.internal ? 'CANNOT_OPEN_PROJECT' : mapped.payload.code, mapped.payload.message);
    }
    await this.switchTo(project);
    return (await this.view())!;
  }

  /** Saves the spec as a new model version (also when it does not compile: nothing is lost). */
  async saveModel(spec: ModelSpec, name?: string): Promise<ModelVersionView> {
    const project = this.require();
    const { result } = await this.compiler.compileAsync(spec);
    const weights = spec.weightsId ? this.compiler.weightsEntry(spec.weightsId).bytes : null;
    const version = await project.addModelVersion({
      name: name ?? null,
      modelText: spec.source,
      weights,
      inputShape: spec.inputShape,
      device: spec.chip,
      compileOptions: storedSpec(spec),
      configJson: result?.config ? JSON.stringify(chipConfigToJson(result.config)) : 'null',
    });
    this.bus.emit('project.changed', { project: await this.view() });
    return modelVersionView(version);
  }

  /** The newest model version if it holds exactly this spec, else a new version. */
  async versionFor(spec: ModelSpec): Promise<ModelVersionView> {
    const project = this.require();
    const newest = newestProjectModel(await project.listModelVersions());
    if (newest) {
      const weights = spec.weightsId ? this.compiler.weightsEntry(spec.weightsId).info.id : null;
      const same =
        newest.modelText === spec.source &&
        newest.weightsSha256 === weights &&
        newest.device === spec.chip &&
        JSON.stringify(newest.compileOptions) === JSON.stringify(storedSpec(spec));
      if (same) return modelVersionView(newest);
    }
    return this.saveModel(spec);
  }

  async close(): Promise<void> {
    const project = this.project;
    this.project = null;
    await project?.close();
  }

  private async switchTo(project: ProjectStore): Promise<void> {
    const previous = this.project;
    this.project = project;
    await previous?.close();
    const meta = await project.meta();
    this.appDb.noteProjectOpened(meta.path, meta.name || basename(meta.path));
    this.bus.emit('project.changed', { project: await this.view() });
    this.bus.emit('runs.changed', { runs: await this.runs() });
  }
}
