// One core's simulation state and load-time constants: the 16-bit membrane array,
// the weights re-laid out for the event kernel, and the tables that say which outputs an
// input position reaches. Built once from a validated CnnLayerConfig; the kernels in
// core-kernel.ts read it. It holds no routing, timing or counting logic beyond the
// per-core counters the kernels bump.

import type { CnnLayerConfig } from '../chips/chip-config.js';

/** Internal layouts (not samna's): chosen so the kernel's innermost loop is contiguous.
 *  - weights / kill mask: [in c][ky][kx][out f], f padded to the stride Fs
 *  - state: [oy][ox][f], f padded to Fs (Fs = F rounded up to the kernel's lane width;
 *    padding lanes have weight 0 and never spike)
 *  The canonical neuron key used for ordering and addressing is f·H·W + oy·W + ox. */
export interface CoreDestinationRuntime {
  /** Target core id. */
  readonly core: number;
  readonly pooling: number;
  /** log2(pooling): pooling is 1, 2 or 4. */
  readonly poolShift: number;
  readonly featureShift: number;
}

export class CoreRuntime {
  readonly inC: number;
  readonly inH: number;
  readonly inW: number;
  /** Output (neuron) channels, rows, columns. */
  readonly F: number;
  readonly H: number;
  readonly W: number;
  /** Stride of the f axis in state and weights (>= F). */
  readonly Fs: number;
  readonly k: number;
  readonly strideX: number;
  readonly strideY: number;
  readonly padX: number;
  readonly padY: number;
  readonly thrHigh: number;
  readonly thrLow: number;
  readonly returnToZero: boolean;
  readonly leak: boolean;
  readonly monitor: boolean;
  readonly destinations: readonly CoreDestinationRuntime[];
  /** 0 = decimator off, else passes 1 of every N spikes. */
  readonly decimatorN: number;
  decimatorCount = 0;

  /** [c][ky][kx][f] */
  readonly weights: Int16Array;
  /** Same layout as weights; 1 = no update. null when nothing is killed. */
  readonly weightKill: Uint8Array | null;
  readonly biases: Int32Array;
  readonly biasKill: Uint8Array | null;
  /** [oy][ox][f]; replaceable by a view of the same size elsewhere (moveState). */
  state: Int16Array;
  /** Weights per input channel: k·k·Fs. */
  readonly weightsPerInput: number;

  /** Input row y reaches table entries rowStart[y] .. rowStart[y+1]-1 (oy ascending). */
  readonly rowStart: Int32Array;
  /** Per entry: ky·k·F (weight offset) and oy·W·F (state offset), and oy itself. */
  readonly rowWeight: Int32Array;
  readonly rowState: Int32Array;
  readonly rowOut: Int32Array;
  readonly colStart: Int32Array;
  /** Per entry: kx·F, ox·F, ox. */
  readonly colWeight: Int32Array;
  readonly colState: Int32Array;
  readonly colOut: Int32Array;

  /** Spiking state indices of the last kernel call (capacity: the most outputs one event reaches). */
  spikes: Int32Array;
  /** Neuron updates (synaptic operations) performed so far. */
  updates = 0;
  /** The core lies on a routing cycle: depth-first order needs the resumable kernel. */
  onCycle = false;

