// eval.*, evals.list: the Evaluate view's channels over the evaluation service; a sample
// opened as a run starts like any run (its progress and spikes on the event bus).

import type { Services } from '../../services/compose.js';
import type { Handlers } from '../dispatcher.js';
import { announce, listenersFor } from './run-handlers.js';

export function evalHandlers(s: Services): Pick<Handlers, 'eval.inspect' | 'eval.previewSample' | 'eval.start' | 'eval.stop' | 'eval.resume' | 'evals.list' | 'eval.get' | 'eval.csv' | 'eval.openSample'> {
  return {
    'eval.inspect': (req) => s.evaluations.inspect(req.path),
    'eval.previewSample': (req) => s.evaluations.previewSample(req),
    'eval.start': (req) => s.evaluations.start(req),
    'eval.stop': (req) => {
      s.evaluations.stop(req.evaluationId);
      return {};
    },
    'eval.resume': (req) => s.evaluations.resume(req.evaluationId, req.workers),
    'evals.list': () => s.evaluations.list(),
    'eval.get': (req) => s.evaluations.view(req.evaluationId),
    'eval.csv': (req) => s.evaluations.csv(req.evaluationId),
    'eval.openSample': async (req) => announce(s, await s.evaluations.openSample(req.evaluationId, req.file, req.deviceId, listenersFor(s))),
  };
}
