// A live run's spike batches counted into raster cells where they arrive (the web client's
// socket worker), so the page's main thread adds a few thousand cell counts a frame
// instead of millions of events. The counts are the very ones SpikeMonitorModel.ingest
// makes: same neuron index, same row binning, same column (at a column width the page
// may then coarsen: in 'fit' mode each merge halves the resolution, and
// floor(floor(a / w) / 2) = floor(a / 2w), so a column counted at a finer width is
// exactly divisible into the page's). The digest keeps the exit layer's per-channel
// counts, per-layer totals, events of unmonitored layers, first and last time: all the
// model tracks. No DOM, no worker API: the relay (web-client/socket-relay.ts) drives it,
// tests run it in Node.

import type { Shape3 } from '../../preload/api';
import type { SpikeBatch } from '../../main/common/spike-batch';

export interface DigestLayer {
  /** Event `layer` value (core id or LAYER_DVS). */
  key: number;
  neuronShape: Shape3;
  /** Raster rows of this layer (RasterHistory.rowsOf). */
  rows: number;
}

/** What the page's monitor counts with: its raster's axis and layers ('fit' mode). */
export interface DigestSpec {
  columns: number;
  /** Column width before any merge, µs. */
  binUs: number;
  startUs: number;
  /** Merges the page's raster has made so far (a digest is never finer than this). */
  level: number;
  layers: DigestLayer[];
  exitCore: number | null;
  exitChannels: number;
}

/** Counts of the batches since the last digest. Every typed array owns its buffer (posted as transfers). */
export interface SpikeDigest {
  events: number;
  firstUs: number;
  lastUs: number;
  /** Merges the columns below are counted at. */
  level: number;
  /** Layer keys, in the order of `totals`; `cells` refers to them by index. */
  keys: number[];
  totals: Float64Array;
  /** Events of layers the spec does not name. */
  unknown: number;
  /** Exit-layer events per channel. */
  exit: Float64Array;
  /** Quads: layer index, absolute column at `level`, row, count. */
  cells: Uint32Array;
}

/** The live-run spike event as the page gets it from a digesting relay (contract event 'run.spikes', counted). */
export interface DigestedRunSpikes {
  runId: number;
  digest: SpikeDigest;
}

export function isDigested(payload: object): payload is DigestedRunSpikes {
  return 'digest' in payload;
}

/** The buffers a digest can give away when posted. */
export function digestBuffers(d: SpikeDigest): ArrayBuffer[] {
  return [d.totals.buffer as ArrayBuffer, d.exit.buffer as ArrayBuffer, d.cells.buffer as ArrayBuffer];
}

export class SpikeDigester {
  private level: number;
  /** Layer index of each event `layer` value (a byte), -1 for layers the spec does not name: no map lookup per event. */
  private readonly index = new Int16Array(256).fill(-1);
  /** Per layer: columns x rows counts (column-major, as RasterHistory), pending since the last take(). */
  private readonly grids: Uint32Array[];
  /** Flat (layer, slot) of each cell that went from 0 to non-zero, in order. */
  private touched = new Uint32Array(1024);
  private touchedCount = 0;
  private readonly totals: Float64Array;
  private exit: Float64Array;
  private events = 0;
  private unknown = 0;
  private first = Infinity;
  private last = -Infinity;
  /** Per layer, the raster row of each neuron (null: one row per neuron), so no division per event. */
  private readonly rowOf: Array<Uint32Array | null>;
  /** Cells per layer grid (columns x the layer's rows), for the flat index. */
  private readonly stride: number;

  constructor(private readonly spec: DigestSpec) {
    if (spec.columns < 2 || !(spec.binUs > 0)) throw new RangeError('digest spec needs >= 2 columns and a column width > 0');
    this.level = Math.max(0, spec.level);
    spec.layers.forEach((l, i) => {
      if (l.key >= 0 && l.key < 256) this.index[l.key] = i;
    });
    this.stride = spec.columns * Math.max(1, ...spec.layers.map((l) => l.rows));
    this.grids = spec.layers.map((l) => new Uint32Array(spec.columns * l.rows));
    this.rowOf = spec.layers.map(({ rows, neuronShape: [c, h, w] }) => {
      const neurons = c * h * w;
      if (rows === neurons || rows <= 0) return null;
      const table = new Uint32Array(neurons);
      for (let nn = 0; nn < neurons; nn++) table[nn] = Math.min(rows - 1, Math.floor((nn * rows) / neurons));
      return table;
    });
    this.totals = new Float64Array(spec.layers.length);
    this.exit = new Float64Array(spec.exitChannels);
  }

  /** Events counted since the last take(). */
  get pending(): number {
    return this.events;
  }

