// The inner loops: one input event (or one leak tick) through one core, applying the
// neuron update rule of chip.md §9.2 to every affected neuron:
//   V := V + w;  saturate (or wrap) to 16 bit;  if V >= threshold_high: spike, V := 0 or
//   V − threshold_high;  if V < threshold_low: V := threshold_low.
// These functions are the replaceable part of the simulator (a native core can take
// their place): they touch only one core's typed arrays and report spiking neurons; they
// know nothing of routing, time, monitoring or counters other than `core.updates`.

import type { CoreRuntime } from './core-runtime.js';

/**
 * Applies one input event (channel c at row y, column x of the core's input) to every
 * neuron it reaches and writes the internal state indices ((oy·W + ox)·Fs + f) of the
 * neurons that spiked to `core.spikes` (any order: the engine sorts them into the
 * canonical order). Adds the number of neuron updates to `core.updates`. Returns how
 * many neurons spiked. The caller guarantees c, y, x are inside the input map.
 */
export type EventKernel = (core: CoreRuntime, c: number, y: number, x: number) => number;

export interface UpdateRule {
  /** 16-bit wrap-around instead of saturation. */
  readonly wrap: boolean;
  /** Leak updates may spike (ChipBehaviour.leakCanSpike). */
  readonly leakCanSpike: boolean;
}

/** Saturating state, no killed weights: the hot path. */
export const fastEventKernel: EventKernel = (core, c, y, x) => {
  const F = core.F;
  const st = core.state;
  const w = core.weights;
  const spikes = core.spikes;
  const thr = core.thrHigh;
  const low = core.thrLow;
  const rtz = core.returnToZero;
  const r0 = core.rowStart[y]!;
  const r1 = core.rowStart[y + 1]!;
  const q0 = core.colStart[x]!;
  const q1 = core.colStart[x + 1]!;
  const rowW = core.rowWeight;
  const rowS = core.rowState;
  const colW = core.colWeight;
  const colS = core.colState;
  const wc = c * core.weightsPerInput;
  let n = 0;
  for (let r = r0; r < r1; r++) {
    const wr = wc + rowW[r]!;
    const sr = rowS[r]!;
    for (let q = q0; q < q1; q++) {
      const sb = sr + colS[q]!;
      const end = sb + F;
      // Same rule as updateNeuron with two comparisons on the common path: a sum above
      // 32767 is >= threshold_high (<= 32767), so the upper clamp lives in the spike
      // branch; a sum below -32768 is below threshold_low (>= -32768), so the floor
      // covers the lower clamp.
      for (let si = sb, wi = wr + colW[q]!; si < end; si++, wi++) {
        let v = st[si]! + w[wi]!;
        if (v >= thr) {
          if (v > 32767) v = 32767;
          spikes[n++] = si;
          v = rtz ? 0 : v - thr;
          if (v < low) v = low;
        } else if (v < low) v = low;
        st[si] = v;
      }
    }
  }
  core.updates += (r1 - r0) * (q1 - q0) * F;
  return n;
};

/** Any update rule, killed weights honoured. */
export function generalEventKernel(rule: UpdateRule): EventKernel {
  const wrap = rule.wrap;
  return (core, c, y, x) => {
    const F = core.F;
    const st = core.state;
    const w = core.weights;
    const kill = core.weightKill;
    const spikes = core.spikes;
    const thr = core.thrHigh;
    const low = core.thrLow;
    const rtz = core.returnToZero;
    const r0 = core.rowStart[y]!;
    const r1 = core.rowStart[y + 1]!;
    const q0 = core.colStart[x]!;
    const q1 = core.colStart[x + 1]!;
    const wc = c * core.weightsPerInput;
    let n = 0;
    let updates = 0;
    for (let r = r0; r < r1; r++) {
      const wr = wc + core.rowWeight[r]!;
      const sr = core.rowState[r]!;
      for (let q = q0; q < q1; q++) {
        const wb = wr + core.colWeight[q]!;
        const sb = sr + core.colState[q]!;
        for (let f = 0; f < F; f++) {
          if (kill !== null && kill[wb + f] !== 0) continue;
          updates++;
          const si = sb + f;
          let v = st[si]! + w[wb + f]!;
          v = wrap ? (v << 16) >> 16 : v > 32767 ? 32767 : v < -32768 ? -32768 : v;
          if (v >= thr) {
            spikes[n++] = si;
            v = rtz ? 0 : v - thr;
          }
          if (v < low) v = low;
          st[si] = v;
        }
      }
    }
    core.updates += updates;
    return n;
  };
}

