// What a forward run (events in, monitored events out) takes and gives, for every driver
// and for the simulator's worker thread alike.

import type { SpikeBatch } from '../common/spike-batch.js';

export interface ForwardProgress {
  eventsIn: number;
  /** Total input events when known in advance. */
  totalIn?: number;
  eventsOut: number;
  /** Timestamp (µs) of the last processed input event. */
  timeUs: number;
}

export interface ForwardOptions {
  /** Receives output (monitored) events as they are produced; when given, the result holds no events. */
  onOutput?: (batch: SpikeBatch) => void;
  onProgress?: (progress: ForwardProgress) => void;
  signal?: AbortSignal;
}

export interface ForwardStats {
  eventsIn: number;
  eventsOut: number;
  /** Neuron updates (one synaptic operation each). */
  synapticOps: number;
  /** Per core: events received, spikes produced, events dropped (out of range, feature shift). */
  perCore: Array<{ core: number; eventsIn: number; spikesOut: number; dropped: number }>;
  wallMs: number;
}

export interface ForwardResult {
  stats: ForwardStats;
  /** Output events when no `onOutput` was given. */
  output: SpikeBatch | null;
  cancelled: boolean;
}
