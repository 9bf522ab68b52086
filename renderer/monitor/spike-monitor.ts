// The state behind the spike monitor of one run or replay: which monitored layer each
// event belongs to, the raster display memory, exact per-layer totals and the exit
// layer's per-channel counts. It reads packed batches (main/sim/spike-batch.ts layout)
// and never keeps events themselves. Mutable by design (it is fed hundreds of batches a
// second); the UI polls `version` once per animation frame.

import type { MonitoredLayerView, Shape3 } from '../../preload/api';
import { LAYER_DVS, unpackBatch, type SpikeBatch } from '../../main/common/spike-batch';
import { RasterHistory, type RasterMode } from './raster-history';
import { predictedClass } from './class-rates';
import type { DigestSpec, SpikeDigest } from './spike-digest';

export interface MonitorLayer {
  /** Event `layer` value: the core id, or LAYER_DVS for the DVS monitor. */
  key: number;
  core: number;
  /** Chip-layer index; null for the DVS monitor. */
  layer: number | null;
  neuronShape: Shape3;
  label: string;
}

export interface SpikeMonitorOptions {
  monitored: readonly MonitoredLayerView[];
  /** Core whose channels are the classes (null: no exit layer monitored). */
  exitCore: number | null;
  /** Start of the time axis, µs. */
  startUs: number;
  /** Expected length of the stream, µs (sets the first column width); null = unknown. */
  durationUs: number | null;
  /**
   * The duration is a plan the stream may fall short of (a live run can be stopped): the
   * columns start no wider than DEFAULT_BIN_US and merge as time goes on, so a run
   * stopped early still gets the whole raster's detail.
   */
  planned?: boolean;
  columns?: number;
  /** Most rows a raster gets; larger layers are binned. */
  maxRows?: number;
  mode?: RasterMode;
  /**
   * For events of a layer not in `monitored`: what it is (null: ignore it). A replay of a
   * run started elsewhere learns its layers this way from the compile result.
   */
  resolve?: (key: number) => MonitorLayer | null;
}

const DEFAULT_COLUMNS = 600;
const DEFAULT_MAX_ROWS = 128;
const DEFAULT_BIN_US = 1000;

export function monitorLayersOf(monitored: readonly MonitoredLayerView[]): MonitorLayer[] {
  return monitored.map((m) => ({
    key: m.layer === null ? LAYER_DVS : m.core,
    core: m.core,
    layer: m.layer,
    neuronShape: m.neuronShape,
    label: m.layer === null ? 'DVS' : `Layer ${m.layer} · core ${m.core}`,
  }));
}

export class SpikeMonitorModel {
  readonly layers: MonitorLayer[];
  readonly exitCore: number | null;
  readonly raster: RasterHistory;
  private readonly shapes = new Map<number, Shape3>();
  private exit: Float64Array;
  private totalEvents = 0;
  private lastUs: number | null = null;
  private firstUs: number | null = null;
  private changes = 0;
  private readonly unresolved = new Set<number>();
  private readonly maxRows: number;
  /** Scratch: the flat neuron index of each event of the batch being ingested. */
  private neurons = new Float64Array(0);

  constructor(private readonly options: SpikeMonitorOptions) {
    this.layers = monitorLayersOf(options.monitored);
    this.exitCore = options.exitCore;
    for (const l of this.layers) this.shapes.set(l.key, l.neuronShape);
    if (options.exitCore !== null && !this.shapes.has(options.exitCore) && options.resolve) {
      const l = options.resolve(options.exitCore);
      if (l) {
        this.layers.push(l);
        this.shapes.set(l.key, l.neuronShape);
      }
    }
    const exitShape = options.exitCore === null ? undefined : this.shapes.get(options.exitCore);
    this.exit = new Float64Array(exitShape ? exitShape[0] : 0);
    const columns = options.columns ?? DEFAULT_COLUMNS;
    const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    this.maxRows = maxRows;
    const exact = options.durationUs && options.durationUs > 0 ? Math.max(1, Math.ceil(options.durationUs / columns)) : DEFAULT_BIN_US;
    const binUs = options.planned ? Math.min(exact, DEFAULT_BIN_US) : exact;
    this.raster = new RasterHistory({
      columns,
      binUs,
      startUs: options.startUs,
      mode: options.mode ?? 'fit',
      layers: this.layers.map((l) => {
        const neurons = l.neuronShape[0] * l.neuronShape[1] * l.neuronShape[2];
        return { key: l.key, neurons, rows: Math.min(neurons, maxRows) };
      }),
    });
  }

