// The display memory of the spike rasters: per monitored layer a fixed grid of time
// columns x neuron rows holding how many events fell in each cell. Memory is bounded
// (columns x rows per layer) however long a run streams. Nothing is dropped from the
// counts: in 'fit' mode, when time runs past the last column, neighbouring columns are
// merged pairwise (each column then spans twice the time) so the whole run stays visible;
// in 'scroll' mode the grid is a ring over the newest columns and events that scroll out
// of view are still counted (`offWindow`). Drawing lives in raster-canvas.tsx.

export type RasterMode = 'fit' | 'scroll';

export interface RasterLayerSpec {
  /** The event `layer` value of this raster (core id, or a LAYER_* constant). */
  key: number;
  /** Neurons in the layer (C x H x W). */
  neurons: number;
  /** Display rows (neurons are binned into rows when there are more neurons than rows). */
  rows: number;
}

interface LayerGrid {
  spec: RasterLayerSpec;
  /** columns x rows counts, column-major: slot * rows + row. */
  cells: Uint32Array;
  /** Events per column slot. */
  columnTotals: Uint32Array;
  /** Events of this layer ever added (exact). */
  total: number;
  /** Largest cell count in view (for intensity scaling); recomputed lazily after a scroll. */
  maxCell: number;
  maxStale: boolean;
  dirty: DirtyRange | null;
}

/** Visible column range to redraw, or everything. */
export type DirtyRange = { all: true } | { all: false; from: number; to: number };

export interface RasterHistoryOptions {
  columns: number;
  /** Time covered by one column at the start, µs. */
  binUs: number;
  /** Time of the left edge of column 0, µs. */
  startUs: number;
  mode: RasterMode;
  layers: readonly RasterLayerSpec[];
}

export class RasterHistory {
  readonly columns: number;
  readonly mode: RasterMode;
  readonly startUs: number;
  private binWidth: number;
  private readonly grids = new Map<number, LayerGrid>();
  /** Highest absolute column that received an event (-1: none yet). */
  private head = -1;
  /** Column merges so far ('fit' mode): the column width is the first one times 2^merges. */
  private merges = 0;
  private offWindowCount = 0;
  private unknownCount = 0;
  private changes = 0;

  constructor(options: RasterHistoryOptions) {
    if (options.columns < 2 || options.columns % 2 !== 0) throw new RangeError(`raster columns must be an even number >= 2, got ${options.columns}`);
    if (!(options.binUs > 0)) throw new RangeError(`raster bin width must be > 0 µs, got ${options.binUs}`);
    this.columns = options.columns;
    this.mode = options.mode;
    this.startUs = options.startUs;
    this.binWidth = options.binUs;
    for (const spec of options.layers) this.addLayer(spec);
  }

  /** Show one more layer (a replay discovers its layers from the data); no-op if shown. */
  addLayer(spec: RasterLayerSpec): void {
    if (this.grids.has(spec.key)) return;
    const rows = Math.max(1, Math.min(spec.rows, Math.max(1, spec.neurons)));
    this.grids.set(spec.key, {
      spec: { ...spec, rows },
      cells: new Uint32Array(this.columns * rows),
      columnTotals: new Uint32Array(this.columns),
      total: 0,
      maxCell: 0,
      maxStale: false,
      dirty: { all: true },
    });
    this.changes++;
  }

  /** Time covered by one column now, µs (doubles at each merge in 'fit' mode). */
  get binUs(): number {
    return this.binWidth;
  }

  /** Column merges so far: the column width is the starting one times 2^level. */
  get level(): number {
    return this.merges;
  }

  /** Bumped on every change, so a drawing loop can tell whether to draw. */
  get version(): number {
    return this.changes;
  }

  /** Events that were counted but are outside the visible window ('scroll' mode only). */
  get offWindow(): number {
    return this.offWindowCount;
  }

  /** Events for a layer this history does not show. */
  get unknown(): number {
    return this.unknownCount;
  }

  /** Absolute index of the leftmost visible column. */
  get firstColumn(): number {
    return this.mode === 'fit' ? 0 : Math.max(0, this.head - this.columns + 1);
  }

  /** Time span shown, µs: [from, to). */
  get window(): { from: number; to: number } {
    const from = this.startUs + this.firstColumn * this.binWidth;
    return { from, to: from + this.columns * this.binWidth };
  }

  layerKeys(): number[] {
    return [...this.grids.keys()];
  }

  rowsOf(key: number): number {
    return this.grids.get(key)?.spec.rows ?? 0;
  }

  totalOf(key: number): number {
    return this.grids.get(key)?.total ?? 0;
  }

  maxCellOf(key: number): number {
    const g = this.grids.get(key);
    if (!g) return 0;
    if (g.maxStale) {
      let max = 0;
      for (let i = 0; i < g.cells.length; i++) if (g.cells[i]! > max) max = g.cells[i]!;
      g.maxCell = max;
      g.maxStale = false;
    }
    return g.maxCell;
  }

