import { describe, expect, it } from 'vitest';
import type { RunInfo } from '../../../main/store/project.js';
import { compareRunsScoped, compareScope, storedMonitoring } from '../../../main/store/run-compare-scope.js';
import type { Project } from '../../../main/store/project.js';
import { ev, memoryRecording } from './memory-recording.js';

function run(deployOptions: unknown, monitorLayers: number[] = []): RunInfo {
  return { deployOptions, monitorLayers } as unknown as RunInfo;
}

const monitored = (pairs: Array<[number | null, number]>) => ({ monitored: pairs.map(([layer, core]) => ({ layer, core, neuronShape: [1, 1, 1] })) });

describe('which chip layers two runs are compared over', () => {
  it('the chip layers both monitored; each one only monitored is named', () => {
    const s = compareScope(run(monitored([[0, 0], [1, 3], [4, 1]])), run(monitored([[4, 1], [null, 13]])), 'output');
    expect(s.basis).toBe('both-monitored');
    expect(s.layers).toEqual([{ chipLayer: 4, coreA: 1, coreB: 1 }]);
    expect(s.onlyA).toEqual([{ chipLayer: 0, core: 0 }, { chipLayer: 1, core: 3 }]);
    expect(s.onlyB).toEqual([{ chipLayer: null, core: 13 }]);
  });

  it('pairs by chip layer when another placement put it on another core', () => {
    const s = compareScope(run(monitored([[2, 5]])), run(monitored([[2, 7]])), 'output');
    expect(s.layers).toEqual([{ chipLayer: 2, coreA: 5, coreB: 7 }]);
  });

  it('a run that stored no monitoring (an imported file) is compared over the other run\'s chip layers', () => {
    const s = compareScope(run(monitored([[4, 1]])), run({ importedFrom: 'out.csv' }), 'output');
    expect(s).toEqual({ basis: 'a-monitored', layers: [{ chipLayer: 4, coreA: 1, coreB: 1 }], onlyA: [], onlyB: [] });
  });

  it('input streams, and runs that stored nothing, compare every event', () => {
    expect(compareScope(run(monitored([[4, 1]])), run(monitored([[0, 0]])), 'input').basis).toBe('everything');
    expect(compareScope(run(null), run(undefined), 'output').basis).toBe('everything');
  });

  it('reads what a run stored, skipping malformed entries', () => {
    expect(storedMonitoring(run({ monitored: [{ core: 1, layer: 4 }, { layer: 2 }, { core: 13, layer: null }] }))).toEqual([
      { core: 1, chipLayer: 4 },
      { core: 13, chipLayer: null },
    ]);
    expect(storedMonitoring(run({}))).toBeNull();
  });
});

describe('compareRunsScoped', () => {
  it('moves B\'s events onto A\'s core of the same chip layer and counts what it leaves out', () => {
    // ev(t, core, channel, x, y). A: chip layer 0 on core 0, 2 on core 5; B: chip layer 2 on core 7 only.
    const a = [ev(1, 0, 0, 0, 0), ev(2, 5, 1, 0, 0), ev(3, 5, 2, 0, 0)];
    const b = [ev(2, 7, 1, 0, 0), ev(3, 7, 3, 0, 0)];
    const runs = new Map([
      [1, run(monitored([[0, 0], [2, 5]]))],
      [2, run(monitored([[2, 7]]))],
    ]);
    const project = { getRun: (id: number) => runs.get(id), openRecording: (id: number) => memoryRecording(id === 1 ? a : b, 2) } as unknown as Project;
    const c = compareRunsScoped(project, 1, 2);
    expect([c.recordedA, c.recordedB, c.comparison.eventsA, c.comparison.eventsB]).toEqual([3, 2, 2, 2]);
    expect(c.comparison.perLayer).toEqual([{ layer: 5, a: 2, b: 2 }]);
    expect(c.comparison.firstDivergence).toEqual({ index: 1, a: { t: 3, layer: 5, channel: 2, x: 0, y: 0 }, b: { t: 3, layer: 5, channel: 3, x: 0, y: 0 } });
    expect(c.notCompared).toEqual([{ run: 'a', core: 0, chipLayer: 0, events: 1, reason: 'only-this-run-monitored' }]);
  });
});