  get version(): number {
    return this.changes;
  }

  get events(): number {
    return this.totalEvents;
  }

  /** Time of the newest event seen, µs. */
  get lastTimeUs(): number | null {
    return this.lastUs;
  }

  get startUs(): number {
    return this.options.startUs;
  }

  /** Per-channel event counts of the exit layer (exact). */
  exitCounts(): number[] {
    return Array.from(this.exit);
  }

  predicted(): number | null {
    return predictedClass(this.exit);
  }

  layerTotal(key: number): number {
    return this.raster.totalOf(key);
  }

  /** Add one packed batch. */
  ingestPacked(bytes: Uint8Array): void {
    this.ingest(unpackBatch(bytes));
  }

  ingest(batch: SpikeBatch): void {
    const n = batch.length;
    if (n === 0) return;
    const { t, layer, channel, x, y } = batch;
    const exitCore = this.exitCore;
    const exit = this.exit;
    if (this.neurons.length < n) this.neurons = new Float64Array(Math.max(n, 2 * this.neurons.length));
    const neurons = this.neurons;
    let first = this.firstUs ?? Infinity;
    let last = this.lastUs ?? -Infinity;
    // Batches come in runs of one layer: each run's neurons are worked out, then counted in one go.
    let i = 0;
    while (i < n) {
      const key = layer[i]!;
      const shape = this.shapes.get(key) ?? this.discover(key);
      const h = shape ? shape[1] : 0;
      const w = shape ? shape[2] : 0;
      const isExit = key === exitCore;
      let end = i;
      for (; end < n && layer[end] === key; end++) {
        const c = channel[end]!;
        neurons[end] = shape ? (c * h + y[end]!) * w + x[end]! : 0;
        if (isExit && c < exit.length) exit[c]!++;
        const te = t[end]!;
        if (te > last) last = te;
        if (te < first) first = te;
      }
      this.raster.addRun(key, t, neurons, i, end);
      i = end;
    }
    this.firstUs = first;
    this.lastUs = last;
    this.totalEvents += n;
    this.changes++;
  }

  /** Add counts a socket worker made of batches (spike-digest.ts): the same state as ingest() of them. */
  ingestDigest(d: SpikeDigest): void {
    if (d.events === 0) return;
    const exit = this.exit;
    const n = Math.min(exit.length, d.exit.length);
    for (let c = 0; c < n; c++) exit[c]! += d.exit[c]!;
    this.raster.addBinned(d.keys, d.level, d.cells, d.totals, d.unknown);
    this.firstUs = Math.min(this.firstUs ?? Infinity, d.firstUs);
    this.lastUs = Math.max(this.lastUs ?? -Infinity, d.lastUs);
    this.totalEvents += d.events;
    this.changes++;
  }

  /** How a socket worker should count this monitor's batches (null: it cannot; the page counts them). */
  digestSpec(): DigestSpec | null {
    if (this.raster.mode !== 'fit' || this.options.resolve) return null;
    return {
      columns: this.raster.columns,
      binUs: this.raster.binUs / 2 ** this.raster.level,
      startUs: this.options.startUs,
      level: this.raster.level,
      layers: this.layers.map((l) => ({ key: l.key, neuronShape: l.neuronShape, rows: this.raster.rowsOf(l.key) })),
      exitCore: this.exitCore,
      exitChannels: this.exit.length,
    };
  }

  private discover(key: number): Shape3 | undefined {
    if (!this.options.resolve || this.unresolved.has(key)) return undefined;
    const l = this.options.resolve(key);
    if (!l) {
      this.unresolved.add(key);
      return undefined;
    }
    this.layers.push(l);
    this.shapes.set(key, l.neuronShape);
    const neurons = l.neuronShape[0] * l.neuronShape[1] * l.neuronShape[2];
    this.raster.addLayer({ key, neurons, rows: Math.min(neurons, this.maxRows) });
    return l.neuronShape;
  }

  /** Start over (a replay seek): display and counts are cleared, the axis kept. */
  reset(): void {
    this.raster.clear();
    this.exit.fill(0);
    this.totalEvents = 0;
    this.lastUs = null;
    this.firstUs = null;
    this.changes++;
  }
}
