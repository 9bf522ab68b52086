import { describe, expect, it } from 'vitest';
import { RasterHistory } from '../../../renderer/monitor/raster-history';

function sumCells(h: RasterHistory, key: number): number {
  let s = 0;
  for (let c = 0; c < h.columns; c++) for (let r = 0; r < h.rowsOf(key); r++) s += h.cell(key, c, r);
  return s;
}

describe("raster display memory, 'fit' mode (whole run visible)", () => {
  it('counts events per (time column, neuron row) cell', () => {
    const h = new RasterHistory({ columns: 4, binUs: 10, startUs: 0, mode: 'fit', layers: [{ key: 1, neurons: 10, rows: 10 }] });
    h.add(1, 0, 3);
    h.add(1, 9, 3); // same column (0..10 µs), same neuron
    h.add(1, 10, 3); // next column
    h.add(1, 35, 9); // last column
    expect(h.cell(1, 0, 3)).toBe(2);
    expect(h.cell(1, 1, 3)).toBe(1);
    expect(h.cell(1, 3, 9)).toBe(1);
    expect(h.columnTotal(1, 0)).toBe(2);
    expect(h.totalOf(1)).toBe(4);
  });

  it('merges column pairs when time runs past the last column, losing no event', () => {
    const h = new RasterHistory({ columns: 4, binUs: 10, startUs: 0, mode: 'fit', layers: [{ key: 1, neurons: 1, rows: 1 }] });
    for (const t of [0, 5, 15, 25, 35]) h.add(1, t, 0); // columns 0,0,1,2,3
    h.add(1, 45, 0); // column 4 does not exist: bins become 20 µs wide
    expect(h.binUs).toBe(20);
    // 20 µs columns: [0,20) has t=0,5,15 -> 3; [20,40) has 25,35 -> 2; [40,60) has 45 -> 1
    expect([0, 1, 2, 3].map((c) => h.cell(1, c, 0))).toEqual([3, 2, 1, 0]);
    expect(h.window).toEqual({ from: 0, to: 80 });
    h.add(1, 1000, 0); // needs 1000/20 = col 50 -> merge until 4 columns cover it: 20 -> 40 -> ... -> 320 µs
    expect(h.binUs).toBe(320);
    expect(sumCells(h, 1)).toBe(7);
    expect(h.totalOf(1)).toBe(7);
    expect(h.offWindow).toBe(0);
  });

  it('bins neurons into rows when a layer has more neurons than rows', () => {
    const h = new RasterHistory({ columns: 2, binUs: 10, startUs: 0, mode: 'fit', layers: [{ key: 0, neurons: 1000, rows: 10 }] });
    h.add(0, 0, 0); // row 0
    h.add(0, 0, 99); // 99*10/1000 = 0.99 -> row 0
    h.add(0, 0, 100); // row 1
    h.add(0, 0, 999); // row 9
    expect([h.cell(0, 0, 0), h.cell(0, 0, 1), h.cell(0, 0, 9)]).toEqual([2, 1, 1]);
  });

  it('never gives a layer more rows than neurons', () => {
    const h = new RasterHistory({ columns: 2, binUs: 1, startUs: 0, mode: 'fit', layers: [{ key: 0, neurons: 10, rows: 128 }] });
    expect(h.rowsOf(0)).toBe(10);
  });

  it('counts events of layers it does not show apart', () => {
    const h = new RasterHistory({ columns: 2, binUs: 1, startUs: 0, mode: 'fit', layers: [{ key: 0, neurons: 1, rows: 1 }] });
    h.add(7, 0, 0);
    expect(h.unknown).toBe(1);
    expect(h.totalOf(0)).toBe(0);
  });
});

describe("raster display memory, 'scroll' mode (ring over the newest columns)", () => {
  it('keeps the newest columns and counts the events that scrolled out', () => {
    const h = new RasterHistory({ columns: 4, binUs: 10, startUs: 0, mode: 'scroll', layers: [{ key: 1, neurons: 1, rows: 1 }] });
    for (const t of [0, 10, 20, 30]) h.add(1, t, 0); // columns 0..3, one event each
    h.add(1, 41, 0); // column 4: column 0 leaves the window
    h.add(1, 42, 0);
    expect(h.firstColumn).toBe(1);
    expect(h.window).toEqual({ from: 10, to: 50 });
    expect([0, 1, 2, 3].map((c) => h.cell(1, c, 0))).toEqual([1, 1, 1, 2]);
    expect(h.offWindow).toBe(1);
    expect(h.totalOf(1)).toBe(6);
    h.add(1, 5, 0); // older than the window: counted, not drawn
    expect(h.offWindow).toBe(2);
    expect(h.totalOf(1)).toBe(7);
  });

  it('jumping far ahead clears the whole ring but keeps every event counted', () => {
    const h = new RasterHistory({ columns: 4, binUs: 10, startUs: 0, mode: 'scroll', layers: [{ key: 1, neurons: 1, rows: 1 }] });
    h.add(1, 0, 0);
    h.add(1, 10, 0);
    h.add(1, 10_000, 0);
    expect(sumCells(h, 1)).toBe(1);
    expect(h.offWindow).toBe(2);
    expect(h.totalOf(1)).toBe(3);
  });
});

