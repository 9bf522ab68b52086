// run.start, run.stop, run.rerun: deploy and run a model on a device, live, recorded in
// the open project, with progress, spikes and the summary on the event bus.

import type { ModelSpec, RunStartedView } from '../../../preload/api.js';
import type { CompileResult } from '../../compiler/compile-types.js';
import type { Services } from '../../services/compose.js';
import { inputFromFile, inputFromGenerator, recordedInput, type RunInput } from '../../services/run-inputs.js';
import type { RunListeners } from '../../services/run-service.js';
import { packBatch } from '../../sim/spike-batch.js';
import { RERUN_RELATION } from '../../store/run-status.js';
import { ServiceError, type Handlers } from '../dispatcher.js';

const PROGRESS_INTERVAL_MS = 100;

function compileFor(s: Services, spec: ModelSpec): CompileResult {
  const { result, view } = s.compiler.compile(spec);
  if (!result || !result.ok) {
    const e = view.error;
    throw new ServiceError('COMPILE_FAILED', `The model does not compile for ${spec.chip}: ${e?.message ?? 'unknown error'}`, e ?? undefined);
  }
  return result;
}

function listenersFor(s: Services): RunListeners {
  let lastProgress = 0;
  return {
    onSpikes: (runId, batch) => s.bus.emit('run.spikes', { runId, spikes: packBatch(batch) }),
    onProgress: (runId, p) => {
      const now = performance.now();
      if (now - lastProgress < PROGRESS_INTERVAL_MS && p.eventsIn < p.totalIn) return;
      lastProgress = now;
      s.bus.emit('run.progress', { runId, eventsIn: p.eventsIn, eventsOut: p.eventsOut, totalIn: p.totalIn, timeUs: p.timeUs });
    },
    onEnded: (summary) => {
      const { stats: _stats, exitCore: _exit, ...view } = summary as typeof summary & { stats?: unknown; exitCore?: unknown };
      s.bus.emit('run.ended', view);
      s.bus.emit('runs.changed', { runs: s.projects.runs() });
    },
  };
}

async function startRun(
  s: Services,
  args: { deviceId: string; spec: ModelSpec; input: (compiled: CompileResult) => RunInput | Promise<RunInput>; slowClockHz?: number; order?: 'depth-first' | 'breadth-first'; parentRunId?: number },
): Promise<RunStartedView> {
  const project = s.projects.require();
  const device = s.devices.resolve(args.deviceId);
  // A run compiles for the device it goes to (same model, that board's chip).
  const spec: ModelSpec = { ...args.spec, chip: device.type };
  const compiled = compileFor(s, spec);
  const input = await args.input(compiled);
  if (input.batch.length === 0) throw new ServiceError('EMPTY_INPUT', `${input.label} holds no events`);
  const version = s.projects.versionFor(spec);
  const handle = await s.runs.start(
    {
      project,
      deviceId: device.id,
      compiled,
      modelVersion: version.id,
      input: input.batch,
      inputLabel: input.label,
      deploy: { ...(args.slowClockHz !== undefined ? { slowClockHz: args.slowClockHz } : {}), ...(args.order ? { order: args.order } : {}) },
      ...(args.parentRunId !== undefined ? { parentRunId: args.parentRunId, relation: RERUN_RELATION } : {}),
    },
    listenersFor(s),
  );
  for (const w of input.warnings) s.bus.emit('log', { level: 'warning', message: `${input.label}: ${w}` });
  s.bus.emit('runs.changed', { runs: s.projects.runs() });
  return handle.started;
}

export function runHandlers(s: Services): Pick<Handlers, 'run.start' | 'run.stop' | 'run.rerun'> {
  return {
    'run.start': (req) =>
      startRun(s, {
        deviceId: req.deviceId,
        spec: req.model,
        ...(req.slowClockHz !== undefined ? { slowClockHz: req.slowClockHz } : {}),
        ...(req.order ? { order: req.order } : {}),
        input: async (compiled) => {
          const source = req.input;
          if (source.kind === 'file') return inputFromFile(compiled, source.name, source.bytes);
          if (source.kind === 'generator') return inputFromGenerator(compiled, source);
          const shipped = s.compiler.exampleInput(source.exampleId);
          if (!shipped) throw new ServiceError('NO_EXAMPLE_INPUT', `example ${source.exampleId} ships no input events; use a file or a generator`);
          const read = await inputFromFile(compiled, shipped.name, shipped.bytes);
          return { ...read, label: `${shipped.name} (input of the example "${source.exampleId}")` };
        },
      }),
    'run.stop': (req) => {
      s.runs.stop(req.runId);
      return {};
    },
    'run.rerun': (req) => {
      const project = s.projects.require();
      const source = project.getRun(req.runId);
      if (!source) throw new ServiceError('UNKNOWN_RUN', `run ${req.runId} does not exist in this project`);
      const version = project.getModelVersion(req.modelVersion ?? source.modelVersionId);
      if (!version) throw new ServiceError('UNKNOWN_MODEL_VERSION', `model version ${req.modelVersion} does not exist in this project`);
      return startRun(s, {
        deviceId: req.deviceId ?? source.deviceId,
        spec: s.projects.specOf(version),
        parentRunId: source.id,
        input: (compiled) => recordedInput(project, source.id, compiled),
      });
    },
  };
}