  /** Events in visible column `column` (0 = leftmost), neuron row `row`. */
  cell(key: number, column: number, row: number): number {
    const g = this.grids.get(key);
    if (!g || column < 0 || column >= this.columns || row < 0 || row >= g.spec.rows) return 0;
    return g.cells[this.slotOf(this.firstColumn + column) * g.spec.rows + row]!;
  }

  /** Events of layer `key` in visible column `column`. */
  columnTotal(key: number, column: number): number {
    const g = this.grids.get(key);
    if (!g || column < 0 || column >= this.columns) return 0;
    return g.columnTotals[this.slotOf(this.firstColumn + column)]!;
  }

  /** The visible columns of `key` changed since the last call (null: nothing to draw). */
  takeDirty(key: number): DirtyRange | null {
    const g = this.grids.get(key);
    if (!g) return null;
    const d = g.dirty;
    g.dirty = null;
    return d;
  }

  /** Count one event of layer `key` at time `tUs` on neuron `neuron` (flat index). */
  add(key: number, tUs: number, neuron: number): void {
    const g = this.grids.get(key);
    this.changes++;
    if (!g) {
      this.unknownCount++;
      return;
    }
    g.total++;
    let col = Math.floor((tUs - this.startUs) / this.binWidth);
    if (this.mode === 'fit') {
      if (col < 0) col = 0;
      while (col >= this.columns) {
        this.mergeColumns();
        col = Math.floor((tUs - this.startUs) / this.binWidth);
      }
    } else {
      if (col < 0 || col <= this.head - this.columns) {
        this.offWindowCount++;
        return;
      }
      if (col > this.head) this.advanceTo(col);
    }
    if (col > this.head) this.head = col;
    const rows = g.spec.rows;
    const n = Math.max(0, Math.min(g.spec.neurons - 1, neuron));
    const row = Math.min(rows - 1, Math.floor((n * rows) / Math.max(1, g.spec.neurons)));
    const slot = this.slotOf(col);
    const i = slot * rows + row;
    const v = g.cells[i]! + 1;
    g.cells[i] = v;
    g.columnTotals[slot]!++;
    if (!g.maxStale && v > g.maxCell) g.maxCell = v;
    this.markDirty(g, col - this.firstColumn);
  }

