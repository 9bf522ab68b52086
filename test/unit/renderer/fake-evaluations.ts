// The evaluation channels of the fake workbench: a dataset of two classes that always
// lists the same way, and evaluations that finish at once with made-up rows (sample
// s<i> of each class; in both modes the time-stepped mode answers "bar" for blob/s1, so
// one sample disagrees). Not a simulator: the numbers only have the real layout.

import type { EvalSampleView, EvalStartRequest, EvaluationView, EventChannel, EventOf, RequestChannel, RequestOf, ReplyOf, RunStartedView } from '../../../preload/api';

type EvalChannel = Extract<RequestChannel, `eval.${string}` | `evals.${string}`>;

export const FAKE_DATASET = '/data/gestures';

function rowsOf(mode: EvalStartRequest['mode']): EvalSampleView[] {
  const rows: EvalSampleView[] = [];
  for (const [labelIndex, label] of ['bar', 'blob'].entries()) {
    for (let i = 0; i < 3; i++) {
      const event = { mode: 'event' as const, predicted: labelIndex, predictedLabel: label, exitCounts: labelIndex === 0 ? [9, 2] : [1, 8], firstSpikeUs: 1200 + i, synapticOps: 40_000 + i };
      const disagree = mode === 'both' && label === 'blob' && i === 1;
      const timestep = { ...event, mode: 'timestep' as const, ...(disagree ? { predicted: 0, predictedLabel: 'bar', exitCounts: [5, 4] } : {}) };
      rows.push({
        file: `${label}/s${i}.npy`,
        label,
        labelIndex,
        eventsIn: 500 + i,
        error: null,
        results: mode === 'both' ? [event, timestep] : mode === 'timestep' ? [timestep] : [event],
        disagree,
        causes: disagree ? [{ kind: 'ordering', text: 'ordering: with the events inside each time step reversed, chip semantics predicts bar' }] : null,
      });
    }
  }
  return rows;
}

function score(mode: 'event' | 'timestep', rows: readonly EvalSampleView[]) {
  const confusion = [
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (const r of rows) {
    const p = r.results.find((x) => x.mode === mode)!.predicted;
    confusion[r.labelIndex]![p ?? 2]!++;
  }
  const correct = confusion[0]![0]! + confusion[1]![1]!;
  return {
    mode,
    samples: rows.length,
    correct,
    accuracy: correct / rows.length,
    silent: 0,
    perClass: ['bar', 'blob'].map((label, i) => ({ label, samples: 3, correct: confusion[i]![i]!, accuracy: confusion[i]![i]! / 3 })),
    confusion,
  };
}

export class FakeEvaluations {
  private readonly evaluations = new Map<number, EvaluationView>();
  private next = 1;

  constructor(
    private readonly emit: <C extends EventChannel>(channel: C, payload: EventOf<C>) => void,
    private readonly later: (ms: number, fn: () => void) => void,
    private readonly startRun: (deviceId: string) => RunStartedView,
  ) {}

  handlers(): { [C in EvalChannel]: (req: RequestOf<C>) => ReplyOf<C> | Promise<ReplyOf<C>> } {
    return {
      'eval.inspect': (req) => {
        if (req.path !== FAKE_DATASET)
          throw Object.assign(new Error(`${req.path} is not a folder`), {
            payload: { code: 'BAD_DATASET', message: `${req.path} is not a folder: a dataset is a folder with one sub-folder per class, or sample files plus labels.csv` },
          });
        return {
          path: FAKE_DATASET,
          layout: 'class-folders',
          classes: [
            { channel: 0, name: 'bar', samples: 3 },
            { channel: 1, name: 'blob', samples: 3 },
          ],
          samples: 6,
          cameraSample: null,
        };
      },
      'eval.previewSample': () => {
        throw Object.assign(new Error('no camera recordings'), { payload: { code: 'BAD_INPUT_MAPPING', message: 'the samples of /data/gestures are .npy / CSV event files: they are sent as they are, with no input mapping' } });
      },
      'eval.start': (req) => {
        const id = this.next++;
        const samples = rowsOf(req.mode);
        const modes = req.mode === 'both' ? [score('event', samples), score('timestep', samples)] : [score(req.mode, samples)];
        this.evaluations.set(id, {
          id,
          status: 'completed',
          active: false,
          createdAt: '2025-01-01T00:00:00Z',
          finishedAt: '2025-01-01T00:00:01Z',
          modelVersion: 1,
          dataset: req.dataset,
          mode: req.mode,
          readout: req.readout,
          windowUs: req.windowUs,
          dtUs: req.dtUs ?? 1000,
          device: req.deviceId ?? null,
          mapping: null,
          sampleCount: 6,
          done: 6,
          failed: 0,
          accuracy: modes.map((m) => ({ mode: m.mode, accuracy: m.accuracy })),
          notResumable: null,
          classes: ['bar', 'blob'],
          modes,
          agreement:
            req.mode === 'both' ? { samples: 6, disagreeing: 1, byCause: { dropped_events: 0, saturation: 0, ordering: 1, unattributed: 0 }, eventOnlyCorrect: 1, timestepOnlyCorrect: 0 } : null,
          samples,
        });
        this.later(5, () => this.emit('eval.progress', { evaluationId: id, done: 3, total: 6, samplesPerSecond: 30, etaSeconds: 0.1 }));
        this.later(10, () => this.emit('eval.ended', { evaluationId: id, status: 'completed', message: null }));
        return { evaluationId: id, total: 6, resumedSamples: 0, workers: req.workers ?? 2 };
      },
      'eval.stop': () => ({}),
      'eval.resume': (req) => ({ evaluationId: req.evaluationId, total: 6, resumedSamples: 6, workers: 1 }),
      'evals.list': () => [...this.evaluations.values()].reverse().map(({ classes: _c, modes: _m, agreement: _a, samples: _s, ...item }) => item),
      'eval.get': (req) => {
        const e = this.evaluations.get(req.evaluationId);
        if (!e) throw Object.assign(new Error('unknown'), { payload: { code: 'UNKNOWN_EVALUATION', message: `evaluation ${req.evaluationId} is not in this project` } });
        return e;
      },
      'eval.csv': (req) => ({ name: `evaluation-${req.evaluationId}.csv`, text: 'file,label\n' }),
      'eval.openSample': (req) => this.startRun(req.deviceId),
    };
  }
}
