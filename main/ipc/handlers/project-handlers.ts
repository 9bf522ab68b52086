// project.*, runs.list, runs.compare, recording.info: the project bar's and runs list's channels.

import type { CompareView } from '../../../preload/api.js';
import type { Services } from '../../services/compose.js';
import type { Handlers } from '../dispatcher.js';

/** Time bins of the comparison plot: enough to see where two runs part, few enough to send at once. */
const COMPARE_TIMELINE_BINS = 120;

export function projectHandlers(
  s: Services,
): Pick<Handlers, 'project.current' | 'project.new' | 'project.open' | 'project.saveModel' | 'project.recent' | 'runs.list' | 'runs.compare' | 'recording.info'> {
  return {
    'project.current': () => s.projects.view(),
    'project.new': (req) => s.projects.create(req),
    'project.open': (req) => s.projects.open(req.path),
    'project.saveModel': (req) => s.projects.saveModel(req.spec, req.name),
    'project.recent': () => s.projects.recent(),
    'runs.list': () => s.projects.runs(),
    'runs.compare': async (req): Promise<CompareView> => {
      const scoped = await s.projects.require().compareRuns(req.a, req.b, 'output', COMPARE_TIMELINE_BINS);
      const c = scoped.comparison;
      return {
        a: req.a,
        b: req.b,
        perLayer: c.perLayer.map((l) => ({ ...l })),
        perChannel: c.perChannel.map((l) => ({ ...l })),
        firstDivergence: c.firstDivergence ? { index: c.firstDivergence.index, a: c.firstDivergence.a, b: c.firstDivergence.b } : null,
        basis: scoped.basis,
        layers: scoped.layers.map((l) => ({ ...l })),
        notCompared: scoped.notCompared.map((n) => ({ ...n })),
        timeline: c.timeline ? { fromUs: c.timeline.fromUs, binUs: c.timeline.binUs, perLayer: c.timeline.perLayer } : null,
      };
    },
    'recording.info': (req) => s.projects.require().recordingInfo(req.runId, req.stream),
  };
}
