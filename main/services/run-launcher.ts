// Starting runs, the one way: the UI (through IPC) and the CLI both come here to start a
// run, re-run a recording, or stop a run. It holds the rule every caller shares: a model
// compiled for one device type runs only on that type; re-running a recording on another
// type compiles a new model version for it, and only when the caller says so (the UI
// asks the user, the CLI wants --recompile). It does not know how requests arrive, nor
// how progress reaches a screen: callers pass listeners.

import type { ModelSpec } from '../../preload/api.js';
import type { CompileResult } from '../compiler/compile-types.js';
import type { DeviceManager } from '../devices/device-manager.js';
import type { DeployOptions } from '../devices/driver.js';
import { ServiceError } from './service-error.js';
import type { ModelVersion, RunInfo } from '../store/project.js';
import type { ProjectStore } from '../store/project-store.js';
import { RERUN_RELATION } from '../store/run-status.js';
import type { CompileService } from './compile-service.js';
import { specOfVersion, storedSpec, type ProjectSession } from './project-session.js';
import { inputEventCount, inputEvents, recordedInput, type RunInput } from './run-inputs.js';
import type { NewModelVersion, RunHandle, RunListeners, RunService } from './run-service.js';

export interface LaunchRequest {
  /** Where the run is recorded; null = not recorded. */
  project: ProjectStore | null;
  deviceId: string;
  compiled: CompileResult;
  /** An existing model version of `project`, or one to save with the run. */
  modelVersion: number | NewModelVersion;
  /** The input, resolved once the device and the compile are known to be right. */
  input: (compiled: CompileResult) => RunInput | Promise<RunInput>;
  deploy?: DeployOptions;
  parentRunId?: number;
  listeners?: RunListeners;
}

export interface Launched {
  handle: RunHandle;
  input: RunInput;
}

export interface RerunOptions {
  /** Default: the device of the recorded run. */
  deviceId?: string;
  /** Default: the model version of the recorded run. */
  modelVersionId?: number;
  /** Another model altogether (CLI --model): compiled by the caller for the device's type. */
  model?: { compiled: CompileResult; version: NewModelVersion };
  /** The caller agreed to compile a new model version when the device is of another type. */
  recompile?: boolean;
  deploy?: DeployOptions;
  listeners?: RunListeners;
}

/** A compile that must have succeeded; its error otherwise, as the API reports it. */
export function requireCompiled(result: CompileResult | null, chip: string, message?: string): CompileResult {
  if (!result || !result.ok || !result.config || !result.placement) {
    throw new ServiceError('COMPILE_FAILED', `The model does not compile for ${chip}: ${message ?? result?.error?.message ?? 'unknown error'}`);
  }
  return result;
}

export class RunLauncher {
  constructor(
    private readonly deps: { runs: RunService; devices: DeviceManager; compiler: CompileService; projects?: ProjectSession },
  ) {}

  /** The rule: a model compiled for one device type runs only on a device of that type. */
  requireSameType(compiledFor: string, deviceId: string): void {
    const device = this.deps.devices.resolve(deviceId);
    if (device.type !== compiledFor) {
      throw new ServiceError(
        'DEVICE_TYPE_MISMATCH',
        `the model is compiled for ${compiledFor}, and ${device.id} is a ${device.type}: choose a ${compiledFor} device, or set the chip to ${device.type} (a new model version)`,
      );
    }
  }

  async launch(req: LaunchRequest): Promise<Launched> {
    this.requireSameType(req.compiled.device, req.deviceId);
    const input = await req.input(req.compiled);
    if (inputEventCount(input) === 0) {
      if ('stream' in input) input.stream.close();
      throw new ServiceError('EMPTY_INPUT', `${input.label} holds no events`);
    }
    // The run service closes a streamed input however the start ends.
    const handle = await this.deps.runs.start(
      {
        project: req.project,
        deviceId: req.deviceId,
        compiled: req.compiled,
        modelVersion: req.modelVersion,
        input: inputEvents(input),
        inputLabel: input.label,
        ...(input.mapping ? { inputMapping: input.mapping } : {}),
        ...(input.dvsLayer ? { dvsLayer: input.dvsLayer } : {}),
        deploy: req.deploy ?? {},
        ...(req.parentRunId !== undefined ? { parentRunId: req.parentRunId, relation: RERUN_RELATION } : {}),
      },
      req.listeners ?? {},
    );
    return { handle, input };
  }