describe('incremental drawing', () => {
  it('reports the changed visible columns once, then nothing', () => {
    const h = new RasterHistory({ columns: 8, binUs: 10, startUs: 0, mode: 'fit', layers: [{ key: 1, neurons: 1, rows: 1 }] });
    h.takeDirty(1);
    h.add(1, 25, 0);
    h.add(1, 51, 0);
    expect(h.takeDirty(1)).toEqual({ all: false, from: 2, to: 5 });
    expect(h.takeDirty(1)).toBeNull();
  });

  it('asks for a full repaint after a merge', () => {
    const h = new RasterHistory({ columns: 2, binUs: 10, startUs: 0, mode: 'fit', layers: [{ key: 1, neurons: 1, rows: 1 }] });
    h.takeDirty(1);
    h.add(1, 100, 0);
    expect(h.takeDirty(1)).toEqual({ all: true });
  });

  it('clear() forgets cells and counts', () => {
    const h = new RasterHistory({ columns: 2, binUs: 10, startUs: 0, mode: 'fit', layers: [{ key: 1, neurons: 1, rows: 1 }] });
    h.add(1, 1, 0);
    h.clear();
    expect([h.totalOf(1), h.cell(1, 0, 0), h.maxCellOf(1)]).toEqual([0, 0, 0]);
  });

  it('rejects column counts it cannot halve', () => {
    expect(() => new RasterHistory({ columns: 3, binUs: 1, startUs: 0, mode: 'fit', layers: [] })).toThrow(/even/);
  });
});

describe('a run of one layer counted in one pass (addRun)', () => {
  it('counts events [from, to) only, per (time column, neuron row) cell', () => {
    const h = new RasterHistory({ columns: 4, binUs: 10, startUs: 0, mode: 'fit', layers: [{ key: 1, neurons: 10, rows: 10 }] });
    h.takeDirty(1);
    // Events 1..4 of these; event 0 (t 35) and event 5 (t 0) belong to other runs.
    const t = [35, 0, 9, 10, 25, 0];
    const neuron = [9, 3, 3, 3, 7, 1];
    h.addRun(1, t, neuron, 1, 5);
    expect(h.cell(1, 0, 3)).toBe(2);
    expect(h.cell(1, 1, 3)).toBe(1);
    expect(h.cell(1, 2, 7)).toBe(1);
    expect(h.cell(1, 3, 9)).toBe(0);
    expect(h.cell(1, 0, 1)).toBe(0);
    expect([h.columnTotal(1, 0), h.columnTotal(1, 1), h.columnTotal(1, 2), h.columnTotal(1, 3)]).toEqual([2, 1, 1, 0]);
    expect(h.totalOf(1)).toBe(4);
    expect(h.maxCellOf(1)).toBe(2);
    expect(h.takeDirty(1)).toEqual({ all: false, from: 0, to: 2 });
  });

  it('bins neurons into rows as add() does', () => {
    const h = new RasterHistory({ columns: 2, binUs: 10, startUs: 0, mode: 'fit', layers: [{ key: 0, neurons: 1000, rows: 10 }] });
    h.addRun(0, [0, 0, 0, 0, 0], [0, 99, 100, 999, 5000], 0, 5); // rows 0, 0, 1, 9, and 9 (beyond the last neuron: the last)
    expect([h.cell(0, 0, 0), h.cell(0, 0, 1), h.cell(0, 0, 9)]).toEqual([2, 1, 2]);
  });

  it("merges columns in the middle of a run ('fit') and loses no event", () => {
    const h = new RasterHistory({ columns: 4, binUs: 10, startUs: 0, mode: 'fit', layers: [{ key: 1, neurons: 1, rows: 1 }] });
    h.takeDirty(1);
    h.addRun(1, [0, 5, 15, 25, 35, 45, 50], [0, 0, 0, 0, 0, 0, 0], 0, 7);
    // t 45 needs a fifth column: 20 µs columns [0,20) 0,5,15 -> 3; [20,40) 25,35 -> 2; [40,60) 45,50 -> 2.
    expect(h.binUs).toBe(20);
    expect([0, 1, 2, 3].map((c) => h.cell(1, c, 0))).toEqual([3, 2, 2, 0]);
    expect(h.maxCellOf(1)).toBe(3);
    expect(h.takeDirty(1)).toEqual({ all: true });
  });

  it("keeps the newest columns and counts what scrolled out ('scroll')", () => {
    const h = new RasterHistory({ columns: 4, binUs: 10, startUs: 0, mode: 'scroll', layers: [{ key: 1, neurons: 1, rows: 1 }] });
    h.addRun(1, [0, 10, 20, 30, 41, 42, 5], [0, 0, 0, 0, 0, 0, 0], 0, 7);
    expect(h.window).toEqual({ from: 10, to: 50 });
    expect([0, 1, 2, 3].map((c) => h.cell(1, c, 0))).toEqual([1, 1, 1, 2]);
    // Column 0 (t 0) scrolled out, and t 5 came after it had.
    expect(h.offWindow).toBe(2);
    expect(h.totalOf(1)).toBe(7);
  });

  it('counts a run of a layer it does not show apart', () => {
    const h = new RasterHistory({ columns: 2, binUs: 1, startUs: 0, mode: 'fit', layers: [{ key: 0, neurons: 1, rows: 1 }] });
    const before = h.version;
    h.addRun(7, [0, 0, 1], [0, 0, 0], 0, 3);
    expect(h.unknown).toBe(3);
    expect(h.totalOf(0)).toBe(0);
    expect(h.version).toBeGreaterThan(before);
  });

  it('an empty run changes nothing', () => {
    const h = new RasterHistory({ columns: 2, binUs: 1, startUs: 0, mode: 'fit', layers: [{ key: 0, neurons: 1, rows: 1 }] });
    const before = h.version;
    h.addRun(0, [0], [0], 1, 1);
    expect([h.version, h.totalOf(0)]).toEqual([before, 0]);
  });
});
