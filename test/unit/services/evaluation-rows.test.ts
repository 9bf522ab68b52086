// An evaluation's rows as stored and read back, scored per mode, and as CSV, on rows
// written out by hand.

import { describe, expect, it } from 'vitest';
import type { SampleRow } from '../../../main/services/evaluation.js';
import { evaluationCsv, rowOf, storedOf } from '../../../main/services/evaluation-rows.js';
import { disagreeingRows, scoreRows } from '../../../main/services/evaluation-scores.js';

const classes = ['left', 'right'];

/** Two samples of each class in both modes: the time-stepped mode gets left/1 wrong; right/1 fails to read. */
const rows: SampleRow[] = [
  {
    file: 'left/0.npy',
    label: 'left',
    labelIndex: 0,
    predicted: 0,
    predictedLabel: 'left',
    exitCounts: [7, 1],
    firstSpikeUs: 900,
    eventsIn: 50,
    synapticOps: 4000,
    compared: { predicted: 0, predictedLabel: 'left', exitCounts: [6, 1], firstSpikeUs: 1000, synapticOps: 4000 },
    causes: null,
  },
  {
    file: 'left/1.npy',
    label: 'left',
    labelIndex: 0,
    predicted: 0,
    predictedLabel: 'left',
    exitCounts: [3, 2],
    firstSpikeUs: 800,
    eventsIn: 40,
    synapticOps: 3000,
    compared: { predicted: 1, predictedLabel: 'right', exitCounts: [2, 3], firstSpikeUs: 1000, synapticOps: 3000 },
    causes: [{ kind: 'ordering', predicted: 1 }],
  },
  {
    file: 'right/0.npy',
    label: 'right',
    labelIndex: 1,
    predicted: null,
    predictedLabel: null,
    exitCounts: [0, 0],
    firstSpikeUs: null,
    eventsIn: 30,
    synapticOps: 2000,
    compared: { predicted: null, predictedLabel: null, exitCounts: [0, 0], firstSpikeUs: null, synapticOps: 2000 },
    causes: null,
  },
  { file: 'right/1.npy', label: 'right', labelIndex: 1, predicted: null, predictedLabel: null, exitCounts: [], firstSpikeUs: null, eventsIn: 0, synapticOps: 0, error: 'not an event file' },
];

describe('scoreRows', () => {
  it('scores chip semantics and the time-stepped mode side by side, failed samples apart', () => {
    const s = scoreRows(classes, 'both', rows);
    expect(s.failed).toBe(1);
    expect(s.modes.map((m) => [m.mode, m.correct, m.samples, m.silent])).toEqual([
      ['event', 2, 3, 1],
      ['timestep', 1, 3, 1],
    ]);
    expect(s.modes[0]!.confusion).toEqual([
      [2, 0, 0],
      [0, 0, 1],
    ]);
    expect(s.modes[1]!.confusion).toEqual([
      [1, 1, 0],
      [0, 0, 1],
    ]);
    expect(s.agreement).toEqual({ samples: 3, disagreeing: 1, byCause: { dropped_events: 0, saturation: 0, ordering: 1, unattributed: 0 }, eventOnlyCorrect: 1, timestepOnlyCorrect: 0 });
    expect(disagreeingRows(rows).map((r) => r.file)).toEqual(['left/1.npy']);
  });

  it('scores a single-mode evaluation as that mode', () => {
    const single = rows.map(({ compared: _c, causes: _k, ...r }) => r);
    const s = scoreRows(classes, 'timestep', single);
    expect(s.modes.map((m) => [m.mode, m.correct, m.samples])).toEqual([['timestep', 2, 3]]);
    expect(s.agreement).toBeNull();
  });
});

describe('stored rows', () => {
  it('read back as they were written, the second mode and its causes included', () => {
    for (const r of rows) expect(rowOf(storedOf(r), classes)).toEqual(r);
  });
});

describe('evaluationCsv', () => {
  it('adds the time-stepped columns for an evaluation in both modes', () => {
    expect(evaluationCsv({ rows }).split('\n')).toEqual([
      'file,label,predicted,correct,first_spike_us,events_in,synaptic_ops,error,count_0,count_1,timestep_predicted,timestep_correct,timestep_synaptic_ops,disagree,causes',
      'left/0.npy,left,left,true,900,50,4000,,7,1,left,true,4000,false,',
      'left/1.npy,left,left,true,800,40,3000,,3,2,right,false,3000,true,ordering',
      'right/0.npy,right,,false,,30,2000,,0,0,,false,2000,false,',
      'right/1.npy,right,,,,0,0,not an event file,,,,,,,',
      '',
    ]);
  });
});
