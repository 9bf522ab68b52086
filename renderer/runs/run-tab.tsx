// The Run tab: deploy the current model to the selected device with the chosen monitor
// layers, feed it an input (example, event file, generator), follow it live in the spike
// monitor (progress, stop), or — when a run is opened from the Runs list — replay it.

import { useState, type DragEvent } from "react";
import type {
  CompileView,
  DeviceView,
  ExampleModel,
  ModelSpec,
  ModelVersionView,
  RunStartedView,
  RunView,
} from "../../preload/api";
import { formatCount, formatMicros } from '../../main/common/number-format';
import { SpikeMonitorView } from "../monitor/spike-monitor-view";
import { InputFrames } from "./input-frames";
import {
  DEFAULT_INPUT,
  InputSourcePicker,
  chosenEventFile,
  inputSourceOf,
  type CameraMappingState,
  type InputChoice,
} from "./input-source";
import { formOf, mappingOfForm, type FieldErrors } from "./mapping-form";
import { MappingPanel } from "./mapping-panel";
import { cameraState } from "./camera-mapping";
import { mappingKey, useEventPreview } from "./use-event-preview";
import { exitLayerOf, isMonitored, withMonitor } from "./monitor-choice";
import { ReplayPanel } from "./replay-panel";
import { RunContext } from "./run-context";
import type { RunSession, RunSessionState } from "./run-session";

export type MonitorMode = { kind: "live" } | { kind: "replay"; runId: number };

export interface RunTabProps {
  spec: ModelSpec;
  onSpec(update: (s: ModelSpec) => ModelSpec): void;
  compile: CompileView | null;
  compilePending: boolean;
  device: DeviceView | null;
  example: ExampleModel | null;
  session: RunSession | null;
  run: RunSessionState;
  mode: MonitorMode;
  runs: readonly RunView[];
  versions: readonly ModelVersionView[];
  startedRuns: ReadonlyMap<number, RunStartedView>;
  onStart(input: import("../../preload/api").InputSource): void;
  onRerun(runId: number): void;
  onBackToLive(): void;
}

/** Why "Deploy and run" cannot be pressed now (null: it can). */
export function runBlocker(p: {
  compile: CompileView | null;
  compilePending: boolean;
  device: DeviceView | null;
  running: boolean;
  chip: string;
}): string | null {
  if (p.running) return "A run is in progress: stop it first.";
  if (!p.device)
    return "Select a device in the Devices panel (or add a virtual devkit).";
  if (!p.device.deployable)
    return `${p.device.id} cannot run models: ${p.device.reason ?? "not deployable"}`;
  if (p.device.status === "busy")
    return `${p.device.id} is busy${p.device.busyBy ? ` with run #${p.device.busyBy.runId}` : ""}.`;
  if (p.device.status === "disconnected")
    return `${p.device.id} is disconnected.`;
  if (p.device.type !== p.chip)
    return `The model is compiled for ${p.chip}, the device is a ${p.device.type}: pick that chip in the Model tab or another device.`;
  if (!p.compile)
    return p.compilePending ? "Compiling…" : "The model has not compiled yet.";
  if (!p.compile.ok)
    return `The model does not compile${p.compile.error ? `: ${p.compile.error.message}` : ""}. See the Model and Placement tabs.`;
  return null;
}

