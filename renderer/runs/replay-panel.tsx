// A recorded run opened from the Runs list: its output replayed into the spike monitor
// with a time scrubber, play / pause / speed, re-run, and compare with another run
// (side-by-side counts and the first event where they differ), export as a file.

import { useEffect, useMemo, useRef, useState } from 'react';
import type { CompareView, CompileView, RecordingInfoView, RunStartedView, RunView } from '../../preload/api';
import { errorText, useWorkbench } from '../app/workbench-api';
import { formatCount, formatMicros } from '../../main/common/number-format';
import { SpikeMonitorModel } from '../monitor/spike-monitor';
import { SpikeMonitorView } from '../monitor/spike-monitor-view';
import { ComparePlot } from './compare-plot';
import { RunExport } from './run-export';
import { exitCoreOf, layerResolver } from './layers-from-compile';
import { REPLAY_SPEEDS, ReplaySession, type ReplaySpeed, type ReplayState } from './replay-session';

export interface ReplayPanelProps {
  run: RunView;
  runs: readonly RunView[];
  started: RunStartedView | null;
  compile: CompileView | null;
  deviceId: string | null;
  onRerun(runId: number): void;
  onBackToLive(): void;
}

export function speedLabel(s: ReplaySpeed): string {
  return s === 'max' ? 'as fast as possible' : `${s}×`;
}

export function ReplayPanel(p: ReplayPanelProps) {
  const api = useWorkbench();
  const [info, setInfo] = useState<RecordingInfoView | null>(null);
  const [infoError, setInfoError] = useState<string | null>(null);
  const [model, setModel] = useState<SpikeMonitorModel | null>(null);
  const [replay, setReplay] = useState<ReplayState | null>(null);
  const session = useRef<ReplaySession | null>(null);
  const compileRef = useRef(p.compile);
  compileRef.current = p.compile;
  const startedRef = useRef(p.started);
  startedRef.current = p.started;
  const runRef = useRef(p.run);
  runRef.current = p.run;

  useEffect(() => {
    let cancelled = false;
    setInfo(null);
    setInfoError(null);
    setModel(null);
    setReplay(null);
    let s: ReplaySession | null = null;
    api['recording.info']({ runId: p.run.id, stream: 'output' }).then(
      (inf) => {
        if (cancelled) return;
        const started = startedRef.current;
        const view = compileRef.current;
        const first = inf.firstUs ?? 0;
        // The run records what it monitored; older or imported runs fall back to this window's knowledge.
        const recorded = runRef.current.monitored.length > 0 ? runRef.current : null;
        const m = new SpikeMonitorModel({
          monitored: recorded?.monitored ?? started?.monitored ?? [],
          exitCore: recorded?.exitCore ?? started?.exitCore ?? exitCoreOf(view),
          startUs: Math.min(0, first),
          durationUs: inf.lastUs !== null ? Math.max(1, inf.lastUs - Math.min(0, first)) : null,
          resolve: layerResolver(view),
        });
        s = new ReplaySession(api, p.run.id, () => m, setReplay, inf);
        session.current = s;
        setInfo(inf);
        setModel(m);
        setReplay(s.state);
        // Show the whole recording at once; Play then replays it at the chosen speed.
        if (inf.count > 0) void s.play('max');
      },
      (e: unknown) => !cancelled && setInfoError(errorText(e)),
    );
    return () => {
      cancelled = true;
      s?.dispose();
      session.current = null;
    };
  }, [api, p.run.id]);

  const title = (
    <>
      Run #{p.run.id} · recording <span className={`run-status ${p.run.status}`}>{p.run.status}</span>
    </>
  );
  return (
    <SpikeMonitorView
      model={model}
      title={title}
      cursorUs={replay && replay.status !== 'idle' ? replay.timeUs : null}
      empty={<p className="quiet pad">{infoError ? <span className="field-error">Cannot open the recording: {infoError}</span> : 'Opening the recording…'}</p>}
    >
      {info && replay && session.current && <ReplayBar info={info} state={replay} session={session.current} />}
      <div className="replay-actions">
        <button type="button" onClick={() => p.onRerun(p.run.id)} disabled={!p.deviceId}>
          Re-run on {p.deviceId ?? 'a device'}
        </button>
        <RunExport run={p.run} />
      </div>
      <ComparePanel run={p.run} runs={p.runs} />
    </SpikeMonitorView>
  );
}

