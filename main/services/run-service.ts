// Runs: deploy a compiled model to a device, stream an input through it, deliver the
// monitored events to listeners as they come, record both streams in the project (when
// there is one), and end the run with a status and a reason whatever happens: completed,
// cancelled, device unplugged, or failed with the message. Used by the CLI and the UI.

import type { MonitoredLayerView, RunStartedView, RunSummaryView } from '../../preload/api.js';
import { chipConfigToJson } from '../chips/chip-config-json.js';
import { withDvsLayerInput, type DvsLayerInput } from '../chips/dvs-layer-input.js';
import type { CompileResult } from '../compiler/compile-types.js';
import type { DeviceManager } from '../devices/device-manager.js';
import type { DeployOptions, DeviceDriver, ForwardProgress, ForwardStats } from '../devices/driver.js';
import { ServiceError } from './service-error.js';
import { LAYER_DVS, sliceBatch, type SpikeBatch } from '../common/spike-batch.js';
import type { InputMapping } from '../formats/events/input-mapping.js';
import type { EventStream } from '../common/event-stream.js';
import { inputPreview } from '../common/input-preview.js';
import type { ModelVersionPurpose } from '../store/project.js';
import type { ProjectStore, RunRecording } from '../store/project-store.js';
import { endingForDisconnect, endingReason, type RunEnding } from '../store/run-status.js';

/** The model text, weights and options a model version saved with a run holds. */
export interface NewModelVersion {
  source: string;
  weights: Uint8Array | null;
  compileOptions: unknown;
  name?: string;
  /** "rerun" for a version compiled only to re-run a recording on another device type. */
  purpose?: ModelVersionPurpose;
}

/** What a run is asked to do. */
export interface RunParams {
  /** Where the run is recorded; null = not recorded (CLI without --project). */
  project: ProjectStore | null;
  deviceId: string;
  compiled: CompileResult;
  /** The project's model version the run belongs to: an existing one, or one to save with the run. */
  modelVersion: number | NewModelVersion;
  /** The events, whole or as a stream (read as the device takes them). */
  input: SpikeBatch | EventStream;
  deploy: DeployOptions;
  parentRunId?: number;
  relation?: string;
  /** What the input was, as the user gave it (file name, example, generator settings); kept with the run. */
  inputLabel?: string;
  /** How a camera recording was mapped onto the model's input (window, crop, ...); kept with the run. */
  inputMapping?: InputMapping;
  /** The mapping runs on the chip's DVS layer: these fields are written with the configuration (and kept with the run); the input is the sensor's raw events. */
  dvsLayer?: DvsLayerInput;
}

export interface RunListeners {
  onStarted?(view: RunStartedView): void;
  onSpikes?(runId: number, batch: SpikeBatch): void;
  onProgress?(runId: number, progress: ForwardProgress & { totalIn: number }): void;
  onEnded?(summary: RunSummaryView): void;
}

export interface RunHandle {
  started: RunStartedView;
  done: Promise<RunSummaryView & { stats: ForwardStats | null; exitCore: number }>;
  stop(): void;
}

/** Summary counts of a run's output: per monitored core, and per channel of the exit core. */
class OutputTally {
  readonly perCore = new Map<number, number>();
  readonly exitCounts: number[];
  total = 0;

  constructor(
    private readonly exitCore: number,
    exitChannels: number,
  ) {
    this.exitCounts = new Array<number>(exitChannels).fill(0);
  }

  add(batch: SpikeBatch): void {
    this.total += batch.length;
    for (let i = 0; i < batch.length; i++) {
      const core = batch.layer[i]!;
      this.perCore.set(core, (this.perCore.get(core) ?? 0) + 1);
      if (core === this.exitCore) {
        const ch = batch.channel[i]!;
        if (ch < this.exitCounts.length) this.exitCounts[ch]!++;
      }
    }
  }

  predicted(): number | null {
    let best = -1;
    let bestCount = 0;
    this.exitCounts.forEach((n, ch) => {
      if (n > bestCount) {
        best = ch;
        bestCount = n;
      }
    });
    return best >= 0 ? best : null;
  }
}

