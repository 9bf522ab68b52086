// run.start, run.stop, run.rerun: payloads mapped onto the run launcher (the one place
// runs start), with progress, spikes and the summary put on the event bus.

import type { RunStartedView } from '../../../preload/api.js';
import type { Services } from '../../services/compose.js';
import type { Launched } from '../../services/run-launcher.js';
import { inputFromFile, inputFromGenerator, inputFromPath } from '../../services/run-inputs.js';
import type { RunListeners } from '../../services/run-service.js';
import { packBatch } from '../../common/spike-batch.js';
import { ServiceError } from '../../services/service-error.js';
import type { Handlers } from '../dispatcher.js';

const PROGRESS_INTERVAL_MS = 100;

/** Progress, spikes and the summary of a run, onto the event bus (also for runs of an evaluation's sample). */
export function listenersFor(s: Services): RunListeners {
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
      emitRuns(s);
    },
  };
}

/** The runs list after a change; a list that cannot be read (project closed meanwhile) is logged, not thrown. */
function emitRuns(s: Services): void {
  s.projects.runs().then(
    (runs) => s.bus.emit('runs.changed', { runs }),
    (e: unknown) => s.bus.emit('log', { level: 'warning', message: `the runs list could not be read: ${(e as Error).message}` }),
  );
}

/** A started run's warnings logged and the runs list sent; the reply of every channel that starts a run. */
export function announce(s: Services, launched: Launched): RunStartedView {
  for (const w of launched.input.warnings) s.bus.emit('log', { level: 'warning', message: `${launched.input.label}: ${w}` });
  emitRuns(s);
  return launched.handle.started;
}

export function runHandlers(s: Services): Pick<Handlers, 'run.start' | 'run.stop' | 'run.rerun'> {
  return {
    'run.start': async (req) =>
      announce(
        s,
        await s.launcher.startFromSpec({
          deviceId: req.deviceId,
          spec: req.model,
          deploy: { ...(req.slowClockHz !== undefined ? { slowClockHz: req.slowClockHz } : {}), ...(req.order ? { order: req.order } : {}) },
          listeners: listenersFor(s),
          input: async (compiled) => {
            const source = req.input;
            if (source.kind === 'file') {
              return inputFromFile(compiled, source.name, source.bytes, {
                ...(source.sort ? { sort: true } : {}),
                ...(source.dropOutOfRange ? { dropOutOfRange: true } : {}),
                ...(source.mapping && Object.keys(source.mapping).length > 0 ? { mapping: source.mapping } : {}),
                ...(source.sensor ? { sensor: source.sensor } : {}),
              });
            }
            if (source.kind === 'generator') return inputFromGenerator(compiled, source);
            if (source.kind === 'dataset') {
              const sample = s.evaluations.sample(source.dir, source.className, source.index);
              const read = await inputFromPath(compiled, sample.path, { sort: true, dropOutOfRange: true });
              return { ...read, label: `${sample.file} (sample ${source.index} of class "${sample.label}", dataset ${sample.root})` };
            }
            const shipped = s.compiler.exampleInput(source.exampleId);
            if (!shipped) throw new ServiceError('NO_EXAMPLE_INPUT', `example ${source.exampleId} ships no input events; use a file or a generator`);
            const read = await inputFromFile(compiled, shipped.name, shipped.bytes);
            return { ...read, label: `${shipped.name} (input of the example "${source.exampleId}")` };
          },
        }),
      ),
    'run.stop': (req) => {
      s.launcher.stop(req.runId);
      return {};
    },
    'run.rerun': async (req) =>
      announce(
        s,
        await s.launcher.rerun(s.projects.require(), req.runId, {
          ...(req.deviceId !== undefined ? { deviceId: req.deviceId } : {}),
          ...(req.modelVersion !== undefined ? { modelVersionId: req.modelVersion } : {}),
          ...(req.recompile ? { recompile: true } : {}),
          listeners: listenersFor(s),
        }),
      ),
  };
}