function ReplayBar({ info, state, session }: { info: RecordingInfoView; state: ReplayState; session: ReplaySession }) {
  const from = info.firstUs ?? 0;
  const to = info.lastUs ?? from;
  const [drag, setDrag] = useState<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const playing = state.status === 'playing' || state.status === 'starting';
  const shown = drag ?? state.timeUs;
  const seekSoon = (t: number) => {
    setDrag(t);
    if (timer.current) clearTimeout(timer.current);
    // Scrubbing sends one seek when the hand rests, not one per pixel.
    timer.current = setTimeout(() => {
      timer.current = null;
      void session.seek(t).finally(() => setDrag(null));
    }, 150);
  };
  return (
    <div className="replay-bar" role="group" aria-label="Replay controls">
      <button type="button" className="primary" onClick={() => void (playing ? session.pause() : session.play())} aria-label={playing ? 'Pause' : 'Play'} disabled={info.count === 0}>
        {playing ? '❚❚ Pause' : '▶ Play'}
      </button>
      <input
        type="range"
        className="scrubber"
        aria-label="Replay position"
        min={from}
        max={Math.max(to, from + 1)}
        step={Math.max(1, Math.round((to - from) / 1000))}
        value={Math.min(Math.max(shown, from), to)}
        aria-valuetext={formatMicros(shown)}
        onChange={(e) => seekSoon(Number(e.target.value))}
        disabled={info.count === 0}
      />
      <span className="num replay-time" data-testid="replay-time">
        {formatMicros(shown)} / {formatMicros(to)}
      </span>
      <label>
        <span className="sr-only">Replay speed</span>
        <select aria-label="Replay speed" value={String(state.speed)} onChange={(e) => void session.setSpeed(e.target.value === 'max' ? 'max' : Number(e.target.value))}>
          {REPLAY_SPEEDS.map((s) => (
            <option key={String(s)} value={String(s)}>
              {speedLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <span className="quiet replay-status" data-testid="replay-status" data-count={info.count}>
        {state.status} · {formatCount(info.count)} events recorded
      </span>
      {state.error && (
        <span className="field-error" role="alert">
          {state.error}
        </span>
      )}
    </div>
  );
}

function ComparePanel({ run, runs }: { run: RunView; runs: readonly RunView[] }) {
  const api = useWorkbench();
  const others = useMemo(() => runs.filter((r) => r.id !== run.id && r.status !== 'running'), [runs, run.id]);
  const [other, setOther] = useState<number | null>(null);
  const [result, setResult] = useState<CompareView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = other ?? others[0]?.id ?? null;
  useEffect(() => {
    setResult(null);
    setError(null);
  }, [run.id]);
  const compare = async () => {
    if (chosen === null) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await api['runs.compare']({ a: run.id, b: chosen }));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="compare" aria-label="Compare runs">
      <div className="compare-head">
        <label>
          Compare with{' '}
          <select value={chosen ?? ''} onChange={(e) => setOther(Number(e.target.value))} disabled={others.length === 0}>
            {others.length === 0 && <option value="">no other finished run</option>}
            {others.map((r) => (
              <option key={r.id} value={r.id}>
                run #{r.id} ({r.status})
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void compare()} disabled={chosen === null || busy}>
          Compare
        </button>
        {error && (
          <span className="field-error" role="alert">
            {error}
          </span>
        )}
      </div>
      {result && <CompareTable result={result} />}
    </section>
  );
}

/** "chip layer 2 (core 5)", or "core 5" when the chip layer is not known. */
function coreNamer(result: CompareView): (core: number) => string {
  const byCore = new Map(result.layers.map((l) => [l.coreA, l]));
  return (core) => {
    const l = byCore.get(core);
    if (!l || l.chipLayer === null) return `core ${core}`;
    return l.coreB === l.coreA ? `chip layer ${l.chipLayer} (core ${core})` : `chip layer ${l.chipLayer} (core ${core} in #${result.a}, ${l.coreB} in #${result.b})`;
  };
}

const BASIS: Record<CompareView['basis'], (a: number, b: number) => string> = {
  'both-monitored': () => 'Compared: the chip layers both runs monitored.',
  'a-monitored': (a, b) => `Compared: the chip layers run #${a} monitored (run #${b} did not store what it monitored).`,
  'b-monitored': (a, b) => `Compared: the chip layers run #${b} monitored (run #${a} did not store what it monitored).`,
  everything: () => 'Compared: every recorded event (neither run stored what it monitored).',
};

/** The channels that differ most, at most `n`. */
export function topDifferences(result: CompareView, n = 8): CompareView['perChannel'] {
  return result.perChannel
    .filter((c) => c.a !== c.b)
    .sort((x, y) => Math.abs(y.b - y.a) - Math.abs(x.b - x.a) || x.layer - y.layer || x.channel - y.channel)
    .slice(0, n);
}

export function CompareTable({ result }: { result: CompareView }) {
  const differing = result.perChannel.filter((c) => c.a !== c.b).length;
  const top = topDifferences(result);
  const d = result.firstDivergence;
  const nameOf = useMemo(() => coreNamer(result), [result]);
  const ev = (e: { t: number; layer: number; channel: number; x: number; y: number } | null) => (e ? `t ${formatMicros(e.t)} · ${nameOf(e.layer)} · ch ${e.channel} · (${e.x}, ${e.y})` : 'no event (stream ended)');
  return (
    <div className="compare-result" data-testid="compare-result">
      <p className="quiet small" data-testid="compare-basis">
        {BASIS[result.basis](result.a, result.b)}
      </p>
      <table className="dense">
        <caption>
          Events per chip layer: run #{result.a} vs run #{result.b}
        </caption>
        <thead>
          <tr>
            <th scope="col">Chip layer</th>
            <th scope="col" className="num">
              #{result.a}
            </th>
            <th scope="col" className="num">
              #{result.b}
            </th>
            <th scope="col" className="num">
              Difference
            </th>
          </tr>
        </thead>
        <tbody>
          {result.perLayer.map((l) => (
            <tr key={l.layer} className={l.a !== l.b ? 'differs' : ''}>
              <th scope="row">{nameOf(l.layer)}</th>
              <td className="num">{formatCount(l.a)}</td>
              <td className="num">{formatCount(l.b)}</td>
              <td className="num">{l.b - l.a > 0 ? `+${l.b - l.a}` : l.b - l.a}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className={d ? 'warn-text' : 'ok-text'} data-testid="first-divergence">
        {d ? `First divergence at event ${d.index}: #${result.a} ${ev(d.a)}; #${result.b} ${ev(d.b)}.` : 'The compared output streams are identical.'}
      </p>
      {differing > 0 && (
        <p className="quiet" data-testid="top-differences">
          {differing} channel{differing === 1 ? '' : 's'} differ{differing > top.length ? `; the ${top.length} largest differences` : ''}: {top.map((c) => `${nameOf(c.layer)} ch ${c.channel} (${c.a} vs ${c.b})`).join(', ')}.
        </p>
      )}
      {result.notCompared.length > 0 && (
        <ul className="quiet small" data-testid="not-compared">
          {result.notCompared.map((n) => (
            <li key={`${n.run}-${n.core}`}>
              Not compared: run #{n.run === 'a' ? result.a : result.b}&apos;s {n.chipLayer === null ? `core ${n.core}` : `chip layer ${n.chipLayer} (core ${n.core})`}, {formatCount(n.events)} events —{' '}
              {n.reason === 'only-this-run-monitored' ? `only run #${n.run === 'a' ? result.a : result.b} monitored it` : `run #${n.run === 'a' ? result.b : result.a} did not record it`}.
            </li>
          ))}
        </ul>
      )}
      <ComparePlot result={result} nameOf={nameOf} />
    </div>
  );
}