/** Every monitored core with its chip layer and neuron shape (and the DVS monitor, if on). */
export function monitoredLayers(compiled: CompileResult): MonitoredLayerView[] {
  const ordering = compiled.placement?.ordering ?? [];
  const out: MonitoredLayerView[] = compiled.monitoredCores.map((core) => {
    const layer = ordering.indexOf(core);
    const l = compiled.layers[layer]!;
    return { core, layer, neuronShape: [l.neuronShape[0], l.neuronShape[1], l.neuronShape[2]] };
  });
  if (compiled.config?.dvs_layer.monitor_enable && compiled.dvs) {
    const s = compiled.dvs.outputShape;
    out.push({ core: LAYER_DVS, layer: null, neuronShape: [s[0], s[1], s[2]] });
  }
  return out;
}

let unrecordedRunIds = 0;

/** The input's preview on the model's input plane (the DVS sensor's when there is one); none for a stream. */
function previewOf(input: SpikeBatch | EventStream, compiled: CompileResult, dvsLayer?: DvsLayerInput): RunStartedView['inputPreview'] {
  if ('batches' in input) return null;
  const shape = dvsLayer ? [2, dvsLayer.sensor.height, dvsLayer.sensor.width] : compiled.dvs ? compiled.dvs.inputShape : compiled.layers[0]?.inputShape;
  return shape ? inputPreview(input, shape[1], shape[2]) : null;
}

/** A batch held whole, as a stream of itself. */
function streamOf(input: SpikeBatch | EventStream): EventStream {
  if ('batches' in input) return input;
  const n = input.length;
  return {
    total: n,
    firstUs: n > 0 ? input.t[0]! : null,
    lastUs: n > 0 ? input.t[n - 1]! : null,
    batches: () => ({
      async *[Symbol.asyncIterator]() {
        yield input;
      },
    }),
    close: () => {},
  };
}

export class RunService {
  private readonly active = new Map<number, RunHandle>();

  constructor(private readonly devices: DeviceManager) {}

  isActive(runId: number): boolean {
    return this.active.has(runId);
  }

  stop(runId: number): void {
    const run = this.active.get(runId);
    if (!run) throw new ServiceError('RUN_NOT_ACTIVE', `run ${runId} is not running`);
    run.stop();
  }

  /** Stops every active run (shutdown) and waits for them to end. */
  async stopAll(): Promise<void> {
    const runs = [...this.active.values()];
    runs.forEach((r) => r.stop());
    await Promise.allSettled(runs.map((r) => r.done));
  }

  async start(params: RunParams, listeners: RunListeners = {}): Promise<RunHandle> {
    const source = streamOf(params.input);
    try {
      return await this.startWith(params, source, listeners);
    } catch (e) {
      source.close();
      throw e;
    }
  }

