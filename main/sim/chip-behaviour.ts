// Every chip behaviour the sources leave "not established" (chip.md), named in one place
// with the recommended choice as the default. The engines read these options and
// nothing else decides such a question. This module holds no simulation code.

export type StateOverflow = 'saturate' | 'wrap';
export type ZeroWeightUpdate = 'by-family' | 'always-update' | 'always-skip';
export type TickOrder = 'ticks-first' | 'events-first';
export type DecimatorDivisor = 'power-of-two' | 'overview-table';
export type DecimatorPass = 'last-of-n' | 'first-of-n';
export type HostDvsInput = 'always' | 'with-pass-sensor-events';

export interface ChipBehaviour {
  /**
   * chip.md §9.2 "Overflow of the 16-bit state": after adding a weight or bias the state
   * is clamped to [-32768, 32767] ('saturate', recommended) or wraps around like a
   * 16-bit register ('wrap').
   */
  readonly stateOverflow: StateOverflow;
  /**
   * chip.md §9.2 "Zero-weight updates" and §7 (kill bits). 'by-family' (recommended):
   * on families that write kill bits (DYNAP-CNN, Speck2, Speck2b) a killed weight (or
   * bias) produces no update at all; elsewhere a zero weight is a normal update that
   * runs the threshold check (so a neuron sitting above threshold spikes late).
   * 'always-update' ignores kill bits; 'always-skip' treats every zero as killed.
   */
  readonly zeroWeightUpdate: ZeroWeightUpdate;
  /**
   * chip.md §9.3 "Whether a leak update can make a neuron spike": true (recommended)
   * runs leak ticks through the same update rule as weights, so a positive bias can
   * spike; false adds the bias, saturates and floors, but never spikes.
   */
  readonly leakCanSpike: boolean;
  /**
   * chip.md §9.3 says every bias is added once per tick but not in which order the cores
   * do it. 'core-ascending' (only choice): core 0 first; in depth-first order the spikes a
   * core's leak causes are followed through before the next core leaks.
   */
  readonly leakOrder: 'core-ascending';
  /**
   * chip.md §10: slow-clock tick k (k = 1, 2, ...) happens at k·1e6/f µs (rounded up to
   * whole µs). 'ticks-first' (recommended): a tick is processed before input events with
   * an equal timestamp; 'events-first': after them.
   */
  readonly tickOrder: TickOrder;
  /**
   * chip.md §8 feature_shift arithmetic: feature_out = feature + feature_shift, and the
   * event is dropped if that is >= the destination's input channels. No alternative is
   * implemented (a wrap-around reading has no source).
   */
  readonly featureShift: 'add-drop-overflow';
  /**
   * chip.md §8: a pooled coordinate outside the destination's input map (map size not
   * divisible by the pooling) is dropped, like PyTorch's floor mode. Only choice.
   */
  readonly pooledOutOfRange: 'drop';
  /**
   * chip.md §16: order of neuron updates caused by one input event: output channel
   * ascending, then output row, then output column. Only choice.
   */
  readonly neuronUpdateOrder: 'channel-row-column';
  /**
   * chip.md §12: after the ROI check, coordinates are re-based to the ROI origin, then
   * mirrored within the ROI size (x' = W_roi − 1 − x), then x/y swapped
   * (mirror_diagonal). Only choice (it is the reference's software model).
   */
  readonly dvsRoi: 'rebase-mirror-swap';
  /**
   * chip.md §11: the DVS monitor (layer 13) shows events after polarity selection,
   * pooling, ROI and mirroring. Only choice.
   */
  readonly dvsMonitorTap: 'post-processing';
  /**
   * chip.md §14: decimator interval code → N. 'power-of-two' (recommended): N = 2^(code+1);
   * 'overview-table': N from the list {2,4,8,16,32,128,256,512} of overview.md.
   */
  readonly decimatorDivisor: DecimatorDivisor;
  /**
   * chip.md §14 says the decimator "passes 1 of every N" without saying which one.
   * 'last-of-n' (default): spikes N, 2N, ... pass; 'first-of-n': spikes 1, N+1, ... pass.
   */
  readonly decimatorPass: DecimatorPass;
  /**
   * chip.md §14 places the decimator "at each core's output" and §11 lets monitoring tap
   * the neuron output; their relative order is not documented. true (default): the
   * monitor sees the decimated stream (what the core sends on); false: every spike.
   */
  readonly decimatorBeforeMonitor: boolean;
  /**
   * chip.md §12 says `pass_sensor_events` feeds the *pixel array's* events into the DVS
   * layer; whether DvsEvents written by the host (§15) enter when it is off is not
   * established. 'always' (default): host events enter regardless — the virtual devkit has
   * no sensor, and a model whose input pooling runs in the DVS layer (dvs_input off) must
   * still take input; 'with-pass-sensor-events': they are dropped like sensor events.
   */
  readonly hostDvsInput: HostDvsInput;
}

export const DEFAULT_CHIP_BEHAVIOUR: ChipBehaviour = Object.freeze({
  stateOverflow: 'saturate',
  zeroWeightUpdate: 'by-family',
  leakCanSpike: true,
  leakOrder: 'core-ascending',
  tickOrder: 'ticks-first',
  featureShift: 'add-drop-overflow',
  pooledOutOfRange: 'drop',
  neuronUpdateOrder: 'channel-row-column',
  dvsRoi: 'rebase-mirror-swap',
  dvsMonitorTap: 'post-processing',
  decimatorDivisor: 'power-of-two',
  decimatorPass: 'last-of-n',
  decimatorBeforeMonitor: true,
  hostDvsInput: 'always',
});

/** Defaults overridden by the given fields. */
export function chipBehaviour(overrides: Partial<ChipBehaviour> = {}): ChipBehaviour {
  return Object.freeze({ ...DEFAULT_CHIP_BEHAVIOUR, ...overrides });
}

const OVERVIEW_DECIMATOR_TABLE = [2, 4, 8, 16, 32, 128, 256, 512] as const;

/** Spikes per passed spike for a 3-bit interval code (chip.md §14). */
export function decimatorDivisor(code: number, divisor: DecimatorDivisor): number {
  if (!Number.isInteger(code) || code < 0 || code > 7) {
    throw new RangeError(`output_decimator_interval must be a 3-bit code 0..7, got ${code}`);
  }
  return divisor === 'power-of-two' ? 2 ** (code + 1) : OVERVIEW_DECIMATOR_TABLE[code]!;
}