  add(batch: SpikeBatch): void {
    const n = batch.length;
    if (n === 0) return;
    const { t, layer } = batch;
    const { columns, startUs, exitCore } = this.spec;
    let first = this.first;
    let last = this.last;
    let latestKnown = -Infinity;
    const index = this.index;
    for (let i = 0; i < n; i++) {
      const te = t[i]!;
      if (te > last) last = te;
      if (te < first) first = te;
      if (te > latestKnown && index[layer[i]!]! >= 0) latestKnown = te;
    }
    // The page merges columns as soon as an event of a shown layer falls past the last one.
    let level = this.level;
    while (Math.floor((latestKnown - startUs) / this.width(level)) >= columns) level++;
    if (level > this.level) this.coarsen(level);
    const bin = this.width(this.level);
    const exit = this.exit;
    let i = 0;
    while (i < n) {
      const key = layer[i]!;
      const li = index[key]!;
      let end = i;
      if (li < 0) {
        while (end < n && layer[end] === key) end++;
        this.unknown += end - i;
        i = end;
        continue;
      }
      while (end < n && layer[end] === key) end++;
      this.countRun(li, batch, i, end, bin, key === exitCore ? exit : null);
      this.totals[li]! += end - i;
      i = end;
    }
    this.first = first;
    this.last = last;
    this.events += n;
  }

  /** The counts since the last take() (null: none), and start over. */
  take(): SpikeDigest | null {
    if (this.events === 0) return null;
    const cells = new Uint32Array(this.touchedCount * 4);
    const rowsOf = this.spec.layers.map((l) => l.rows);
    for (let k = 0; k < this.touchedCount; k++) {
      const flat = this.touched[k]!;
      const li = Math.floor(flat / this.stride);
      const slot = flat - li * this.stride;
      const rows = rowsOf[li]!;
      const grid = this.grids[li]!;
      const col = Math.floor(slot / rows);
      cells[4 * k] = li;
      cells[4 * k + 1] = col;
      cells[4 * k + 2] = slot - col * rows;
      cells[4 * k + 3] = grid[slot]!;
      grid[slot] = 0;
    }
    const digest: SpikeDigest = {
      events: this.events,
      firstUs: this.first,
      lastUs: this.last,
      level: this.level,
      keys: this.spec.layers.map((l) => l.key),
      totals: this.totals.slice(),
      unknown: this.unknown,
      exit: this.exit,
      cells,
    };
    this.totals.fill(0);
    this.exit = new Float64Array(this.spec.exitChannels);
    this.touchedCount = 0;
    this.events = 0;
    this.unknown = 0;
    this.first = Infinity;
    this.last = -Infinity;
    return digest;
  }

  private width(level: number): number {
    return this.spec.binUs * 2 ** level;
  }

  /** One layer's events [from, to) into its grid (and the exit channel counts), in one pass. */
  private countRun(li: number, batch: SpikeBatch, from: number, to: number, bin: number, exit: Float64Array | null): void {
    const { t, channel, x, y } = batch;
    const { rows, neuronShape } = this.spec.layers[li]!;
    const [, h, w] = neuronShape;
    const neurons = neuronShape[0] * h * w;
    if (rows <= 0 || neurons <= 0) return;
    const last = neurons - 1;
    const rowOf = this.rowOf[li] ?? null;
    const grid = this.grids[li]!;
    const start = this.spec.startUs;
    const base = li * this.stride;
    // Events of one time step share a timestamp: its column is worked out once.
    let prevT = NaN;
    let col = 0;
    for (let i = from; i < to; i++) {
      const c = channel[i]!;
      if (exit !== null && c < exit.length) exit[c]!++;
      const te = t[i]!;
      if (te !== prevT) {
        prevT = te;
        col = Math.floor((te - start) / bin);
        if (col < 0) col = 0;
      }
      let nn = (c * h + y[i]!) * w + x[i]!;
      if (nn > last) nn = last;
      const row = rowOf === null ? nn : rowOf[nn]!;
      const slot = col * rows + row;
      if (grid[slot]!++ === 0) this.touch(base + slot);
    }
  }

  private touch(flat: number): void {
    if (this.touchedCount === this.touched.length) {
      const grown = new Uint32Array(2 * this.touched.length);
      grown.set(this.touched);
      this.touched = grown;
    }
    this.touched[this.touchedCount++] = flat;
  }

  /** Pending counts re-binned at a coarser level (a merge while counts wait to be taken). */
  private coarsen(level: number): void {
    const shift = 2 ** (level - this.level);
    const moved: Array<[number, number, number]> = [];
    for (let k = 0; k < this.touchedCount; k++) {
      const flat = this.touched[k]!;
      const li = Math.floor(flat / this.stride);
      const slot = flat - li * this.stride;
      const rows = this.spec.layers[li]!.rows;
      const col = Math.floor(slot / rows);
      moved.push([li, Math.floor(col / shift) * rows + (slot - col * rows), this.grids[li]![slot]!]);
      this.grids[li]![slot] = 0;
    }
    this.touchedCount = 0;
    for (const [li, slot, count] of moved) {
      const grid = this.grids[li]!;
      if (grid[slot] === 0) this.touch(li * this.stride + slot);
      grid[slot]! += count;
    }
    this.level = level;
  }
}

/** Asks for run `runId`'s batches to be counted where they arrive; the returned function ends it. */
export type DigestRequest = (runId: number, spec: DigestSpec) => () => void;

let offered: DigestRequest | null = null;

/** The web client offers its socket worker's counting (web-client/install.ts); the Electron preload has none, so its pages count every event. */
export function offerDigests(request: DigestRequest | null): void {
  offered = request;
}

/** Counting of run `runId` where its batches arrive, if the transport offers it; null: the page gets every batch. */
export function requestDigests(runId: number, spec: DigestSpec): (() => void) | null {
  return offered ? offered(runId, spec) : null;
}