/** One update of state index si by w; returns true when the neuron spiked. */
function updateNeuron(core: CoreRuntime, si: number, w: number, wrap: boolean, canSpike: boolean): boolean {
  let v = core.state[si]! + w;
  v = wrap ? (v << 16) >> 16 : v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  let spiked = false;
  if (canSpike && v >= core.thrHigh) {
    spiked = true;
    v = core.returnToZero ? 0 : v - core.thrHigh;
  }
  if (v < core.thrLow) v = core.thrLow;
  core.state[si] = v;
  return spiked;
}

/**
 * One slow-clock tick: bias[f] added to every neuron of channel f, in canonical order.
 * Writes canonical keys of spiking neurons to `out` (capacity: neuron count); returns count.
 */
export function leakKernel(core: CoreRuntime, rule: UpdateRule, out: Int32Array): number {
  const { F, Fs, H, W } = core;
  const hw = H * W;
  let n = 0;
  for (let f = 0; f < F; f++) {
    if (core.biasKill !== null && core.biasKill[f] !== 0) continue;
    const b = core.biases[f]!;
    for (let p = 0; p < hw; p++) {
      if (updateNeuron(core, p * Fs + f, b, rule.wrap, rule.leakCanSpike)) out[n++] = f * hw + p;
    }
    core.updates += hw;
  }
  return n;
}

/**
 * Resumable form of the event kernel for cores on a routing cycle (depth-first order
 * must deliver each spike before the next update). Walks the affected neurons in
 * canonical order starting at position j; stops right after the first spike and returns
 * the position to resume from, with the spike's canonical key in `spikeKey[0]`.
 * Returns -1 when the event is finished.
 */
export function resumeEvent(core: CoreRuntime, rule: UpdateRule, c: number, y: number, x: number, j: number, spikeKey: Int32Array): number {
  const F = core.F;
  const r0 = core.rowStart[y]!;
  const nr = core.rowStart[y + 1]! - r0;
  const q0 = core.colStart[x]!;
  const nq = core.colStart[x + 1]! - q0;
  const per = nr * nq;
  const total = F * per;
  const wc = c * core.weightsPerInput;
  for (; j < total; j++) {
    const f = (j / per) | 0;
    const rem = j - f * per;
    const ri = r0 + ((rem / nq) | 0);
    const qi = q0 + (rem % nq);
    const wi = wc + core.rowWeight[ri]! + core.colWeight[qi]! + f;
    if (core.weightKill !== null && core.weightKill[wi] !== 0) continue;
    core.updates++;
    const si = core.rowState[ri]! + core.colState[qi]! + f;
    if (updateNeuron(core, si, core.weights[wi]!, rule.wrap, true)) {
      spikeKey[0] = f * core.H * core.W + core.rowOut[ri]! * core.W + core.colOut[qi]!;
      return j + 1;
    }
  }
  return -1;
}

/** Resumable leak tick (see resumeEvent): position j runs over canonical keys. */
export function resumeLeak(core: CoreRuntime, rule: UpdateRule, j: number, spikeKey: Int32Array): number {
  const { F, Fs, H, W } = core;
  const hw = H * W;
  const total = F * hw;
  for (; j < total; j++) {
    const f = (j / hw) | 0;
    if (core.biasKill !== null && core.biasKill[f] !== 0) continue;
    core.updates++;
    if (updateNeuron(core, (j - f * hw) * Fs + f, core.biases[f]!, rule.wrap, rule.leakCanSpike)) {
      spikeKey[0] = j;
      return j + 1;
    }
  }
  return -1;
}