export function RunTab(p: RunTabProps) {
  const [choice, setChoice] = useState<InputChoice>(DEFAULT_INPUT);
  const layers = p.compile?.chipLayers ?? [];
  const exit = exitLayerOf(layers);
  const hasDvs = p.compile?.dvs != null;
  const running =
    p.run.phase === "starting" ||
    p.run.phase === "running" ||
    p.run.phase === "stopping";
  const blocker = runBlocker({
    compile: p.compile,
    compilePending: p.compilePending,
    device: p.device,
    running,
    chip: p.spec.chip,
  });
  const effectiveChoice =
    choice.kind === "example" && !p.example
      ? { ...choice, kind: "generator" as const }
      : choice;
  const [dragging, setDragging] = useState(false);
  // The model's input as the mapped events reach it: a DVS layer takes both polarities.
  const dvsShape = p.compile?.dvs?.inputShape;
  const inputShape: [number, number, number] = dvsShape
    ? [2, dvsShape[1], dvsShape[2]]
    : p.spec.inputShape;
  const file = effectiveChoice.kind === "file" ? effectiveChoice.file : null;
  const edited = effectiveChoice.mapping
    ? mappingOfForm(effectiveChoice.mapping)
    : null;
  const preview = useEventPreview(
    file,
    inputShape,
    edited
      ? Object.keys(edited.errors).length > 0
        ? null
        : edited.mapping
      : undefined,
  );
  const camera = cameraState(preview, edited);
  const input = inputSourceOf(effectiveChoice, p.example, camera);
  const replaying = p.mode.kind === "replay";
  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (!f || running || replaying) return;
    const chosen = await chosenEventFile(f);
    setChoice((c) => ({ ...c, kind: "file", ...chosen }));
  };
  const toggle = (target: number | "dvs", on: boolean) =>
    p.onSpec((s) => ({
      ...s,
      monitorLayers: withMonitor(
        s.monitorLayers,
        target,
        on,
        layers.length,
        exit,
        hasDvs,
      ),
    }));
  const started = p.run.started;
  const progress = p.run.progress;
  const summary = p.run.summary;
  const replayed =
    p.mode.kind === "replay"
      ? (p.runs.find((r) => r.id === (p.mode as { runId: number }).runId) ??
        null)
      : null;

  return (
    <div
      className={`run-tab${dragging ? " drop-target" : ""}`}
      onDragOver={(e) => {
        if (running || replaying || !e.dataTransfer.types.includes("Files")) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={(e) => void onDrop(e)}
    >
      {replayed ? (
        <RunContext
          run={replayed}
          versions={p.versions}
          onBackToLive={p.onBackToLive}
        />
      ) : (
        <section className="run-setup" aria-label="Run setup">
          <h2>Deploy and run</h2>
          <div className="field">
            <span className="label">Device</span>{" "}
            <span className="mono" data-testid="run-device">
              {p.device?.id ?? "none selected"}
            </span>
          </div>
          <fieldset className="field monitor-choice" disabled={running}>
            <legend>Monitor layers</legend>
            {layers.length === 0 && (
              <p className="quiet">Compile the model to choose layers.</p>
            )}
            {hasDvs && (
              <label className="check">
                <input
                  type="checkbox"
                  checked={isMonitored(p.spec.monitorLayers, "dvs", exit)}
                  onChange={(e) => toggle("dvs", e.target.checked)}
                />{" "}
                DVS
              </label>
            )}
            {layers.map((l) => (
              <label className="check" key={l.index}>
                <input
                  type="checkbox"
                  checked={isMonitored(p.spec.monitorLayers, l.index, exit)}
                  onChange={(e) => toggle(l.index, e.target.checked)}
                  aria-label={`Monitor layer ${l.index}${l.index === exit ? " (exit)" : ""}`}
                />
                <span
                  className="swatch"
                  style={{ background: `var(--layer-${l.index % 9})` }}
                  aria-hidden="true"
                />{" "}
                layer {l.index}
                {l.index === exit && <span className="quiet"> (exit)</span>}
                <span className="quiet mono"> {l.neuronShape.join("×")}</span>
              </label>
            ))}
          </fieldset>
          <InputSourcePicker
            choice={effectiveChoice}
            onChoice={setChoice}
            example={p.example}
            disabled={running}
          >
            {camera?.state === "camera" && preview.preview && (
              <MappingPanel
                form={effectiveChoice.mapping ?? formOf(preview.preview.suggested)}
                onForm={(f) => setChoice((c) => ({ ...c, mapping: f }))}
                errors={camera.errors}
                state={preview}
                inputShape={inputShape}
              />
            )}
            {preview.error && !preview.preview && (
              <p className="field-error" role="alert">
                {preview.error}
              </p>
            )}
          </InputSourcePicker>
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={blocker !== null || !input.ok}
              onClick={() => input.ok && p.onStart(input.input)}
            >
              Deploy and run
            </button>
            <button
              type="button"
              disabled={p.run.phase !== "running"}
              onClick={() => void p.session?.stop()}
            >
              Stop run
            </button>
          </div>
          {blocker && !running && <p className="quiet why">{blocker}</p>}
          {!blocker && !input.ok && (
            <p className="field-error">{input.message}</p>
          )}
          {p.run.phase === "starting" && (
            <p className="quiet">
              Writing the configuration to {p.device?.id}…
            </p>
          )}
          {progress && running && (
            <div className="progress-line">
              <progress
                max={Math.max(1, progress.totalIn)}
                value={progress.eventsIn}
                aria-label="Input events sent"
              />
              <span className="num">
                {formatCount(progress.eventsIn)} /{" "}
                {formatCount(progress.totalIn)} events in ·{" "}
                {formatCount(progress.eventsOut)} out ·{" "}
                {formatMicros(progress.timeUs)}
              </span>
            </div>
          )}
          {p.run.error && (
            <p className="field-error" role="alert">
              {p.run.error}
            </p>
          )}
          {summary && (
            <p
              className={`run-summary ${summary.status}`}
              role="status"
              data-testid="run-summary"
            >
              Run #{summary.runId} {summary.status}
              {summary.reason ? ` (${summary.reason})` : ""}:{" "}
              {formatCount(summary.eventsIn)} events in,{" "}
              {formatCount(summary.eventsOut)} out, {summary.wallMs.toFixed(0)}{" "}
              ms
              {summary.message ? ` — ${summary.message}` : ""}
            </p>
          )}
        </section>
      )}
      {p.mode.kind === "replay" ? (
        (() => {
          const runId = p.mode.runId;
          const run = p.runs.find((r) => r.id === runId);
          return run ? (
            <ReplayPanel
              key={run.id}
              run={run}
              runs={p.runs}
              started={p.startedRuns.get(run.id) ?? null}
              compile={p.compile}
              deviceId={p.device?.id ?? null}
              onRerun={p.onRerun}
              onBackToLive={p.onBackToLive}
            />
          ) : (
            <section className="monitor" aria-label="Spike monitor">
              <p className="quiet pad">Run #{runId} is not in this project.</p>
            </section>
          );
        })()
      ) : (
        <SpikeMonitorView
          model={p.session?.monitor ?? null}
          title={
            started
              ? `Run #${started.runId} · ${p.run.phase === "ended" ? (summary?.status ?? "ended") : "live"} on ${started.deviceId}`
              : "Spike monitor"
          }
          finalCounts={summary?.exitCounts ?? null}
          cursorUs={running ? (progress?.timeUs ?? null) : null}
          fitToData={p.run.phase === "ended"}
          empty={
            <p className="quiet pad">
              Deploy the model and start a run: each monitored layer gets a
              raster here (time × neuron), with the exit layer's class rates and
              the predicted class.
            </p>
          }
        >
          <InputFrames preview={started?.inputPreview ?? null} />
        </SpikeMonitorView>
      )}
    </div>
  );
}