  /** A run of the open project's model spec (the workspace's *Deploy and run*). */
  async startFromSpec(args: {
    deviceId: string;
    spec: ModelSpec;
    input: LaunchRequest['input'];
    deploy?: DeployOptions;
    listeners?: RunListeners;
  }): Promise<Launched> {
    const projects = this.requireSession();
    const project = projects.require();
    this.requireSameType(args.spec.chip, args.deviceId);
    const { result, view } = await this.deps.compiler.compileAsync(args.spec);
    const compiled = requireCompiled(result, args.spec.chip, view.error?.message);
    const version = await projects.versionFor(args.spec);
    return this.launch({ project, deviceId: args.deviceId, compiled, modelVersion: version.id, input: args.input, ...(args.deploy ? { deploy: args.deploy } : {}), ...(args.listeners ? { listeners: args.listeners } : {}) });
  }

  /**
   * Feeds a recorded run's input through a device (and a model version, or another
   * model). On a device of another type than the model's, this compiles a new model
   * version for that type, and only with `recompile` (else NEEDS_RECOMPILE says so).
   */
  async rerun(project: ProjectStore, runId: number, options: RerunOptions = {}): Promise<Launched> {
    const source = await project.getRun(runId);
    if (!source) throw new ServiceError('UNKNOWN_RUN', `run ${runId} does not exist in this project (runs: ${(await project.listRuns()).map((r) => r.id).join(', ') || 'none'})`);
    const deviceId = options.deviceId ?? source.deviceId;
    const device = this.deps.devices.resolve(deviceId);
    const { compiled, modelVersion } = options.model
      ? { compiled: options.model.compiled, modelVersion: options.model.version as number | NewModelVersion }
      : await this.compileStored(project, source, options.modelVersionId ?? source.modelVersionId, device.type, options.recompile === true);
    return this.launch({
      project,
      deviceId: device.id,
      compiled,
      modelVersion,
      parentRunId: source.id,
      input: (c) => recordedInput(project, source.id, c, source.deployOptions),
      ...(options.deploy ? { deploy: options.deploy } : {}),
      ...(options.listeners ? { listeners: options.listeners } : {}),
    });
  }

  stop(runId: number): void {
    this.deps.runs.stop(runId);
  }

  private async compileStored(
    project: ProjectStore,
    source: RunInfo,
    versionId: number,
    deviceType: string,
    recompile: boolean,
  ): Promise<{ compiled: CompileResult; modelVersion: number | NewModelVersion }> {
    const version = await project.getModelVersion(versionId);
    if (!version) throw new ServiceError('UNKNOWN_MODEL_VERSION', `model version ${versionId} does not exist in this project`);
    const spec = await specOfVersion(project, version, this.deps.compiler);
    if (version.device === deviceType) {
      const { result, view } = await this.deps.compiler.compileAsync(spec);
      return { compiled: requireCompiled(result, version.device, view.error?.message), modelVersion: version.id };
    }
    if (!recompile) {
      throw new ServiceError(
        'NEEDS_RECOMPILE',
        `run ${source.id} used model version ${version.id}, compiled for ${version.device}; re-running it on a ${deviceType} compiles a new model version for ${deviceType}. Confirm to do so (CLI: add --recompile).`,
      );
    }
    const { result, view } = await this.deps.compiler.compileAsync({ ...spec, chip: deviceType });
    const compiled = requireCompiled(result, deviceType, view.error?.message);
    return { compiled, modelVersion: await rerunVersion(project, version, { ...spec, chip: deviceType }, source.id) };
  }

  private requireSession(): ProjectSession {
    if (!this.deps.projects) throw new ServiceError('NO_PROJECT', 'no project session: open a project first');
    return this.deps.projects;
  }
}

/** The model version a re-run on another device type records: the same model and weights, that type's compile. */
async function rerunVersion(project: ProjectStore, version: ModelVersion, spec: ModelSpec, runId: number): Promise<NewModelVersion> {
  return {
    source: version.modelText,
    weights: await project.modelWeights(version.id),
    compileOptions: storedSpec(spec),
    name: `${version.name ?? `version ${version.id}`} for ${spec.chip} (re-run of run ${runId})`,
    purpose: 'rerun',
  };
}
