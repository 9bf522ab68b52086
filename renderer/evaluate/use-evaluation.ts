// The Evaluate view's live state: the dataset as the host lists it, the evaluation being
// run (progress from `eval.progress`, its end from `eval.ended`), the one shown, and the
// project's past evaluations. Requests go through the contract; failures become one
// line a person can act on.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { DatasetView, EvalStartRequest, EvaluationListItemView, EvaluationView, EventOf } from '../../preload/api';
import { errorText, useWorkbench } from '../app/workbench-api';

export interface EvaluationState {
  dataset: { path: string; view: DatasetView | null; error: string | null; checking: boolean } | null;
  /** The evaluation running in this view (null: none). */
  running: { id: number; total: number; resumed: number; workers: number } | null;
  progress: EventOf<'eval.progress'> | null;
  ended: EventOf<'eval.ended'> | null;
  shown: EvaluationView | null;
  list: EvaluationListItemView[];
  /** What the last request that failed said. */
  error: string | null;
  /** A start, resume or stop request is on its way. */
  busy: boolean;
}

export interface EvaluationActions {
  inspect(path: string): Promise<DatasetView | null>;
  start(req: EvalStartRequest): Promise<void>;
  resume(id: number): Promise<void>;
  stop(): Promise<void>;
  show(id: number): Promise<void>;
  dismissError(): void;
}

/** While an evaluation runs, its results so far are read again at most this often. */
const LIVE_RESULTS_MS = 2000;

const INITIAL: EvaluationState = { dataset: null, running: null, progress: null, ended: null, shown: null, list: [], error: null, busy: false };

export function useEvaluation(projectPath: string | null): [EvaluationState, EvaluationActions] {
  const api = useWorkbench();
  const [state, setState] = useState<EvaluationState>(INITIAL);
  const running = useRef<number | null>(null);
  // Events of an evaluation whose start reply has not come back yet are kept by id.
  const early = useRef(new Map<number, { progress?: EventOf<'eval.progress'>; ended?: EventOf<'eval.ended'> }>());
  const patch = useCallback((p: Partial<EvaluationState>) => setState((s) => ({ ...s, ...p })), []);
  const lastLive = useRef(0);
  const shownId = useRef<number | null>(null);

  const refreshList = useCallback(async () => {
    try {
      patch({ list: await api['evals.list']({}) });
    } catch (e) {
      patch({ error: `Listing the evaluations failed: ${errorText(e)}` });
    }
  }, [api, patch]);

  const show = useCallback(
    async (id: number) => {
      shownId.current = id;
      try {
        const view = await api['eval.get']({ evaluationId: id });
        // A slower answer for an evaluation the user has since left is dropped.
        if (shownId.current === id) patch({ shown: view, error: null });
      } catch (e) {
        patch({ error: `Evaluation ${id} could not be read: ${errorText(e)}` });
      }
    },
    [api, patch],
  );

  const finish = useCallback(
    (ended: EventOf<'eval.ended'>) => {
      running.current = null;
      patch({ running: null, ended });
      void show(ended.evaluationId);
      void refreshList();
    },
    [patch, refreshList, show],
  );

  useEffect(() => {
    setState(INITIAL);
    running.current = null;
    shownId.current = null;
    if (projectPath !== null) void refreshList();
  }, [projectPath, refreshList]);

  useEffect(() => {
    const offProgress = api.on('eval.progress', (p) => {
      if (p.evaluationId === running.current) {
        patch({ progress: p });
        const now = performance.now();
        // Only the running evaluation's own view follows it (one opened from the list stays put).
        if (now - lastLive.current > LIVE_RESULTS_MS && p.done < p.total && (shownId.current === null || shownId.current === p.evaluationId)) {
          lastLive.current = now;
          void show(p.evaluationId);
        }
      } else early.current.set(p.evaluationId, { ...early.current.get(p.evaluationId), progress: p });
    });
    const offEnded = api.on('eval.ended', (e) => {
      if (e.evaluationId === running.current) finish(e);
      else early.current.set(e.evaluationId, { ...early.current.get(e.evaluationId), ended: e });
    });
    return () => {
      offProgress();
      offEnded();
    };
  }, [api, finish, patch, show]);

  const begin = useCallback(
    async (request: () => Promise<{ evaluationId: number; total: number; resumedSamples: number; workers: number }>) => {
      patch({ busy: true, error: null, ended: null, progress: null });
      try {
        const started = await request();
        running.current = started.evaluationId;
        // Its results so far replace the evaluation shown before.
        shownId.current = started.evaluationId;
        lastLive.current = 0;
        const held = early.current.get(started.evaluationId);
        early.current.clear();
        patch({
          busy: false,
          running: { id: started.evaluationId, total: started.total, resumed: started.resumedSamples, workers: started.workers },
          progress: held?.progress ?? { evaluationId: started.evaluationId, done: started.resumedSamples, total: started.total, samplesPerSecond: 0, etaSeconds: null },
        });
        void refreshList();
        if (held?.ended) finish(held.ended);
      } catch (e) {
        patch({ busy: false, error: errorText(e) });
      }
    },
    [finish, patch, refreshList],
  );

  const actions: EvaluationActions = {
    inspect: async (path) => {
      patch({ dataset: { path, view: null, error: null, checking: true } });
      try {
        const view = await api['eval.inspect']({ path });
        patch({ dataset: { path, view, error: null, checking: false } });
        return view;
      } catch (e) {
        patch({ dataset: { path, view: null, error: errorText(e), checking: false } });
        return null;
      }
    },
    start: (req) => begin(() => api['eval.start'](req)),
    resume: (id) => begin(() => api['eval.resume']({ evaluationId: id })),
    stop: async () => {
      const id = running.current;
      if (id === null) return;
      patch({ busy: true });
      try {
        await api['eval.stop']({ evaluationId: id });
        patch({ busy: false });
      } catch (e) {
        patch({ busy: false, error: errorText(e) });
      }
    },
    show,
    dismissError: () => patch({ error: null }),
  };
  return [state, actions];
}
