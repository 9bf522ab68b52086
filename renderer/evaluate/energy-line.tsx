// The energy estimate of an evaluation: its counted synaptic operations times a figure the
// user types, since none is documented for these chips (as `dcnn eval --pj-per-synop`).

import { useState } from 'react';
import { estimateEnergy, formatNanojoules } from '../../main/common/energy-estimate';
import type { EvaluationView } from '../../preload/api';

export function EnergyLine(p: { view: EvaluationView }) {
  const [pj, setPj] = useState('');
  if (p.view.device !== null) return <p className="quiet small">Energy: no estimate; the board does not report synaptic operations.</p>;
  // Chip semantics' operations (the first mode) when both ran.
  const ops = p.view.samples.map((s) => (s.error !== null ? null : (s.results[0]?.synapticOps ?? null)));
  const figure = Number(pj);
  const valid = pj.trim() !== '' && Number.isFinite(figure) && figure >= 0;
  const e = valid ? estimateEnergy(ops, figure) : null;
  return (
    <div className="field eval-energy">
      <label htmlFor="eval-pj">Energy per synaptic operation (pJ)</label>
      <input id="eval-pj" className="num" inputMode="decimal" value={pj} placeholder="none" aria-invalid={pj.trim() !== '' && !valid} aria-describedby="eval-pj-help" onChange={(ev) => setPj(ev.target.value)} />
      <span id="eval-pj-help" className="quiet small" data-testid="energy-estimate">
        {e
          ? `estimate: ${formatNanojoules(e.meanNj)} per sample on average, ${formatNanojoules(e.totalNj)} in all (synaptic operations × ${figure} pJ, your figure)`
          : pj.trim() !== ''
            ? 'give a number of picojoules, 0 or more'
            : 'no energy per operation is documented for these chips: type one for an estimate'}
      </span>
    </div>
  );
}
