// An input too long to hold in memory: its events arrive in batches as a reader produces
// them (a file read in a worker thread, batch by batch, as fast as the device takes them).
// What is known before the first batch (how many events, their time span) comes from a
// first pass over the source, so a run can show its total and check for an empty input.

import type { SpikeBatch } from './spike-batch.js';

export interface EventStream {
  /** Events the stream will deliver. */
  readonly total: number;
  /** Timestamps of the first and last event (µs), null when there are none. */
  readonly firstUs: number | null;
  readonly lastUs: number | null;
  /** The batches, in time order; iterate once. Ending the iteration early closes the stream. */
  batches(): AsyncIterable<SpikeBatch>;
  /** Releases the reader (safe to call more than once, and when batches() was never iterated). */
  close(): void;
}