  private async startWith(params: RunParams, input: EventStream, listeners: RunListeners): Promise<RunHandle> {
    const { compiled } = params;
    if (!compiled.ok || !compiled.config || !compiled.placement) {
      throw new ServiceError('COMPILE_FAILED', `The model does not compile for ${compiled.device}: ${compiled.error?.message ?? 'unknown error'}`);
    }
    const device = this.devices.resolve(params.deviceId);
    if (!device.deployable) throw new ServiceError('NOT_DEPLOYABLE', `${device.id} cannot run models: ${device.reason ?? 'not deployable'}`);
    const ordering = compiled.placement.ordering;
    const exitLayer = compiled.layers.length - 1;
    const exitCore = ordering[exitLayer]!;
    const exit = compiled.layers[exitLayer]!;

    let recorder: RunRecording | null = null;
    const mv = params.modelVersion;
    let modelVersionId = typeof mv === 'number' ? mv : 0;
    if (params.project) {
      if (typeof mv !== 'number') {
        modelVersionId = (
          await params.project.addModelVersion({
          name: mv.name ?? null,
          modelText: mv.source,
          weights: mv.weights,
          inputShape: [...compiled.layers[0]!.inputShape],
          device: compiled.device,
          compileOptions: mv.compileOptions,
          configJson: JSON.stringify(chipConfigToJson(compiled.config)),
            purpose: mv.purpose ?? 'model',
            // Ten runs of an unchanged model are ten runs of one version.
            reuseIdentical: true,
          })
        ).id;
      }
      recorder = await params.project.startRun({
        modelVersionId,
        deviceId: device.id,
        deviceType: device.type,
        // Kept with the run so its replay knows what each recorded layer is.
        deployOptions: { ...params.deploy, monitored: monitoredLayers(compiled), exitCore, ...(params.inputLabel ? { input: params.inputLabel } : {}), ...(params.inputMapping ? { inputMapping: params.inputMapping } : {}), ...(params.dvsLayer ? { dvsLayer: params.dvsLayer } : {}) },
        monitorLayers: compiled.monitoredCores,
        parentRunId: params.parentRunId ?? null,
        relation: params.relation ?? null,
      });
    }
    const runId = recorder?.runId ?? ++unrecordedRunIds;

    let driver: DeviceDriver;
    try {
      driver = await this.devices.open(device.id, { runId: String(runId) });
    } catch (e) {
      await recorder?.finish({ status: 'failed', message: `could not open ${device.id}: ${(e as Error).message}` }).catch(() => undefined);
      throw e;
    }

    const monitored = monitoredLayers(compiled);
    const started: RunStartedView = {
      runId,
      deviceId: device.id,
      modelVersion: modelVersionId,
      monitored,
      exitCore,
      eventsInTotal: input.total,
      inputDurationUs: input.firstUs !== null && input.lastUs !== null ? input.lastUs - input.firstUs : 0,
      inputPreview: previewOf(params.input, compiled, params.dvsLayer),
    };

    const abort = new AbortController();
    // A recording that cannot be saved (disk full) stops the device: nothing more would be kept.
    recorder?.onRecordingFailed(() => abort.abort());
    let disconnect: RunEnding | null = null;
    const unsubscribe = driver.onDisconnect((reason) => {
      disconnect = endingForDisconnect(reason);
      abort.abort();
    });
    const tally = new OutputTally(exitCore, exit.neuronShape[0]);
    const t0 = performance.now();

    const done = (async () => {
      let ending: RunEnding = { status: 'completed' };
      let stats: ForwardStats | null = null;
      try {
        // An input mapped on the chip: the DVS layer's fields go with the configuration, to the entry core.
        const config = params.dvsLayer ? withDvsLayerInput(compiled.config!, params.dvsLayer, ordering[0]!) : compiled.config!;
        await driver.writeConfig(config, params.deploy);
        // Record the input as it is fed, so a run cut short holds exactly what went in.
        const chunk = 65536;
        async function* feed(): AsyncGenerator<SpikeBatch> {
          for await (const batch of input.batches()) {
            for (let i = 0; i < batch.length; i += chunk) {
              if (abort.signal.aborted) return;
              const part = sliceBatch(batch, i, i + chunk);
              recorder?.recordInput(part);
              yield sliceBatch(part, 0, part.length);
            }
          }
        }
        const result = await driver.forward(feed(), {
          signal: abort.signal,
          onOutput: (batch) => {
            tally.add(batch);
            recorder?.recordOutput(batch);
            listeners.onSpikes?.(runId, batch);
          },
          onProgress: (p) => listeners.onProgress?.(runId, { ...p, totalIn: input.total }),
        });
        stats = result.stats;
        if (disconnect) ending = disconnect;
        else if (result.cancelled || abort.signal.aborted) ending = { status: 'stopped', message: 'stopped by the user' };
      } catch (e) {
        ending = disconnect ?? { status: 'failed', message: (e as Error).message };
      } finally {
        input.close();
        unsubscribe();
        this.active.delete(runId);
        await this.devices.release(device.id, String(runId)).catch(() => undefined);
      }
      const counters = { eventsIn: stats?.eventsIn ?? 0, eventsOut: tally.total, synapticOps: stats?.synapticOps ?? 0, perCore: Object.fromEntries(tally.perCore) };
      try {
        if (recorder) ending = await recorder.finish(ending, counters);
      } catch (e) {
        ending = { status: 'failed', message: (e as Error).message };
      }
      const summary: RunSummaryView & { stats: ForwardStats | null; exitCore: number } = {
        runId,
        status: ending.status,
        reason: endingReason(ending),
        message: ending.status === 'completed' ? null : (ending.message ?? null),
        eventsIn: stats?.eventsIn ?? 0,
        eventsOut: tally.total,
        perLayer: monitored.map((m) => ({ core: m.core, layer: m.layer, events: tally.perCore.get(m.core) ?? 0 })),
        exitCounts: [...tally.exitCounts],
        predicted: tally.predicted(),
        wallMs: performance.now() - t0,
        stats,
        exitCore,
      };
      listeners.onEnded?.(summary);
      return summary;
    })();

    const handle: RunHandle = { started, done, stop: () => abort.abort() };
    this.active.set(runId, handle);
    listeners.onStarted?.(started);
    return handle;
  }
}