  constructor(
    readonly core: number,
    cfg: CnnLayerConfig,
    destinations: readonly CoreDestinationRuntime[],
    decimatorN: number,
    killMode: 'mask' | 'none' | 'zeros',
    /** The f stride is rounded up to a multiple of this (SIMD kernels want 8). */
    laneWidth = 1,
  ) {
    const d = cfg.dimensions;
    this.inC = d.input_shape.feature_count;
    this.inH = d.input_shape.size.y;
    this.inW = d.input_shape.size.x;
    this.F = d.output_shape.feature_count;
    this.H = d.output_shape.size.y;
    this.W = d.output_shape.size.x;
    this.Fs = Math.ceil(this.F / laneWidth) * laneWidth;
    this.k = d.kernel_size;
    this.strideX = d.stride.x;
    this.strideY = d.stride.y;
    this.padX = d.padding.x;
    this.padY = d.padding.y;
    this.thrHigh = cfg.threshold_high;
    this.thrLow = cfg.threshold_low;
    this.returnToZero = cfg.return_to_zero;
    this.leak = cfg.leak_enable;
    this.monitor = cfg.monitor_enable;
    this.destinations = destinations;
    this.decimatorN = decimatorN;

    const { F, Fs, k, inC } = this;
    this.weightsPerInput = k * k * Fs;
    this.weights = new Int16Array(inC * k * k * Fs);
    const wKill = new Uint8Array(this.weights.length);
    let anyKilled = false;
    // samna order [f][c][x][y]  ->  [c][ky][kx][f]
    for (let f = 0; f < F; f++) {
      for (let c = 0; c < inC; c++) {
        for (let kx = 0; kx < k; kx++) {
          for (let ky = 0; ky < k; ky++) {
            const src = ((f * inC + c) * k + kx) * k + ky;
            const dst = ((c * k + ky) * k + kx) * Fs + f;
            const w = cfg.weights[src]!;
            this.weights[dst] = w;
            const killed =
              killMode === 'mask' ? (cfg.weights_kill_bit ? cfg.weights_kill_bit[src] !== 0 : w === 0) : killMode === 'zeros' ? w === 0 : false;
            if (killed) {
              wKill[dst] = 1;
              anyKilled = true;
            }
          }
        }
      }
    }
    this.weightKill = anyKilled ? wKill : null;

    this.biases = new Int32Array(F);
    const bKill = new Uint8Array(F);
    let anyBiasKilled = false;
    for (let f = 0; f < F; f++) {
      const b = cfg.biases.length === F ? cfg.biases[f]! : 0;
      this.biases[f] = b;
      const killed = killMode === 'mask' ? (cfg.biases_kill_bit ? cfg.biases_kill_bit[f] !== 0 : b === 0) : killMode === 'zeros' ? b === 0 : false;
      if (killed) {
        bKill[f] = 1;
        anyBiasKilled = true;
      }
    }
    this.biasKill = anyBiasKilled ? bKill : null;

    this.state = new Int16Array(Fs * this.H * this.W);
    this.loadInitialState(cfg.neurons_initial_value);

    const rows = reachTable(this.inH, this.H, k, this.strideY, this.padY);
    this.rowStart = rows.start;
    this.rowOut = rows.out;
    this.rowWeight = Int32Array.from(rows.kernel, (ky) => ky * k * Fs);
    this.rowState = Int32Array.from(rows.out, (oy) => oy * this.W * Fs);
    const cols = reachTable(this.inW, this.W, k, this.strideX, this.padX);
    this.colStart = cols.start;
    this.colOut = cols.out;
    this.colWeight = Int32Array.from(cols.kernel, (kx) => kx * Fs);
    this.colState = Int32Array.from(cols.out, (ox) => ox * Fs);

    let maxRows = 0;
    for (let y = 0; y < this.inH; y++) maxRows = Math.max(maxRows, this.rowStart[y + 1]! - this.rowStart[y]!);
    let maxCols = 0;
    for (let x = 0; x < this.inW; x++) maxCols = Math.max(maxCols, this.colStart[x + 1]! - this.colStart[x]!);
    this.spikes = new Int32Array(Math.max(1, Fs * maxRows * maxCols));
  }

  /** Neurons of the map (F·H·W, padding excluded). */
  get neuronCount(): number {
    return this.F * this.H * this.W;
  }

  /** Moves the state into `view` (same length; e.g. memory a native kernel works on), keeping its values. */
  moveState(view: Int16Array): void {
    if (view.length !== this.state.length) throw new RangeError(`state view has ${view.length} entries, core ${this.core} needs ${this.state.length}`);
    view.set(this.state);
    this.state = view;
  }

  /** Moves the spike list into `view` (same length). */
  moveSpikes(view: Int32Array): void {
    if (view.length !== this.spikes.length) throw new RangeError(`spike view has ${view.length} entries, core ${this.core} needs ${this.spikes.length}`);
    this.spikes = view;
  }

  /** neurons_initial_value is samna [f][x][y]; an empty array means zeros. */
  loadInitialState(initial: Int16Array): void {
    const { F, Fs, H, W } = this;
    this.state.fill(0);
    if (initial.length === 0) return;
    for (let f = 0; f < F; f++) {
      for (let x = 0; x < W; x++) {
        for (let y = 0; y < H; y++) {
          this.state[(y * W + x) * Fs + f] = initial[(f * W + x) * H + y]!;
        }
      }
    }
  }

  /** State as a fresh [f][y][x] array (PyTorch order), for tests and inspection. */
  stateChw(): Int16Array {
    const { F, Fs, H, W } = this;
    const out = new Int16Array(F * H * W);
    for (let f = 0; f < F; f++) {
      for (let p = 0; p < H * W; p++) out[f * H * W + p] = this.state[p * Fs + f]!;
    }
    return out;
  }

  stateAt(f: number, y: number, x: number): number {
    return this.state[(y * this.W + x) * this.Fs + f]!;
  }
}

/**
 * For each input coordinate along one axis, the (kernel index, output index) pairs it
 * reaches: out·stride − pad + kIndex = in, 0 <= out < outSize. Entries are sorted by
 * output index ascending (so the resumable kernel walks rows/columns in order).
 */
function reachTable(inSize: number, outSize: number, k: number, stride: number, pad: number) {
  const start = new Int32Array(inSize + 1);
  const kernel: number[] = [];
  const out: number[] = [];
  for (let i = 0; i < inSize; i++) {
    start[i] = kernel.length;
    for (let ki = k - 1; ki >= 0; ki--) {
      const num = i + pad - ki;
      if (num < 0 || num % stride !== 0) continue;
      const o = num / stride;
      if (o >= outSize) continue;
      kernel.push(ki);
      out.push(o);
    }
  }
  start[inSize] = kernel.length;
  return { start, kernel, out: Int32Array.from(out) };
}