  /**
   * Count events [from, to) of one layer: event i at time `t[i]` µs on flat neuron
   * `neuron[i]`. The same counts as add() for each in turn, in one pass (a live run feeds
   * millions of events a second; the monitor hands over each batch's runs of one layer).
   */
  addRun(key: number, t: ArrayLike<number>, neuron: ArrayLike<number>, from: number, to: number): void {
    if (to <= from) return;
    const g = this.grids.get(key);
    this.changes++;
    if (!g) {
      this.unknownCount += to - from;
      return;
    }
    g.total += to - from;
    const { rows, neurons } = g.spec;
    const perRow = Math.max(1, neurons);
    const cells = g.cells;
    const totals = g.columnTotals;
    const fit = this.mode === 'fit';
    const columns = this.columns;
    const start = this.startUs;
    let bin = this.binWidth;
    let max = 0;
    // Absolute columns touched; marked dirty once at the end (a merge or scroll marks all anyway).
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to; i++) {
      const tUs = t[i]!;
      let col = Math.floor((tUs - start) / bin);
      if (fit) {
        if (col < 0) col = 0;
        else if (col >= columns) {
          while (col >= columns) {
            this.mergeColumns();
            bin = this.binWidth;
            col = Math.floor((tUs - start) / bin);
          }
          lo = Infinity;
          hi = -Infinity;
        }
      } else {
        if (col < 0 || col <= this.head - columns) {
          this.offWindowCount++;
          continue;
        }
        if (col > this.head) this.advanceTo(col);
      }
      if (col > this.head) this.head = col;
      const n = Math.max(0, Math.min(neurons - 1, neuron[i]!));
      // floor(n * rows / neurons) is n itself when every neuron has its row.
      const row = rows === neurons ? n : Math.min(rows - 1, Math.floor((n * rows) / perRow));
      const slot = fit ? col : col % columns;
      const c = slot * rows + row;
      const v = cells[c]! + 1;
      cells[c] = v;
      totals[slot]!++;
      if (v > max) max = v;
      if (col < lo) lo = col;
      if (col > hi) hi = col;
    }
    if (!g.maxStale && max > g.maxCell) g.maxCell = max;
    if (hi >= lo) {
      const first = this.firstColumn;
      this.markDirty(g, lo - first);
      this.markDirty(g, hi - first);
    }
  }

  /**
   * Add counts already binned (a socket worker's digest, spike-digest.ts) in 'fit' mode:
   * `cells` holds quads (index into `keys`, absolute column at `level` merges, row, count);
   * `totals[i]` events of layer keys[i]; `unknown` events of layers not shown. The same
   * display as addRun() of the events counted.
   */
  addBinned(keys: readonly number[], level: number, cells: Uint32Array, totals: ArrayLike<number>, unknown = 0): void {
    if (this.mode !== 'fit') throw new Error('binned counts need a raster in fit mode');
    this.changes++;
    this.unknownCount += unknown;
    const grids = keys.map((k) => this.grids.get(k));
    grids.forEach((g, i) => {
      if (g) g.total += totals[i]!;
      else this.unknownCount += totals[i]!;
    });
    const columns = this.columns;
    const lows = grids.map(() => Infinity);
    const highs = grids.map(() => -Infinity);
    const maxes = grids.map(() => 0);
    while (this.merges < level) this.mergeColumns();
    for (let q = 0; q + 3 < cells.length; q += 4) {
      const li = cells[q]!;
      const g = grids[li];
      if (!g) continue;
      let col = Math.floor(cells[q + 1]! / 2 ** (this.merges - level));
      while (col >= columns) {
        // Only a digest counted ahead of this raster's merges (not one the relay makes) lands here.
        this.mergeColumns();
        col = Math.floor(cells[q + 1]! / 2 ** (this.merges - level));
        lows.fill(Infinity);
        highs.fill(-Infinity);
      }
      if (col > this.head) this.head = col;
      const rows = g.spec.rows;
      const row = Math.min(rows - 1, cells[q + 2]!);
      const c = col * rows + row;
      const v = g.cells[c]! + cells[q + 3]!;
      g.cells[c] = v;
      g.columnTotals[col]! += cells[q + 3]!;
      if (v > maxes[li]!) maxes[li] = v;
      if (col < lows[li]!) lows[li] = col;
      if (col > highs[li]!) highs[li] = col;
    }
    grids.forEach((g, i) => {
      if (!g) return;
      if (!g.maxStale && maxes[i]! > g.maxCell) g.maxCell = maxes[i]!;
      if (highs[i]! >= lows[i]!) {
        this.markDirty(g, lows[i]!);
        this.markDirty(g, highs[i]!);
      }
    });
  }

  /** Forget everything shown and counted (a replay seek, a new run). */
  clear(): void {
    for (const g of this.grids.values()) {
      g.cells.fill(0);
      g.columnTotals.fill(0);
      g.total = 0;
      g.maxCell = 0;
      g.maxStale = false;
      g.dirty = { all: true };
    }
    this.head = -1;
    this.offWindowCount = 0;
    this.unknownCount = 0;
    this.changes++;
  }

  private slotOf(absoluteColumn: number): number {
    return this.mode === 'fit' ? absoluteColumn : absoluteColumn % this.columns;
  }

  private markDirty(g: LayerGrid, visible: number): void {
    const d = g.dirty;
    // Called for every event: the range is widened in place (the grid owns it until
    // takeDirty hands it out), so a busy run allocates one object per frame, not per event.
    if (d === null) g.dirty = { all: false, from: visible, to: visible };
    else if (!d.all) {
      if (visible < d.from) d.from = visible;
      else if (visible > d.to) d.to = visible;
    }
  }

  /** 'fit': halve the time resolution, summing column pairs (no event is lost). */
  private mergeColumns(): void {
    const half = this.columns / 2;
    for (const g of this.grids.values()) {
      const rows = g.spec.rows;
      let max = 0;
      for (let c = 0; c < half; c++) {
        for (let r = 0; r < rows; r++) {
          const v = g.cells[2 * c * rows + r]! + g.cells[(2 * c + 1) * rows + r]!;
          g.cells[c * rows + r] = v;
          if (v > max) max = v;
        }
        g.columnTotals[c] = g.columnTotals[2 * c]! + g.columnTotals[2 * c + 1]!;
      }
      g.cells.fill(0, half * rows);
      g.columnTotals.fill(0, half);
      g.maxCell = max;
      g.maxStale = false;
      g.dirty = { all: true };
    }
    this.binWidth *= 2;
    this.merges++;
    this.head = Math.floor(this.head / 2);
  }

  /** 'scroll': make `col` the newest column, clearing the slots that come back into use. */
  private advanceTo(col: number): void {
    const steps = this.head < 0 ? this.columns : Math.min(this.columns, col - this.head);
    for (const g of this.grids.values()) {
      const rows = g.spec.rows;
      for (let k = 0; k < steps; k++) {
        const abs = col - k;
        if (abs < 0) break;
        const slot = abs % this.columns;
        const dropped = g.columnTotals[slot]!;
        // Events leaving the window stay counted: they were already in `total`.
        this.offWindowCount += dropped;
        g.cells.fill(0, slot * rows, (slot + 1) * rows);
        g.columnTotals[slot] = 0;
      }
      g.maxStale = true;
      g.dirty = { all: true };
    }
    this.head = col;
  }
}
